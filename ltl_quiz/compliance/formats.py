"""The compliance report written out: a table for the terminal, CSV, JSON, xlsx, HTML, iCalendar.

iCalendar and the due-soon CSV are for a force's own mail system to send reminders: ltl-quiz
sends no email itself. Jinja2 is imported only by the page; the workbook (compliance.workbook) needs no library.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import IO, TYPE_CHECKING

from ltl_quiz.compliance.report import STATES, Compliance, Found, Line, Standings, phrase

if TYPE_CHECKING:
    from ltl_quiz.store.assignments import Person, StandingLines

_QUOTED = re.compile('[,"\r\n]')  # what makes csv.writer (QUOTE_MINIMAL, ",", '"', "\r\n") quote a cell
FORMATS = ("table", "csv", "json", "xlsx", "html", "ics")
Value = str | int | bool | None  # a record's value: text, a number of months, late or not, or nothing
HEADER = (
    "staff_number",
    "name",
    "unit",
    "scenario_id",
    "track",
    "state",
    "date",
    "due_on",
    "every_months",
    "completed_on",
    "late",
    "earlier_completed_on",  # added last (columns stay where they were): a completion not counted, as before the assignment
)  # as record() and the rows: the satisfying attempt's id is not read for the report


def record(line: Line) -> dict[str, Value]:
    s = line
    return {
        "staff_number": line.learner_id,
        "name": line.name,
        "unit": line.unit,
        "scenario_id": line.scenario_id,
        "track": line.track,
        "state": s.state,
        "date": s.on.isoformat() if s.on else None,
        "due_on": line.due_on,
        "every_months": line.every_months,
        "completed_on": s.completed_on.isoformat() if s.completed_on else None,
        "late": s.late,
        "earlier_completed_on": s.earlier.isoformat() if s.earlier else None,
    }


def to_csv(report: Compliance) -> str:
    """RFC 4180 CSV, one row a person and case, columns as ``HEADER`` (the fast path: no dict a row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    iso = date.isoformat
    writer.writerows(
        (x.learner_id, x.name, x.unit, x.scenario_id, x.track, x.state, iso(x.on) if x.on else "", x.due_on,
         "" if x.every_months is None else x.every_months, iso(x.completed_on) if x.completed_on else "", x.late,
         iso(x.earlier) if x.earlier else "")
        for x in report.lines
    )  # fmt: skip
    return buffer.getvalue()


def write_csv(
    people: Iterable[Person], batches: Iterable[Sequence[StandingLines]], standings: Standings, keep: Callable[[str], bool], handle: IO[str]
) -> int:
    """The CSV ``to_csv`` gives, written as the store's rows arrive; return its lines.

    ``people``: (staff number, name, unit); ``batches``: lists of (staff number, [standing key, ...])
    from ``store.assignments.standing_batches``. A force's report is 500,000 lines: each person's
    cells are written once, each standing key's once, and a row is one string joined from the two
    (``streams.lines``).
    """
    from ltl_quiz.compliance.streams import lines

    handle.write(_cell_row(HEADER))
    n = 0
    for text, count in lines(people, batches, standings, keep, _csv_person, _tail):
        n += count
        handle.write(text)
    return n


def _csv_person(pid: str, name: str, unit: str) -> str:
    return f"{_cell_csv(pid)},{_cell_csv(name)},{_cell_csv(unit)},"


def _tail(key: tuple[str, str, str, int | None, str | None], found: Found) -> str:
    """A row's cells from the case on, line end included.

    Only the case, the track and the due date come from the store as text: the rest are a
    state's name, dates, a number and True/False, which ``csv.writer`` never quotes either.
    """
    scenario_id, track, due_on, every, _ = key
    state, on, completed_on, late, earlier = found
    cells = (_cell_csv(scenario_id), _cell_csv(track), state, on.isoformat() if on else "", _cell_csv(due_on))
    done, before = completed_on.isoformat() if completed_on else "", earlier.isoformat() if earlier else ""
    return f"{','.join(cells)},{'' if every is None else every},{done},{late},{before}\r\n"


def _cell_row(values: Iterable[object]) -> str:
    """Cells exactly as ``csv.writer`` writes them in a row, its line end included."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _cell_csv(value: str) -> str:
    """One cell as ``csv.writer`` quotes it inside a row (an empty one stays empty).

    Only a comma, a quote or a line end makes ``csv.writer`` quote a cell: most never need it."""
    return _quoted(value) if _QUOTED.search(value) else value


@lru_cache(maxsize=1024)
def _quoted(value: str) -> str:
    """Cached: the cells that need quoting are mostly units ('Kent, safeguarding hub'), a few for a force."""
    return _cell_row((value, "x"))[:-4]


def to_json(report: Compliance) -> str:
    return json.dumps(
        {
            "today": report.today.isoformat(),
            "lines": [record(x) for x in report.lines],
            "by_unit": report.by_unit,
            "by_case": report.by_case,
        },
        indent=2,
    )


def to_table(report: Compliance) -> str:
    """Plain text that reads as a table in 80 columns, nothing cut: two lines a person and case
    (who, and the case; then the assignment's terms and the standing), then the totals."""
    if not report.lines:
        return "No assignments match.\n"
    out = [f"Compliance on {report.today.isoformat()}\n{TABLE_HEAD}\n"]
    for x in report.lines:
        key = (x.scenario_id, x.track, x.due_on, x.every_months, None)
        out.append(_table_person(x.learner_id, x.name, x.unit) + _table_tail(key, (x.state, x.on, None, False, x.earlier)))
    out.append("\n".join(("", _totals("Unit", report.by_unit), _totals("Case", report.by_case))) + "\n")
    return "".join(out)


def write_table(
    people: Iterable[Person], batches: Iterable[Sequence[StandingLines]], standings: Standings, keep: Callable[[str], bool], handle: IO[str]
) -> int:
    """The table ``to_table`` gives, written as the store's rows arrive (as ``write_csv``); return its lines.

    A row is a person's cells joined to its standing key's, each made once; the totals are counted
    per unit and standing key as the rows pass (``streams.Totals``), then added up per state.
    """
    from ltl_quiz.compliance.streams import Totals, lines

    totals, n = Totals(), 0
    for text, count in lines(people, batches, standings, keep, _table_person, _table_tail, totals):
        if not n:
            handle.write(f"Compliance on {standings.today.isoformat()}\n{TABLE_HEAD}\n")
        n += count
        handle.write(text)
    if not n:
        handle.write("No assignments match.\n")
        return 0
    report = totals.report(standings)
    handle.write("\n".join(("", _totals("Unit", report.by_unit), _totals("Case", report.by_case))) + "\n")
    return n


# The table's columns: a person and case take two lines, so every cell is whole in 80 columns
# (a staff number, a name, the longest case id and its track; then the terms and the standing).
_NAME, _TERMS = 20, 42
TABLE_HEAD = f"{'Staff no.':<10} {'Name':<{_NAME}} Case (track)\n    {'Assignment':<{_TERMS}} Standing"


def _table_person(pid: str, name: str, unit: str) -> str:
    return f"{pid:<10} {name:<{_NAME}} "


def _table_tail(key: tuple[str, str, str, int | None, str | None], found: Found) -> str:
    """A table row from the case on, line end included: the case and track, then (indented) the
    assignment's due date and renewal, which tell two assignments of one case apart, and the standing."""
    scenario_id, track, due_on, every, _ = key
    terms = f"due by {due_on}" + (f", renew every {every} month{'s' if every != 1 else ''}" if every else "")
    note = f"    not counted: completed on {found[4].isoformat()}, before this was assigned\n" if found[4] else ""
    return f"{scenario_id} ({track})\n    {terms:<{_TERMS}} {phrase(found[0], found[1])}\n{note}"


def _totals(title: str, counts: dict[str, dict[str, int]]) -> str:
    rows = [f"{title:<34} " + " ".join(f"{s:>9}" for s in STATES)]
    rows += [f"{(key or '(no unit)'):<34} " + " ".join(f"{c[s]:>9}" for s in STATES) for key, c in counts.items()]  # never cut
    return "\n".join(rows) + "\n"


CALENDAR_START = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ltl-quiz//compliance//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
CALENDAR_END = "END:VCALENDAR\r\n"


def to_ics(report: Compliance, stamp: str) -> str:
    """One all-day VEVENT per person and case that needs action: due, overdue or expiring (RFC 5545)."""
    lines = []
    for x in report.lines:
        if x.state == "complete" or x.standing.on is None:
            continue
        day = x.standing.on
        uid = f"{x.learner_id}-{x.scenario_id}-{x.state}-{day.isoformat()}@ltl-quiz"
        summary = f"{x.scenario_id} ({x.track}) {x.phrase()}: {x.name} ({x.learner_id})"
        description = f"Staff number {x.learner_id}, unit {x.unit or '(none)'}; due {x.due_on}"
        lines += [
            "BEGIN:VEVENT",
            fold(f"UID:{ics_text(uid)}"),
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
            fold(f"SUMMARY:{ics_text(summary)}"),
            fold(f"DESCRIPTION:{ics_text(description)}"),
            "END:VEVENT",
        ]
    return CALENDAR_START + "".join(f"{line}\r\n" for line in lines) + CALENDAR_END


def ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold at 75 octets, as RFC 5545 requires, never inside a UTF-8 character."""
    if line.isascii():  # a character an octet: cut by slicing (most lines; the loop below costs a call a character)
        return "\r\n ".join([line[:75], *(line[at : at + 74] for at in range(75, len(line), 74))])
    out: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += b
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def cell(key: str, value: Value) -> Value | date:
    """A record's value as a spreadsheet holds it: its dates as dates."""
    if key in ("date", "due_on", "completed_on", "earlier_completed_on") and isinstance(value, str) and value:
        return date.fromisoformat(value)
    return value
