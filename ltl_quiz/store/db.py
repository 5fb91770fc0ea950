"""The results store: learners, attempts and answers in any SQLAlchemy database (SQLite default).

Every answer is committed in the same transaction as the attempt's new engine state, so killing
the process at any moment loses at most the prompt on screen and never leaves the two out of step.
SQLite runs in WAL mode with a busy timeout and full fsync, so several terminals can share a file.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.errors import AttemptNotFound, StoreError
from ltl_quiz.locations import redact
from ltl_quiz.store.migrations import MIGRATIONS, migration_name

if TYPE_CHECKING:  # the engine (and its scenario graph) only where an attempt is read whole: not for reports
    from types import TracebackType

    from ltl_quiz.engine.state_machine import Answer, Result, State
    from ltl_quiz.scenario.model import Scenario

_meta = sa.MetaData()
MIGRATIONS_TABLE = sa.Table(
    "ltl_migrations",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(32), nullable=False),
)
learners = sa.table("learners", sa.column("id"), sa.column("name"), sa.column("unit"), sa.column("created_at"))
attempts = sa.table(
    "attempts",
    *(
        sa.column(c)
        for c in (
            "id",
            "learner_id",
            "scenario_id",
            "scenario_title",
            "scenario_version",
            "scenario_sha256",
            "track",
            "mode",
            "seed",
            "status",
            "started_at",
            "updated_at",
            "finished_at",
            "score",
            "best_score",
            "percentage",
            "passed",
            "critical_failures",
            "competencies",
            "ending",
            "state",
            "session_code",
            "how_answered",
        )
    ),
)
answers = sa.table(
    "answers",
    *(
        sa.column(c)
        for c in (
            "id",
            "attempt_id",
            "seq",
            "node_id",
            "kind",
            "option_ids",
            "free_text",
            "covered",
            "points",
            "critical",
            "shown_at",
            "answered_at",
        )
    ),
)

STATUSES = ("in-progress", "completed", "abandoned")
COMPLETED = "completed"
# How an attempt was answered (migration 5): a person at the prompts, an answers file, or a trainer for the room.
TERMINAL, SCRIPTED, TRAINER = "terminal", "scripted", "trainer"


def has_verdict(status: str | None) -> bool:
    """Only a completed attempt has a verdict: passed or not, its score and the ending it reached.

    An attempt stopped at the debrief's key questions already holds running figures (and a store
    written before this rule may even hold ``passed`` for it); nothing may read them as a result.
    ``verdict_holds`` is the same rule in SQL, for the queries behind exports, reports and the CPD record.
    """
    return status == COMPLETED


def verdict_holds() -> Any:
    """``has_verdict`` as a SQL condition on the attempts table."""
    return attempts.c.status == COMPLETED


READ_ONLY = "ltl_read_only"  # execution option: a connection that only reads (see _sqlite_begin_immediate)


def now() -> str:
    """UTC now as ISO 8601 with milliseconds: sortable as text and exact enough for xAPI."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class AttemptRow:
    """One attempt as stored, with its learner."""

    id: str
    learner_id: str
    learner_name: str
    learner_unit: str
    scenario_id: str
    scenario_title: str
    scenario_version: int
    scenario_sha256: str
    track: str
    mode: str
    seed: int
    status: str
    started_at: str
    updated_at: str
    finished_at: str | None
    score: int
    best_score: int
    percentage: float
    passed: bool | None
    critical_failures: list[Any]
    competencies: dict[str, int]
    ending: str | None
    state: State
    session_code: str | None = None
    how_answered: str | None = None

    @property
    def has_verdict(self) -> bool:
        return has_verdict(self.status)

    @classmethod
    def from_mapping(cls, m: Any, learner_name: str, learner_unit: str) -> AttemptRow:
        """An attempt from a row of the attempts table (or a journal's copy of one)."""
        from ltl_quiz.engine.state_machine import State

        passed = m.get("passed")
        return cls(
            id=m["id"],
            learner_id=m["learner_id"],
            learner_name=learner_name,
            learner_unit=learner_unit,
            scenario_id=m["scenario_id"],
            scenario_title=m["scenario_title"],
            scenario_version=m["scenario_version"],
            scenario_sha256=m["scenario_sha256"],
            track=m["track"],
            mode=m["mode"],
            seed=m["seed"],
            status=m["status"],
            started_at=m["started_at"],
            updated_at=m["updated_at"],
            finished_at=m.get("finished_at"),
            score=m["score"],
            best_score=m["best_score"],
            percentage=m["percentage"],
            passed=None if passed is None else bool(passed),
            critical_failures=json.loads(m["critical_failures"]),
            competencies=json.loads(m["competencies"]),
            ending=m.get("ending"),
            session_code=m.get("session_code"),
            how_answered=m.get("how_answered"),
            state=State.from_json(json.loads(m["state"])),
        )


