"""Assignments and the compliance report on a real store (SQLite and PostgreSQL).

The scripted force: 5 units, 200 officers, the ten cases, each person and case given one story
(never started, failed, passed late, passed before the assignment, scripted...). What each story
must show is written out by hand below, not computed by the rule under test.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import force_factory as ff
import openpyxl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from ltl_quiz.app.compliance import compute
from ltl_quiz.cli import app
from ltl_quiz.compliance import formats
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store

TODAY = date(2026, 6, 1)
STARTS = "2026-01-10T09:00:00.000Z"
DUE = "2026-03-14"
UNITS = ["Kent, safeguarding hub", "Met, online CSE team", "West Midlands, CID", "Dyfed-Powys, response", "North Yorkshire, control room"]
EVERY = [12, 12, None, None, 3]  # each unit's renewal interval, in months

# story -> the attempts it makes: (finished date or None for unfinished, passed, how answered)
STORIES: dict[str, list[tuple[str | None, bool | None, str]]] = {
    "none": [],
    "unfinished": [(None, None, "terminal")],
    "failed": [("2026-02-01", False, "terminal")],
    "on time": [("2026-02-01", True, "terminal")],
    "late": [("2026-04-01", True, "terminal")],
    "failed twice then passed": [("2026-02-01", False, "terminal"), ("2026-02-03", False, "terminal"), ("2026-03-05", True, "terminal")],
    "before the assignment": [("2025-12-01", True, "terminal")],
    "scripted": [("2026-02-01", True, "scripted")],
}
# (story, every) -> (state, date) on TODAY, worked out by hand from the dates above.
OVERDUE = ("overdue", "2026-03-15")
EXPECTED: dict[tuple[str, int | None], tuple[str, str | None]] = {
    **{(s, e): OVERDUE for s in ("none", "unfinished", "failed", "before the assignment", "scripted") for e in (12, None, 3)},
    ("on time", 12): ("complete", "2027-01-31"),
    ("on time", None): ("complete", None),
    ("on time", 3): ("overdue", "2026-05-01"),
    ("late", 12): ("complete", "2027-03-31"),
    ("late", None): ("complete", None),
    ("failed twice then passed", 12): ("complete", "2027-03-04"),
    ("failed twice then passed", None): ("complete", None),
    ("failed twice then passed", 3): ("expiring", "2026-06-04"),
}
# 'late' every 3 months stops counting on 1 July, 30 days after TODAY: within the 30-day warning.
EXPECTED[("late", 3)] = ("expiring", "2026-06-30")
LATER_DUE = "2026-07-01"  # unit 3 has longer: what is overdue elsewhere is still due there


def build_force(db_url: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Write the force; return what each (staff number, case) must show."""
    rng = random.Random(200)
    templates = ff.templates()
    expected, learners, attempts, assignments = {}, [], [], []
    for n in range(200):
        unit = n % 5
        staff = f"F{n:04d}"
        learners.append(ff.learner_row(staff, f"Officer {n:03d}", UNITS[unit]))
        for t in templates.values():
            story = rng.choice(sorted(STORIES))
            assignments.append(ff.assignment_row(staff, t.scenario_id, t.track, LATER_DUE if unit == 3 else DUE, STARTS, EVERY[unit]))
            for finished, passed, how in STORIES[story]:
                stamp = f"{finished}T10:00:00.000Z" if finished else None
                attempts.append(ff.attempt_row(t, staff, stamp, passed, how_answered=how))
            expected[(staff, t.scenario_id)] = EXPECTED[(story, EVERY[unit])]
            if unit == 3 and expected[(staff, t.scenario_id)] == OVERDUE:
                expected[(staff, t.scenario_id)] = ("due", LATER_DUE)
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            ensure_how_column(conn)
            ff.insert(conn, "learners", learners)
            ff.insert(conn, "assignments", assignments)
            ff.insert(conn, "attempts", attempts)
    finally:
        store.close()
    return expected


