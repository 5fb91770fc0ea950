"""The interactive runner driven by real keystrokes through prompt_toolkit's pipe input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.store import Store

DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"
# questionary's confirm submits on "y" alone; every other prompt needs ENTER.


@pytest.fixture
def keys() -> Iterator:
    """Send keystrokes, then run the CLI with prompt_toolkit reading them."""

    def drive(runner: CliRunner, args: list[str], typed: str, close: bool = False):
        with create_pipe_input() as pipe:
            pipe.send_text(typed)
            if close:
                pipe.close()
            with create_app_session(input=pipe, output=DummyOutput()):
                return runner.invoke(app, args)

    yield drive


def run_args(example_dir: Path, *extra: str) -> list[str]:
    return ["--scenarios", str(example_dir), "run", "example-welfare-call", "--learner", "AB1", "--name", "Alex Smith", "--rich", *extra]


def test_select_checkbox_text_and_tick(keys, runner: CliRunner, example_dir: Path, db_url: str) -> None:
    typed = "y" + ENTER + ENTER + SPACE + ENTER + "Who the men are" + ENTER + DOWN + SPACE + ENTER
    result = keys(runner, run_args(example_dir), typed)
    assert result.exit_code == 0, result.output
    assert "Score: 13 of 13 (100%). Pass mark 70%. PASSED." in result.output
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "completed" and row.passed is True
    reflection = Store(db_url).answers(row.id)[-1]
    assert (reflection["kind"], reflection["free_text"], reflection["covered"]) == ("reflection", "Who the men are", "[1]")


def test_second_option_by_arrow_key(keys, runner: CliRunner, example_dir: Path, db_url: str) -> None:
    typed = "y" + ENTER + DOWN + ENTER + "Nothing" + ENTER + ENTER
    result = keys(runner, run_args(example_dir), typed)
    assert result.exit_code == 0, result.output
    assert "Critical: a child would be left unsafeguarded (0 of 10 points)" in result.output
    assert "NOT PASSED" in result.output


@pytest.mark.parametrize(
    ("typed", "answered"),
    [
        ("y" + CTRL_C, 0),  # at a passage (press any key)
        ("y" + ENTER + CTRL_C, 1),  # at a select
        ("y" + ENTER + ENTER + CTRL_C, 2),  # at a checkbox
        ("y" + ENTER + ENTER + SPACE + ENTER + CTRL_C, 3),  # at a text prompt
        ("y" + ENTER + ENTER + SPACE + ENTER + "Text" + ENTER + CTRL_C, 3),  # at the model-point ticks
    ],
)
def test_ctrl_c_at_every_kind_of_prompt_keeps_the_attempt(keys, runner, example_dir, db_url, typed, answered) -> None:
    result = keys(runner, run_args(example_dir), typed)
    assert result.exit_code == 130
    attempt = re.search(r"To carry on: ltl-quiz resume ([0-9a-f]{8})", result.output)
    assert attempt, result.output
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "in-progress"
    assert len(Store(db_url).answers(row.id)) == answered


def test_ctrl_c_at_the_content_note_saves_nothing(keys, runner, example_dir, db_url) -> None:
    result = keys(runner, run_args(example_dir), CTRL_C)
    assert result.exit_code == 130
    assert "You left at the content note; nothing was saved, so there is nothing to resume." in result.output
    assert Store(db_url).attempts() == []


def test_declining_the_content_note(keys, runner, example_dir, db_url) -> None:
    result = keys(runner, run_args(example_dir), "n")
    assert result.exit_code == 0
    assert "You chose not to continue. Nothing was saved." in result.output
    assert "ltl-quiz support" in result.output


def test_a_closed_terminal_keeps_the_attempt(keys, runner, example_dir, db_url) -> None:
    result = keys(runner, run_args(example_dir), "y" + ENTER, close=True)
    assert result.exit_code == 130
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "in-progress" and row.state.node_id == "call-grading"


def test_resume_carries_on_where_it_stopped(keys, runner, example_dir, db_url) -> None:
    first = keys(runner, run_args(example_dir), "y" + ENTER + ENTER + CTRL_C)
    attempt = re.search(r"ltl-quiz resume ([0-9a-f]{8})", first.output).group(1)
    again = keys(runner, ["--scenarios", str(example_dir), "resume", attempt, "--rich"], SPACE + ENTER + "Who" + ENTER + ENTER)
    assert again.exit_code == 0, again.output
    assert f"Carrying on attempt {attempt}" in again.output
    assert "Score: 13 of 13 (100%)" in again.output
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "completed" and row.id.startswith(attempt)
    kinds = [a["kind"] for a in Store(db_url).answers(row.id)]
    assert kinds == ["passage", "decision", "multi", "reflection"]  # nothing lost, nothing twice


def test_guided_menu_asks_once_and_remembers(keys, runner, example_dir, db_url) -> None:
    args = ["--scenarios", str(example_dir), "--rich"]
    typed = "AB7" + ENTER + "Jo Bloggs" + ENTER + "Kent, control room" + ENTER  # who is taking part
    typed += ENTER + DOWN + ENTER + ENTER  # case 1, manager track, practice mode
    typed += "y" + ENTER + ENTER + "Training on grooming" + ENTER + SPACE + ENTER  # note, passage, decision, key question
    result = keys(runner, args, typed)
    assert result.exit_code == 0, result.output
    (row,) = Store(db_url).attempts("AB7")
    assert (row.track, row.mode, row.status, row.learner_unit) == ("manager", "practice", "completed", "Kent, control room")
    again = keys(runner, args, CTRL_C)  # the second time the learner is not asked again
    assert "Welcome, Jo Bloggs (AB7, Kent, control room)." in again.output
    assert again.exit_code == 130 and "Stopped before a case study began; nothing to save." in again.output
