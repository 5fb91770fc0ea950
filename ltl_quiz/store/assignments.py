"""Assignments in the store, and the rows the compliance rule reads, fetched in bulk.

Reading is tuned for a whole force (500,000 assignments and attempts): one query, plain DBAPI
rows of two short strings, no ORM objects. What satisfies an assignment is decided by the SQL forms
of the rule that ``compliance.rule`` keeps beside the rule in Python and tests against it.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any, cast

import sqlalchemy as sa

from ltl_quiz.compliance.rule import SESSION_KIND, Assignment, latest_by_mode_sql, latest_for_sql, latest_sql, marked_sql, satisfying_sql
from ltl_quiz.config import Learner
from ltl_quiz.errors import InputError, StoreError
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.tables import assignments, learners

ORDER = "ORDER BY a.learner_id, a.scenario_id, a.assigned_at"  # the report's order: by person, then case
HOW_COLUMNS = ("how_answered",)  # attempts.how_answered (migration m005); a store before m005 has none

# The rows the report reads, as plain tuples (the DBAPI's own, not SQLAlchemy's Row objects):
Person = tuple[str, str, str]  # staff number, name, unit
# staff number, name, unit, case, track, due on, every months, day of the latest satisfying attempt (or None; rule.marked_sql)
StandingRow = tuple[str, str, str, str, str, str, int | None, str | None]
StandingLines = tuple[str, list[str]]  # staff number, the standing keys of their assignments in order
KEYS_SEP = "\x1e"  # between one learner's keys as SQLite gives them (a key holds a case id, a track, dates, a number)
_STAFF, _KEY = itemgetter(0), itemgetter(1)


@dataclass(frozen=True)
class Plan:
    """What ``ltl-quiz assign`` was asked for, checked, before anything is written."""

    scenario_ids: list[str]
    people: list[Learner]
    track: str
    due_on: date
    mode: str | None
    every_months: int | None
    allow_sessions: bool
    assigned_by: str


def learners_in_unit(store: Store, unit: str) -> list[Learner]:
    """Everyone in the store whose unit is ``unit`` (exactly, ignoring case and outer spaces)."""
    with store.reading() as conn:
        rows = conn.execute(sa.select(learners.c.id, learners.c.name, learners.c.unit).order_by(learners.c.id)).all()
    wanted = unit.strip().casefold()
    return [Learner(r.id, r.name, r.unit) for r in rows if r.unit.strip().casefold() == wanted]


def known_learners(store: Store, ids: list[str]) -> list[Learner]:
    found = {}
    with store.reading() as conn:
        for chunk in _chunks(ids, 500):
            for r in conn.execute(sa.select(learners.c.id, learners.c.name, learners.c.unit).where(learners.c.id.in_(chunk))):
                found[r.id] = Learner(r.id, r.name, r.unit)
    missing = [i for i in ids if i not in found]
    if missing:
        raise InputError(f"--learner {missing[0]}: no such learner in the store; add them with a roster (--roster FILE) instead")
    return [found[i] for i in ids]


@dataclass(frozen=True)
class Added:
    """What ``add`` wrote: new assignments, and those left out as exact repeats of one in the store."""

    created: int
    already: int


def add(store: Store, plan: Plan) -> Added:
    """Write every assignment of the plan (and any new learner from a roster) in one transaction.

    An assignment the store already holds in every term (learner, case, track, mode, due date,
    interval, sessions allowed) is not written again: running the same ``assign`` twice is harmless.
    """
    stamp = now()
    wanted = [(person.id, scenario_id) for person in plan.people for scenario_id in plan.scenario_ids]
    with store.begin() as conn:
        held = _held(conn, plan)
        rows = [_row(plan, learner_id, scenario_id, stamp) for learner_id, scenario_id in wanted if (learner_id, scenario_id) not in held]
        known = {
            r[0]
            for chunk in _chunks([p.id for p in plan.people], 500)
            for r in conn.execute(sa.select(learners.c.id).where(learners.c.id.in_(chunk)))
        }
        new = [{"id": p.id, "name": p.name, "unit": p.unit, "created_at": stamp} for p in plan.people if p.id not in known]
        if new:
            conn.execute(sa.insert(learners), new)
        if rows:
            conn.execute(sa.insert(assignments), rows)
    return Added(len(rows), len(wanted) - len(rows))


def _row(plan: Plan, learner_id: str, scenario_id: str, stamp: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "learner_id": learner_id,
        "scenario_id": scenario_id,
        "track": plan.track,
        "mode": plan.mode,
        "due_on": plan.due_on.isoformat(),
        "every_months": plan.every_months,
        "allow_sessions": plan.allow_sessions,
        "starts_at": stamp,
        "assigned_by": plan.assigned_by,
        "assigned_at": stamp,
    }


def _held(conn: sa.Connection, plan: Plan) -> set[tuple[str, str]]:
    """(learner, case) of the plan's people and cases that already have an assignment in the same terms."""
    c = assignments.c
    same = (
        c.scenario_id.in_(plan.scenario_ids),
        c.track == plan.track,
        c.due_on == plan.due_on.isoformat(),
        c.mode.is_(None) if plan.mode is None else c.mode == plan.mode,
        c.every_months.is_(None) if plan.every_months is None else c.every_months == plan.every_months,
        c.allow_sessions == plan.allow_sessions,
    )
    return {
        (r[0], r[1])
        for chunk in _chunks([p.id for p in plan.people], 500)
        for r in conn.execute(sa.select(c.learner_id, c.scenario_id).where(c.learner_id.in_(chunk), *same))
    }


