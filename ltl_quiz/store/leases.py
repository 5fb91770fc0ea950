"""The store side of a learner's lease on their place in a live session (``sessions/presence.py``).

The lease lives on the learner's ``session_participants`` row (migration m009), so every terminal
on the store sees it, whichever computer or config folder it runs from. ``claim`` runs inside the
join's own transaction, with the session row locked, so two terminals joining at the same moment
are decided one after the other; renewing and releasing touch the row only while this terminal
still holds it, so a terminal that was taken over can never push the new one out.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.errors import AlreadyJoined, StoreError
from ltl_quiz.locations import redact
from ltl_quiz.sessions.presence import Lease, Terminal, blocks, refusal
from ltl_quiz.store.db import Store, now

leases_t = sa.table(
    "session_participants",
    *(sa.column(c) for c in ("session_code", "learner_id", "terminal", "terminal_host", "terminal_pid", "seen_at")),
)


def _mine(code: str, learner_id: str) -> Any:
    return sa.and_(leases_t.c.session_code == code, leases_t.c.learner_id == learner_id)


def _lease(row: Any) -> Lease | None:
    if row is None or row.terminal is None:
        return None
    return Lease(Terminal(row.terminal, row.terminal_host or "", int(row.terminal_pid or 0)), row.seen_at)


def _read(conn: sa.Connection, code: str, learner_id: str) -> Lease | None:
    query = sa.select(leases_t.c.terminal, leases_t.c.terminal_host, leases_t.c.terminal_pid, leases_t.c.seen_at)
    return _lease(conn.execute(query.where(_mine(code, learner_id))).first())


def check(store: Store, code: str, learner: Learner, me: Terminal, take_over: bool) -> None:
    """Refuse early (before the content note) when a fresh lease is someone else's; ``claim`` decides for good."""
    try:
        with store.reading() as conn:
            lease = _read(conn, code, learner.id)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"cannot read the results store {redact(store.url)}: {str(getattr(exc, 'orig', None) or exc).splitlines()[0]}"
        ) from None
    at = now()
    if not take_over and lease is not None and blocks(lease, me, at):
        raise AlreadyJoined(refusal(code, learner, lease, at))


def claim(conn: sa.Connection, code: str, learner: Learner, me: Terminal, take_over: bool, at: str) -> None:
    """Take the lease for ``me``, inside the join's transaction (the participant row exists by now)."""
    lease = _read(conn, code, learner.id)
    if not take_over and lease is not None and blocks(lease, me, at):
        raise AlreadyJoined(refusal(code, learner, lease, at))
    values = {"terminal": me.id, "terminal_host": me.host, "terminal_pid": me.pid, "seen_at": at}
    conn.execute(sa.update(leases_t).where(_mine(code, learner.id)).values(**values))


def renew(store: Store, code: str, learner_id: str, me: Terminal) -> bool:
    """Mark this terminal as still here; False when another terminal holds the lease now."""
    with store._begin() as conn:
        done = conn.execute(sa.update(leases_t).where(_mine(code, learner_id), leases_t.c.terminal == me.id).values(seen_at=now()))
    return bool(done.rowcount)


def holds(conn: sa.Connection, code: str, learner_id: str, me: Terminal) -> bool:
    """Whether ``me`` holds the lease (or nobody does), inside the caller's transaction."""
    lease = _read(conn, code, learner_id)
    return lease is None or lease.terminal.id == me.id


def release(conn: sa.Connection, code: str, learner_id: str, me: Terminal) -> None:
    """Give the lease up (the learner left, or the session ended), if it is still this terminal's."""
    gone = {"terminal": None, "terminal_host": None, "terminal_pid": None, "seen_at": None}
    conn.execute(sa.update(leases_t).where(_mine(code, learner_id), leases_t.c.terminal == me.id).values(**gone))
