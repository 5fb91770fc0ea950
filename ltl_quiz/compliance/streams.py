"""The compliance report's JSON, HTML page and iCalendar written as the store's rows arrive.

As ``formats.write_csv`` does for the CSV: a force's 500,000 lines never become objects. Each
person's text is made once, each standing key's once (a force has few), and a line is the two
joined; the totals are counted per unit and standing key as the rows pass, then added up per
state. Each writer gives exactly the text of its whole-report twin (``formats.to_json``,
``page.to_html``, ``formats.to_ics``), which the tests hold it to.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from operator import itemgetter
from typing import IO, TYPE_CHECKING, AnyStr, Generic

from ltl_quiz.compliance.formats import fold
from ltl_quiz.compliance.report import COMPLETE, STATES, Compliance, Found, Standings, phrase

if TYPE_CHECKING:
    from ltl_quiz.store.assignments import Person, StandingLines

_KEYS = itemgetter(1)  # a row of standing_batches: a learner, their keys
Key = tuple[str, str, str, int | None, str | None]  # store.assignments.split_key: case, track, due on, every, day done


class Totals:
    """Lines per unit and standing key, counted a batch at a time as the batches pass."""

    def __init__(self) -> None:
        self.seen: dict[str | None, Counter[str]] = defaultdict(Counter)

    def count(self, batch: Sequence[StandingLines], unit_of: Callable[[str], str | None]) -> None:
        """Count the batch's keys by unit (a person left out has the unit None): a unit's keys
        gathered a learner at a time, then counted in one call (in C, strings, no tuple a line)."""
        by_unit: dict[str | None, list[str]] = defaultdict(list)
        for learner_id, keys in batch:
            by_unit[unit_of(learner_id)] += keys
        for unit, keys in by_unit.items():
            self.seen[unit].update(keys)

    def report(self, standings: Standings) -> Compliance:
        """A report with no lines, only the totals per unit and case (standings not wanted left out)."""
        from ltl_quiz.store.assignments import split_key

        units: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
        cases: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
        for unit, counts in self.seen.items():
            if unit is None:
                continue
            for key, n in counts.items():
                scenario_id, _, due_on, every, done = split_key(key)
                if (found := standings.get(due_on, every, done)) is not None:
                    units[unit][found[0]] += n
                    cases[scenario_id][found[0]] += n
        return Compliance(standings.today, [], dict(sorted(units.items())), dict(sorted(cases.items())))


def lines(
    people: Iterable[Person],
    batches: Iterable[Sequence[StandingLines]],
    standings: Standings,
    keep: Callable[[str], bool],
    person: Callable[[str, str, str], AnyStr],
    tail: Callable[[Key, Found], AnyStr],
    totals: Totals | None = None,
    sep: AnyStr = "",  # type: ignore[assignment]
) -> Iterator[tuple[AnyStr, int]]:
    """Each batch's lines as one text, joined by ``sep``, and how many: ``person``'s text for the
    learner joined to ``tail``'s for each of their keys (text, or bytes for a writer that writes
    them: ``sep`` the same). When the report keeps every line (no ``--unit``, no ``--due-within``),
    a batch is joined with a line of Python a learner, none a line."""
    from ltl_quiz.store.assignments import split_key

    rows = list(people)
    who = {pid: (person(pid, name, unit), unit) for pid, name, unit in rows if keep(unit)}
    texts, units = {k: v[0] for k, v in who.items()}, {k: v[1] for k, v in who.items()}
    everyone = standings.horizon is None and len(who) == len(rows)  # every person and every standing kept
    nothing = sep[:0]  # "" or b"": a line not wanted

    def make(key: str) -> AnyStr:
        parts = split_key(key)
        found = standings.get(parts[2], parts[3], parts[4])
        return nothing if found is None else tail(parts, found)

    tails, text = _Tails(make), texts.get
    for batch in batches:
        out = _whole(batch, texts, tails, sep) if everyone else None
        if out is None:  # some lines left out (or a person unknown): a line at a time
            kept = [p + t for learner_id, keys in batch if (p := text(learner_id)) for t in map(tails.__getitem__, keys) if t]
            out = (sep.join(kept), len(kept)) if kept else None
        if out is not None:
            if totals is not None:
                totals.count(batch, units.get)
            yield out


def _whole(batch: Sequence[StandingLines], texts: dict[str, AnyStr], tails: _Tails[AnyStr], sep: AnyStr) -> tuple[AnyStr, int] | None:
    """Every line of a batch, a learner's in one join (their text before each key's): None if one
    names a person not in ``texts``."""
    tail = tails.__getitem__
    try:
        made = [(p := texts[learner_id]) + (sep + p).join(map(tail, keys)) for learner_id, keys in batch]
    except KeyError:
        return None
    return sep.join(made), sum(map(len, map(_KEYS, batch)))


class _Tails(dict[str, AnyStr], Generic[AnyStr]):
    def __init__(self, make: Callable[[str], AnyStr]):
        super().__init__()
        self.make: Callable[[str], AnyStr] = make

    def __missing__(self, key: str) -> AnyStr:
        tail = self[key] = self.make(key)
        return tail


# -- JSON: formats.to_json's text (indent 2), a line a person and case ------------------------------


def _json_str(value: str) -> str:
    """A string as ``json.dumps`` writes it: as it is, quoted, unless it holds what JSON escapes
    (a quote, a backslash, a control or non-ASCII character)."""
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value)


def json_person(pid: str, name: str, unit: str) -> str:
    d = _json_str
    return f'    {{\n      "staff_number": {d(pid)},\n      "name": {d(name)},\n      "unit": {d(unit)},\n'


def json_tail(key: Key, found: Found) -> str:
    scenario_id, track, due_on, every, _ = key
    state, on, completed_on, late, earlier = found
    d = _json_str
    return (
        f'      "scenario_id": {d(scenario_id)},\n      "track": {d(track)},\n      "state": {d(state)},\n'
        f'      "date": {_day(on)},\n      "due_on": {d(due_on)},\n      "every_months": {"null" if every is None else every},\n'
        f'      "completed_on": {_day(completed_on)},\n      "late": {"true" if late else "false"},\n'
        f'      "earlier_completed_on": {_day(earlier)}\n    }}'
    )


def _day(day: date | None) -> str:
    return "null" if day is None else f'"{day.isoformat()}"'


def write_json(people: Iterable[Person], batches: Iterable[Sequence[StandingLines]], standings: Standings, keep: Callable[[str], bool], handle: IO[str]) -> int:
    """The JSON ``formats.to_json`` gives, written as the rows arrive; return its lines."""
    totals, n = Totals(), 0
    for text, count in lines(people, batches, standings, keep, json_person, json_tail, totals, sep=",\n"):
        handle.write(f'{{\n  "today": "{standings.today.isoformat()}",\n  "lines": [\n' if not n else ",\n")
        handle.write(text)
        n += count
    report = totals.report(standings)
    whole = json.dumps({"today": report.today.isoformat(), "lines": [], "by_unit": report.by_unit, "by_case": report.by_case}, indent=2)
    handle.write(whole if not n else "\n  ]" + whole.split('"lines": []', 1)[1])
    return n


# -- HTML: page.to_html's page, its rows made here ---------------------------------------------------


_ESCAPED = re.compile("[&<>\"']")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})  # as markupsafe.escape (Jinja's autoescape)


def escape(value: str) -> str:
    """Text as Jinja's autoescape writes it; most cells hold nothing to escape and are left as they are."""
    return value.translate(_HTML) if _ESCAPED.search(value) else value