class Store:
    """A migrated connection to one results database."""

    def __init__(self, url: str, migrate: bool = True):
        self.url = url
        self.engine = _engine(url)
        if migrate:  # ``ltl-quiz db status`` and backups look at a store without changing it
            self.migrate()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None) -> None:
        self.close()

    # -- migrations -------------------------------------------------------------------------
    def applied(self) -> list[tuple[int, str, str]]:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("ltl_migrations"):
                return []
            rows = conn.execute(sa.select(MIGRATIONS_TABLE).order_by(MIGRATIONS_TABLE.c.id))
            return [(r.id, r.name, r.applied_at) for r in rows]

    def migrate(self) -> list[str]:
        """Apply every migration not yet recorded, each in its own transaction; return their names.

        Fifty terminals may open a new store at the same moment, so each migration takes a lock
        (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL) and checks again, under it,
        whether another process has applied it meanwhile.
        """
        try:
            if {row[0] for row in self.applied()} >= set(range(1, len(MIGRATIONS) + 1)):
                return []  # the usual case: nothing to do, and no lock taken
            done = []
            for index, migration in enumerate(MIGRATIONS, start=1):
                with self.engine.begin() as conn:
                    _lock_migrations(conn)
                    _meta.create_all(conn, tables=[MIGRATIONS_TABLE])
                    if conn.execute(sa.select(MIGRATIONS_TABLE.c.id).where(MIGRATIONS_TABLE.c.id == index)).first():
                        continue
                    migration(conn)
                    conn.execute(sa.insert(MIGRATIONS_TABLE).values(id=index, name=migration_name(index - 1), applied_at=now()))
                done.append(migration_name(index - 1))
            return done
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the results store {redact(self.url)}: {_reason(exc)}") from None

    # -- writing ------------------------------------------------------------------------------
    def learner(self, learner_id: str) -> Learner | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(learners).where(learners.c.id == learner_id)).first()
        return Learner(row.id, row.name, row.unit) if row else None

    def save_learner(self, learner: Learner) -> None:
        with self._begin() as conn:
            found = conn.execute(sa.select(learners.c.id).where(learners.c.id == learner.id)).first()
            if found:
                conn.execute(sa.update(learners).where(learners.c.id == learner.id).values(name=learner.name, unit=learner.unit))
            else:
                conn.execute(sa.insert(learners).values(id=learner.id, name=learner.name, unit=learner.unit, created_at=now()))

    def start_attempt(
        self,
        learner: Learner,
        scenario: Scenario,
        state: State,
        best: int,
        session_code: str | None = None,
        attempt_id: str | None = None,
        how_answered: str = TERMINAL,
    ) -> str:
        """Create the attempt row (and the learner if new); return the attempt's UUID.

        ``attempt_id`` lets the caller choose the UUID, so that an attempt journalled after a
        failed write keeps the same id whether or not the write reached the store."""
        self.save_learner(learner)
        values = attempt_values(learner.id, scenario, state, best, session_code, attempt_id or str(uuid.uuid4()), now(), how_answered)
        with self._begin() as conn:
            conn.execute(sa.insert(attempts).values(**values))
        return str(values["id"])

    def record(self, attempt_id: str, state: State, answer: Answer, shown_at: str, result: Result, answer_id: str | None = None) -> None:
        """Commit one answer and the state it led to, together."""
        stamp = now()
        with self._begin() as conn:
            conn.execute(
                sa.insert(answers).values(**answer_values(attempt_id, state, answer, shown_at, answer_id or str(uuid.uuid4()), stamp))
            )
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(**progress_values(state, result, stamp)))

    def finish(self, attempt_id: str, result: Result) -> None:
        stamp = now()
        with self._begin() as conn:
            conn.execute(
                sa.update(attempts)
                .where(attempts.c.id == attempt_id)
                .values(
                    status="completed",
                    finished_at=stamp,
                    updated_at=stamp,
                    **_figures(result),
                )
            )

    def mark_scripted(self, attempt_id: str) -> None:
        """An attempt carried on from an answers file (``resume --answers``) is scripted, however it began."""
        with self._begin() as conn:
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(how_answered=SCRIPTED, updated_at=now()))

    def abandon(self, attempt_id: str) -> None:
        with self._begin() as conn:
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(status="abandoned", updated_at=now()))

    # -- reading ------------------------------------------------------------------------------
    def attempt(self, prefix: str) -> AttemptRow:
        """The attempt whose id is ``prefix`` or starts with it (an unambiguous 8 characters will do)."""
        rows = list(self._attempts(attempts.c.id.like(f"{prefix}%")))
        if not rows:
            raise AttemptNotFound(f"no attempt '{prefix}'; see 'ltl-quiz history' for ids")
        if len(rows) > 1:
            raise AttemptNotFound(f"'{prefix}' matches {len(rows)} attempts; give more of the id")
        return rows[0]

    def attempts(self, learner_id: str | None = None, status: str | None = None) -> list[AttemptRow]:
        cond: sa.ColumnElement[bool] = sa.true()
        if learner_id:
            cond = sa.and_(cond, attempts.c.learner_id == learner_id)
        if status:
            cond = sa.and_(cond, attempts.c.status == status)
        return list(self._attempts(cond))

    def answers(self, attempt_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(answers).where(answers.c.attempt_id == attempt_id).order_by(answers.c.seq))
            return [dict(r._mapping) for r in rows]

    def _attempts(self, cond: Any) -> Iterator[AttemptRow]:
        query = (
            sa.select(attempts, learners.c.name.label("learner_name"), learners.c.unit.label("learner_unit"))
            .select_from(attempts.join(learners, learners.c.id == attempts.c.learner_id))
            .where(cond)
            .order_by(attempts.c.started_at, attempts.c.id)
        )
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read the results store {redact(self.url)}: {_reason(exc)}") from None
        for r in rows:
            yield AttemptRow.from_mapping(r._mapping, r._mapping["learner_name"], r._mapping["learner_unit"])

    def _begin(self) -> Any:
        return _Tx(self)

    def reading(self) -> sa.Connection:
        """A connection for reads only: on SQLite it does not take the write lock."""
        return self.engine.connect().execution_options(**{READ_ONLY: True})


