"""Erasure (``db forget``) and retention (``db purge``): every record of a person, or every record
older than a date, gone from the store, this computer's journal and its config, in one transaction.

What stays is an audit line (``erasures``): who erased, when, how many rows of each table, never
whose. Its subject is a keyed pseudonym of the staff number (under the store's own key), so a
force asked "was X erased?" can check without the store holding X. ``erased_attempts`` keeps the
ids of the erased attempts, with whether an LRS had accepted their statements, so that
``lrs push`` can send voided statements for them: ids only, no personal data.

On SQLite the file is VACUUMed and its WAL truncated afterwards, so the erased bytes are gone
from the disk file too, not just unreachable. (On PostgreSQL the server reclaims dead rows with
its own VACUUM; run ``VACUUM FULL`` there if the law requires the bytes gone at once.)
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ltl_quiz.errors import InputError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.tables import (
    answers,
    assignments,
    attempts,
    certificates,
    erased_attempts,
    erasures,
    learners,
    lrs_accepted,
    reflection_consents,
    session_answers,
    session_participants,
    session_steps,
    sessions,
)


@dataclass
class Erasure:
    """What an erasure did (or, on a dry run, would do)."""

    kind: str
    subject: str  # what the user named: a staff number, or 'before DATE'
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    journal_files: int = 0
    config_cleared: bool = False
    pushed: int = 0  # erased attempts an LRS had accepted: to void on the next lrs push

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> JSONObject:
        return {**self.__dict__, "rows": self.rows}

    def lines(self) -> list[str]:
        verb = "Would erase" if self.dry_run else "Erased"
        what = ", ".join(f"{t} {n}" for t, n in self.counts.items() if n) or "no rows"
        out = [f"{verb} {self.subject}: {what}."]
        if self.journal_files:
            out.append(f"{'Would delete' if self.dry_run else 'Deleted'} {self.journal_files} journal files on this computer.")
        if self.config_cleared:
            out.append(f"{'Would forget' if self.dry_run else 'Forgot'} them as this terminal's remembered learner.")
        if self.pushed:
            out.append(f"{self.pushed} of the attempts had been sent to an LRS: 'ltl-quiz lrs push' sends voided statements for them.")
        out.append(
            "Dry run: nothing was changed." if self.dry_run else "An audit line records who erased, when and how many rows (not whose)."
        )
        return out


def subject_pseudonym(key: bytes, staff_number: str) -> str:
    return "e-" + hmac.new(key, b"erasure:" + staff_number.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction so that everything it did is rolled back."""


def _transaction(store: Store, done: Erasure, work: Any) -> None:
    """Run ``work(conn)`` in one transaction; a dry run does exactly the same and rolls it back,
    so its counts are the real ones by construction."""
    try:
        with store.begin() as conn:
            work(conn)
            if done.dry_run:
                raise _DryRun
    except _DryRun:
        pass


def forget(store: Store, staff_number: str, dry_run: bool, journal_dir: Path | None, config_file: Path | None) -> Erasure:
    """Erase one person's learner row, attempts, answers, reflections, session records, assignments and certificates."""
    from ltl_quiz.locations import redact
    from ltl_quiz.store.settings import certificate_key

    done = Erasure("forget", staff_number, dry_run)
    key = certificate_key(store, create=not dry_run)
    ids: list[str] = []

    def work(conn: sa.Connection) -> None:
        ids.extend(_ids(conn, sa.select(attempts.c.id).where(attempts.c.learner_id == staff_number)))
        known = _ids(conn, sa.select(learners.c.id).where(learners.c.id == staff_number))
        if not known and not ids:
            raise InputError(f"no learner '{staff_number}' in the store {redact(store.url)}; check the staff number")
        _erase(conn, done, ids)
        for table, column, values in (
            (answers, "attempt_id", ids),
            (certificates, "attempt_id", ids),
            (session_answers, "learner_id", [staff_number]),
            (session_participants, "learner_id", [staff_number]),
            (assignments, "learner_id", [staff_number]),
            (reflection_consents, "learner_id", [staff_number]),
            (attempts, "id", ids),
            (learners, "id", [staff_number]),
        ):
            _delete(conn, done, table, column, values)
        if key is not None:
            _audit(conn, done, subject_pseudonym(key, staff_number))

    _transaction(store, done, work)
    gone = set(ids)
    _after(store, done, journal_dir, lambda entry: entry.attempt_id in gone or (entry.learner or {}).get("id") == staff_number)
    if config_file is not None:
        done.config_cleared = _forget_remembered(config_file, staff_number, dry_run)
    return done


