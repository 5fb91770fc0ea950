"""The compliance table reads as a table (issue 15): a header row, every case id and standing whole
on an 80x24 terminal and when piped, and two assignments of one case told apart by their terms."""

from __future__ import annotations

import force_factory as ff
from records_factory import scenario, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

ASHA = Learner("K2041", "Asha Patel", "Kent CID")
LONG = "sex-offences-investigation-delays"  # the longest case id of issue 39


def _force(db_url: str) -> None:
    """Asha passed case 2 on 2024-03-04; she has it assigned twice (renewed yearly, and once more by a later date) and case 8 due."""
    store = Store(db_url)
    try:
        walk(store, scenario("02-hotel-welfare-check"), ASHA)
        started = "2000-01-01T00:00:00.000Z"
        rows = [
            ff.assignment_row(ASHA.id, "hotel-welfare-check", "officer", "2099-12-02", started, 120),
            ff.assignment_row(ASHA.id, "hotel-welfare-check", "officer", "2099-12-20", "2099-01-01T00:00:00.000Z"),
            ff.assignment_row(ASHA.id, LONG, "officer", "2099-06-30", started),
        ]
        with store.engine.begin() as conn:
            ff.insert(conn, "assignments", rows)
    finally:
        store.close()


def _check(rows: list[str]) -> None:
    text = "\n".join(rows)
    assert any(r.startswith("Staff no.") and "Name" in r and "Case" in r for r in rows), text  # a header row
    assert any("Assignment" in r and "Standing" in r for r in rows), text
    assert f"{LONG} (officer)" in text, text  # the case id whole
    complete = [r for r in rows if "complete (until 2034-03-03)" in r]  # passed 2024-03-04, renewed every ten years
    assert len(complete) == 1 and "renew every 120 months" in complete[0], text  # the standing whole, with its terms
    assert any("due by 2099-12-20" in r and "due (by 2099-12-20)" in r for r in rows), text  # the second assignment, told apart
    assert all(len(r) <= 80 for r in rows), text


def test_the_table_is_a_table_when_piped(db_url: str, runner: CliRunner) -> None:
    _force(db_url)
    done = runner.invoke(app, ["compliance"])
    assert done.exit_code == 0, done.output
    _check(done.stdout.splitlines())


def test_the_table_is_a_table_on_an_80x24_terminal(db_url: str, terminal) -> None:
    _force(db_url)
    term = terminal(["compliance"], cols=80, rows=24)
    assert term.wait_exit() == 0
    rows = term.history_rows()
    _check(rows)
    assert not any(r.rstrip().endswith(("(until", "(by", "-")) for r in rows), "\n".join(rows)  # nothing wrapped mid-standing
