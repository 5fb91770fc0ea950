"""A pass made before its case was assigned does not count (the rule), but it is never silent
(issue 15): history, the guided menu and every compliance format say it was there and why."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from records_factory import scenario, walk
from typer.testing import CliRunner

from ltl_quiz import config
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store

ALEX = Learner("AB9", "Alex Smith", "Kent, control room")
NOTE = "due by 14 March 2031 (you completed it on 4 March 2024, before it was assigned)"


def passed_then_assigned(db_url: str, runner: CliRunner) -> None:
    """Alex passes case 2 (finished 4 March 2024), and is assigned it afterwards."""
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), ALEX)
    store.close()
    config.remember_learner(resolve().config_file, ALEX)
    done = runner.invoke(app, ["assign", "2", "--learner", ALEX.id, "--due", "2031-03-14"])
    assert done.exit_code == 0, done.output


def test_history_and_the_menu_say_why_an_earlier_pass_does_not_count(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    passed_then_assigned(db_url, runner)
    history = runner.invoke(app, ["history", "--plain"])
    assert history.exit_code == 0, history.output
    assert history.output.splitlines()[0] == f"Assigned: hotel-welfare-check: {NOTE}"
    menu = runner.invoke(app, ["--plain"], input="y\n")  # yes, this is Alex
    assert f"Assigned to you: hotel-welfare-check {NOTE}." in menu.output


def test_compliance_names_the_earlier_completion_in_every_format(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    passed_then_assigned(db_url, runner)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["compliance", "--format", "csv"]).output)))
    assert [(r["state"], r["completed_on"], r["earlier_completed_on"]) for r in rows] == [("due", "", "2024-03-04")]
    assert list(rows[0])[-1] == "earlier_completed_on"  # the new column last: the others stay where they were
    (line,) = json.loads(runner.invoke(app, ["compliance", "--format", "json"]).output)["lines"]
    assert (line["state"], line["earlier_completed_on"]) == ("due", "2024-03-04")
    table = runner.invoke(app, ["compliance"]).output
    assert "not counted: completed on 2024-03-04, before this was assigned" in table
    assert max(map(len, table.splitlines())) <= 80
    page = runner.invoke(app, ["compliance", "--format", "html"]).output
    assert "due (by 2031-03-14); not counted: completed on 2024-03-04, before this was assigned" in page
