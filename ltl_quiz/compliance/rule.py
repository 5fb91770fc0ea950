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


# Why an attempt does not count for an assignment: the rule's own reasons, ordered by how near the
# attempt came to counting (a certificate's verdict names the nearest, over all the assignments of its case).
NO_ASSIGNMENT = "no assignment of this case"
OTHER_TRACK = "assigned on another track"
UNFINISHED = "not completed"
SCRIPTED_ANSWERS = "answered from a script file"
NO_SESSIONS = "the assignment does not allow sessions"
OTHER_MODE = "assigned in another mode"
NOT_PASSED = "not passed"
BEFORE_START = "before the assignment started"
EXPIRED = "expired: its renewal interval has passed"
REASONS = (NO_ASSIGNMENT, OTHER_TRACK, UNFINISHED, SCRIPTED_ANSWERS, NO_SESSIONS, OTHER_MODE, NOT_PASSED, BEFORE_START, EXPIRED)


class Counted(NamedTuple):
    """Whether an attempt counts today, and if not, the rule's reason and the assignment it is about."""

    reason: str | None  # None: it counts; else one of REASONS
    assignment: Assignment | None = None


COUNTS = Counted(None)  # it counts


def refusal(assignment: Assignment, evidence: Evidence) -> str | None:
    """Why this one attempt does not count for this assignment (renewal aside), or None if it does.

    Every condition of the rule is here, once: ``satisfies`` is this returning None."""
    if (evidence.learner_id, evidence.scenario_id) != (assignment.learner_id, assignment.scenario_id):
        return NO_ASSIGNMENT
    if evidence.track != assignment.track:
        return OTHER_TRACK
    if evidence.status != "completed" or evidence.finished_at is None:
        return UNFINISHED
    if evidence.answered_how == SCRIPTED:
        return SCRIPTED_ANSWERS
    if evidence.session_kind == "facilitated":
        # The trainer entered the room's answers: that is attendance, which counts only where allowed.
        if not assignment.allow_sessions:
            return NO_SESSIONS
    elif assignment.mode is not None and evidence.mode != assignment.mode:
        return OTHER_MODE
    elif not evidence.passed:  # SQLite keeps booleans as 0/1
        return NOT_PASSED
    return BEFORE_START if evidence.finished_at < assignment.starts_at else None


def satisfies(assignment: Assignment, evidence: Evidence) -> bool:
    """Whether this one attempt counts for this assignment (renewal aside)."""
    return refusal(assignment, evidence) is None


def counted(assigned: Iterable[Assignment], evidence: Evidence, today: date) -> Counted:
    """Whether the attempt counts on ``today`` for any of the learner's assignments of its case
    (renewal included); if not, the reason from the assignment it came nearest to counting for."""
    nearest = Counted(NO_ASSIGNMENT)
    for a in assigned:
        why = refusal(a, evidence)
        if why is None and a.every_months and evidence.finished_at is not None:
            why = EXPIRED if today >= add_months(date.fromisoformat(evidence.finished_at[:10]), a.every_months) else None
        if why is None:
            return Counted(None, a)
        if REASONS.index(why) > REASONS.index(nearest.reason or NO_ASSIGNMENT):
            nearest = Counted(why, a)
    return nearest


# The same rule as ``satisfies``, as SQL over attempts ``t``, sessions ``s`` (LEFT JOINed on the
# attempt's session) and assignments ``a``, so a force's report is one indexed query. Kept next
# to ``satisfies`` and tested against it, edge by edge, on every store (tests/test_compliance_sql.py).
def satisfying_sql(how_column: str | None, kind: str = "s.kind", started: bool = True) -> str:
    """A SQL condition: attempt ``t`` satisfies assignment ``a`` (``how_column``: m005's column, if any).

    ``kind``: the kind of ``t``'s session (NULL for none), by default from sessions ``s`` joined to
    ``t``; ``SESSION_KIND`` looks it up itself, only for an attempt made in a session.
    ``started=False``: but for the start (it may have come before the assignment started)."""
    scripted = f"COALESCE(t.{how_column}, '') <> '{SCRIPTED}'" if how_column else "1 = 1"
    after = " AND t.finished_at >= a.starts_at" if started else ""
    return (
        "t.learner_id = a.learner_id AND t.scenario_id = a.scenario_id AND t.track = a.track"
        f" AND t.status = 'completed' AND t.finished_at IS NOT NULL{after}"
        f" AND {scripted}"
        f" AND (({kind} = 'facilitated' AND a.allow_sessions = TRUE)"
        f" OR (COALESCE({kind}, '') <> 'facilitated' AND (a.mode IS NULL OR t.mode = a.mode) AND t.passed = TRUE))"
    )


# The kind of attempt t's session without a join: a probe of each of a force's assignments then
# opens no cursor on the sessions (SQLite opens a join's anew for every probe), most attempts having none.
SESSION_KIND = "(CASE WHEN t.session_code IS NULL THEN NULL ELSE (SELECT s.kind FROM sessions s WHERE s.code = t.session_code) END)"


