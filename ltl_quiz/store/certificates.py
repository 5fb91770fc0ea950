"""Issued certificates in the store: code, attempt and expiry (never the key, never the fields)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ltl_quiz.store.db import Store, now
from ltl_quiz.store.rows import AttemptRow
from ltl_quiz.store.tables import certificates

if TYPE_CHECKING:
    from ltl_quiz.compliance.rule import Counted


def record(store: Store, code: str, attempt_id: str, expires_on: str | None) -> None:
    """Remember an issued code; issuing the same certificate again changes nothing."""
    with store.begin() as conn:
        if conn.execute(sa.select(certificates.c.code).where(certificates.c.code == code)).first() is None:
            conn.execute(sa.insert(certificates).values(code=code, attempt_id=attempt_id, expires_on=expires_on, issued_at=now()))


def find(store: Store, code: str) -> tuple[str, str | None] | None:
    with store.reading() as conn:
        row = conn.execute(sa.select(certificates.c.attempt_id, certificates.c.expires_on).where(certificates.c.code == code)).first()
    return None if row is None else (row[0], row[1])


def answered_how(store: Store, attempt_id: str) -> str | None:
    """How the attempt was answered (m005's column), or None where the store does not say."""
    from ltl_quiz.store.assignments import how_column

    with store.reading() as conn:
        column = how_column(conn)
        if column is None:
            return None
        return conn.execute(sa.text(f"SELECT {column} FROM attempts WHERE id = :a"), {"a": attempt_id}).scalar_one_or_none()


def session_attendance(store: Store, row: AttemptRow) -> tuple[bool, str]:
    """Whether the store records the learner as present at the attempt's group session, and who led it."""
    if not row.session_code:
        return False, ""
    with store.reading() as conn:
        present = conn.execute(
            sa.text("SELECT present FROM session_participants WHERE session_code = :c AND learner_id = :l"),
            {"c": row.session_code, "l": row.learner_id},
        ).scalar_one_or_none()
        trainer = conn.execute(sa.text("SELECT trainer FROM sessions WHERE code = :c"), {"c": row.session_code}).scalar_one_or_none()
    return bool(present), trainer or ""


def standing_of(store: Store, row: AttemptRow, today: date) -> tuple[Counted, date | None]:
    """Whether the attempt counts on ``today`` for any of the learner's assignments of its case (and
    if not, the rule's reason why), and when it stops counting."""
    from ltl_quiz.compliance.rule import Evidence, counted, expiry
    from ltl_quiz.store.assignments import assignments_of

    session_kind = None
    with store.reading() as conn:
        assigned = assignments_of(conn, row.learner_id)
        if row.session_code:
            session_kind = conn.execute(sa.text("SELECT kind FROM sessions WHERE code = :c"), {"c": row.session_code}).scalar_one_or_none()
    evidence = Evidence(
        row.id,
        row.learner_id,
        row.scenario_id,
        row.track,
        row.mode,
        row.status,
        row.passed,
        row.finished_at,
        answered_how(store, row.id) or "terminal",
        session_kind,
    )
    return counted(assigned, evidence, today), expiry(assigned, evidence)
