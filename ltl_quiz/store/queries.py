"""Streaming SELECTs for exports, reports and the CPD record: rows arrive in batches, never all at once.

A force's store holds hundreds of thousands of attempts and millions of answers, so every query
here is iterated with ``yield_per`` (a server-side cursor where the driver has one) and the caller
works one row at a time. The SQL stays portable Core: the only dialect-specific piece is the
number of seconds between two ISO 8601 text timestamps, compiled per database below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.functions import FunctionElement

from ltl_quiz.errors import InputError
from ltl_quiz.scenario.kinds import answered_kinds
from ltl_quiz.store.db import Store
from ltl_quiz.store.dialect_sql import spelled
from ltl_quiz.store.rows import SCRIPTED, STATUSES, verdict_holds
from ltl_quiz.store.tables import answers, attempts, learners, session_answers, session_steps, sessions

BATCH = 5000


class seconds_between(FunctionElement):  # named as the SQL function it stands for
    """Seconds from one ISO 8601 UTC text timestamp to another, computed by the database."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


def _seconds_standard(dialect: sa.Dialect, args: list[str]) -> str:
    start, end = args
    seconds = f"EXTRACT(EPOCH FROM (CAST({end} AS TIMESTAMP WITH TIME ZONE) - CAST({start} AS TIMESTAMP WITH TIME ZONE)))"
    return f"ROUND(CAST({seconds} AS NUMERIC), 3)::float8" if dialect.name == "postgresql" else f"CAST({seconds} AS DOUBLE PRECISION)"


spelled(seconds_between, _seconds_standard, sqlite="ROUND((julianday({1}) - julianday({0})) * 86400.0, 3)")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Filters:
    """Which attempts to take: every filter given must hold. Dates apply to when an attempt began."""

    since: str | None = None
    until: str | None = None
    scenario: str | None = None
    learner: str | None = None
    unit: str | None = None
    session: str | None = None
    status: str | None = None
    passed: bool | None = None
    include_scripted: bool = True  # False for pass rates and CPD records: a scripted run is nobody's own work

    @classmethod
    def parse(
        cls,
        *,
        since: str | None = None,
        until: str | None = None,
        scenario: str | None = None,
        learner: str | None = None,
        unit: str | None = None,
        session: str | None = None,
        status: str | None = None,
        passed: bool | None = None,
    ) -> Filters:
        """Check what a user typed (dates, status) and raise InputError saying what to type instead."""
        since = _check_date("since", since) if since is not None else None
        until = _check_date("until", until) if until is not None else None
        if status is not None and status not in STATUSES:
            raise InputError(f"--status {status!r} is not known; use one of: {', '.join(STATUSES)}")
        if since and until and since > until:
            raise InputError(f"--since {since} is after --until {until}; swap them")

        def given(text: str | None) -> str | None:  # an empty option is no filter
            return None if text is None or text == "" else text.strip()

        return cls(given(since), given(until), given(scenario), given(learner), given(unit), given(session), given(status), passed)

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        cond: list[sa.ColumnElement[bool]] = []
        if self.since:
            cond.append(attempts.c.started_at >= self.since)
        if self.until and date.fromisoformat(self.until) < date.max:  # --until 9999-12-31 bounds nothing
            next_day = (date.fromisoformat(self.until) + timedelta(days=1)).isoformat()
            cond.append(attempts.c.started_at < next_day)
        if self.scenario:
            cond.append(attempts.c.scenario_id == self.scenario)
        if self.learner:
            cond.append(attempts.c.learner_id == self.learner)
        if self.unit:
            cond.append(sa.func.lower(learners.c.unit).contains(self.unit.lower(), autoescape=True))
        if self.session:
            cond.append(sa.func.upper(attempts.c.session_code) == self.session.upper())
        if self.status:
            cond.append(attempts.c.status == self.status)
        if self.passed is not None:  # only a completed attempt has a verdict, whatever an older row holds
            cond.append(sa.and_(verdict_holds(), attempts.c.passed == self.passed))
        if not self.include_scripted:
            cond.append(sa.or_(attempts.c.how_answered.is_(None), attempts.c.how_answered != SCRIPTED))
        return cond

    def describe(self) -> str:
        """The filters in words, for report headings: 'all attempts' when there are none."""
        shown = {k: v for k, v in vars(self).items() if v is not None and k != "include_scripted"}
        parts = [f"{k} {v if not isinstance(v, bool) else ('passed' if v else 'failed')}" for k, v in shown.items()]
        if not self.include_scripted:
            parts.append("scripted runs left out")
        return ", ".join(parts) or "all attempts"


