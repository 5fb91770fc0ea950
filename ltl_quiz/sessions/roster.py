"""Who is in the room: a roster CSV (staff number, name, unit) or ``--participant`` values.

Everything is checked before anything is created, and a bad row is reported by its line number in
the file with what to change, so a trainer can fix the spreadsheet and run the command again.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ltl_quiz.config import Learner, check_learner_id
from ltl_quiz.errors import FileRefused, InputError, RosterError
from ltl_quiz.files import read_regular
from ltl_quiz.text import counted

COLUMNS = "staff number, name, unit"
MAX_ROSTER_ROWS = 2_000  # more people than any room or training day holds
MAX_ROSTER_BYTES = 1_000_000  # 2,000 rows of staff number, name and unit fit in a fraction of this


def read_roster(path: Path) -> list[Learner]:
    """The people listed in a roster file, in file order."""
    try:
        raw = read_regular(path, MAX_ROSTER_BYTES, "roster")
    except FileRefused as exc:
        message = f"cannot read the roster {path}: {exc.cause}; check the path" if exc.cause else f"{path}: {exc}"
        raise RosterError(message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{path}: the roster is not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8'") from None
    return parse_roster(text, str(path))


def parse_roster(text: str, source: str) -> list[Learner]:
    """Parse roster text; a header row (second column 'name') is skipped, blank lines ignored."""
    people: list[Learner] = []
    problems: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text), strict=True)  # strict: an unclosed quote is an error, not one long name
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if len(people) + len(problems) >= MAX_ROSTER_ROWS:
                raise RosterError(
                    f"{source}:{start}: the roster has more than {MAX_ROSTER_ROWS:,} people; split it into rooms of at most that"
                )
            cells = [c.strip() for c in row]
            if not any(cells) or (not people and not problems and not first_line and _is_header(cells)):
                continue
            try:
                person = _person(cells)
            except InputError as exc:
                problems.append((start, str(exc)))
                continue
            if person.id in first_line:
                problems.append((start, f"staff number {person.id} is already on line {first_line[person.id]}; list each person once"))
                continue
            first_line[person.id] = start
            people.append(person)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            problems.append((line, 'a quote (") opened on this line is never closed; close it or remove it'))
        else:
            problems.append((reader.line_num, f"not readable as CSV ({exc}); check the quotes on this line"))
    if problems:
        at, message = problems[0]
        more = f" ({len(problems) - 1} more bad rows: lines {', '.join(str(n) for n, _ in problems[1:])})" if len(problems) > 1 else ""
        raise RosterError(f"{source}:{at}: {message}{more}")
    if not people:
        raise RosterError(f"{source}: the roster lists nobody; give one person a line as {COLUMNS}")
    return people


def parse_participant(value: str, index: int) -> Learner:
    """One ``--participant``: 'STAFF' (someone already in the store) or 'STAFF,NAME[,UNIT]'.

    A name left empty is filled from the store by the caller, which knows who is already there.
    """
    try:
        (row,) = list(csv.reader([value]))
    except (csv.Error, ValueError):
        raise RosterError(f"--participant {index} '{value}': give STAFF_NUMBER or 'STAFF_NUMBER,NAME,UNIT'") from None
    cells = [c.strip() for c in row]
    try:
        return _person(cells, name_needed=False)
    except InputError as exc:
        raise RosterError(f"--participant {index} '{value}': {exc}") from None


def _person(cells: list[str], name_needed: bool = True) -> Learner:
    if len(cells) > 3:
        raise InputError(f"{counted(len(cells), 'column')}; a row has three: {COLUMNS}")
    staff = cells[0]
    if not staff:
        raise InputError("no staff number in the first column; every row needs one")
    try:
        staff = check_learner_id(staff)
    except InputError:
        raise InputError(f"staff number {staff!r} is not usable; use letters, digits, '-', '_', '.' or '/' (up to 64)") from None
    name = cells[1] if len(cells) > 1 else ""
    if not name and name_needed:
        raise InputError(f"no name for {staff}; put it in the second column")
    return Learner(staff, name, cells[2] if len(cells) > 2 else "")


def _is_header(cells: list[str]) -> bool:
    """'Staff number,Name,Unit' and the like: nobody's name contains 'name' beside a staff heading."""
    if len(cells) < 2 or "name" not in cells[1].lower():
        return False
    first = cells[0].lower()
    return any(word in first for word in ("staff", "number", "id", "no"))