class _Tx:
    """``engine.begin()`` with database errors turned into a StoreError the CLI can print."""

    def __init__(self, store: Store):
        self.store = store
        self.ctx: Any = None

    def __enter__(self) -> sa.Connection:
        try:
            self.ctx = self.store.engine.begin()
            return self.ctx.__enter__()
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot write to the results store {redact(self.store.url)}: {_reason(exc)}") from None

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self.ctx.__exit__(*exc_info)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot write to the results store {redact(self.store.url)}: {_reason(exc)}") from None
        if exc_info[1] is not None and isinstance(exc_info[1], sa.exc.SQLAlchemyError):
            raise StoreError(f"cannot write to the results store {redact(self.store.url)}: {_reason(exc_info[1])}") from None


def attempt_values(
    learner_id: str,
    scenario: Scenario,
    state: State,
    best: int,
    session_code: str | None,
    attempt_id: str,
    stamp: str,
    how_answered: str = TERMINAL,
) -> dict[str, Any]:
    """The columns of a new attempt row (the store and the offline journal write the same)."""
    return {
        "id": attempt_id,
        "learner_id": learner_id,
        "scenario_id": scenario.id,
        "scenario_title": scenario.title,
        "scenario_version": scenario.version,
        "scenario_sha256": scenario.sha256,
        "track": state.track,
        "mode": state.mode,
        "seed": state.seed,
        "status": "in-progress",
        "session_code": session_code,
        "how_answered": how_answered,
        "started_at": stamp,
        "updated_at": stamp,
        "score": 0,
        "best_score": best,
        "percentage": 0.0,
        "critical_failures": "[]",
        "competencies": "{}",
        "state": json.dumps(state.to_json()),
    }


