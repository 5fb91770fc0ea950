"""The learning report's statements as the database plans them (issue 12: a force's report in 3 s)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from ltl_quiz.store import Store
from ltl_quiz.store.item_queries import analysed
from ltl_quiz.store.queries import Filters


@pytest.mark.parametrize("include_scripted", [False, True])
def test_the_first_attempts_are_ranked_from_one_index_with_no_sort(db_url: str, include_scripted: bool) -> None:
    """Migration m011: ranking each learner's attempts at a scenario by start (their first is the one
    the item statistics take) reads one index in that order: no sort, and no visit to the attempts'
    rows with their large saved state (at a force's scale, a sort and 100,000 row reads)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan is stable at any size; PostgreSQL's depends on its statistics")
    filters = replace(Filters(include_scripted=include_scripted), status="completed")
    store = Store(db_url)
    try:
        with store.reading() as conn:
            sql = str(sa.select(analysed(filters, True)).compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " | ".join(str(row[-1]) for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    finally:
        store.close()
    assert "SCAN attempts USING COVERING INDEX ix_attempts_first" in plan and "TEMP B-TREE" not in plan, plan
