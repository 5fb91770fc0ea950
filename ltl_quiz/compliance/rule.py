"""THE rule for what satisfies an assignment, in one place, as pure functions over plain rows.

An assignment is satisfied by a completed, passed attempt of its case on its track (and mode, if
the assignment names one), finished on or after the assignment started, answered by the learner
(never scripted), or by attendance at a facilitated session if the assignment allows that. With a
renewal interval, the latest such completion is good until the same date ``every`` months on.

The storage layer may pre-select candidate attempts for speed, but only ever a superset: every
decision is made here, so the tests of this module are the tests of the rule. The records are
NamedTuples, not dataclasses: a force's report builds a million of them, straight from row tuples.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from ltl_quiz.compliance.periods import add_months

SCRIPTED = "scripted"  # attempts.answered_how (migration m005): answers read from a file, not given by a person

COMPLETE, DUE, OVERDUE, EXPIRING = "complete", "due", "overdue", "expiring"


class Assignment(NamedTuple):
    """Who must complete which case, on which track, by when, and how often."""

    id: str
    learner_id: str
    scenario_id: str
    track: str
    due_on: date
    starts_at: str  # ISO 8601 UTC: attempts finished before this do not count
    mode: str | None = None  # None: practice or assessed
    every_months: int | None = None
    allow_sessions: bool = False


class Evidence(NamedTuple):
    """What an attempt says about one learner and case: the columns the rule reads, nothing more."""

    attempt_id: str
    learner_id: str
    scenario_id: str
    track: str
    mode: str
    status: str
    passed: bool | None
    finished_at: str | None
    answered_how: str = "terminal"
    session_kind: str | None = None  # 'facilitated' (attendance) or 'live' (the learner answered) in a group session


class Standing(NamedTuple):
    """Where one learner stands on one assignment on a given day."""

    state: str  # complete | due | overdue | expiring
    on: date | None  # complete/expiring: last day it counts (None: never expires); due: by; overdue: since (first day out)
    attempt_id: str | None = None
    completed_on: date | None = None
    late: bool = False  # satisfied, but after the due date


def satisfies(assignment: Assignment, evidence: Evidence) -> bool:
    """Whether this one attempt counts for this assignment (renewal aside)."""
    if (evidence.learner_id, evidence.scenario_id, evidence.track) != (assignment.learner_id, assignment.scenario_id, assignment.track):
        return False
    if evidence.status != "completed" or evidence.finished_at is None or evidence.finished_at < assignment.starts_at:
        return False
    if evidence.answered_how == SCRIPTED:
        return False
    if evidence.session_kind == "facilitated":
        # The trainer entered the room's answers: that is attendance, which counts only where allowed.
        return assignment.allow_sessions
    if assignment.mode is not None and evidence.mode != assignment.mode:
        return False
    return bool(evidence.passed)  # SQLite keeps booleans as 0/1


def standing(assignment: Assignment, evidence: Iterable[Evidence], today: date, warn_days: int = 30) -> Standing:
    """Complete, due, overdue or expiring, from the latest attempt that satisfies the assignment.

    ``warn_days``: a completion whose renewal falls within this many days of ``today`` is shown
    as expiring rather than complete, so the learner can renew early.
    """
    best: Evidence | None = None
    for e in evidence:
        if satisfies(assignment, e) and (best is None or (e.finished_at or "") > (best.finished_at or "")):
            best = e
    if best is None or best.finished_at is None:
        if today <= assignment.due_on:
            return Standing(DUE, assignment.due_on)
        return Standing(OVERDUE, assignment.due_on + timedelta(days=1))
    done = date.fromisoformat(best.finished_at[:10])
    late = done > assignment.due_on
    if assignment.every_months is None:
        return Standing(COMPLETE, None, best.attempt_id, done, late)
    expires = add_months(done, assignment.every_months)  # the first day it no longer counts
    if today >= expires:
        return Standing(OVERDUE, expires, best.attempt_id, done, late)
    if (expires - today).days <= warn_days:
        return Standing(EXPIRING, expires - timedelta(days=1), best.attempt_id, done, late)
    return Standing(COMPLETE, expires - timedelta(days=1), best.attempt_id, done, late)
