"""Statements an LRS holds that the store no longer supports, waiting to be voided by the next ``lrs push``.

One row per endpoint and statement: the erasure of a person (``db forget``) writes them with
``record_voided`` before it deletes anything, because after it the store can no longer say which
statements were about them; ``lrs push`` writes them for statements an attempt no longer yields
(a merge replaced the attempt with the copy that was carried on elsewhere). A row holds ids and a
reason only, never anything about the person. Sending the voiding statement is ``lrs push``'s:
its id is ``void_id`` of the voided one, so pushing twice, or after a crash, never voids twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa

from ltl_quiz.store.tables import lrs_accepted, lrs_voids

VOIDS = uuid.UUID("0b6a8f0e-8d5e-5b7c-9f43-6c7471757a76")  # the namespace of voiding statements' ids, fixed for ever
REASONS = ("erased", "replaced")


class PendingVoid(NamedTuple):
    """A statement waiting to be voided at an endpoint: its id, its voiding statement's, whose attempt, since when."""

    statement_id: str
    void_id: str
    attempt_id: str
    recorded_at: str


def void_id(statement_id: str) -> str:
    """The id of the statement that voids ``statement_id``: the same every time it is worked out."""
    return str(uuid.uuid5(VOIDS, statement_id))


def record_voided(conn: sa.Connection, attempt_ids: Iterable[str], reason: str = "erased") -> int:
    """The hook for erasure: every statement any LRS accepted for these attempts is to be voided. Returns how many.

    Call it inside the erasure's own transaction, before the attempts' rows (and their
    ``lrs_accepted`` rows, if the erasure removes those) are deleted.
    """
    ids = list(attempt_ids)
    if not ids:
        return 0
    rows = conn.execute(
        sa.select(lrs_accepted.c.endpoint, lrs_accepted.c.statement_id, lrs_accepted.c.attempt_id).where(lrs_accepted.c.attempt_id.in_(ids))
    ).all()
    return add(conn, ((r.endpoint, r.statement_id, r.attempt_id) for r in rows), reason)


def add(conn: sa.Connection, statements: Iterable[tuple[str, str, str]], reason: str) -> int:
    """(endpoint, statement id, attempt id) to be voided, for ``reason``; ones already waiting or voiding statements are skipped."""
    from ltl_quiz.store.db import now

    if reason not in REASONS:
        raise ValueError(f"reason {reason!r} is not one of {REASONS}")
    wanted = {(e, s): a for e, s, a in statements}
    if not wanted:
        return 0
    endpoints = sorted({e for e, _ in wanted})
    known = {
        (r.endpoint, r.statement_id, r.void_id)
        for r in conn.execute(
            sa.select(lrs_voids.c.endpoint, lrs_voids.c.statement_id, lrs_voids.c.void_id).where(lrs_voids.c.endpoint.in_(endpoints))
        )
    }
    skip = {(e, s) for e, s, _ in known} | {(e, v) for e, _, v in known}  # never void twice, never void a voiding statement
    stamp = now()
    rows: list[dict[str, str]] = [
        {"endpoint": e, "statement_id": s, "void_id": void_id(s), "attempt_id": a, "reason": reason, "recorded_at": stamp}
        for (e, s), a in wanted.items()
        if (e, s) not in skip
    ]
    if rows:
        conn.execute(sa.insert(lrs_voids), rows)
    return len(rows)


def pending(conn: sa.Connection, endpoint: str) -> list[PendingVoid]:
    """Voids waiting for ``endpoint`` whose voiding statement it has not accepted yet, oldest first."""
    accepted = sa.select(lrs_accepted.c.statement_id).where(lrs_accepted.c.endpoint == endpoint)
    return [
        PendingVoid(*row)
        for row in conn.execute(
            sa.select(lrs_voids.c.statement_id, lrs_voids.c.void_id, lrs_voids.c.attempt_id, lrs_voids.c.recorded_at)
            .where(lrs_voids.c.endpoint == endpoint, lrs_voids.c.void_id.not_in(accepted))
            .order_by(lrs_voids.c.recorded_at, lrs_voids.c.statement_id)
        )
    ]