def ensure_how_column(conn: sa.Connection) -> None:
    """Migration m005 adds attempts.how_answered: check it is there, as the rule's data needs it."""
    assert "how_answered" in {c["name"] for c in sa.inspect(conn).get_columns("attempts")}


def test_scripted_force_matches_the_hand_worked_standings(db_url: str) -> None:
    expected = build_force(db_url)
    report = compute(resolve(db=db_url), None, None, today=TODAY)
    found = {(x.learner_id, x.scenario_id): (x.state, x.standing.on.isoformat() if x.standing.on else None) for x in report.lines}
    assert found == expected
    assert len(found) == 2000 and len({s for s, _ in found.values()}) == 4
    by_unit: dict[str, Counter[str]] = {u: Counter() for u in UNITS}
    by_case: dict[str, Counter[str]] = {}
    for (staff, case), (state, _) in expected.items():
        by_unit[UNITS[int(staff[1:]) % 5]][state] += 1
        by_case.setdefault(case, Counter())[state] += 1
    assert {u: {s: c for s, c in counts.items() if c} for u, counts in report.by_unit.items()} == {u: dict(c) for u, c in by_unit.items()}
    assert {k: {s: c for s, c in counts.items() if c} for k, counts in report.by_case.items()} == {k: dict(c) for k, c in by_case.items()}
    written = list(csv.reader(io.StringIO(formats.to_csv(report))))
    assert written[0] == list(formats.HEADER)
    assert written[1:] == [["" if v is None else str(v) for v in formats.record(x).values()] for x in report.lines]
    one_unit = compute(resolve(db=db_url), "met, online", None, today=TODAY)
    assert {x.unit for x in one_unit.lines} == {UNITS[1]} and len(one_unit.lines) == 400
    soon = compute(resolve(db=db_url), None, "30d", today=TODAY)
    assert {(x.learner_id, x.scenario_id) for x in soon.lines} == {k for k, v in expected.items() if v[0] != "complete"}
    sooner = compute(resolve(db=db_url), None, "29d", today=TODAY)  # unit 3's due date (1 July) is 30 days off
    assert not {x.learner_id for x in sooner.lines if x.state == "due"}


# -- the commands ----------------------------------------------------------------------------------


def write_roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(runner: CliRunner, *args: str) -> object:
    return runner.invoke(app, list(args))


def test_assign_from_a_roster_then_report_every_format(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    roster = write_roster(tmp_path, "staff number,name,unit\nK100,Asha Patel,Kent CID\nK101,Ben Ode,Kent CID\n")
    due = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    done = runner.invoke(app, ["assign", "1", "3", "--roster", str(roster), "--due", due, "--every", "1y"])
    assert done.exit_code == 0, done.output
    assert "2 people" in done.output and "4 assignments" in done.output
    table = runner.invoke(app, ["compliance"])
    assert table.exit_code == 0 and table.output.count(f"due (by {due})") == 4
    assert all(len(line) <= 80 for line in table.output.splitlines())
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["compliance", "--format", "csv", "--due-within", "30d"]).output)))
    assert {(r["staff_number"], r["state"], r["date"]) for r in rows} == {("K100", "due", due), ("K101", "due", due)}
    assert len(rows) == 4
    assert runner.invoke(app, ["compliance", "--format", "csv", "--due-within", "5d"]).output.count("\n") == 1  # the header only
    data = json.loads(runner.invoke(app, ["compliance", "--format", "json"]).output)
    assert data["by_unit"] == {"Kent CID": {"complete": 0, "due": 4, "overdue": 0, "expiring": 0}}
    out = tmp_path / "c.xlsx"
    assert runner.invoke(app, ["compliance", "--format", "xlsx", "--out", str(out)]).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["compliance", "by unit", "by case"]
    assert [c.value for c in book["compliance"]["F"][1:]] == ["due"] * 4
    assert book["compliance"]["G2"].value == datetime.fromisoformat(due)
    icalendar = pytest.importorskip("icalendar")
    calendar = icalendar.Calendar.from_ical(runner.invoke(app, ["compliance", "--format", "ics"]).output)
    events = [e for e in calendar.walk("VEVENT")]
    assert len(events) == 4 and {e.decoded("DTSTART") for e in events} == {date.fromisoformat(due)}
    assert all("Kent CID" in str(e.get("DESCRIPTION")) for e in events)
    html = runner.invoke(app, ["compliance", "--format", "html"]).output
    assert "<svg" in html and "4 due" in html and "Asha Patel" in html