def standing_rows(conn: sa.Connection, learner_id: str | None = None) -> list[StandingRow]:
    """Every assignment (or one learner's) as the report reads it: staff number, name, unit,
    case, track, due date, interval, and the day the learner last did what satisfies it, or did it
    before the assignment started (``rule.marked_sql``), over a covering index, by learner and case."""
    sql = (
        "SELECT a.learner_id, l.name, l.unit, a.scenario_id, a.track, a.due_on, a.every_months, "
        f"(SELECT {marked_sql('max(t.finished_at)')} FROM attempts t LEFT JOIN sessions s ON s.code = t.session_code "
        f"WHERE {satisfying_sql(how_column(conn), started=False)}) "
        "FROM assignments a JOIN learners l ON l.id = a.learner_id"
    )
    return cast(list[StandingRow], _rows(conn, sql, learner_id, "a.learner_id", ORDER))


def people(conn: sa.Connection) -> list[Person]:
    """Every learner as (staff number, name, unit): a force's report joins them in Python, once each."""
    return cast(list[Person], _rows(conn, "SELECT id, name, unit FROM learners", None, "id"))


def standing_batches(conn: sa.Connection, size: int = 200, form: str | None = None) -> Generator[Sequence[StandingLines], None, None]:
    """Every assignment as a standing key, a learner's together, in the report's order: batches of
    (staff number, [key, ...]), ``size`` learners a batch.

    The key is the case, the track, the due date, the interval and the day of the latest
    satisfying attempt (``rule.satisfying_sql``), as one string ('hotel officer 2027-03-14 12
    2026-05-02', blanks for none) that ``split_key`` reads back. A force has few distinct keys, so
    each one's standing and cells are worked out once, and a line costs a short string. A learner's
    keys come together so the writers' work is per learner, not per line (50,000, not 500,000):
    SQLite gives them in one row (``standing_sql``'s grouped form), other stores a row each, grouped here.
    ``form``: the query's form (``FORMS``; default: the store's fastest), for the tests. ``size``: small
    enough that a batch's text is a few hundred kB, which the allocator reuses; a batch of megabytes
    is fresh memory from the system each time (a fifth of a second of page faults for a force's JSON).
    """
    sql = standing_sql(conn, form)
    cursor = conn.connection.cursor()
    if conn.dialect.name == "postgresql":
        # The planner overrates the join (it expects a fifth of the attempts' summary rows it
        # gets) and would compile the query (JIT) for longer than the query takes.
        cursor.execute("SET LOCAL jit = off")
    if conn.dialect.driver == "psycopg":
        yield from _streamed(cursor, sql, size)
        return
    try:
        cursor.execute(sql)
        if grouped(conn, form):
            while batch := cursor.fetchmany(size):
                yield _split(batch)
        else:
            yield from _batched(chain.from_iterable(iter(lambda: cursor.fetchmany(size * 10), [])), size)
    finally:
        cursor.close()


