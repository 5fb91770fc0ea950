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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ltl_quiz.errors import InputError, StoreError
from ltl_quiz.locations import redact
from ltl_quiz.store.db import STATUSES, Store, answers, attempts, learners

sessions = sa.table("sessions", sa.column("code"), sa.column("trainer"), sa.column("kind"))

BATCH = 5000
CHOICE_KINDS = ("decision", "multi")
REFLECTION_KINDS = ("reflection", "key_question")
ANSWER_KINDS = CHOICE_KINDS + REFLECTION_KINDS  # every answer but reading on past a passage


class seconds_between(FunctionElement):  # named as the SQL function it stands for
    """Seconds from one ISO 8601 UTC text timestamp to another, computed by the database."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_standard(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    seconds = f"EXTRACT(EPOCH FROM (CAST({end} AS TIMESTAMP WITH TIME ZONE) - CAST({start} AS TIMESTAMP WITH TIME ZONE)))"
    return (
        f"ROUND(CAST({seconds} AS NUMERIC), 3)::float8" if compiler.dialect.name == "postgresql" else f"CAST({seconds} AS DOUBLE PRECISION)"
    )


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)"


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

    @classmethod
    def parse(cls, **options: Any) -> Filters:
        """Check what a user typed (dates, status) and raise InputError saying what to type instead."""
        for name in ("since", "until"):
            value = options.get(name)
            if value is not None:
                options[name] = _check_date(name, value)
        status = options.get("status")
        if status is not None and status not in STATUSES:
            raise InputError(f"--status {status!r} is not known; use one of: {', '.join(STATUSES)}")
        if options.get("since") and options.get("until") and options["since"] > options["until"]:
            raise InputError(f"--since {options['since']} is after --until {options['until']}; swap them")
        return cls(**{k: (v.strip() if isinstance(v, str) else v) for k, v in options.items() if v not in (None, "")})

    def conditions(self) -> list[Any]:
        cond: list[Any] = []
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
        if self.passed is not None:
            cond.append(attempts.c.passed == self.passed)
        return cond

    def describe(self) -> str:
        """The filters in words, for report headings: 'all attempts' when there are none."""
        parts = [f"{k} {v if not isinstance(v, bool) else ('passed' if v else 'failed')}" for k, v in vars(self).items() if v is not None]
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


def active_seconds() -> Any:
    """Time on task: the sum of each answer's shown-to-answered time, so a break between sittings is not counted."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(seconds_between(answers.c.shown_at, answers.c.answered_at)), 0.0))
        .where(answers.c.attempt_id == attempts.c.id)
        .scalar_subquery()
    )


ATTEMPT_COLUMNS = (
    attempts.c.id,
    attempts.c.learner_id,
    learners.c.name.label("learner_name"),
    learners.c.unit.label("learner_unit"),
    attempts.c.scenario_id,
    attempts.c.scenario_title,
    attempts.c.scenario_version,
    attempts.c.scenario_sha256,
    attempts.c.track,
    attempts.c.mode,
    attempts.c.status,
    attempts.c.started_at,
    attempts.c.updated_at,
    attempts.c.finished_at,
    attempts.c.score,
    attempts.c.best_score,
    attempts.c.percentage,
    attempts.c.passed,
    attempts.c.critical_failures,
    attempts.c.competencies,
    attempts.c.ending,
    attempts.c.session_code,
    sessions.c.trainer,
)


def attempts_query(filters: Filters) -> sa.Select:
    """One row per attempt with its learner, session trainer and time on task, oldest first."""
    return (
        sa.select(*ATTEMPT_COLUMNS, active_seconds().label("active_seconds"))
        .select_from(_joined())
        .where(*filters.conditions())
        .order_by(attempts.c.started_at, attempts.c.id)
    )


ANSWER_COLUMNS = (
    attempts.c.id.label("attempt_id"),
    attempts.c.learner_id,
    learners.c.name.label("learner_name"),
    learners.c.unit.label("learner_unit"),
    attempts.c.scenario_id,
    attempts.c.scenario_version,
    attempts.c.track,
    attempts.c.mode,
    attempts.c.session_code,
    sessions.c.trainer,
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
)


def answers_query(filters: Filters, kinds: tuple[str, ...] = ANSWER_KINDS, modes: tuple[str, ...] | None = None) -> sa.Select:
    """One row per answer of the chosen kinds (of attempts in ``modes``, if given), with its attempt's
    fields, in attempt order then answer order."""
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
    with _reading(store) as conn:
        return int(conn.execute(counted).scalar_one())


def stream(store: Store, query: sa.Select, batch: int = BATCH) -> Iterator[sa.Row]:
    """Rows of ``query`` fetched ``batch`` at a time; the connection closes when the caller stops."""
    with _reading(store) as conn:
        result = conn.execution_options(yield_per=batch).execute(query)
        for partition in result.partitions():
            yield from partition


def attempts_with_answers(store: Store, filters: Filters, kinds: tuple[str, ...] = ANSWER_KINDS) -> Iterator[tuple[sa.Row, list[sa.Row]]]:
    """Each attempt with its answers, by merging two streams in the same order: memory holds one attempt."""
    answer_rows = stream(store, answers_query(filters, kinds))
    pending = next(answer_rows, None)
    for attempt in stream(store, attempts_query(filters)):
        mine: list[sa.Row] = []
        while pending is not None and pending.attempt_id == attempt.id:
            mine.append(pending)
            pending = next(answer_rows, None)
        yield attempt, mine


class _reading:
    """A read connection whose database errors become a StoreError naming the (redacted) store."""

    def __init__(self, store: Store):
        self.store = store
        self.conn: sa.Connection | None = None

    def __enter__(self) -> sa.Connection:
        try:
            self.conn = self.store.reading()  # deferred BEGIN on SQLite: a long export never holds the write lock
        except sa.exc.SQLAlchemyError as exc:
            raise _error(self.store, exc) from None
        return self.conn

    def __exit__(self, _type: Any, exc: BaseException | None, _tb: Any) -> bool:
        assert self.conn is not None
        self.conn.close()
        if isinstance(exc, sa.exc.SQLAlchemyError):
            raise _error(self.store, exc) from None
        return False


def _error(store: Store, exc: BaseException) -> StoreError:
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return StoreError(f"cannot read the results store {redact(store.url)}: {redact(reason)}")