def html_person(pid: str, name: str, unit: str) -> str:
    return f"<tr><td>{escape(pid)}</td><td>{escape(name)}</td><td>{escape(unit)}</td>"


def html_tail(key: Key, found: Found) -> str:
    said = phrase(found[0], found[1]) + (f"; not counted: completed on {found[4].isoformat()}, before this was assigned" if found[4] else "")
    return f'<td>{escape(key[0])}</td><td>{escape(key[1])}</td>\n<td class="{escape(found[0])}">{escape(said)}</td></tr>'


def write_html(people: Iterable[Person], batches: Iterable[Sequence[StandingLines]], standings: Standings, keep: Callable[[str], bool], handle: IO[str]) -> int:
    """The page ``page.to_html`` gives: the charts come first, so the rows are kept as text until the
    totals are in; then the page is made around a mark where the rows go, and they are written there
    a batch at a time (a force's rows are 90 MB: never joined, never copied into the page)."""
    import uuid

    from ltl_quiz.compliance.page import to_html

    totals, rows, n = Totals(), [], 0
    for text, count in lines(people, batches, standings, keep, html_person, html_tail, totals):
        rows.append(text)
        n += count
    report, mark = totals.report(standings), f"<!-- rows {uuid.uuid4().hex} -->"
    head, found, tail = to_html(report, mark).partition(mark)
    if not found or mark in tail:  # never so (escaped text holds no '<'), but then the page is made whole
        handle.write(to_html(report, "".join(rows)))
        return n
    handle.write(head)
    for text in rows:
        handle.write(text)
    handle.write(tail)
    return n