def _split(batch: Sequence[tuple[str, int, str]]) -> list[StandingLines]:
    """A batch of the grouped query's rows (staff number, how many keys, the keys joined by ``KEYS_SEP``)."""
    found = [(pid, keys.split(KEYS_SEP)) for pid, _, keys in batch]
    if sum(map(len, map(_KEY, found))) != sum(n for _, n, _ in batch):  # never so: no case id holds the separator
        raise StoreError(f"a case id in the assignments table holds the character {KEYS_SEP!r}; rename that case's assignments")
    return found


def _batched(rows: Iterable[tuple[str, str]], size: int) -> Iterator[list[StandingLines]]:
    """Rows of (staff number, key) in the report's order, each learner's keys gathered, ``size`` learners a batch."""
    learners = ((pid, list(map(_KEY, lines))) for pid, lines in groupby(rows, _STAFF))
    while batch := list(islice(learners, size)):
        yield batch


def _streamed(cursor: Any, sql: str, size: int) -> Generator[Sequence[StandingLines], None, None]:
    """The rows from PostgreSQL a chunk at a time as the server makes them, so the report is written
    while the server still joins (a plain fetch writes nothing until the server has sent the last row)."""
    from psycopg import pq

    cursor.execute("SAVEPOINT standing_rows")
    rows = cursor.stream(sql, size=size * 10)
    try:
        yield from _batched(rows, size)
    finally:
        rows.close()  # a report stopped part-way (a reader gone): the query is cancelled, not read to its end
        if cursor.connection.info.transaction_status == pq.TransactionStatus.INERROR:
            cursor.execute("ROLLBACK TO SAVEPOINT standing_rows")  # the cancelled query's error undone: the connection reads on
        cursor.close()


# The two forms of the rule in SQL (``compliance.rule``), each right on every store: "probe" looks
# up each assignment's attempts in the attempts' index (SQLite does that in about a microsecond);
# "join" reads the attempts once, summed up per learner, case and track, and merges the summary
# with the assignments, both in the report's order (PostgreSQL pays several microseconds a probe).
FORMS = {"sqlite": "probe", "postgresql": "join"}


