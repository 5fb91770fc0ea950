"""A key question's model answer points in a group session: revealed after the room has discussed it.

Issue 13's rule for a room: show the question, let the discussion run, then reveal the points. In a
live session each learner's screen follows the session's phase, so the reveal is a step of the
session (``revealed`` at a key question), and a learner ticks the points their reflection covered
only after it. The ticks go onto the reflection already saved, until the trainer moves on (the
room's move writes everyone's attempt row, so a tick after it would change nothing).
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from ltl_quiz.errors import SessionMoved
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.model import SessionState
from ltl_quiz.store.db import now
from ltl_quiz.store.session_tables import answers_t, steps_t
from ltl_quiz.store.sessions import SessionStore, _answer_match, _locked


def reveal_points(sessions: SessionStore, code: str, scenario: Scenario, expect_seq: int) -> SessionState:
    """End the discussion of the key question at ``expect_seq``: every screen may now show its points."""
    at = now()

    def change(conn: sa.Connection, state: SessionState) -> SessionState:
        step = model.step_of(scenario, state)
        if step is None or not step.is_discussion:
            raise SessionMoved(f"step {expect_seq + 1} is not a key question; there are no model answer points to show")
        new = model.reveal(state, expect_seq)
        where = sa.and_(steps_t.c.session_code == code, steps_t.c.seq == expect_seq)
        conn.execute(sa.update(steps_t).where(where).values(revealed_at=at))
        return new

    return sessions._change(code, change)


def tick_points(sessions: SessionStore, code: str, learner_id: str, seq: int, covered: list[int]) -> bool:
    """Record which points a learner's saved reflection covered; False once the room has moved on."""
    with sessions.store._begin() as conn:
        row = _locked(conn, code, share=True)
        state = SessionState.from_json(json.loads(row.state))
        if row.status == "closed" or state.seq != seq or state.phase != "revealed":
            return False
        done = conn.execute(
            sa.update(answers_t).where(_answer_match(code, seq, learner_id)).values(covered=json.dumps(sorted(set(covered))))
        )
        return bool(done.rowcount)
