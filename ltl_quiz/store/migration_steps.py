"""Migration m012: each answer's step time, kept by the database itself (issue 12).

The learning report's median time at each node and the completed attempts' time spent are made of
every step's seconds (``store.queries.step_seconds``: from when the step was shown until it was
answered, or, in a group session, the room's step from shown to closed). Computing them at report
time parsed two text timestamps and sorted a million rows by node. From m012 each answer row holds
them, written when the row is: its attempt's scenario and track (neither ever changes), the step's
milliseconds and its whole seconds (rounded as the database rounds the seconds, so the report's
figures stay exactly what they were). An index in (scenario, track, node, whole seconds) order,
holding the milliseconds too, then gives each node's counts of each whole second and their time
without a join or a sort. A second index holds what the item sums read of an attempt's answers
(its choices and their points), so they never visit the rows with their written reflections.

Triggers fill the three columns, so every writer (a run, a group session, a journal's sync, a
merge, a bulk load) fills them alike without knowing of them: when an answer is written, when its
times change, and when a group session's step times change. History like every migration: the SQL
is written out here and never reads ``queries.py``.
"""

from __future__ import annotations

import sqlalchemy as sa

COLUMNS = ("scenario_id VARCHAR(100)", "track VARCHAR(16)", "step_ms BIGINT", "step_s INTEGER")
INDEXES = (
    "CREATE INDEX ix_answers_step_times ON answers (scenario_id, track, node_id, step_s, step_ms)",
    # the item sums read each analysed attempt's choices and their points: from this index alone
    "CREATE INDEX ix_answers_marks ON answers (attempt_id, kind, node_id, points, option_ids)",
)
# What an update of a step's own times is: answers' columns their seconds are made of.
WATCHED = "shown_at, answered_at, seq, attempt_id"


def _room(column: str) -> str:
    """The group-session step's ``column`` (shown_at, closed_at) of the answer NEW, if it has one."""
    return (
        f"(SELECT ss.{column} FROM attempts a JOIN session_steps ss ON ss.session_code = a.session_code AND ss.seq = NEW.seq "
        "WHERE a.id = NEW.attempt_id)"
    )


_SQLITE_SECONDS = f"ROUND((julianday(coalesce({_room('closed_at')}, NEW.answered_at)) - julianday(coalesce({_room('shown_at')}, NEW.shown_at))) * 86400.0, 3)"
_SQLITE_FILL = (
    "UPDATE answers SET (scenario_id, track) = (SELECT scenario_id, track FROM attempts WHERE id = NEW.attempt_id), "
    f"step_ms = CAST(round(1000 * {_SQLITE_SECONDS}) AS INTEGER) WHERE id = NEW.id; "
    "UPDATE answers SET step_s = CAST(round(step_ms / 1000.0) AS INTEGER) WHERE id = NEW.id;"
)
# A room's step: touching its answers' shown_at fires their own trigger, which reads the step anew.
_ROOM_ANSWERS = (
    "UPDATE answers SET shown_at = shown_at WHERE seq = NEW.seq "
    "AND attempt_id IN (SELECT id FROM attempts WHERE session_code = NEW.session_code)"
)
SQLITE = (
    f"CREATE TRIGGER tr_answers_steps_written AFTER INSERT ON answers BEGIN {_SQLITE_FILL} END",
    f"CREATE TRIGGER tr_answers_steps_changed AFTER UPDATE OF {WATCHED} ON answers BEGIN {_SQLITE_FILL} END",
    f"CREATE TRIGGER tr_session_steps_times AFTER UPDATE OF shown_at, closed_at ON session_steps BEGIN {_ROOM_ANSWERS}; END",
)

_PG_SECONDS = (
    "ROUND(CAST(EXTRACT(EPOCH FROM (CAST(coalesce(ss.closed_at, NEW.answered_at) AS TIMESTAMP WITH TIME ZONE) "
    "- CAST(coalesce(ss.shown_at, NEW.shown_at) AS TIMESTAMP WITH TIME ZONE))) AS NUMERIC), 3)::float8"
)
POSTGRESQL = (
    f"""CREATE FUNCTION ltl_answer_steps() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE seconds float8;
BEGIN
  SELECT a.scenario_id, a.track INTO NEW.scenario_id, NEW.track FROM attempts a WHERE a.id = NEW.attempt_id;
  BEGIN  -- a time the database cannot read leaves the step without seconds, as the report always had it
    SELECT {_PG_SECONDS} INTO seconds
    FROM (SELECT 1) AS one
    LEFT JOIN (attempts a JOIN session_steps ss ON ss.session_code = a.session_code) ON a.id = NEW.attempt_id AND ss.seq = NEW.seq;
  EXCEPTION WHEN others THEN seconds := NULL;
  END;
  NEW.step_ms := round(seconds * 1000);
  NEW.step_s := round(seconds);
  RETURN NEW;
END $$""",
    f"""CREATE FUNCTION ltl_session_step_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_ROOM_ANSWERS};
  RETURN NULL;
END $$""",
    f"CREATE TRIGGER tr_answers_steps BEFORE INSERT OR UPDATE OF {WATCHED} ON answers FOR EACH ROW EXECUTE FUNCTION ltl_answer_steps()",
    "CREATE TRIGGER tr_session_steps_times AFTER UPDATE OF shown_at, closed_at ON session_steps "
    "FOR EACH ROW EXECUTE FUNCTION ltl_session_step_times()",
)


def m012_answer_step_times(conn: sa.Connection) -> None:
    """Each answer's scenario, track, step milliseconds and whole step seconds, kept by triggers,
    filled in for the answers already there, and the indexes the learning report reads."""
    for column in COLUMNS:
        with conn.begin_nested():
            conn.execute(sa.text(f"ALTER TABLE answers ADD COLUMN {column}"))
    for statement in POSTGRESQL if conn.dialect.name == "postgresql" else SQLITE:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("UPDATE answers SET shown_at = shown_at")  # the triggers fill every answer already there
    for statement in INDEXES:
        conn.exec_driver_sql(statement)
