"""The session screens at a real terminal (issue 13), on a pty with pyte at 80x24 in rich mode.

The trainer's pause after a passage says what it goes on to; a split room is named once; a live
learner reads a passage taller than the screen a page at a time, as in their own run; and the
trainer's pages leave room for the live board and the discussion clock as they are drawn, not as
a fixed guess, so the top of a page is still on screen when they appear.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from screen import ENTER, TIMEOUT, Terminal, words

from ltl_quiz.config import Learner
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.presence import Terminal as Place
from ltl_quiz.store import Store, now

SPLIT = "The room is split between A and B"


def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "room.csv"
    path.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\nPC103,Sam Patel,CID\n", encoding="utf-8")
    return path


def answer(term: Terminal, wait: str, keys: str) -> None:
    term.wait_for(wait)
    term.settle(0.1)
    term.send(keys)


def shown(term: Terminal) -> str:
    """Everything the terminal has shown, scrolled away or not, as words (a wrapped line is one line again)."""
    return words(" ".join(term.history_rows()))


def facilitated(example_dir: Path, tmp_path: Path) -> Terminal:
    """A facilitated session on the trainer's rich screen, at its first passage's prompt."""
    roster = roster_file(tmp_path)
    term = Terminal(
        ["--scenarios", str(example_dir), "session", "start", "1", "--trainer", "Pat", "--roster", str(roster), "--rich"], 80, 24
    )
    answer(term, "Are all 3 here", "y" + ENTER)
    term.wait_for("The call")  # the opening passage; the decision on grading the call comes next
    term.wait_for(r"Press any key|Continue")
    term.settle(0.1)
    return term


def test_the_facilitated_pause_after_a_passage_says_what_it_goes_on_to(example_dir, tmp_path, db_url) -> None:
    term = facilitated(example_dir, tmp_path)
    try:
        assert "Continue to the next decision" in term.text()
        assert not re.search(r"^\? Continue\s*$", term.text(), re.MULTILINE)
    finally:
        term.close()


def test_a_split_room_is_named_once_before_the_branch_is_chosen(example_dir, tmp_path, db_url) -> None:
    term = facilitated(example_dir, tmp_path)
    try:
        term.send(ENTER)
        answer(term, "How will you record", "2" + ENTER)  # a show of hands
        answer(term, "Hands up for A", "1" + ENTER)
        answer(term, "Hands up for B", "1" + ENTER)
        term.wait_for("Which branch does the room follow")
        term.settle(0.2)
        assert shown(term).count(SPLIT) == 1, "\n".join(term.history_rows())
    finally:
        term.close()


def test_a_live_learner_reads_a_passage_taller_than_the_screen_a_page_at_a_time(example_dir, tmp_path, db_url) -> None:
    path = example_dir / "01-example-welfare-call.yaml"
    long = "".join(f"      Paragraph {n:02d} of the hotel worker's account.\n\n" for n in range(1, 21))
    text = path.read_text(encoding="utf-8")
    short = "      A hotel worker calls 999 about a 16-year-old girl in a room with two older men.\n"
    assert short in text
    path.write_text(text.replace(short, short + "\n" + long), encoding="utf-8")
    scenario = load_scenario(path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat", [], model.first_state(scenario, "officer", "live", now()))
    args = ["--scenarios", str(example_dir), "session", "join", code, "--learner", "R1", "--name", "Robin", "--rich"]
    term = Terminal(args, 80, 24)
    try:
        answer(term, r"Do you want to take part in this case study\? \(y/n\)", "y" + ENTER)
        term.wait_for("Waiting for the trainer to start.")
        sessions.begin(code, scenario, 0)
        term.wait_for(r"Press any key for more")  # the passage's first page, its title in view
        assert "The call" in term.text() and "Paragraph 01" in term.text()
        assert "Paragraph 20" not in term.text()
        while "Paragraph 20" not in term.text():
            term.settle(0.2)
            term.send(ENTER)
            term.wait_for(r"Press any key for more|Paragraph 20")
        seen = shown(term)
        assert [seen.count(f"Paragraph {n:02d} of the hotel worker's account.") for n in range(1, 21)] == [1] * 20  # all read, none twice
    finally:
        term.close()


def with_notes_at_the_decision(example_dir: Path, paragraphs: int) -> Path:
    """The example with a long text before its first decision's question, so the step is paged."""
    path = example_dir / "01-example-welfare-call.yaml"
    notes = "".join(f"      Paragraph {n:02d} of the call handler's notes.\n\n" for n in range(1, paragraphs + 1))
    prompt = "    prompt: How do you grade the call?\n"
    text = path.read_text(encoding="utf-8")
    assert prompt in text
    path.write_text(text.replace(prompt, "    text: |\n" + notes.rstrip() + "\n" + prompt, 1), encoding="utf-8")
    return path


