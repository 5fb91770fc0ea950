"""One terminal per learner per live session, across every computer on the store (issue 13).

On a shared account or PC, a second terminal joining as the remembered learner used to merge two
people into one record, and the second one's Ctrl-C marked the first as having left. A check on
this computer alone missed two machines on one PostgreSQL store, or two config folders on one
SQLite file. So the store holds a lease: the joined terminal's id, host and process, and when it
was last seen; the terminal renews it every ``HEARTBEAT_SECONDS`` while it is in the session.

A second join for the same learner is refused while the lease is fresh. It may go ahead when the
lease is older than ``LEASE_SECONDS`` (the terminal died, or its computer slept), when the holder
was a process on this same host that no longer runs (a killed terminal rejoining at once), or
with ``--take-over``. A terminal whose lease was taken sees it at its next renewal and stops.

This module decides; ``sessions/leases.py`` applies it to the rows ``store/leases.py`` reads and writes.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ltl_quiz.config import Learner
from ltl_quiz.processes import alive

LEASE_SECONDS = 30  # a lease not renewed for this long is free: the terminal has gone
HEARTBEAT_SECONDS = 5  # how often a joined terminal renews its lease


@dataclass(frozen=True)
class Terminal:
    """One joining terminal: a random id, the computer it runs on, its process."""

    id: str
    host: str
    pid: int

    @classmethod
    def this_one(cls) -> Terminal:
        return cls(str(uuid.uuid4()), socket.gethostname()[:255], os.getpid())


@dataclass(frozen=True)
class Lease:
    """A terminal's hold on a learner's place in a session, as the store has it."""

    terminal: Terminal
    seen_at: str  # ISO 8601 UTC, as ``store.now()`` writes it


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def blocks(lease: Lease | None, me: Terminal, at: str) -> bool:
    """Whether ``lease`` keeps ``me`` out at time ``at``: someone else's, fresh, and not a dead process
    (or this one, joining again) on this computer.

    A lease stamped ahead of our clock (another computer's clock runs fast) counts as fresh."""
    if lease is None or lease.terminal.id == me.id:
        return False
    if (_when(at) - _when(lease.seen_at)).total_seconds() > LEASE_SECONDS:
        return False
    holder = lease.terminal
    here = holder.host == me.host  # a process of this computer can be asked whether it still runs
    return not (here and (holder.pid == me.pid or not alive(holder.pid)))  # this very process is one terminal


def refusal(code: str, learner: Learner, lease: Lease, at: str) -> str:
    """What the second terminal is told: who is in, where, and the two ways on."""
    where = "on this computer" if lease.terminal.host == socket.gethostname()[:255] else f"on {lease.terminal.host}"
    ago = max(0, round((_when(at) - _when(lease.seen_at)).total_seconds()))
    free_at = (_when(lease.seen_at) + timedelta(seconds=LEASE_SECONDS)).strftime("%H:%M:%S")
    return (
        f"{learner.name} ({learner.id}) is already in session {code} at another terminal {where} (seen {ago} s ago), "
        f"so this one cannot join as them. If you are not {learner.name}, join as yourself: "
        f"ltl-quiz session join {code} --learner YOUR_STAFF_NUMBER --name 'YOUR NAME'. If that terminal has really "
        f"closed, join again once it has been silent {LEASE_SECONDS} seconds (from {free_at} UTC if it has gone), or take its place now: ltl-quiz session join {code} --learner {learner.id} --take-over"
    )


def taken_over(code: str, learner: Learner) -> str:
    return (
        f"Another terminal has joined session {code} as {learner.name} ({learner.id}), so this one has stopped. "
        f"Everything answered here is saved. To carry on here instead: ltl-quiz session join {code} --learner {learner.id} --take-over"
    )


class Heartbeat:
    """Renews a lease every ``HEARTBEAT_SECONDS`` on a thread of its own, so a learner thinking at a
    prompt stays in; ``lost`` turns true when the store says another terminal holds it now."""

    def __init__(self, renew: Callable[[], bool], every: float = HEARTBEAT_SECONDS):
        self._renew = renew
        self._every = every
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                if not self._renew():
                    self.lost = True
                    return
            except Exception:  # the store out of reach for now, or any hiccup: a beat that died would let the lease lapse
                continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self._every + 1)
