"""The interactive runner driven by keystrokes through prompt_toolkit's pipe input.

Keys sent down a pipe all arrive before the second prompt is drawn, so they are type-ahead, which
every prompt throws away (issue 13): only one prompt's worth can be tested this way. Whole runs by
keystroke are in test_terminal.py, on a real pty, each key sent once its prompt is on screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.store import Store

ENTER, CTRL_C = "\r", "\x03"


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


def test_ctrl_c_at_the_content_note_saves_nothing(keys, runner, example_dir, db_url) -> None:
    result = keys(runner, run_args(example_dir), CTRL_C)
    assert result.exit_code == 130
    assert "You left at the content note; nothing was saved, so there is nothing to resume." in result.output
    assert Store(db_url).attempts() == []


def test_declining_the_content_note(keys, runner, example_dir, db_url) -> None:
    result = keys(runner, run_args(example_dir), "n" + ENTER)
    assert result.exit_code == 0
    assert "You chose not to continue. Nothing was saved." in result.output
    assert "ltl-quiz support" in result.output


def test_a_closed_terminal_keeps_the_attempt(keys, runner, example_dir, db_url) -> None:
    """The second Enter was typed before the passage's prompt was drawn: it is thrown away, not taken as reading on."""
    result = keys(runner, run_args(example_dir), "y" + ENTER + ENTER, close=True)
    assert result.exit_code == 130
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "in-progress" and row.state.node_id == "call-received"
