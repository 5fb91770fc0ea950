"""`ltl-quiz assign` run again with the same arguments is harmless (SQLite and PostgreSQL).

An assignment the store already holds in every term (learner, case, track, mode, due date,
renewal interval, sessions allowed) is not made a second time, and the command says how many it
left out; anything that differs, a new due date above all, is a new obligation and is made.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from ltl_quiz import config
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store

ROSTER = "staff number,name,unit\nK100,Asha Patel,Kent CID\nK101,Ben Ode,Kent CID\n"


def roster(tmp_path: Path, text: str = ROSTER) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def held(db_url: str) -> list[tuple[str, str, str]]:
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT learner_id, scenario_id, due_on FROM assignments ORDER BY 1, 2, 3")).all()
    finally:
        store.close()
    return [tuple(r) for r in rows]


def test_the_same_assign_twice_makes_each_assignment_once(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    args = ["assign", "1", "3", "--roster", str(roster(tmp_path)), "--due", "2031-03-14", "--every", "1y", "--mode", "assessed"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "4 assignments" in first.output and "already assigned" not in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 assignments" in again.output and "already assigned: 4" in again.output
    assert len(held(db_url)) == 4
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["assigned"] == 0 and data["already_assigned"] == 4 and data["people"] == 2
    assert len(held(db_url)) == 4


def test_history_says_a_repeated_assignment_once(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    jo = Learner("AB7", "Jo Bloggs", "Kent, control room")
    store = Store(db_url)
    store.save_learner(jo)
    store.close()
    config.remember_learner(resolve().config_file, jo)
    for _ in range(2):
        assert runner.invoke(app, ["assign", "2", "--learner", jo.id, "--due", "2031-03-14"]).exit_code == 0
    lines = runner.invoke(app, ["history", "--plain"]).output.splitlines()
    assert lines[0] == "Assigned: hotel-welfare-check: due by 14 March 2031"


def test_a_change_in_any_term_is_a_new_assignment(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    base = ["assign", "1", "--roster", str(roster(tmp_path)), "--due", "2031-03-14"]
    assert runner.invoke(app, base).exit_code == 0
    for extra in (["--every", "1y"], ["--mode", "assessed"], ["--allow-sessions"], ["--track", "manager"]):
        done = runner.invoke(app, [*base, *extra])
        assert done.exit_code == 0, done.output
        assert "2 assignments" in done.output and "already assigned" not in done.output, extra
    later = runner.invoke(app, ["assign", "1", "--roster", str(roster(tmp_path)), "--due", "2031-04-01"])
    assert "2 assignments" in later.output and "already assigned" not in later.output
    assert len(held(db_url)) == 2 * 6


def test_only_the_people_not_yet_assigned_are_added(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["assign", "1", "--roster", str(roster(tmp_path)), "--due", "2031-03-14"]).exit_code == 0
    bigger = roster(tmp_path, ROSTER + "K102,Cy Moss,Kent CID\n")
    done = runner.invoke(app, ["assign", "1", "--roster", str(bigger), "--due", "2031-03-14"])
    assert "3 people" in done.output and "1 assignment;" in done.output and "already assigned: 2" in done.output
    assert [r[0] for r in held(db_url)] == ["K100", "K101", "K102"]