def test_a_bad_roster_row_creates_nothing(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    roster = write_roster(tmp_path, "K100,Asha Patel,Kent\nK 1 01,Ben,Kent\n")
    done = runner.invoke(app, ["assign", "1", "--roster", str(roster), "--due", "2030-01-01"])
    assert done.exit_code != 0 and "roster.csv:2: staff number" in done.output and "Traceback" not in done.output
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM learners")).scalar_one() == 0
            assert conn.execute(sa.text("SELECT count(*) FROM assignments")).scalar_one() == 0
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", "--due", "2030-02-30", "--learner", "X"], "--due '2030-02-30' is not a date"),
        (["1", "--due", "2030-01-01"], "say whom to assign"),
        (["1", "--due", "2030-01-01", "--unit", "Nowhere"], "nobody in the store has that unit"),
        (["1", "--due", "2030-01-01", "--learner", "NOBODY"], "--learner NOBODY: no such learner"),
        (["1", "--due", "2030-01-01", "--learner", "X", "--every", "weekly"], "--every 'weekly'"),
        (["1", "--due", "2030-01-01", "--learner", "X", "--mode", "exam"], "'exam' is not one of 'practice', 'assessed'"),
        (["1", "--due", "2030-01-01", "--learner", "X", "--track", "pilot"], "'pilot' is not one of 'officer', 'manager'"),
    ],
)
def test_assign_refuses_bad_input_in_one_line(db_url: str, runner: CliRunner, args: list[str], message: str) -> None:
    done = runner.invoke(app, ["assign", *args])
    assert done.exit_code != 0 and message in done.output and "Traceback" not in done.output


def test_assign_a_unit_and_learners_already_in_the_store(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            ff.insert(
                conn,
                "learners",
                [ff.learner_row("A1", "Ann", "Kent CID"), ff.learner_row("A2", "Al", "kent cid "), ff.learner_row("B1", "Bo", "Met")],
            )
    finally:
        store.close()
    assert "2 people" in runner.invoke(app, ["assign", "2", "--unit", "Kent CID", "--due", "2030-01-01", "--mode", "assessed"]).output
    assert "1 person" in runner.invoke(app, ["assign", "2", "--learner", "B1", "--due", "2030-01-01"]).output
    data = json.loads(runner.invoke(app, ["compliance", "--format", "json", "--unit", "met"]).output)
    assert [x["staff_number"] for x in data["lines"]] == ["B1"]


def test_the_compliance_page_is_a_whole_page_with_roster_text_escaped(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    """The page comes through the one page helper (``templating.page``): the shared layout with its
    stylesheet inlined, the chart, both tables, and a roster's markup shown as text, never run."""
    roster = write_roster(tmp_path, 'staff number,name,unit\nK100,<img src=x onerror="alert(1)">,Kent <b>CID</b>\n')
    due = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    assert runner.invoke(app, ["assign", "1", "--roster", str(roster), "--due", due]).exit_code == 0
    page = runner.invoke(app, ["compliance", "--format", "html"]).output
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>Compliance on " in page and ".overdue { color: #c62828" in page
    assert "<h2>By case</h2>" in page and "<h2>Everyone</h2>" in page and page.count("<svg") >= 5
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "<b>CID</b>" not in page and "Kent &lt;b&gt;CID&lt;/b&gt;" in page
