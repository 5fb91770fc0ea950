"""A learner sees their own assignments in the guided menu and in `ltl-quiz history`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ltl_quiz import config
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store

JO = Learner("AB7", "Jo Bloggs", "Kent, control room")


def assigned(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    store = Store(db_url)
    store.save_learner(JO)
    store.close()
    config.remember_learner(resolve().config_file, JO)
    done = runner.invoke(app, ["assign", "2", "--learner", JO.id, "--due", "2031-03-14"])
    assert done.exit_code == 0, done.output


def test_the_menu_says_what_is_due_beside_the_case(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    assigned(db_url, isolated_home, runner)
    result = runner.invoke(app, ["--plain"], input="y\n")  # yes, this is Jo
    assert "Welcome, Jo Bloggs" in result.output
    assert "Assigned to you: hotel-welfare-check due by 14 March 2031." in result.output
    (line,) = [x for x in result.output.splitlines() if "Girl found in hotel room" in x]
    assert line.rstrip().endswith("(case study 2, about 20 min): due by 14 March 2031")


def test_history_lists_assignments_even_before_any_attempt(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    assigned(db_url, isolated_home, runner)
    result = runner.invoke(app, ["history", "--plain"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Assigned: hotel-welfare-check: due by 14 March 2031" and lines[1].startswith("No attempts yet for AB7 in the store ")
