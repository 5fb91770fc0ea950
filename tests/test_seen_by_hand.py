"""What playing by hand in tmux at 80x24 showed (handplay-log.md), checked on a real pty with pyte.

Each test reproduces one screen a person saw go wrong: the ending scrolled away by the debrief, a
typed answer split mid-word at the edge, a colleague's staff number renaming their record, a room's
branch picked by row instead of by the letter shown, and an empty entry line revealing a decision
with answers still to come.
"""

from __future__ import annotations

import re
from pathlib import Path

from screen import ENTER, Terminal, mid_word_breaks, next_prompt, shows, words

from ltl_quiz.config import Learner
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store

LONG_ANSWER = "Whether anyone has given her alcohol or drugs, whether she has been promised anything, and how old the men are."


def run_args(folder: Path, *extra: str) -> list[str]:
    return ["--scenarios", str(folder), "run", "example-welfare-call", "--learner", "AB1", "--name", "Alex Smith", "--rich", *extra]


def play_recording(term: Terminal) -> list[tuple[str, str]]:
    """Answer every prompt (option 1, tick 1, a long answer, yes) and keep (kind, screen) at each."""
    keys = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "text": LONG_ANSWER + ENTER, "pause": ENTER}
    seen: list[tuple[str, str]] = []
    before = ""
    while (kind := next_prompt(term, before)) is not None:
        seen.append((kind, term.text()))
        before = term.text()
        term.send(keys[kind])
    return seen


def test_the_ending_has_a_prompt_of_its_own_before_the_debrief(example_dir, db_url) -> None:
    scenario = load_scenario(example_dir / "01-example-welfare-call.yaml")
    term = Terminal(run_args(example_dir), 80, 24)
    try:
        seen = play_recording(term)
        assert term.wait_exit() == 0
    finally:
        term.close()
    ends = [n for n in scenario.nodes.values() if n.type == "end"]
    first_debrief = next(i for i, (_, screen) in enumerate(seen) if "Debrief part 1" in screen)
    at_ending = [(i, n) for i, (kind, screen) in enumerate(seen) for n in ends if kind == "pause" and f"Ending: {n.title}" in screen]
    assert at_ending, "no prompt showed an ending"
    i, node = at_ending[0]
    assert i < first_debrief and "Debrief" not in seen[i][1]  # read on its own, before the debrief starts
    assert words(node.text) in words(" ".join(re.sub(r"^│|│$", "", r.strip()) for r in seen[i][1].splitlines()))


def test_a_typed_answer_is_written_back_wrapped_at_word_boundaries(example_dir, db_url) -> None:
    term = Terminal(run_args(example_dir), 80, 24)
    try:
        play_recording(term)
        assert term.wait_exit() == 0
        rows = term.history_rows()
    finally:
        term.close()
    assert shows([rows], f"? Your answer: {LONG_ANSWER}")
    assert mid_word_breaks(rows, 80) == [], "\n".join(rows)


def test_a_staff_number_the_store_knows_is_confirmed_by_name_not_renamed(example_dir, db_url) -> None:
    Store(db_url).save_learner(Learner("PC5001", "Ria Shah", "Response"))
    term = Terminal(["--scenarios", str(example_dir), "run", "example-welfare-call", "--rich"], 80, 24)
    try:
        for wait, keys in [
            ("Your staff number", "PC5001" + ENTER),  # a colleague's number, mistyped
            (r"PC5001 is Ria Shah \(Response\) in the records\. Is that you\?", "n" + ENTER),
            (r"\(y/n\) n\s*\n(.*\n)*\? Your staff number.*:\s*$", "PC5003" + ENTER),
            ("Your name:", "Eve Long" + ENTER),
            ("Your force and unit", "CID" + ENTER),
            ("Do you want to continue with this case study", "y" + ENTER),
        ]:
            term.wait_for(wait)
            term.settle(0.1)
            term.send(keys)
        term.wait_for("Press any key to continue")
        term.send("\x03")
        assert term.wait_exit() == 130
    finally:
        term.close()
    store = Store(db_url)
    assert (store.learner("PC5001").name, store.learner("PC5001").unit) == ("Ria Shah", "Response")
    (attempt,) = store.attempts()
    assert attempt.learner_id == "PC5003"


