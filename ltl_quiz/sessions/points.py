"""A key question's model answer points in a group session: revealed after the room has discussed it.

Issue 13's rule for a room: show the question, let the discussion run, then reveal the points. In a
live session each learner's screen follows the session's phase, so the reveal is a step of the
session (``revealed`` at a key question), and a learner ticks the points their reflection covered
only after it. The ticks go onto the reflection already saved, until the trainer moves on (the
room's move writes everyone's attempt row, so a tick after it would change nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ltl_quiz.errors import SessionMoved
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.model import SessionState
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.rows import session_of
from ltl_quiz.store import sessions as rows
from ltl_quiz.store.db import now

if TYPE_CHECKING:
    import sqlalchemy as sa


def reveal_points(sessions: SessionStore, code: str, scenario: Scenario, expect_seq: int) -> SessionState:
    """End the discussion of the key question at ``expect_seq``: every screen may now show its points."""
    at = now()

    def change(conn: sa.Connection, state: SessionState) -> SessionState:
        step = model.step_of(scenario, state)
        if step is None or not step.is_discussion:
            raise SessionMoved(f"step {expect_seq + 1} is not a key question; there are no model answer points to show")
        new = model.reveal(state, expect_seq)
        rows.set_step(conn, code, expect_seq, revealed_at=at)
        return new

    return sessions.change(code, change)


def tick_points(sessions: SessionStore, code: str, learner_id: str, seq: int, covered: list[int]) -> bool:
    """Record which points a learner's saved reflection covered; False once the room has moved on."""
    with sessions.store.begin() as conn:
        row = session_of(rows.locked(conn, code, share=True))
        if row.status == "closed" or row.state.seq != seq or row.state.phase != "revealed":
            return False
        return rows.set_covered(conn, code, seq, learner_id, covered)