# -- iCalendar: formats.to_ics's calendar, an event a line that needs action --------------------------


def write_ics(
    people: Iterable[Person], batches: Iterable[Sequence[StandingLines]], standings: Standings, keep: Callable[[str], bool], handle: IO[str], stamp: str
) -> int:
    """The calendar ``formats.to_ics`` gives (``stamp`` its DTSTAMP), written as the rows arrive; return the
    report's lines it covers (every line, as for the other formats, an event or not)."""
    from ltl_quiz.compliance.formats import CALENDAR_END, CALENDAR_START, ics_text
    from ltl_quiz.store.assignments import split_key

    who = {pid: (ics_text(pid), ics_text(f"{name} ({pid})"), ics_text(f"Staff number {pid}, unit {unit or '(none)'}; due ")) for pid, name, unit in people if keep(unit)}
    events: dict[str, tuple[str, ...] | None] = {}

    def event(key: str) -> tuple[str, ...] | None:
        """The event's text for a standing key: () for a line with no event (complete), None for one not wanted."""
        scenario_id, track, due_on, every, done = split_key(key)
        found = standings.get(due_on, every, done)
        made: tuple[str, ...] | None = None if found is None else ()
        if found is not None and found[0] != COMPLETE and (on := found[1]) is not None:
            fixed = f"DTSTAMP:{stamp}\r\nDTSTART;VALUE=DATE:{on:%Y%m%d}\r\nDTEND;VALUE=DATE:{on + timedelta(days=1):%Y%m%d}\r\n"
            summary = f"{scenario_id} ({track}) {phrase(found[0], on)}: "
            made = (ics_text(f"-{scenario_id}-{found[0]}-{on.isoformat()}@ltl-quiz"), fixed, ics_text(summary), ics_text(due_on))
        events[key] = made
        return made

    handle.write(CALENDAR_START)
    n, person, made = 0, who.get, events.get
    for batch in batches:
        out = []
        for learner_id, keys in batch:
            if (p := person(learner_id)) is None:
                continue
            for key in keys:
                if (e := made(key, _UNSEEN)) is _UNSEEN:
                    e = event(key)
                if e is None:
                    continue
                n += 1
                if e:
                    out.append(
                        f"BEGIN:VEVENT\r\n{_fold(f'UID:{p[0]}{e[0]}')}\r\n{e[1]}{_fold(f'SUMMARY:{e[2]}{p[1]}')}\r\n"
                        f"{_fold(f'DESCRIPTION:{p[2]}{e[3]}')}\r\nEND:VEVENT\r\n"
                    )
        handle.write("".join(out))
    handle.write(CALENDAR_END)
    return n


_UNSEEN: tuple[str, ...] = ("a standing key not yet seen",)


def _fold(line: str) -> str:
    """``formats.fold``, with its commonest cases cut short: an ASCII line of one or two pieces."""
    if line.isascii():
        if len(line) <= 75:
            return line
        if len(line) <= 149:
            return f"{line[:75]}\r\n {line[75:]}"
    return fold(line)
