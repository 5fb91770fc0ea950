"""The learning report's statements as the database plans them (issue 12: a force's report in 3 s)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from ltl_quiz.store import Store
from ltl_quiz.store.item_queries import analysed
from ltl_quiz.store.queries import Filters
from ltl_quiz.store.report_queries import step_times, stopping_points


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


def _plan(db_url: str, query: sa.Select) -> str:
    store = Store(db_url)
    try:
        with store.reading() as conn:
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            return " | ".join(str(row[-1]) for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    finally:
        store.close()


def _captured(run: Any) -> list[sa.Select]:
    """The statements a report query runs, caught instead of run."""
    caught: list[sa.Select] = []

    class Reading:
        def execute(self, query: sa.Select) -> list[Any]:
            caught.append(query)
            return []

    class Catching:
        @contextmanager
        def reading(self) -> Iterator[Reading]:
            yield Reading()

    list(run(Catching()))
    return caught


@pytest.mark.parametrize("include_scripted", [False, True])
def test_every_steps_time_is_read_from_one_index_with_no_sort(db_url: str, include_scripted: bool) -> None:
    """Migration m012: the medians' counts and the completed attempts' time over every answer are
    read from the answers' step index alone, in its order (at a force's scale, a million answers
    joined to their attempts and sorted took 3 s); scripted and unfinished attempts are taken away
    through the attempts' own indexes."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan is stable at any size; PostgreSQL's depends on its statistics")
    (query,) = _captured(lambda store: step_times(store, Filters(include_scripted=include_scripted)))
    plan = _plan(db_url, query)
    assert "SCAN answers USING COVERING INDEX ix_answers_step_times" in plan and plan.count("SCAN answers") == 1, plan
    assert "SEARCH attempts USING INDEX ix_attempts_status (status<?)" in plan, plan  # the unfinished, whose time is taken away
    assert "SEARCH answers USING INDEX sqlite_autoindex_answers_2 (attempt_id=?)" in plan, plan  # and their answers


def test_unfinished_attempts_are_found_through_the_status_index(db_url: str) -> None:
    """Most attempts are completed: where the others stopped is read from the status index, not by
    reading every attempt's row and its large saved state."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan is stable at any size; PostgreSQL's depends on its statistics")
    (query,) = _captured(lambda store: stopping_points(store, Filters(include_scripted=False)))
    plan = _plan(db_url, query)
    assert "SEARCH attempts USING INDEX ix_attempts_status (status<?)" in plan and "SCAN attempts" not in plan, plan