def _check_date(name: str, value: str) -> str:
    value = value.strip()
    try:
        if not _DATE.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--{name} {value!r} is not a date; use YYYY-MM-DD, e.g. 2024-03-31") from None
    return value


def _joined() -> Any:
    return attempts.join(learners, learners.c.id == attempts.c.learner_id).outerjoin(sessions, sessions.c.code == attempts.c.session_code)


def step_seconds() -> sa.ColumnElement[float]:
    """The time one step (one answers row) was before the learner: the part of THE time spent
    (``time_spent_seconds``) that falls at that node. Use with ``with_steps`` in the FROM clause."""
    start = sa.func.coalesce(session_steps.c.shown_at, answers.c.shown_at)
    end = sa.func.coalesce(session_steps.c.closed_at, answers.c.answered_at)
    return seconds_between(start, end)


def with_steps(answers_from: sa.FromClause) -> sa.Join:
    """``answers_from`` (a FROM holding answers and attempts) joined to the group-session step each
    answer belongs to, if any: the join ``step_seconds`` needs."""
    in_room = sa.and_(session_steps.c.session_code == attempts.c.session_code, session_steps.c.seq == answers.c.seq)
    return answers_from.outerjoin(session_steps, in_room)


def time_spent_seconds() -> sa.ColumnElement[float]:
    """THE time spent on an attempt, in seconds: the one definition every record uses (export, CPD
    record, learning report, xAPI durations, session report).

    It is the sum, over the attempt's steps, of the time each step was before the learner: from
    when it was shown until they answered it, or, in a group session, until the room moved on
    (the step's close; a learner who answered first still took part in the discussion). A solo
    attempt's first debrief key question is shown when the ending is (``ui/runner.py``). To it is
    added the time at prompts that left no answer row (``held_seconds``): a step the learner left
    before answering, and practice feedback read between steps. Breaks between sittings and a
    session's lobby are therefore not counted. ``step_seconds`` is one step's share.
    """
    steps = (
        sa.select(sa.func.coalesce(sa.func.sum(step_seconds()), 0.0))
        .select_from(with_steps(answers))
        .where(answers.c.attempt_id == attempts.c.id)
        .scalar_subquery()
    )
    return steps + held_seconds()


def held_seconds() -> sa.ColumnElement[float]:
    """An attempt's time at prompts that left no answer row (m013, ``Store.hold``), in seconds:
    the part of time spent that no step holds. A group session's attempt has none: its steps are the room's."""
    return sa.cast(attempts.c.held_ms / 1000.0, sa.Float)


active_seconds = time_spent_seconds  # the name the queries below have always given it


def minutes(seconds: float | None) -> float:
    """Time spent as every record shows it: minutes to one decimal place."""
    return round((seconds or 0.0) / 60.0, 1)


def time_spent(store: Store, attempt_ids: list[str]) -> dict[str, float]:
    """Seconds spent on each of ``attempt_ids`` (for screens that hold attempts rather than stream them)."""
    if not attempt_ids:
        return {}
    query = sa.select(attempts.c.id, time_spent_seconds()).where(attempts.c.id.in_(attempt_ids))
    with store.reading() as conn:
        return {row[0]: float(row[1] or 0.0) for row in conn.execute(query)}


def _verdict(column: Any, name: str) -> Any:
    """A verdict column, empty unless the attempt is completed (see ``ltl_quiz.store.rows.has_verdict``)."""
    return sa.case((verdict_holds(), column), else_=sa.null()).label(name)


VERDICT_COLUMNS = ("score", "percentage", "passed", "competencies", "ending")  # empty unless the attempt is completed
# the first two come first, with the learner; the others stay inside (held_ms is part of the time spent)
NOT_EXPORTED = ("id", "learner_id", "seed", "state", "held_ms")
LEARNER_COLUMNS = (attempts.c.learner_id, learners.c.name.label("learner_name"), learners.c.unit.label("learner_unit"))
ATTEMPT_COLUMNS = (
    attempts.c.id,
    *LEARNER_COLUMNS,
    *(_verdict(c, c.name) if c.name in VERDICT_COLUMNS else c for c in attempts.columns if c.name not in NOT_EXPORTED),
    sessions.c.trainer,
    sessions.c.kind.label("session_kind"),
)


