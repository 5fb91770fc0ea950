"""The compliance CSV streamed from the store (``formats.write_csv``) is the CSV of the report.

``ltl-quiz compliance --format csv`` writes a force's 500,000 lines straight from the store's
rows, without building the report's lines: it must give byte for byte what ``formats.to_csv``
gives for the report ``compute`` builds, for every filter, on every store, names and units that
need quoting included.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import force_factory as ff
import pytest
import sqlalchemy as sa
import test_compliance_sql as edges
from test_compliance import STARTS, TODAY, build_force
from test_compliance_rule import CASES
from typer.testing import CliRunner

from ltl_quiz.app.compliance import compute
from ltl_quiz.cli import app
from ltl_quiz.compliance import formats
from ltl_quiz.compliance.report import Standings, unit_matches
from ltl_quiz.errors import StoreError
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store
from ltl_quiz.store.assignments import FORMS, KEYS_SEP, people, standing_batches, standing_sql

# Cells csv.writer must quote (a comma, a quote, line ends) and some it must not (spaces, accents).
AWKWARD = [
    ("Q1", 'Siobhán "Shiv" O\'Neill', "Kent, safeguarding hub"),
    ("Q2", "Line\nbreak", 'Met "online" CSE'),
    ("Q3", "Carriage\rreturn", " leading space"),
    ("Q4", "", ""),
]


def add_awkward_people(db_url: str) -> None:
    templates = list(ff.templates().values())
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            ff.insert(conn, "learners", [ff.learner_row(*p) for p in AWKWARD])
            rows = [
                ff.assignment_row(p[0], t.scenario_id, t.track, "2026-06-20", STARTS, every)
                for p in AWKWARD
                for t, every in zip(templates[:3], (12, None, 3), strict=True)
            ]
            ff.insert(conn, "assignments", rows)
            passed = ff.attempt_row(templates[0], "Q1", "2026-02-01T10:00:00.000Z", True)
            ff.insert(conn, "attempts", [passed])
    finally:
        store.close()


def streamed(db_url: str, unit: str | None, within: int | None, today: date = TODAY, form: str | None = None) -> str:
    buffer = io.StringIO(newline="")
    store = Store(db_url)
    try:
        with store.reading() as conn:
            batches = standing_batches(conn, size=7, form=form)
            formats.write_csv(people(conn), batches, Standings(today, due_within=within), unit_matches(unit), buffer)
    finally:
        store.close()
    return buffer.getvalue()


@pytest.mark.parametrize(("unit", "within"), [(None, None), ("met, online", None), (None, 30), (None, 29), ("KENT", 30)])
def test_the_streamed_csv_is_the_reports_csv(db_url: str, unit: str | None, within: int | None) -> None:
    build_force(db_url)
    add_awkward_people(db_url)
    expected = formats.to_csv(compute(resolve(db=db_url), unit, None if within is None else f"{within}d", today=TODAY))
    found = streamed(db_url, unit, within)
    assert found == expected
    assert len(list(csv.reader(io.StringIO(found, newline="")))) > 1


def test_the_command_writes_the_streamed_csv(db_url: str, runner: CliRunner, tmp_path: object) -> None:
    build_force(db_url)
    add_awkward_people(db_url)
    printed = runner.invoke(app, ["compliance", "--format", "csv"])
    assert printed.exit_code == 0, printed.output
    text = printed.stdout_bytes.decode("utf-8")  # .stdout would turn the CSV's CRLF into LF
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(formats.HEADER) and len(rows) == 1 + 2000 + 3 * len(AWKWARD)
    assert {len(r) for r in rows} == {len(formats.HEADER)}  # every cell under its own heading
    names = {r[1] for r in rows[1:]}
    assert {p[1] for p in AWKWARD} <= names
    assert text == formats.to_csv(compute(resolve(db=db_url), None, None))


def test_the_report_reads_assignments_in_order_from_one_index(db_url: str) -> None:
    """Migrations m010 and m014: the report's query reads the assignments from one index, in order (no sort),
    with their terms as the report keys them (m014's index: m010's columns and the terms)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan is stable at any size; PostgreSQL's depends on its statistics")
    store = Store(db_url)
    try:
        with store.reading() as conn:
            plan = " | ".join(str(row[-1]) for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + standing_sql(conn))))
    finally:
        store.close()
    assert "SCAN a USING COVERING INDEX ix_assignments_terms" in plan and "TEMP B-TREE" not in plan, plan


