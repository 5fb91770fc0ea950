"""Migration m013: the time an attempt was before the learner at prompts that leave no answer row (issue 12).

Time spent is the sum of the steps' times (m012), and a step's time is written with its answer.
Two kinds of time at a prompt leave no answer: a step the learner leaves (Ctrl-C) before answering
it, whose time is lost when the step is timed afresh on resume, and practice mode's feedback after
each decision, read between steps. A hand player's case read 1.2 minutes for 2.3 minutes of play.
``attempts.held_ms`` keeps that time (the runner adds to it, ``Store.hold``), and time spent adds it.
Attempts made before m013 hold 0: their lost time was never measured.

An index holds what the learning report reads of it (completed attempts' held time per scenario
and track, scripted runs told apart), so the report's sums never visit the rows with their state.
History like every migration: the SQL is written out here and never reads ``tables.py``.
"""

from __future__ import annotations

import sqlalchemy as sa

COLUMN = "held_ms BIGINT DEFAULT 0 NOT NULL"
INDEX = "CREATE INDEX ix_attempts_held ON attempts (status, scenario_id, track, how_answered, held_ms)"


def m013_attempt_held_time(conn: sa.Connection) -> None:
    """``attempts.held_ms``, 0 for the attempts already there, and the index the report's sums read."""
    with conn.begin_nested():
        conn.exec_driver_sql(f"ALTER TABLE attempts ADD COLUMN {COLUMN}")
    conn.exec_driver_sql(INDEX)
