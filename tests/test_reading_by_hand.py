"""Reading the case at 80x24 in rich mode (issue 13, hand play), checked on a real pty with pyte.

Each test is one screen a hand tester saw go wrong: the case's heading and role scrolled away by
the first passage, an empty row left by every "more" splitting panels and sentences, a resume at a
key question replaying the whole debrief, key questions with no count, a page that ended with a
"the end" pause right before the block's own prompt, and `support` leaving only its last group.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import scenario_factory as f
from screen import CTRL_C, ENTER, RESUME_HINT, ROOT, Terminal, next_prompt, words

from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.support import SUPPORT

MORE = r"— lines (\d+) to (\d+) of (\d+)(, the end)?\. Press any key (for more|to continue) —"
KEYS = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "pause": ENTER}
KEYS |= {"text": "Who the men were and why she was there" + ENTER}
CASES = {4: "04-suspect-phone-seizure", 9: "09-safer-schools-officer", 10: "10-control-room-response-delay"}


def run(case: int | str, track: str, *extra: str) -> list[str]:
    return ["run", str(case), "--track", track, "--learner", "AB1", "--name", "Alex Smith", "--rich", *extra]


def past_the_content_note(term: Terminal) -> None:
    term.wait_for(r"continue with this case study\? \(y/n\)")
    term.settle(0.1)
    term.send("y" + ENTER)


@pytest.mark.parametrize(("case", "track"), [(4, "officer"), (10, "manager")])
def test_the_case_heading_and_role_are_on_screen_at_the_first_prompt(terminal, case, track) -> None:
    """`run 4 --track officer`, y Enter: the top line was already "Track: officer...", the heading
    and "You are a detective..." had scrolled away under the first passage with no pause."""
    scenario = load_scenario(ROOT / "scenarios" / f"{CASES[case]}.yaml")
    term = terminal(run(case, track))
    past_the_content_note(term)
    assert next_prompt(term, term.text()) is not None
    shown = words(term.text())
    assert f"Case study {case}: {scenario.title}" in shown, term.text()
    assert words(scenario.role(track)) in shown, term.text()


def test_a_page_goes_on_from_the_row_its_more_stood_on(terminal) -> None:
    """After "— lines 1 to 21 of N —" the next page began with an empty row, splitting the panel."""
    term = terminal(run(4, "officer"))
    past_the_content_note(term)
    term.wait_for(MORE)
    term.settle(0.15)
    term.send(ENTER)
    term.wait_for("Press any key to continue$")
    term.settle(0.15)
    rows = term.history_rows()
    top = next(n for n, row in enumerate(rows) if row.startswith("╭") and "The intelligence" in row)
    bottom = next(n for n in range(top, len(rows)) if rows[n].startswith("╰"))
    inside = rows[top + 1 : bottom]
    assert inside and all(row.startswith("│") for row in inside), "\n".join(rows[top : bottom + 1])


def three_questions(tmp_path: Path) -> Path:
    """A short case whose officer track has three key questions, all asked in the debrief."""
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}]) for i in range(2)]
    nodes = {"begin": {"type": "decision", "title": "Choose", "prompt": "What do you do first?", "options": options}, "done": f.end()}
    doc = f.scenario(nodes)
    points = ["one", "two", "three"]
    doc["case"]["key_questions"]["officer"] = [{"id": f"q{n}", "question": f"Key question number {n}?", "model_points": list(points)} for n in (1, 2, 3)]
    folder = tmp_path / "three"
    folder.mkdir()
    f.write(folder, doc, "01-three.yaml")
    return folder


def to_the_third_question(term: Terminal) -> list[str]:
    """Play to the third key question's answer, then Ctrl-C; the screens at each written answer."""
    asked, before = [], ""
    while (kind := next_prompt(term, before)) is not None:
        if kind == "text" and not waiting_for_text(term):  # the answer just given, echoed: the next prompt is still to come
            before = term.text()
            continue
        if kind == "text":
            asked.append(term.text())
            if len(asked) == 3:
                term.send(CTRL_C)
                return asked
        before = term.text()
        term.send(KEYS[kind])
    raise AssertionError(f"the case ended before its third key question; screen:\n{term.text()}")


def waiting_for_text(term: Terminal) -> bool:
    rows = [r for r in term.rows() if r.strip()]
    return bool(rows) and rows[-1].strip() == "? Your answer:"