def attempts_query(filters: Filters) -> sa.Select:
    """One row per attempt with its learner, session trainer and time on task, oldest first."""
    return (
        sa.select(*ATTEMPT_COLUMNS, active_seconds().label("active_seconds"))
        .select_from(_joined())
        .where(*filters.conditions())
        .order_by(attempts.c.started_at, attempts.c.id)
    )


def entered_in_room() -> sa.ColumnElement[bool]:
    """Whether the room's record holds this participant's own answer at this step (a row of
    ``session_answers``, given at their terminal or entered for them by the trainer). The answer
    row alone cannot say so for a "none of these" at a multi: its option ids are "[]" whether they
    chose none or did not answer. Looked up only for a group session's attempts (the CASE is not
    evaluated further for a solo one), through the unique (session, step, learner) index."""
    mine = sa.exists().where(
        session_answers.c.session_code == attempts.c.session_code,
        session_answers.c.seq == answers.c.seq,
        session_answers.c.learner_id == attempts.c.learner_id,
    )
    return sa.case((attempts.c.session_code.is_(None), sa.false()), else_=mine)


ANSWER_COLUMNS = (
    attempts.c.id.label("attempt_id"),
    *LEARNER_COLUMNS,
    attempts.c.scenario_id,
    attempts.c.scenario_version,
    attempts.c.track,
    attempts.c.mode,
    attempts.c.session_code,
    sessions.c.trainer,
    attempts.c.how_answered,
    answers.c.seq,
    answers.c.node_id,
    answers.c.kind,
    answers.c.option_ids,
    answers.c.free_text,
    answers.c.covered,
    answers.c.points,
    answers.c.critical,
    answers.c.shown_at,
    answers.c.answered_at,
    seconds_between(answers.c.shown_at, answers.c.answered_at).label("seconds"),
    entered_in_room().label("entered"),  # read by exporters.rows.their_own, with the row's mode and answer
)


def answers_query(filters: Filters, kinds: tuple[str, ...] | None = None, modes: tuple[str, ...] | None = None) -> sa.Select:
    """One row per answer of the chosen kinds (by default every answer but reading on past a node,
    asked of the kinds table now, so a kind registered since import counts) of attempts in ``modes``,
    if given, with its attempt's fields, in attempt order then answer order."""
    kinds = answered_kinds() if kinds is None else kinds
    by_mode = [attempts.c.mode.in_(modes)] if modes else []
    return (
        sa.select(*ANSWER_COLUMNS)
        .select_from(_joined().join(answers, answers.c.attempt_id == attempts.c.id))
        .where(answers.c.kind.in_(kinds), *by_mode, *filters.conditions())
        .order_by(attempts.c.started_at, attempts.c.id, answers.c.seq)
    )


def count(store: Store, query: sa.Select) -> int:
    """How many rows ``query`` returns: cheap next to fetching them, and it lets a progress bar know its end."""
    counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    with store.reading() as conn:
        return int(conn.execute(counted).scalar_one())


def stream(store: Store, query: sa.Select, batch: int = BATCH) -> Iterator[sa.Row]:
    """Rows of ``query`` fetched ``batch`` at a time; the connection closes when the caller stops."""
    with store.reading() as conn:
        result = conn.execution_options(yield_per=batch).execute(query)
        for partition in result.partitions():
            yield from partition


def attempts_with_answers(store: Store, filters: Filters, kinds: tuple[str, ...] | None = None) -> Iterator[tuple[sa.Row, list[sa.Row]]]:
    """Each attempt with its answers, by merging two streams in the same order: memory holds one attempt."""
    answer_rows = stream(store, answers_query(filters, kinds))
    pending = next(answer_rows, None)
    for attempt in stream(store, attempts_query(filters)):
        mine: list[sa.Row] = []
        while pending is not None and pending.attempt_id == attempt.id:
            mine.append(pending)
            pending = next(answer_rows, None)
        yield attempt, mine
