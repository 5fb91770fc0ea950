"""A learner's lease on their place in a live session: the decisions, on the rows ``store/leases.py`` reads.

``claim`` runs inside the join's own transaction, with the session row locked, so two terminals
joining at the same moment are decided one after the other (the rule itself: ``presence.blocks``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ltl_quiz.config import Learner
from ltl_quiz.errors import AlreadyJoined
from ltl_quiz.sessions.presence import Lease, Terminal, blocks, refusal
from ltl_quiz.store import leases as rows
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.session_rows import LeaseRow

if TYPE_CHECKING:
    import sqlalchemy as sa


def _lease(row: LeaseRow | None) -> Lease | None:
    return None if row is None else Lease(Terminal(row.terminal, row.host, row.pid), row.seen_at)


def _refuse(code: str, learner: Learner, lease: Lease | None, me: Terminal, take_over: bool, at: str) -> None:
    if not take_over and lease is not None and blocks(lease, me, at):
        raise AlreadyJoined(refusal(code, learner, lease, at))


def check(store: Store, code: str, learner: Learner, me: Terminal, take_over: bool) -> None:
    """Refuse early (before the content note) when a fresh lease is someone else's; ``claim`` decides for good."""
    with store.reading() as conn:
        lease = _lease(rows.read(conn, code, learner.id))
    _refuse(code, learner, lease, me, take_over, now())


def claim(conn: sa.Connection, code: str, learner: Learner, me: Terminal, take_over: bool, at: str) -> None:
    """Take the lease for ``me``, inside the join's transaction (the participant row exists by now)."""
    _refuse(code, learner, _lease(rows.read(conn, code, learner.id)), me, take_over, at)
    rows.write(conn, code, learner.id, LeaseRow(me.id, me.host, me.pid, at))


def renew(store: Store, code: str, learner_id: str, me: Terminal) -> bool:
    """Mark this terminal as still here; False when another terminal holds the lease now."""
    return rows.renew(store, code, learner_id, me.id)


def holds(conn: sa.Connection, code: str, learner_id: str, me: Terminal) -> bool:
    """Whether ``me`` holds the lease (or nobody does), inside the caller's transaction."""
    lease = rows.read(conn, code, learner_id)
    return lease is None or lease.terminal == me.id


def release(conn: sa.Connection, code: str, learner_id: str, me: Terminal) -> None:
    """Give the lease up (the learner left, or the session ended), if it is still this terminal's."""
    rows.release(conn, code, learner_id, me.id)
