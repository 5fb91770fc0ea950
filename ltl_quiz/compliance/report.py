"""The compliance report: every assignment's standing, with totals per unit and case. Pure.

A learner assigned the same case twice (a renewed assignment, a second due date) appears once
per assignment: each is a separate obligation a CPD lead may be asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from ltl_quiz.compliance.rule import COMPLETE, DUE, EXPIRING, OVERDUE, Standing, earlier_day, standing_on

if TYPE_CHECKING:
    from ltl_quiz.store.assignments import StandingRow

STATES = (COMPLETE, DUE, OVERDUE, EXPIRING)
Found = tuple[str, date | None, date | None, bool, date | None]  # state, on, completed on, late, earlier: Line's last five fields
WORDS = {COMPLETE: "until", DUE: "by", OVERDUE: "since", EXPIRING: "on"}


class Line(NamedTuple):
    """One person and case: who, what, and where they stand (flat, so a force's report is cheap)."""

    learner_id: str
    name: str
    unit: str
    scenario_id: str
    track: str
    due_on: str  # YYYY-MM-DD
    every_months: int | None
    state: str
    on: date | None  # see Standing.on
    completed_on: date | None
    late: bool
    earlier: date | None = None  # a completion the rule does not count, as it came before the assignment started

    @property
    def standing(self) -> Standing:
        return Standing(self.state, self.on, None, self.completed_on, self.late)

    def phrase(self) -> str:
        return phrase(self.state, self.on)


def phrase(state: str, on: date | None) -> str:
    """'complete (until 2027-03-13)', 'due (by 2027-03-14)', 'complete' when it never expires."""
    return state if on is None else f"{state} ({WORDS[state]} {on.isoformat()})"


@dataclass
class Compliance:
    today: date
    lines: list[Line] = field(default_factory=list)
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)
    by_case: dict[str, dict[str, int]] = field(default_factory=dict)


def build(
    rows: Iterable[StandingRow],
    today: date,
    warn_days: int = 30,
    unit: str | None = None,
    due_within: int | None = None,
) -> Compliance:
    """Each assignment's standing on ``today``; ``due_within`` keeps only those needing action within N days.

    ``rows``: (staff number, name, unit, case, track, due on, every months, day of the latest
    satisfying attempt, or of an earlier one marked ``rule.EARLIER``, or None), as ``store.assignments.standing_rows`` reads them. The standing depends
    only on the due date, the interval and the day of completion, so it is worked out once per
    distinct combination: a force has few due dates, and this keeps 500,000 lines cheap.
    """
    keep = None if unit is None else unit_matches(unit)
    standings = Standings(today, warn_days, due_within)
    report = Compliance(today)
    units: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    cases: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    make, lines, known, get = Line._make, report.lines, standings.known, standings.get
    for learner_id, name, person_unit, scenario_id, track, due_on, every, done_at in rows:
        if keep is not None and not keep(person_unit):
            continue
        key = (due_on, every, done_at)
        found = known[key] if key in known else get(*key)  # read inline: a call a row costs more than the loop
        if found is None:  # not needing action within --due-within
            continue
        lines.append(make((learner_id, name, person_unit, scenario_id, track, due_on, every, *found)))
        units[person_unit][found[0]] += 1
        cases[scenario_id][found[0]] += 1
    report.by_unit = dict(sorted(units.items()))
    report.by_case = dict(sorted(cases.items()))
    return report


def unit_matches(unit: str | None) -> Callable[[str], bool]:
    """What ``--unit`` keeps: units containing its text, ignoring case (everyone, without it)."""
    if not unit:
        return lambda _: True
    wanted = unit.strip().casefold()
    return lambda person_unit: wanted in person_unit.casefold()


class Standings:
    """Each standing on ``today``, worked out by the rule once per distinct due date, interval and
    day done: a force has few due dates, so 500,000 assignments need a few thousand rule calls.

    ``get`` gives (state, on, completed on, late, earlier), or None for an assignment that needs no action
    within ``due_within`` days (when that is given).
    """

    def __init__(self, today: date, warn_days: int = 30, due_within: int | None = None):
        self.today = today
        self.horizon = today + timedelta(days=due_within) if due_within is not None else None
        self.warn = warn_days if due_within is None else due_within
        self.known: dict[tuple[str, int | None, str | None], Found | None] = {}

    def get(self, due_on: str, every: int | None, done: str | None) -> Found | None:
        """The standing of an assignment due ``due_on``, renewed ``every`` months, last done on ``done``
        (YYYY-MM-DD; or an earlier completion's day, marked as ``rule.marked_sql`` marks it)."""
        key = (due_on, every, done)
        if key in self.known:
            return self.known[key]
        counts, earlier = earlier_day(done)
        s = standing_on(_day(due_on), every, _day(counts) if counts else None, self.today, self.warn)
        keep = self.horizon is None or _needs_action(s, self.horizon)
        found = self.known[key] = (s.state, s.on, s.completed_on, s.late, _day(earlier) if earlier else None) if keep else None
        return found


def _needs_action(found: Standing, horizon: date) -> bool:
    if found.state in (OVERDUE, EXPIRING):
        return True
    return found.state == DUE and found.on is not None and found.on <= horizon


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    return date.fromisoformat(text)