@pytest.mark.parametrize("again", ["n", "y"])
def test_a_resume_at_a_key_question_says_so_and_offers_the_debrief(terminal, tmp_path, again) -> None:
    """Ctrl-C at the third key question, then `resume ID`: the ending and the whole debrief came
    again (14 key presses at case 7), and the recap said "You are at step 9". The debrief is offered."""
    folder = three_questions(tmp_path)
    term = terminal(["--scenarios", str(folder), *run("factory-case", "officer")])
    asked = to_the_third_question(term)
    found = term.wait_for(RESUME_HINT)
    assert term.wait_exit() == 130
    assert [f"Key question {n} of 3" in s for n, s in enumerate(asked, 1)] == [True] * 3, asked
    resumed = terminal(["--scenarios", str(folder), "resume", found.group(1), "--rich"])
    assert next_prompt(resumed, "") == "confirm"
    shown = words(resumed.text())
    assert "You are at key question 3 of 3" in shown and "See the ending and the debrief again" in shown, resumed.text()
    resumed.send(again + ENTER)
    kinds = []
    before = resumed.text()
    while (kind := next_prompt(resumed, before)) != "text":
        assert kind is not None, resumed.text()
        kinds.append(kind)
        before = resumed.text()
        resumed.send(KEYS[kind])
    history = words(" ".join(resumed.history_rows()))
    assert "Key question 3 of 3" in words(resumed.text()) and "Key question number 3?" in words(resumed.text())
    if again == "n":  # straight to it: no key to press between the offer and the question
        assert kinds == [] and "Debrief: your result" not in history, history
    else:  # the ending's pause and the four parts' (each erased once pressed)
        assert kinds == ["pause"] * 5 and "Ending: The end" in history and "Debrief: your result" in history, history
    resumed.send(CTRL_C)
    assert resumed.wait_exit() == 130


def test_case_9_manager_counts_its_key_questions_and_never_pauses_twice(terminal) -> None:
    """Case 9's manager has seven key questions in its debrief and none said which it was; and its
    references ended "— lines ... the end. Press any key to continue —" right before "part 4 of 4"."""
    term = terminal(run(9, "manager"))
    asked: list[str] = []
    pauses: list[str] = []
    before = ""
    while (kind := next_prompt(term, before)) is not None:
        if kind == "text" and not waiting_for_text(term):
            before = term.text()
            continue
        shown = words(" ".join(r for r in term.rows() if r.strip()))
        if kind == "text":
            asked.append(shown)
        if kind == "pause":
            pauses.append(words(" ".join(r for r in term.rows()[-4:] if r.strip())))
        before = term.text()
        term.send(KEYS[kind])
    assert term.wait_exit() == 0
    debrief = [s for s in asked if re.search(r"Key question \d+ of 7", s)]
    assert [re.findall(r"Key question (\d+) of 7", s)[-1] for s in debrief] == [str(n) for n in range(1, 8)], debrief
    summary = r"Score \d+ of \d+ \([\d.]+%\), pass mark \d+%: (NOT )?PASSED"
    assert all(re.search(summary + r"(, a critical failure)? ╭─+ Key question \d+ of 7", s) for s in debrief), "\n\n".join(debrief)  # the result just above each
    assert not [p for p in pauses if "the end" in p], pauses


def test_a_block_whose_rest_fits_a_page_but_not_its_prompt_ends_on_that_prompt() -> None:
    """The pager's own arithmetic for the case above: 42 rows before a prompt of 4 at 24 rows."""
    from rich.console import Console

    from ltl_quiz.ui.pager import Pager

    said: list[str] = []
    ask = SimpleNamespace(pages=True, pause=lambda key, message: said.append(message))
    out = io.StringIO()
    console = Console(file=out, width=80, height=24, force_terminal=True)
    drawn = "".join(f"Line {n} of the references.\n" for n in range(1, 43))
    Pager(SimpleNamespace(console=console, plain=False), ask).show("part", drawn, room=4)
    assert said and not [s for s in said if "the end" in s], said
    assert said[-1].startswith("— lines 22 to ")  # the rest, and then only the block's own prompt
    last = int(re.search(r"to (\d+) of", said[-1]).group(1))  # type: ignore[union-attr]
    assert 42 - last + 4 <= 24


def test_support_comes_a_screen_at_a_time_with_the_most_urgent_first(terminal) -> None:
    """At 80x24 `support` left "Other resources" in view; the intro, Samaritans and NAPAC had gone."""
    term = terminal(["support"])
    term.wait_for(MORE)
    term.settle(0.15)
    first = words(term.text())
    assert "Support and information" in first and "Samaritans are open 24/7" in first, term.text()
    screens, last = [first], list(SUPPORT.values())[-1][-1].name
    while more := re.search(MORE, term.text()):
        term.send(ENTER)
        term.wait_for(rf"— lines {int(more.group(2)) + 1} to|{re.escape(last)}")
        term.settle(0.2)
        screens.append(words(term.text()))
    assert term.wait_exit() == 0
    seen = " ".join(screens)
    assert all(words(s.name) in seen for services in SUPPORT.values() for s in services)
    piped = subprocess.run([sys.executable, "-m", "ltl_quiz", "support"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "Press any key" not in piped.stdout and all(s.name in piped.stdout for group in SUPPORT.values() for s in group)


def test_leaving_support_with_ctrl_c_is_quiet(terminal) -> None:
    """The command offered to people a case has upset: a Ctrl-C at its first "more" printed a
    45-line traceback ending in "Left: Stopped before a case study began" and exited 1 (hand play)."""
    term = terminal(["support"])
    term.wait_for(MORE)
    term.settle(0.15)
    term.send(CTRL_C)
    assert term.wait_exit() == 0
    shown = term.text()
    assert "Traceback" not in shown and "Stopped before a case study" not in shown, shown