def test_a_known_staff_number_confirmed_is_used_as_stored(example_dir, db_url) -> None:
    Store(db_url).save_learner(Learner("PC5001", "Ria Shah", "Response"))
    term = Terminal(["--scenarios", str(example_dir), "run", "example-welfare-call", "--rich"], 80, 24)
    try:
        term.wait_for("Your staff number")
        term.send("PC5001" + ENTER)
        term.wait_for("Is that you")
        term.send("y" + ENTER)
        term.wait_for("Do you want to continue with this case study")
        assert "Your name:" not in term.text()
        term.send("n" + ENTER)
        assert term.wait_exit() == 0
    finally:
        term.close()


def facilitated(example_dir: Path, roster: Path) -> Terminal:
    args = ["--scenarios", str(example_dir), "session", "start", "1", "--trainer", "Pat", "--roster", str(roster), "--rich"]
    return Terminal(args, 80, 24)


def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "room.csv"
    path.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\nPC103,Sam Patel,CID\n", encoding="utf-8")
    return path


def to_first_entry(term: Terminal) -> None:
    for wait, keys in [
        ("Are all 3 here", "y" + ENTER),
        ("Press any key|Begin the case|Continue", ENTER),
        ("How will you record", "1" + ENTER),
    ]:
        term.wait_for(wait)
        term.settle(0.1)
        term.send(keys)
    term.wait_for(r"0 of 3 entered.*>")
    term.settle(0.1)


def test_an_empty_entry_line_with_answers_to_come_asks_before_revealing(example_dir, tmp_path, db_url) -> None:
    term = facilitated(example_dir, roster_file(tmp_path))
    try:
        to_first_entry(term)
        term.send(ENTER)  # nobody entered yet: a stray Enter
        term.wait_for(r"Nobody's answer is entered yet\. Reveal the answers now\? \(y/n\)")
        term.send("n" + ENTER)
        term.wait_for(r"Reveal the answers now\? \(y/n\) n[\s\S]*0 of 3 entered.*>")  # the entry line again
        term.settle(0.2)
        term.send("1 a, 2 b" + ENTER)
        term.wait_for(r"2 of 3 entered.*>")
        term.settle(0.2)
        term.send(ENTER)
        term.wait_for(r"Only 2 of 3 answers are entered\. Reveal the answers now\?")
        term.send("y" + ENTER)
        term.wait_for("Which branch does the room follow")
    finally:
        term.close()


def test_a_lettered_branch_choice_takes_the_letter_typed_not_the_row(example_dir, tmp_path, db_url) -> None:
    term = facilitated(example_dir, roster_file(tmp_path))
    try:
        to_first_entry(term)
        term.send("1 b, 2 b, 3 a" + ENTER)  # the room's choice, B, is listed first
        term.wait_for(r"All 3 entered \(Enter reveals\)")
        term.send(ENTER)
        term.wait_for(r"Which branch does the room follow[\s\S]*\n  B\. [\s\S]*\n  A\. ")
        term.settle(0.1)
        term.send("a")  # the letter shown
        term.wait_for(r"^» A\. ")
        term.send("2")  # 2 counts letters: B, though B is the first row
        term.wait_for(r"^» B\. ")
        term.send("1" + ENTER)
        term.wait_for(r"\(kept in the session record\)")
        term.send("To see where it leads" + ENTER)
        term.wait_for("Press any key|Continue|How will you record")
        code = re.search(r"Session ([A-Z0-9]{6})", "\n".join(term.history_rows())).group(1)
    finally:
        term.close()
    first, second = [o.id for o in load_scenario(example_dir / "01-example-welfare-call.yaml").nodes["call-grading"].options]
    step = next(s for s in SessionStore(Store(db_url)).steps(code) if s.key == "call-grading")
    assert (step.room_choice, step.followed) == ([second], [first])  # 1 is A, the branch the room did not choose