def purge(store: Store, before: str, dry_run: bool, journal_dir: Path | None) -> Erasure:
    """Erase every attempt begun, and every session created, before ``before`` (YYYY-MM-DD), and
    learners left with no record at all; assignments (obligations, not records) stay."""
    done = Erasure("purge", f"records before {before}", dry_run)
    ids: list[str] = []

    def work(conn: sa.Connection) -> None:
        codes = _ids(conn, sa.select(sessions.c.code).where(sessions.c.created_at < before))
        found = set(_ids(conn, sa.select(attempts.c.id).where(attempts.c.started_at < before)))
        ids.extend(sorted(found | set(_in(conn, attempts.c.id, attempts.c.session_code, codes))))
        _erase(conn, done, ids)
        for table, column, values in (
            (answers, "attempt_id", ids),
            (certificates, "attempt_id", ids),
            (session_answers, "session_code", codes),
            (session_steps, "session_code", codes),
            (session_participants, "attempt_id", ids),
            (session_participants, "session_code", codes),
            (attempts, "id", ids),
            (sessions, "code", codes),
        ):
            _delete(conn, done, table, column, values)
        # learners created before the date who are left with nothing: no attempt, assignment or session record
        left = [~sa.exists().where(t.c.learner_id == learners.c.id) for t in (attempts, assignments, session_participants, session_answers)]
        orphans = _ids(conn, sa.select(learners.c.id).where(learners.c.created_at < before, *left))
        _delete(conn, done, reflection_consents, "learner_id", orphans)
        _delete(conn, done, learners, "id", orphans)
        _audit(conn, done, f"before {before}")

    _transaction(store, done, work)
    gone = set(ids)
    _after(store, done, journal_dir, lambda entry: entry.attempt_id in gone)
    return done


def _erase(conn: sa.Connection, done: Erasure, ids: list[str]) -> None:
    """Note the attempts for ``lrs push`` to void (ids and the LRS-accepted flag only).

    ``record_voided`` queues a voiding statement for every statement an LRS accepted for them, so
    the next ``lrs push`` tells each LRS that holds them to void them.
    """
    from ltl_quiz.store.voids import record_voided

    pushed = set(_in(conn, lrs_accepted.c.attempt_id, lrs_accepted.c.attempt_id, ids))
    done.pushed = len(pushed)
    record_voided(conn, ids, "erased")
    if ids:
        stamp = now()
        conn.execute(sa.insert(erased_attempts), [{"attempt_id": a, "erased_at": stamp, "pushed": a in pushed} for a in ids])


def _audit(conn: sa.Connection, done: Erasure, subject: str) -> None:
    line = {"kind": done.kind, "subject": subject, "erased_by": getpass.getuser(), "erased_at": now(), "rows": done.rows}
    conn.execute(sa.insert(erasures).values(id=str(uuid.uuid4()), counts=json.dumps(done.counts), **line))


def _after(store: Store, done: Erasure, journal_dir: Path | None, erased: Any) -> None:
    """The journal's copies go too; then SQLite rewrites its file so the bytes are gone from disk."""
    if journal_dir is not None:
        done.journal_files = _journal(journal_dir, erased, done.dry_run)
    if not done.dry_run and store.engine.dialect.name == "sqlite":
        raw = (
            store.engine.raw_connection()
        )  # the DBAPI connection, in autocommit (see connection._sqlite_pragmas): VACUUM needs no transaction
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()


def _journal(folder: Path, erased: Any, dry_run: bool) -> int:
    from ltl_quiz.errors import JournalConflict
    from ltl_quiz.store.journal_file import read

    paths = [*folder.glob("*.jsonl"), *(folder / "synced").glob("*.jsonl")] if folder.is_dir() else []
    n = 0
    for path in paths:
        try:
            entry = read(path)
        except (JournalConflict, OSError, ValueError):
            continue
        if erased(entry):
            n += 1
            if not dry_run:
                path.unlink()
    return n


def _forget_remembered(config_file: Path, staff_number: str, dry_run: bool) -> bool:
    from ltl_quiz import config

    return config.forget_learner(config_file, staff_number, dry_run)  # for every store it was remembered for


def _ids(conn: sa.Connection, query: sa.Select[Any]) -> list[str]:
    return [r[0] for r in conn.execute(query)]


def _in(conn: sa.Connection, wanted: sa.Column[Any], matched: sa.Column[Any], values: list[str]) -> list[str]:
    """The distinct ``wanted`` of the rows whose ``matched`` is one of ``values``, asked 500 at a time."""
    query = sa.select(wanted).distinct()
    return [r[0] for chunk in _chunks(values) for r in conn.execute(query.where(matched.in_(chunk)))]


def _delete(conn: sa.Connection, done: Erasure, table: sa.Table, column: str, values: list[str]) -> None:
    """Delete the rows of ``table`` whose ``column`` is one of ``values``, 500 at a time, and count them."""
    n = sum(conn.execute(sa.delete(table).where(table.c[column].in_(chunk))).rowcount for chunk in _chunks(values))
    done.counts[table.name] = done.counts.get(table.name, 0) + n


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[start : start + size] for start in range(0, len(values), size)]
