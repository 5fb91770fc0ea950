"""The results store: learners, attempts and answers in any SQLAlchemy database (SQLite default).

Every answer is committed in the same transaction as the attempt's new engine state, so killing
the process at any moment loses at most the prompt on screen and never leaves the two out of step.
The tables are declared in ``store/tables.py``, the rows' values in ``store/rows.py``, opening a
database in ``store/connection.py`` and the translation of its errors in ``store/tx.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.errors import AttemptNotFound
from ltl_quiz.store import tx
from ltl_quiz.store.connection import open_engine
from ltl_quiz.store.migrations import MIGRATIONS, migration_name
from ltl_quiz.store.rows import (
    SCRIPTED,
    TERMINAL,
    AttemptRow,
    Columns,
    answer_values,
    attempt_values,
    finish_values,
    progress_values,
)
from ltl_quiz.store.tables import answers, attempts, learners
from ltl_quiz.store.tables import migrations as MIGRATIONS_TABLE
from ltl_quiz.text import counted

if TYPE_CHECKING:  # the engine (and its scenario graph) only where an attempt is read whole: not for reports
    from ltl_quiz.engine.state_machine import Answer, Result, State
    from ltl_quiz.scenario.model import Scenario


def now() -> str:
    """UTC now as ISO 8601 with milliseconds: sortable as text and exact enough for xAPI."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Store:
    """A migrated connection to one results database: ``with Store(url) as store:`` closes it after."""

    def __init__(self, url: str, migrate: bool = True):
        self.url = url
        self.engine = open_engine(url)
        if migrate:  # ``ltl-quiz db status`` and backups look at a store without changing it
            try:
                self.migrate()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None) -> None:
        self.close()

    def begin(self) -> AbstractContextManager[sa.Connection]:
        """One transaction, committed at the end of the ``with`` block; database errors become a StoreError."""
        return tx.writing(self.engine, self.url)


    def reading(self) -> AbstractContextManager[sa.Connection]:
        """A connection for reads only (on SQLite it does not take the write lock); errors become a StoreError."""
        return tx.reading(self.engine, self.url)

    # -- migrations -------------------------------------------------------------------------
    def applied(self) -> list[tuple[int, str, str]]:
        """The migrations this store has had: (number, name, when)."""
        with tx.translated(tx.OPEN, self.url), self.engine.connect() as conn:
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
        if {row[0] for row in self.applied()} >= set(range(1, len(MIGRATIONS) + 1)):
            return []  # the usual case: nothing to do, and no lock taken
        done = []
        for index, migration in enumerate(MIGRATIONS, start=1):
            with tx.translated(tx.OPEN, self.url), self.engine.begin() as conn:
                _lock_migrations(conn)
                MIGRATIONS_TABLE.create(conn, checkfirst=True)
                if conn.execute(sa.select(MIGRATIONS_TABLE.c.id).where(MIGRATIONS_TABLE.c.id == index)).first():
                    continue
                migration(conn)
                conn.execute(sa.insert(MIGRATIONS_TABLE).values(id=index, name=migration_name(index - 1), applied_at=now()))
            done.append(migration_name(index - 1))
        return done

    # -- writing ------------------------------------------------------------------------------
    def learner(self, learner_id: str) -> Learner | None:
        with self.reading() as conn:
            row = conn.execute(sa.select(learners).where(learners.c.id == learner_id)).first()
        return Learner(row.id, row.name, row.unit) if row else None

    def save_learner(self, learner: Learner) -> None:
        with self.begin() as conn:
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
        with self.begin() as conn:
            conn.execute(sa.insert(attempts).values(**values))
        return str(values["id"])

    def record(self, attempt_id: str, state: State, answer: Answer, shown_at: str, result: Result, answer_id: str | None = None) -> None:
        """Commit one answer and the state it led to, together."""
        stamp = now()
        with self.begin() as conn:
            conn.execute(
                sa.insert(answers).values(**answer_values(attempt_id, state, answer, shown_at, answer_id or str(uuid.uuid4()), stamp))
            )
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(**progress_values(state, result, stamp)))

    def finish(self, attempt_id: str, result: Result) -> None:
        stamp = now()
        with self.begin() as conn:
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(**finish_values(result, stamp)))

    def mark_scripted(self, attempt_id: str) -> None:
        """An attempt carried on from an answers file (``resume --answers``) is scripted, however it began."""
        with self.begin() as conn:
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(how_answered=SCRIPTED, updated_at=now()))

    def hold(self, attempt_id: str, ms: int) -> None:
        """Add ``ms`` to the attempt's time at prompts that leave no answer row (a step left with
        Ctrl-C, practice feedback read): time spent on the case that no step's time holds (m013)."""
        with self.begin() as conn:
            held = attempts.c.held_ms + max(0, int(ms))
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(held_ms=held, updated_at=now()))

    def abandon(self, attempt_id: str) -> None:
        with self.begin() as conn:
            conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(status="abandoned", updated_at=now()))

    # -- reading ------------------------------------------------------------------------------
    def attempt(self, prefix: str) -> AttemptRow:
        """The attempt whose id is ``prefix`` or starts with it (an unambiguous 8 characters will do)."""
        rows = list(self._attempts(attempts.c.id.like(f"{prefix}%")))
        if not rows:
            raise AttemptNotFound(f"no attempt '{prefix}'; see 'ltl-quiz history' for ids")
        if len(rows) > 1:
            raise AttemptNotFound(f"'{prefix}' matches {counted(len(rows), 'attempt')}; give more of the id")
        return rows[0]

    def attempts(self, learner_id: str | None = None, status: str | None = None) -> list[AttemptRow]:
        cond: sa.ColumnElement[bool] = sa.true()
        if learner_id:
            cond = sa.and_(cond, attempts.c.learner_id == learner_id)
        if status:
            cond = sa.and_(cond, attempts.c.status == status)
        return list(self._attempts(cond))

    def answers(self, attempt_id: str) -> list[Columns]:
        """An attempt's answer rows in order, each as the answers table holds it (JSON columns as their text)."""
        with self.reading() as conn:
            rows = conn.execute(sa.select(answers).where(answers.c.attempt_id == attempt_id).order_by(answers.c.seq))
            return [dict(r._mapping) for r in rows]

    def _attempts(self, cond: sa.ColumnElement[bool]) -> Iterator[AttemptRow]:
        query = (
            sa.select(attempts, learners.c.name.label("learner_name"), learners.c.unit.label("learner_unit"))
            .select_from(attempts.join(learners, learners.c.id == attempts.c.learner_id))
            .where(cond)
            .order_by(attempts.c.started_at, attempts.c.id)
        )
        with self.reading() as conn:
            rows = conn.execute(query).all()
        for r in rows:
            yield AttemptRow.from_mapping(r._mapping, r._mapping["learner_name"], r._mapping["learner_unit"])


def _lock_migrations(conn: sa.Connection) -> None:
    """Serialise migrations across processes. SQLite's BEGIN IMMEDIATE already holds the write lock;
    PostgreSQL takes a transaction-scoped advisory lock (a fixed key: 'ltlq' in ASCII)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(1819571313)"))