def standing_sql(conn: sa.Connection, form: str | None = None) -> str:
    """The query of ``standing_batches``, over migration m014's index, in the report's order: one
    line per assignment, even for two alike in every column. The "join" form reads the per-mode
    summary only if some assignment names a mode (a look at the assignments, not the attempts)."""
    how = how_column(conn)
    form = form or FORMS.get(conn.dialect.name, "probe")
    if form == "join":
        same = "{0}.learner_id = a.learner_id AND {0}.scenario_id = a.scenario_id AND {0}.track = a.track"
        source = f"assignments a LEFT JOIN ({latest_sql(how)}) d ON {same.format('d')}"
        by_mode = conn.exec_driver_sql("SELECT 1 FROM assignments WHERE mode IS NOT NULL LIMIT 1").first() is not None
        if by_mode:  # the summary per mode only where an assignment names one
            source += f" LEFT JOIN ({latest_by_mode_sql(how)}) m ON {same.format('m')} AND m.mode = a.mode"
        done = latest_for_sql(by_mode, marked=True)
    else:
        # The latest attempt satisfying ``a`` but for its start is the first met reading the index back from
        # its latest finish (its columns: learner, case, track, status, finish): no aggregate to run, most
        # probes stop at once. Its day, or an earlier completion's, marked (``marked_sql``).
        probe = f"FROM attempts t WHERE {satisfying_sql(how, SESSION_KIND, started=False)} ORDER BY t.finished_at DESC LIMIT 1"
        done = f"(SELECT {marked_sql('t.finished_at')} {probe})"
        source = "assignments a"
    # The key: the assignment's terms as migration m014's triggers keep them ('hotel officer 2027-03-14 12 '),
    # then the day done; building the terms here (printf) was a fifth of SQLite's time for a force.
    key = f"a.terms_key || COALESCE({done}, '')"
    if conn.dialect.name != "sqlite":  # PostgreSQL merges m010's narrower index in order; asked for the terms, it sorted (0.7 -> 1.0 s)
        every = "COALESCE(CAST(a.every_months AS VARCHAR(4)), '')"
        key = f"a.scenario_id || ' ' || a.track || ' ' || a.due_on || ' ' || {every} || ' ' || COALESCE({done}, '')"
    if grouped(conn, form):
        # A learner's keys in one row, in the order m014's index gives their assignments (its first three
        # columns are the report's order): GROUP BY its first column reads it in order, a learner at a time, no sort.
        source = "assignments a INDEXED BY ix_assignments_terms"
        return f"SELECT a.learner_id, count(*), group_concat({key}, char({ord(KEYS_SEP)})) FROM {source} GROUP BY a.learner_id ORDER BY a.learner_id"
    return f"SELECT a.learner_id, {key} FROM {source} {ORDER}"


def grouped(conn: sa.Connection, form: str | None = None) -> bool:
    """Whether ``standing_sql`` gives a learner's keys in one row: on SQLite, in the probe form, whose
    rows come straight from the assignments' index, in its order (the join form's might not)."""
    return conn.dialect.name == "sqlite" and (form or FORMS["sqlite"]) == "probe"


def split_key(key: str) -> tuple[str, str, str, int | None, str | None]:
    """(case, track, due on, every months or None, day done or None) from a key of ``standing_batches``.

    Read from the right: a track, a date and a number never hold a space; a case id might.
    """
    scenario_id, track, due_on, every, done = key.rsplit(" ", 4)
    return scenario_id, track, due_on, int(every) if every else None, done or None


def assignments_of(conn: sa.Connection, learner_id: str) -> list[Assignment]:
    """One learner's assignments, whole, for the rule in Python (certificates' expiry)."""
    sql = "SELECT id, learner_id, scenario_id, track, due_on, starts_at, mode, every_months, allow_sessions FROM assignments"
    rows = _rows(conn, sql, learner_id, "learner_id", "ORDER BY assigned_at")
    return [Assignment(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), r[5], r[6], r[7], bool(r[8])) for r in rows]


def _rows(conn: sa.Connection, sql: str, learner_id: str | None, column: str, order: str = "") -> list[tuple[Any, ...]]:
    """Plain DBAPI tuples: SQLAlchemy's Row objects cost more than the query at a force's scale."""
    if learner_id is not None:  # one learner's few rows, as tuples too
        joiner = " AND " if " WHERE " in sql else " WHERE "
        return [tuple(r) for r in conn.execute(sa.text(f"{sql}{joiner}{column} = :learner {order}"), {"learner": learner_id})]
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"{sql} {order}")
        return list(cursor.fetchall())
    finally:
        cursor.close()


def how_column(conn: sa.Connection) -> str | None:
    """The attempts column saying how each was answered, or None in a store older than migration m005."""
    names = {c["name"] for c in sa.inspect(conn).get_columns("attempts")}
    return next((c for c in HOW_COLUMNS if c in names), None)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
