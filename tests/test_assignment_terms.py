"""Migration m014: the database keeps each assignment's terms as the compliance report keys them.

The report's standing keys begin with them (``store.assignments.standing_sql``), so a row written
by any writer, or a term changed later, must read back exactly as ``split_key`` expects, on every store.
"""

from __future__ import annotations

import sqlalchemy as sa

from ltl_quiz.store import Store
from ltl_quiz.store.assignments import split_key, standing_batches

INSERT = (
    "INSERT INTO assignments (id, learner_id, scenario_id, track, mode, due_on, every_months, allow_sessions, starts_at, assigned_by, assigned_at) "
    "VALUES (:id, 'S1', :case, 'officer', NULL, :due, :every, FALSE, 'x', 'lead', :at)"
)


def _terms(conn: sa.Connection) -> list[str]:
    return [r[0] for r in conn.execute(sa.text("SELECT terms_key FROM assignments ORDER BY assigned_at"))]


def test_every_assignment_holds_its_terms_written_and_changed(db_url: str) -> None:
    with Store(db_url) as store:
        with store.begin() as conn:
            conn.execute(sa.text("INSERT INTO learners (id, name, unit, created_at) VALUES ('S1', 'A. Officer', 'U', 'x')"))
            conn.execute(sa.text(INSERT), {"id": "a1", "case": "hotel case", "due": "2027-03-14", "every": 12, "at": "1"})
            conn.execute(sa.text(INSERT), {"id": "a2", "case": "hotel", "due": "2027-01-31", "every": None, "at": "2"})
            assert _terms(conn) == ["hotel case officer 2027-03-14 12 ", "hotel officer 2027-01-31  "]
            conn.execute(sa.text("UPDATE assignments SET due_on = '2028-02-29', every_months = NULL WHERE id = 'a1'"))
            conn.execute(sa.text("UPDATE assignments SET every_months = 36 WHERE id = 'a2'"))
            conn.execute(sa.text("UPDATE assignments SET terms_key = 'something else' WHERE id = 'a2'"))
            assert _terms(conn) == ["hotel case officer 2028-02-29  ", "hotel officer 2027-01-31 36 "]
        with store.reading() as conn:
            keys = [key for batch in standing_batches(conn) for _, learner_keys in batch for key in learner_keys]
    assert sorted(map(split_key, keys)) == [("hotel", "officer", "2027-01-31", 36, None), ("hotel case", "officer", "2028-02-29", None, None)]
