"""The lease columns of a learner's ``session_participants`` row (migration m009), read and written.

Whether a lease keeps a second terminal out is decided in ``sessions/presence.py`` and
``sessions/leases.py``, with the ``LeaseRow`` read here. Renewing and releasing touch the row only
while the given terminal still holds it, so a terminal that was taken over can never push the new
one out.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ltl_quiz.store.db import Store, now
from ltl_quiz.store.session_rows import LeaseRow

leases_t = sa.table(
    "session_participants",
    *(sa.column(c) for c in ("session_code", "learner_id", "terminal", "terminal_host", "terminal_pid", "seen_at")),
)


def _mine(code: str, learner_id: str) -> Any:
    return sa.and_(leases_t.c.session_code == code, leases_t.c.learner_id == learner_id)


def read(conn: sa.Connection, code: str, learner_id: str) -> LeaseRow | None:
    """The lease on a learner's place, or None when no terminal holds it."""
    query = sa.select(leases_t.c.terminal, leases_t.c.terminal_host, leases_t.c.terminal_pid, leases_t.c.seen_at)
    row = conn.execute(query.where(_mine(code, learner_id))).first()
    if row is None or row.terminal is None:
        return None
    return LeaseRow(row.terminal, row.terminal_host or "", int(row.terminal_pid or 0), row.seen_at)


def write(conn: sa.Connection, code: str, learner_id: str, lease: LeaseRow) -> None:
    values = {"terminal": lease.terminal, "terminal_host": lease.host, "terminal_pid": lease.pid, "seen_at": lease.seen_at}
    conn.execute(sa.update(leases_t).where(_mine(code, learner_id)).values(**values))


def renew(store: Store, code: str, learner_id: str, terminal: str) -> bool:
    """Stamp the lease as seen now; False when another terminal holds it now."""
    with store.begin() as conn:
        done = conn.execute(sa.update(leases_t).where(_mine(code, learner_id), leases_t.c.terminal == terminal).values(seen_at=now()))
    return bool(done.rowcount)


def release(conn: sa.Connection, code: str, learner_id: str, terminal: str) -> None:
    """Clear the lease, if it is still ``terminal``'s."""
    gone = {"terminal": None, "terminal_host": None, "terminal_pid": None, "seen_at": None}
    conn.execute(sa.update(leases_t).where(_mine(code, learner_id), leases_t.c.terminal == terminal).values(**gone))
