"""A resume at the debrief's key questions, checked on a real pty with pyte (issue 13, hand play).

A stop at the debrief's first key question was resumed with the last decision's feedback and the
whole ending again, where a stop at a later one says where the learner is and offers the debrief.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import scenario_factory as f
from screen import CTRL_C, ENTER, RESUME_HINT, Terminal, next_prompt, words

KEYS = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "pause": ENTER}


def three_questions(tmp_path: Path) -> Path:
    """A one-decision case whose officer track has three key questions, all asked in the debrief."""
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}]) for i in range(2)]
    nodes = {"begin": {"type": "decision", "title": "Choose", "prompt": "What do you do first?", "options": options}, "done": f.end()}
    doc = f.numbered_questions(f.scenario(nodes), "officer", 3)
    folder = tmp_path / "three"
    folder.mkdir()
    f.write(folder, doc, "01-three.yaml")
    return folder


def stop_at_the_first_question(term: Terminal) -> str:
    """Play to the debrief's first key question and press Ctrl-C there; the attempt's short id."""
    before = ""
    while (kind := next_prompt(term, before)) != "text":
        assert kind is not None, term.text()
        before = term.text()
        term.send(KEYS[kind])
    assert "Key question 1 of 3" in words(term.text()), term.text()
    term.send(CTRL_C)
    found = term.wait_for(RESUME_HINT)
    assert term.wait_exit() == 130
    return found.group(1)


@pytest.mark.parametrize("mode", ["practice", "assessed"])
def test_a_resume_at_the_first_key_question_says_so_and_offers_the_debrief(terminal, tmp_path, mode) -> None:
    """`resume ID` after Ctrl-C at key question 1 of 3 replayed the decision's feedback (practice)
    and the ending with its four parts; at key question 2 or 3 it says where the learner is and
    offers them. The first now does the same: "n" goes straight to the question."""
    folder = three_questions(tmp_path)
    args = ["--scenarios", str(folder), "run", "factory-case", "--track", "officer", "--mode", mode]
    attempt = stop_at_the_first_question(terminal([*args, "--learner", "AB1", "--name", "Alex Smith", "--rich"]))
    resumed = terminal(["--scenarios", str(folder), "resume", attempt, "--rich"])
    assert next_prompt(resumed, "") == "confirm", resumed.text()
    shown = words(resumed.text())
    assert "You are at key question 1 of 3 of the debrief" in shown and "See the ending and the debrief again" in shown, shown
    before = resumed.text()
    resumed.send("n" + ENTER)
    assert next_prompt(resumed, before) == "text", resumed.text()
    history = words(" ".join(resumed.history_rows()))
    assert "Key question 1 of 3" in words(resumed.text()) and "Key question number 1?" in words(resumed.text())
    assert "Ending: The end" not in history and "Debrief: your result" not in history, history
    assert "Press any key" not in history, history  # no feedback, ending or debrief part to press through
    resumed.send(CTRL_C)
    assert resumed.wait_exit() == 130