def answer_values(attempt_id: str, state: State, answer: Answer, shown_at: str, answer_id: str, stamp: str) -> dict[str, Any]:
    """The columns of one answer row."""
    return {
        "id": answer_id,
        "attempt_id": attempt_id,
        "seq": len(state.answers),
        "node_id": answer.node_id,
        "kind": answer.kind,
        "option_ids": json.dumps(answer.option_ids),
        "free_text": answer.text,
        "covered": json.dumps(answer.covered),
        "points": answer.points,
        "critical": bool(answer.critical),
        "shown_at": shown_at,
        "answered_at": stamp,
    }


def progress_values(state: State, result: Result, stamp: str) -> dict[str, Any]:
    """The attempt columns an answer changes: its state and running figures, never a verdict
    (``passed`` is written only by ``finish``: see ``has_verdict``)."""
    return {"updated_at": stamp, "state": json.dumps(state.to_json()), **_figures(result), "passed": None}


def _lock_migrations(conn: sa.Connection) -> None:
    """Serialise migrations across processes. SQLite's BEGIN IMMEDIATE already holds the write lock;
    PostgreSQL takes a transaction-scoped advisory lock (a fixed key: 'ltlq' in ASCII)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(1819571313)"))


def _figures(result: Result) -> dict[str, Any]:
    return {
        "score": result.score,
        "best_score": result.best,
        "percentage": result.percentage,
        "passed": result.passed if result.ending else None,
        "critical_failures": json.dumps([list(c) for c in result.critical]),
        "competencies": json.dumps(result.competencies, sort_keys=True),
        "ending": result.ending,
    }


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return redact(str(orig or exc).splitlines()[0])


def _engine(url: str) -> sa.Engine:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"'{redact(url)}' is not a database URL; use e.g. sqlite:///results/ltl-quiz.sqlite3") from None
    except ValueError:  # a port that is not a number, or a broken [IPv6] host
        raise StoreError(f"'{redact(url)}' has a host or port that cannot be read; check them (e.g. host:5432, [::1]:5432)") from None
    if parsed.host and "@" in parsed.host:
        raise StoreError(f"the password in '{redact(url)}' holds an '@'; write it as %40 in the URL")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                _private_folder(Path(parsed.database).parent)
            except OSError as exc:
                raise StoreError(f"cannot open the results store {redact(url)}: {exc.strerror or exc}") from None
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        if parsed.database and parsed.database != ":memory:":
            sa.event.listen(engine, "do_connect", _private_connect(Path(parsed.database)))
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":  # plain postgresql:// means psycopg 3, the driver we ship with
            parsed = parsed.set(drivername="postgresql+psycopg")
        # An unreachable server fails in seconds, so the journal takes over: connecting gives up after
        # 10 s, and a connection whose network has gone is dropped after 15 s unanswered (not TCP's minutes).
        connect_args.update(
            connect_timeout=10, keepalives=1, keepalives_idle=30, keepalives_interval=5, keepalives_count=3, tcp_user_timeout=15000
        )
    try:
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except ImportError:
        hint = " install the driver: pip install 'ltl-quiz[postgresql]'" if parsed.get_backend_name() == "postgresql" else ""
        raise StoreError(f"cannot use {redact(url)}: its database driver is not installed;{hint}") from None
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise StoreError(f"cannot use {redact(url)}: {redact(str(exc))}") from None


def _private_folder(folder: Path) -> None:
    """A store's new folder is its owner's only, like the journal's and the config's."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)


def _private_connect(path: Path) -> Any:
    """Open SQLite with a private umask when the connection will create the file.

    The store holds names, staff numbers and reflections. SQLite gives its -wal and -shm files the
    main file's permissions, so a store created 0600 keeps all three private. Looking at a store
    that does not exist yet (``db status``) never connects, so it still creates nothing; an
    existing store keeps the permissions its owner gave it.
    """

    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        if path.exists():
            return None  # SQLAlchemy connects as usual
        saved = os.umask(0o077)
        try:
            return dialect.connect(*cargs, **cparams)
        finally:
            os.umask(saved)

    return connect


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin_immediate(conn: sa.Connection) -> None:
    """Take the write lock at BEGIN: a deferred transaction that reads then writes can fail with
    "database is locked" under concurrent writers, where busy_timeout cannot help. A connection
    marked ``read_only`` (see ``Store.reading``) begins deferred, so readers polling the store
    (a live session's screens) never queue behind writers or hold them up."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")