# The same rule again, for a whole force at once: the attempts are read once, not once per
# assignment. ``latest_sql`` sums them up per learner, case and track (the latest passed attempt
# outside a facilitated session, in any mode; the latest attendance at a facilitated session; the
# latest of either), ``latest_by_mode_sql`` per mode too, and ``latest_for_sql`` picks, for
# assignment ``a`` LEFT JOINed to those summaries ``d`` and ``m`` on its learner, case, track (and
# mode), the one its terms allow, if it came after the assignment started (the latest of a set is
# on or after a moment exactly when some member is). Tested against ``satisfies`` with the form above.
def _summed(how_column: str | None, columns: str, where: str, key: str) -> str:
    scripted = f"COALESCE(t.{how_column}, '') <> '{SCRIPTED}'" if how_column else "1 = 1"
    return (
        f"SELECT {key}, {columns} FROM attempts t LEFT JOIN sessions s ON s.code = t.session_code"
        f" WHERE t.status = 'completed' AND t.finished_at IS NOT NULL AND {scripted} AND {where} GROUP BY {key}"
    )


def latest_sql(how_column: str | None) -> str:
    """Per learner, case and track: ``passed_at`` (passed, not a facilitated session's, any mode),
    ``facilitated_at`` (attendance at a facilitated session) and ``attended_at`` (either)."""
    columns = (
        "max(CASE WHEN COALESCE(s.kind, '') <> 'facilitated' THEN t.finished_at END) AS passed_at,"
        " max(CASE WHEN s.kind = 'facilitated' THEN t.finished_at END) AS facilitated_at, max(t.finished_at) AS attended_at"
    )
    return _summed(how_column, columns, "(s.kind = 'facilitated' OR t.passed = TRUE)", "t.learner_id, t.scenario_id, t.track")


def latest_by_mode_sql(how_column: str | None) -> str:
    """Per learner, case, track and mode: ``passed_at`` (passed, not a facilitated session's)."""
    passed = "COALESCE(s.kind, '') <> 'facilitated' AND t.passed = TRUE"
    return _summed(how_column, "max(t.finished_at) AS passed_at", passed, "t.learner_id, t.scenario_id, t.track, t.mode")


def latest_for_sql(by_mode: bool, marked: bool = False) -> str:
    """A SQL value: the finish time of the latest attempt satisfying assignment ``a`` (NULL: none), from
    ``latest_sql``'s row ``d`` (and ``latest_by_mode_sql``'s ``m``: ``by_mode``, where assignments name modes).
    ``marked``: ``marked_sql``'s day instead, so a completion before the start is said, not dropped."""
    either = "CASE WHEN m.passed_at IS NULL OR d.facilitated_at > m.passed_at THEN d.facilitated_at ELSE m.passed_at END"
    named = f" WHEN a.mode IS NOT NULL AND a.allow_sessions = TRUE THEN {either} WHEN a.mode IS NOT NULL THEN m.passed_at" if by_mode else ""
    last = f"CASE{named} WHEN a.mode IS NOT NULL THEN NULL WHEN a.allow_sessions = TRUE THEN d.attended_at ELSE d.passed_at END"
    return marked_sql(last) if marked else f"CASE WHEN {last} >= a.starts_at THEN {last} END"


# A completion the rule refuses only because it came before the assignment started (a pass at
# 01:33 of a case assigned at 01:41) is not counted, but the learner and their lead are told of
# it. The latest of the attempts that satisfy ``a`` but for the start satisfies it exactly when it is
# on or after the start; if not, it is that earlier completion: one value says both, as its day,
# marked ``EARLIER`` when it does not count. ``earlier_day`` reads it back.
EARLIER = "<"


def marked_sql(latest: str) -> str:
    """A SQL value from ``latest`` (the finish time of the latest attempt satisfying ``a`` but for the
    start): its day, or ``EARLIER`` and its day if it came before ``a`` started (NULL: none)."""
    return f"CASE WHEN {latest} >= a.starts_at THEN substr({latest}, 1, 10) ELSE '{EARLIER}' || substr({latest}, 1, 10) END"


def earlier(assignment: Assignment, evidence: Iterable[Evidence]) -> date | None:
    """The day of the latest completion refused only as before the assignment started, if none counts:
    what ``marked_sql`` marks, in Python (the tests hold the SQL to it)."""
    found = [e for e in evidence if refusal(assignment, e) in (None, BEFORE_START)]
    latest = max(found, key=lambda e: e.finished_at or "", default=None)
    if latest is None or latest.finished_at is None or satisfies(assignment, latest):
        return None
    return date.fromisoformat(latest.finished_at[:10])


def earlier_day(done: str | None) -> tuple[str | None, str | None]:
    """(day done that counts, day of an earlier completion that does not) from ``marked_sql``'s value."""
    if done and done[0] == EARLIER:
        return None, done[1:]
    return done, None


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
