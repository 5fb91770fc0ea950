"""The compliance report: every assignment's standing, with totals per unit and case. Pure.

A learner assigned the same case twice (a renewed assignment, a second due date) appears once
per assignment: each is a separate obligation a CPD lead may be asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from ltl_quiz.compliance.rule import COMPLETE, DUE, EXPIRING, OVERDUE, Assignment, Evidence, Standing, standing

STATES = (COMPLETE, DUE, OVERDUE, EXPIRING)
WORDS = {COMPLETE: "until", DUE: "by", OVERDUE: "since", EXPIRING: "on"}


class Line(NamedTuple):
    """One person and case: who, what, and where they stand."""

    learner_id: str
    name: str
    unit: str
    scenario_id: str
    track: str
    due_on: date
    every_months: int | None
    standing: Standing

    @property
    def state(self) -> str:
        return self.standing.state

    def phrase(self) -> str:
        """'complete (until 2027-03-13)', 'due (by 2027-03-14)', 'complete' when it never expires."""
        on = self.standing.on
        return self.state if on is None else f"{self.state} ({WORDS[self.state]} {on.isoformat()})"


@dataclass
class Compliance:
    today: date
    lines: list[Line] = field(default_factory=list)
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)
    by_case: dict[str, dict[str, int]] = field(default_factory=dict)


def build(
    assigned: Iterable[tuple[Assignment, str, str]],
    evidence: Iterable[Evidence],
    today: date,
    warn_days: int = 30,
    unit: str | None = None,
    due_within: int | None = None,
) -> Compliance:
    """Each assignment's standing on ``today``; ``due_within`` keeps only those needing action within N days."""
    by_person: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for e in evidence:
        by_person[(e.learner_id, e.scenario_id)].append(e)
    wanted = unit.strip().casefold() if unit else None
    horizon = today + timedelta(days=due_within) if due_within is not None else None
    report = Compliance(today)
    units: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    cases: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    for a, name, person_unit in assigned:
        if wanted is not None and wanted not in person_unit.casefold():
            continue
        found = standing(a, by_person.get((a.learner_id, a.scenario_id), ()), today, warn_days if due_within is None else due_within)
        if horizon is not None and not _needs_action(found, horizon):
            continue
        report.lines.append(Line(a.learner_id, name, person_unit, a.scenario_id, a.track, a.due_on, a.every_months, found))
        units[person_unit][found.state] += 1
        cases[a.scenario_id][found.state] += 1
    report.by_unit = dict(sorted(units.items()))
    report.by_case = dict(sorted(cases.items()))
    return report


def _needs_action(found: Standing, horizon: date) -> bool:
    if found.state in (OVERDUE, EXPIRING):
        return True
    return found.state == DUE and found.on is not None and found.on <= horizon
