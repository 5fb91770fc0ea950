"""A resize at a feedback pause and at a debrief key question (issue 13, hand play at tmux 80x24).

Only a case's own decision prompts drew the screen again after SIGWINCH: shrunk from 120 to 80
columns at practice mode's "press any key" under an option's feedback, or at a debrief key
question's answer, the rows drawn at 120 columns were cut (pyte, xterm) or rewrapped mid-word
(tmux). Those prompts now draw the end of what was shown again at the new width, as the decision
prompts do, and keep what was typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import scenario_factory as f
from screen import ENTER, Terminal, mid_word_breaks, next_prompt, words

WHY = (
    "Asking the caller where the girl is now, and who is with her, comes before anything else: "
    "a child who has said twice that she wants to go home is at risk while the door stays shut."
)
QUESTION = (
    "What should the first officer at the door have asked the girl, and the adults in the flat, "
    "before deciding that nobody there needed to be spoken to again that night?"
)
KEYS = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "pause": ENTER}


def one_decision(tmp_path: Path) -> Path:
    """One decision with long feedback, then the end; a key question longer than 80 columns."""
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}], feedback=WHY) for i in range(2)]
    nodes = {"begin": {"type": "decision", "title": "The call", "prompt": "What do you do first?", "options": options}, "done": f.end()}
    doc = f.scenario(nodes)
    doc["case"]["key_questions"]["officer"][0]["question"] = QUESTION
    folder = tmp_path / "pauses"
    folder.mkdir()
    f.write(folder, doc, "01-pauses.yaml")
    return folder


def play_until(term: Terminal, wanted: str, shown: str) -> None:
    """Answer every prompt (option 1, yes, any key) until the prompt ``wanted`` waits with ``shown`` on screen."""
    before = ""
    while (kind := next_prompt(term, before)) != wanted or shown not in words(term.text()):
        assert kind is not None, term.text()
        before = term.text()
        term.send(KEYS[kind])


def start(terminal, tmp_path: Path) -> Terminal:
    folder = one_decision(tmp_path)
    args = ["--scenarios", str(folder), "run", "factory-case", "--track", "officer", "--mode", "practice"]
    return terminal([*args, "--learner", "AB1", "--name", "Al Smith", "--rich"], 120, 40)


def test_feedback_under_a_waiting_pause_follows_the_new_width(terminal, tmp_path) -> None:
    term = start(terminal, tmp_path)
    play_until(term, "pause", "Recommended (5 of 5 points)")
    assert words(WHY) in words(term.text()) and any(len(row) > 80 for row in term.rows()), term.text()
    term.resize(80, 24)
    term.wait_for(r"\s+".join(re.escape(word) for word in WHY.split()))  # whole again, however it is wrapped
    term.settle(0.5)
    rows = term.rows()
    assert words(WHY) in words(" ".join(rows)), term.text()
    assert not mid_word_breaks(rows, 80) and all(len(row) <= 80 for row in rows), term.text()
    assert "Press any key to continue" in words(term.text()), term.text()
    term.send(ENTER)
    assert next_prompt(term, term.text()) is not None, term.text()


def test_a_debrief_key_question_follows_the_new_width_and_keeps_the_answer_typed(terminal, tmp_path) -> None:
    term = start(terminal, tmp_path)
    play_until(term, "text", "Key question 1 of 1")
    term.send("The girl first")
    term.wait_for(r"Your answer: The girl first")
    assert any(len(row) > 80 and row.startswith("╭") for row in term.rows()), term.text()  # drawn at 120 columns
    term.resize(80, 24)
    term.wait_for(r"^╭─+ Key question 1 of 1 ─+╮$")
    term.settle(0.5)
    rows = term.rows()
    panel = [row for row in rows if row and row[0] in "╭│╰"]
    assert panel and all(row[-1:] in "╮│╯" and len(row) == len(panel[0]) <= 80 for row in panel), term.text()  # every row of the panel whole
    assert words(QUESTION) in words(" ".join(row.strip("│ ") for row in panel)), term.text()
    assert any(row.startswith("? Your answer: The girl first") for row in rows), term.text()  # what was typed is kept
    term.send(", then the adults" + ENTER)
    term.wait_for("The girl first, then the adults")
