"""Migration m014: each assignment's terms as the compliance report keys them, kept by the database (issue 15).

The report gives each assignment a standing key: its case, track, due date and interval, then the
day of the latest satisfying attempt ('hotel officer 2027-03-14 12 2026-05-02'; ``store.assignments
.split_key`` reads it back). SQLite built the first four with printf for each of a force's 500,000
assignments on every report: a fifth of the query's time. From m014 each assignment row holds that
text, with the space after it ('hotel officer 2027-03-14 12 '), written when the row is, so the
report only adds the day done; an index holding it beside the columns the old report index held (in
the same order, so a learner's assignments come in the same order) lets the report read it from the
index alone. PostgreSQL keeps the column too (one schema), but its report still joins the terms
from m010's narrower index, which its planner merges in order (asked for this column, it sorted).

Triggers fill the column, so every writer (``assign``, a bulk load, a test's own INSERT) fills it
alike without knowing of it: when an assignment is written and when any of its terms changes. As
every migration, history: the SQL is written out here and never reads ``assignments.py``.
"""

from __future__ import annotations

import sqlalchemy as sa

COLUMN = "terms_key TEXT"
INDEX = (
    "CREATE INDEX ix_assignments_terms ON assignments "
    "(learner_id, scenario_id, assigned_at, track, due_on, every_months, starts_at, mode, allow_sessions, terms_key)"
)
WATCHED = "scenario_id, track, due_on, every_months, terms_key"  # terms_key too: it is never set to anything else
# printf's %s writes NULL as '' and an integer as its digits: 'hotel officer 2027-03-14  ' for a once-only assignment.
_SQLITE_FILL = "UPDATE assignments SET terms_key = printf('%s %s %s %s ', NEW.scenario_id, NEW.track, NEW.due_on, NEW.every_months) WHERE rowid = NEW.rowid;"
SQLITE = (
    f"CREATE TRIGGER tr_assignments_terms_written AFTER INSERT ON assignments BEGIN {_SQLITE_FILL} END",
    f"CREATE TRIGGER tr_assignments_terms_changed AFTER UPDATE OF {WATCHED} ON assignments BEGIN {_SQLITE_FILL} END",
)
POSTGRESQL = (
    """CREATE FUNCTION ltl_assignment_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.terms_key := NEW.scenario_id || ' ' || NEW.track || ' ' || NEW.due_on || ' ' || COALESCE(CAST(NEW.every_months AS VARCHAR), '') || ' ';
  RETURN NEW;
END $$""",
    f"CREATE TRIGGER tr_assignments_terms BEFORE INSERT OR UPDATE OF {WATCHED} ON assignments FOR EACH ROW EXECUTE FUNCTION ltl_assignment_terms()",
)


def m014_assignment_terms(conn: sa.Connection) -> None:
    """Each assignment's terms as the report keys them, kept by triggers, filled in for the
    assignments already there, and the index the report reads them from."""
    conn.exec_driver_sql(f"ALTER TABLE assignments ADD COLUMN {COLUMN}")
    for statement in POSTGRESQL if conn.dialect.name == "postgresql" else SQLITE:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("UPDATE assignments SET track = track")  # the triggers fill every assignment already there
    conn.exec_driver_sql(INDEX)