def page_to(term: Terminal, pattern: str) -> tuple[int, int]:
    """Press on through the "more" pages until ``pattern`` shows; the rows the last page left on
    screen above it come back with how far the terminal had scrolled then."""
    last_page = 0
    while True:
        found = term.wait_for(rf"— lines \d+ to (\d+) of (\d+)[.,]|{pattern}")
        if found.group(1) is None:
            term.settle(0.3)
            break
        last_page = int(found.group(2)) - int(found.group(1))  # the block's rows still to come after this page
        term.settle(0.2)
        before = term.text()
        term.send(ENTER)
        end = time.monotonic() + TIMEOUT
        while term.text() == before and time.monotonic() < end:  # the next page (or what follows) is drawn
            term.settle(0.1)
    rows = term.rows()
    at = next(i for i, row in enumerate(rows) if re.search(pattern, row))
    return at - last_page, len(term.screen.history.top)


def test_the_host_pages_a_decision_so_its_last_page_is_in_view_with_the_board_as_drawn(example_dir, db_url) -> None:
    path = with_notes_at_the_decision(example_dir, 38)
    scenario = load_scenario(path)
    args = ["--scenarios", str(example_dir), "session", "host", "example-welfare-call", "--trainer", "Pat", "--rich"]
    term = Terminal(args, 80, 24)
    try:
        code = term.wait_for(r"Join code ([A-Z0-9]{6})").group(1)
        term.wait_for("Enter: start the session")
        sessions = SessionStore(Store(db_url))
        for i in range(12):  # a board of twelve names is far taller than the ten rows once guessed for it
            sessions.join(code, Learner(f"L{i:02d}", f"Learner {i:02d}"), scenario, terminal=Place.this_one())
        term.wait_for("Learner 11")
        term.settle(0.2)
        term.send(ENTER)
        answer(term, "Continue to the next decision: press Enter", ENTER)
        top, scrolled = page_to(term, "Press Enter to open this decision")
        term.send(ENTER)
        term.wait_for("Enter: reveal the answers")
        term.settle(0.5)
        moved = len(term.screen.history.top) - scrolled
        assert moved <= top, f"the board scrolled the last page's first {moved - top} rows away:\n{term.text()}"
        assert "How do you grade the call?" in term.text()
    finally:
        term.close()


MORE = r"Press\s+any\s+key\s+for\s+more|any\s+key\s+to\s+continue\s+—"


def answer_paged(term: Terminal, wait: str, keys: str) -> None:
    """Answer the prompt that shows ``wait`` (words may wrap at a narrow terminal), pressing on through any pages before it."""
    wait = r"\s+".join(wait.split())
    while True:
        term.wait_for(rf"{wait}|{MORE}")
        term.settle(0.2)
        if re.search(wait, term.text()) and not re.search(MORE, term.text()):
            term.send(keys)
            return
        before = term.text()
        term.send(ENTER)
        end = time.monotonic() + TIMEOUT
        while term.text() == before and time.monotonic() < end:
            term.settle(0.1)


def test_the_discussion_clock_leaves_the_last_page_of_a_key_question_in_view_at_40_columns(example_dir, tmp_path, db_url) -> None:
    path = example_dir / "01-example-welfare-call.yaml"
    notes = "".join(f"      Paragraph {n:02d}.\n\n" for n in range(1, 16))
    asked = "    key_question: officer-questions\n"
    text = path.read_text(encoding="utf-8")
    assert asked in text
    path.write_text(text.replace(asked, asked + "    text: |\n" + notes.rstrip() + "\n", 1), encoding="utf-8")
    roster = roster_file(tmp_path)
    args = [
        "--scenarios",
        str(example_dir),
        "session",
        "start",
        "1",
        "--trainer",
        "Pat",
        "--roster",
        str(roster),
        "--discussion-minutes",
        "10",
    ]
    term = Terminal([*args, "--rich"], 40, 20)  # "10:00" in big digits wraps here: 17 rows, not the 12 once guessed
    try:
        for wait, keys in [
            ("Are all 3 here", "y" + ENTER),
            ("Continue to the next decision", ENTER),
            ("How will you record", "2" + ENTER),
            ("Hands up for A", "1" + ENTER),
            ("Hands up for B", "0" + ENTER),
            ("Which branch", "1" + ENTER),
            ("How will you record", "2" + ENTER),
            ("How many people", ENTER),
            ("Hands up for A", "3" + ENTER),
            ("Hands up for B", "0" + ENTER),
            ("Follow the room", "y" + ENTER),
        ]:
            answer_paged(term, wait, keys)
        top, _ = page_to(term, "╭─+ Discussion ─+╮")
        assert top >= 0, f"the clock scrolled the last page's first {-top} rows away:\n{term.text()}"
        assert "Press Enter to end the discussion" in term.text()
    finally:
        term.close()
