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

SCRIPTED = "scripted"  # attempts.how_answered (migration m005): answers read from a file, not given by a person

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


# The same rule as ``satisfies``, as SQL over attempts ``t``, sessions ``s`` (LEFT JOINed on the
# attempt's session) and assignments ``a``, so a force's report is one indexed query. Kept next
# to ``satisfies`` and tested against it, edge by edge, on every store (tests/test_compliance_sql.py).
def satisfying_sql(how_column: str | None) -> str:
    """A SQL condition: attempt ``t`` satisfies assignment ``a`` (``how_column``: m005's column, if any)."""
    scripted = f"COALESCE(t.{how_column}, '') <> '{SCRIPTED}'" if how_column else "1 = 1"
    return (
        "t.learner_id = a.learner_id AND t.scenario_id = a.scenario_id AND t.track = a.track"
        " AND t.status = 'completed' AND t.finished_at IS NOT NULL AND t.finished_at >= a.starts_at"
        f" AND {scripted}"
        " AND ((s.kind = 'facilitated' AND a.allow_sessions = TRUE)"
        " OR (COALESCE(s.kind, '') <> 'facilitated' AND (a.mode IS NULL OR t.mode = a.mode) AND t.passed = TRUE))"
    )


# The same rule again, for a whole force at once: the attempts are read once, not once per
# assignment. ``latest_sql`` sums them up per learner, case and track (the latest passed attempt
# outside a facilitated session, in any mode; and the latest of those and attendances), and
# ``latest_for_sql`` picks, for assignment ``a`` LEFT JOINed to that summary ``d`` on its learner,
# case and track, the one its terms allow, if it came after the assignment started (the latest of
# a set is on or after a moment exactly when some member is). An assignment naming a mode is
# probed with ``satisfying_sql`` instead. Tested against ``satisfies`` with the form above.
def latest_sql(how_column: str | None) -> str:
    """Per learner, case and track: ``passed_at`` (passed, not a facilitated session's, any mode) and
    ``attended_at`` (that or a facilitated session's attendance), over attempts ``t`` and sessions ``s``."""
    scripted = f"COALESCE(t.{how_column}, '') <> '{SCRIPTED}'" if how_column else "1 = 1"
    return (
        "SELECT t.learner_id, t.scenario_id, t.track,"
        " max(CASE WHEN COALESCE(s.kind, '') <> 'facilitated' THEN t.finished_at END) AS passed_at,"
        " max(t.finished_at) AS attended_at"
        " FROM attempts t LEFT JOIN sessions s ON s.code = t.session_code"
        f" WHERE t.status = 'completed' AND t.finished_at IS NOT NULL AND {scripted}"
        " AND (s.kind = 'facilitated' OR t.passed = TRUE)"
        " GROUP BY t.learner_id, t.scenario_id, t.track"
    )


def latest_for_sql(how_column: str | None) -> str:
    """A SQL value: the finish time of the latest attempt satisfying assignment ``a`` (NULL: none), from
    ``latest_sql``'s row ``d`` for its learner, case and track (or a probe, if ``a`` names a mode)."""
    probe = f"(SELECT max(t.finished_at) FROM attempts t LEFT JOIN sessions s ON s.code = t.session_code WHERE {satisfying_sql(how_column)})"
    return (
        f"CASE WHEN a.mode IS NOT NULL THEN {probe}"
        " WHEN a.allow_sessions = TRUE THEN CASE WHEN d.attended_at >= a.starts_at THEN d.attended_at END"
        " WHEN d.passed_at >= a.starts_at THEN d.passed_at END"
    )


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
        return standing_after(assignment, None, today, warn_days)
    return standing_after(assignment, date.fromisoformat(best.finished_at[:10]), today, warn_days)._replace(attempt_id=best.attempt_id)


def standing_after(assignment: Assignment, done: date | None, today: date, warn_days: int = 30) -> Standing:
    """Where the learner stands given the day of the latest satisfying attempt (None: none yet)."""
    return standing_on(assignment.due_on, assignment.every_months, done, today, warn_days)


def standing_on(due_on: date, every_months: int | None, done: date | None, today: date, warn_days: int = 30) -> Standing:
    """The date arithmetic of a standing: all it needs is the due date, the interval and the day done."""
    if done is None:
        if today <= due_on:
            return Standing(DUE, due_on)
        return Standing(OVERDUE, due_on + timedelta(days=1))
    late = done > due_on
    if every_months is None:
        return Standing(COMPLETE, None, None, done, late)
    expires = add_months(done, every_months)  # the first day it no longer counts
    if today >= expires:
        return Standing(OVERDUE, expires, None, done, late)
    if (expires - today).days <= warn_days:
        return Standing(EXPIRING, expires - timedelta(days=1), None, done, late)
    return Standing(COMPLETE, expires - timedelta(days=1), None, done, late)


def expiry(assigned: Iterable[Assignment], evidence: Evidence) -> date | None:
    """When this attempt stops counting for the learner's assignments of its case (the latest, if several):
    the renewal half of the rule, kept beside the satisfaction half so a certificate's expiry and the
    compliance standings can never disagree."""
    if evidence.finished_at is None:  # unfinished: it counts for nothing, so it cannot expire
        return None
    done = date.fromisoformat(evidence.finished_at[:10])
    ends = [add_months(done, a.every_months) - timedelta(days=1) for a in assigned if a.every_months and satisfies(a, evidence)]
    return max(ends) if ends else None