def test_each_probe_reads_the_attempts_back_from_the_latest(db_url: str) -> None:
    """SQLite's probe of an assignment's attempts runs no aggregate: it reads the attempts' index back
    from the latest finish and takes the first that satisfies (most probes stop at their first row)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's bytecode; PostgreSQL plans the join form")
    store = Store(db_url)
    try:
        with store.reading() as conn:
            ops = [str(row[1]) for row in conn.exec_driver_sql("EXPLAIN " + standing_sql(conn))]
    finally:
        store.close()
    assert ops.count("AggStep") == 2, ops  # the learner's count(*) and group_concat: no max() run for each assignment
    assert "Prev" in ops and "SorterOpen" not in ops, ops  # the index read backwards, in its own order: no sort


def test_a_probe_joins_no_sessions(db_url: str) -> None:
    """SQLite opens a join's cursors anew for every probe: the probe looks up an attempt's session
    only for an attempt made in one (rule.SESSION_KIND), never joining the sessions."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan; PostgreSQL plans the join form")
    store = Store(db_url)
    try:
        with store.reading() as conn:
            plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + standing_sql(conn)))
    finally:
        store.close()
    assert "LEFT-JOIN" not in plan, plan
    assert "CORRELATED SCALAR SUBQUERY" in plan.split("SEARCH t ", 1)[1], plan  # the session's kind, looked up on its own


@pytest.mark.parametrize("form", sorted(set(FORMS.values())))
def test_every_edge_of_the_rule_reads_the_same_streamed(db_url: str, form: str) -> None:
    """The rule's edges (test_compliance_sql's store of them) through the streamed query, in each
    of its forms on every store (a probe per assignment; one join with the attempts' summary)."""
    edges.test_sql_and_python_agree_on_every_edge(db_url)  # writes every edge into the store, and checks compute()
    for n, (name, _, _, today, _, _) in enumerate(CASES):
        mine = [line for line in streamed(db_url, None, None, today, form).splitlines(keepends=True)[1:] if line.startswith(f"L{n},")]
        expected = formats.to_csv(compute(resolve(db=db_url), None, None, today=today, learner_id=f"L{n}")).splitlines(keepends=True)[1:]
        assert mine == expected, name


@pytest.mark.parametrize("form", sorted(set(FORMS.values())))
def test_both_forms_of_the_query_give_the_force_the_same_lines(db_url: str, form: str) -> None:
    """The scripted force of 200 officers, through each form of the query: the hand-worked standings
    of test_compliance, and the report's CSV line for line (awkward people included)."""
    expected = build_force(db_url)
    add_awkward_people(db_url)
    text = streamed(db_url, None, None, form=form)
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert {(r[0], r[3]): (r[5], r[6] or None) for r in rows if r[0].startswith("F")} == expected
    assert text == formats.to_csv(compute(resolve(db=db_url), None, None, today=TODAY))


def test_two_assignments_alike_in_every_column_are_two_lines(db_url: str) -> None:
    """An assignment is an obligation of its own, even the same one twice in the same moment."""
    build_force(db_url)
    template = next(iter(ff.templates().values()))
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            row = ff.assignment_row("F0001", template.scenario_id, template.track, "2026-06-20", STARTS, 12)
            ff.insert(conn, "assignments", [row, {**row, "id": str(uuid.uuid4())}])
    finally:
        store.close()
    found = streamed(db_url, None, None)
    assert found == formats.to_csv(compute(resolve(db=db_url), None, None, today=TODAY))
    assert sum(line.startswith("F0001,") and ",2026-06-20," in line for line in found.splitlines()) == 2


def test_a_case_id_holding_the_keys_separator_is_refused_not_misread(db_url: str) -> None:
    """SQLite gives a learner's standing keys in one row, joined by ``KEYS_SEP``: a case id holding
    that character (none can: ids are slugs) is an error naming it, never a line split in two."""
    build_force(db_url)
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            ff.insert(conn, "assignments", [ff.assignment_row("F0001", f"odd{KEYS_SEP}case", "officer", "2026-06-20", STARTS)])
    finally:
        store.close()
    if not db_url.startswith("sqlite"):  # a row a line: the id is read whole, and the report has it
        assert f"odd{KEYS_SEP}case" in streamed(db_url, None, None)
        return
    with pytest.raises(StoreError, match="holds the character"):
        streamed(db_url, None, None)


def tabled(db_url: str, unit: str | None, within: int | None, today: date = TODAY) -> str:
    buffer = io.StringIO()
    store = Store(db_url)
    try:
        with store.reading() as conn:
            formats.write_table(people(conn), standing_batches(conn, size=7), Standings(today, due_within=within), unit_matches(unit), buffer)
    finally:
        store.close()
    return buffer.getvalue()


@pytest.mark.parametrize(("unit", "within"), [(None, None), ("met, online", None), (None, 30), ("KENT", 30), ("no such unit", None)])
def test_the_streamed_table_is_the_reports_table(db_url: str, unit: str | None, within: int | None) -> None:
    """The default format, streamed as the CSV is: the same text as ``to_table``, totals included."""
    build_force(db_url)
    add_awkward_people(db_url)
    expected = formats.to_table(compute(resolve(db=db_url), unit, None if within is None else f"{within}d", today=TODAY))
    assert tabled(db_url, unit, within) == expected
    assert ("No assignments match." in expected) == (unit == "no such unit")


def test_the_command_prints_the_streamed_table(db_url: str, runner: CliRunner) -> None:
    build_force(db_url)
    add_awkward_people(db_url)
    printed = runner.invoke(app, ["compliance"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == formats.to_table(compute(resolve(db=db_url), None, None))
