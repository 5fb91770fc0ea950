"""A show of hands is checked as each option is counted (issue 13): more hands for one option than
people in the room is named at once, by its letter, and counted again."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store


def typed(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def test_more_hands_for_one_option_than_people_here_is_counted_again_at_once(
    runner: CliRunner, example_dir: Path, tmp_path: Path, db_url: str
) -> None:
    roster = tmp_path / "room.csv"
    roster.write_text("PC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\nPC103,Sam Patel,CID\n", encoding="utf-8")
    start = ["--scenarios", str(example_dir), "session", "start", "1", "--trainer", "Pat", "--roster", str(roster), "--plain"]
    # all here; the passage; a show of hands: A 1, B 4 (refused at once), B 2; then pause at the branch prompt's end of input
    result = runner.invoke(app, start, input=typed("y", "", "2", "1", "4", "2"))
    out = result.output
    assert "4 hands for B is more than the 3 people here; count the hands for B again." in out
    assert out.index("4 hands for B is more") < out.rindex("Hands up for B")
    assert "hands for 3 people here" not in out  # not left to a recount of the total
    code = out.split("Session ", 1)[1][:6]
    step = next(s for s in SessionStore(Store(db_url)).steps(code) if s.key == "call-grading")
    assert (step.counts, step.responses) == ({"send-officers": 1, "tell-caller-101": 2}, 3)


def test_a_correction_says_what_it_replaced_and_the_pause_names_its_key(
    runner: CliRunner, example_dir: Path, tmp_path: Path, db_url: str
) -> None:
    roster = tmp_path / "room.csv"
    roster.write_text("PC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\nPC103,Sam Patel,CID\n", encoding="utf-8")
    start = ["--scenarios", str(example_dir), "session", "start", "1", "--trainer", "Pat", "--roster", str(roster), "--plain"]
    result = runner.invoke(app, start, input=typed("y", "", "1", "1 a, 2 b, 3 b", "sam a"))
    out = result.output
    assert "Continue to the next decision: press Enter" in out  # a bare "Continue to the next passage" named no key
    assert "Entered: Alex Smith A; Jo Bloggs B; Sam Patel B" in out
    assert "Entered: Sam Patel A (replaces B)" in out
    assert "at a multi" not in out


def test_a_space_at_the_discussion_clock_does_not_end_the_discussion(example_dir: Path, tmp_path: Path, db_url: str) -> None:
    from screen import ENTER, SPACE, Terminal

    roster = tmp_path / "room.csv"
    roster.write_text("PC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\nPC103,Sam Patel,CID\n", encoding="utf-8")
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
    term = Terminal([*args, "--rich"], 80, 24)
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
            term.wait_for(wait)
            term.settle(0.2)
            term.send(keys)
        term.wait_for("Press Enter to end the discussion early")
        term.settle(0.3)
        term.send(SPACE)
        term.settle(1.5)
        assert "Discussion ended." not in term.text() and "Notes from the discussion" not in term.text()
        term.send(ENTER)
        term.wait_for("Notes from the discussion")
    finally:
        term.close()
