"""The learning report's SELECTs: the database aggregates, Python receives a few thousand rows.

A force's store holds a million answers; streaming them all to Python took most of the report's
time (issue 12). Here each figure is a GROUP BY the database does in one pass: completions,
steps' times and where unfinished attempts stopped (the item and test statistics' sums are in
``ltl_quiz.store.item_queries``). The SQL is portable Core; the two dialect-specific pieces (seconds between two timestamps, the
node an unfinished attempt stopped at) are compiled per database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.functions import FunctionElement

from ltl_quiz.scenario.kinds import written_kinds
from ltl_quiz.store.db import Store
from ltl_quiz.store.dialect_sql import spelled
from ltl_quiz.store.queries import Filters, step_seconds, with_steps
from ltl_quiz.store.rows import COMPLETED
from ltl_quiz.store.tables import answers, attempts, learners


class stopped_at(FunctionElement):  # named as the SQL it stands for
    """The node an attempt's saved engine state is at: where an unfinished attempt stopped."""

    type = sa.String()
    inherit_cache = True
    name = "stopped_at"


spelled(stopped_at, "(CAST({0} AS jsonb) ->> 'node_id')", sqlite="json_extract({0}, '$.node_id')")


def _attempts(filters: Filters) -> Any:
    """The attempts table, joined to learners only when a filter reads the learner's unit: a million
    rows' joins the report does not need are a large part of its time."""
    return attempts.join(learners, learners.c.id == attempts.c.learner_id) if filters.unit else attempts


def _rows(store: Store, query: sa.Select) -> Iterator[sa.Row]:
    with store.reading() as conn:
        yield from conn.execute(query)


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


# -- completions --------------------------------------------------------------------------------------
def completion_counts(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario, track, status and competencies record: attempts, graded and passed ones, and the
    sum of percentages. Grouping by the competencies JSON too lets Python decode each distinct
    record once (a few hundred), not once per attempt, in the same pass over the attempts.

    Percentages and competencies are summed over graded attempts only: a group session's record
    has no score and no verdict (its path is the room's), so it is counted but never scored."""
    done = attempts.c.status == COMPLETED
    graded = sa.and_(done, attempts.c.passed.is_not(None))
    competencies = sa.case((graded, attempts.c.competencies), else_=sa.null()).label("competencies")
    query = (
        sa.select(
            attempts.c.scenario_id,
            attempts.c.track,
            attempts.c.status,
            competencies,
            sa.func.min(attempts.c.scenario_title).label("title"),
            sa.func.count().label("attempts"),
            _count_if(graded).label("graded"),
            _count_if(sa.and_(done, attempts.c.passed == sa.true())).label("passed"),
            sa.func.sum(sa.case((graded, attempts.c.percentage), else_=0.0)).label("percentage"),
        )
        .select_from(_attempts(filters))
        .where(*filters.conditions())
        .group_by(attempts.c.scenario_id, attempts.c.track, attempts.c.status, competencies)
    )
    return _rows(store, query)


def step_times(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario, track, status, node and whole number of seconds: how many steps took that long
    (THE time spent's step, rounded) and their exact total. One pass over the answers gives both
    the completed attempts' time spent and each node's median time.

    Each step's seconds are computed once, in a subquery that OFFSET 0 keeps both databases from
    merging into the grouping: merged, the seconds (two text timestamps parsed) were computed
    twice a row, and PostgreSQL, unable to guess how few groups a computed key makes, sorted a
    million rows on disk instead of hashing them (7 s of CPU against 2 s)."""
    steps = (
        sa.select(attempts.c.scenario_id, attempts.c.track, attempts.c.status, answers.c.node_id, step_seconds().label("seconds"))
        .select_from(with_steps(_attempts(filters).join(answers, answers.c.attempt_id == attempts.c.id)))
        .where(*filters.conditions())
        .offset(0)
        .subquery("steps")
    )
    rounded = sa.func.round(steps.c.seconds).label("rounded")
    keys = (steps.c.scenario_id, steps.c.track, steps.c.status, steps.c.node_id)
    query = sa.select(*keys, rounded, sa.func.count().label("n"), sa.func.sum(steps.c.seconds).label("seconds")).group_by(*keys, rounded)
    return _rows(store, query)


# -- drop-off -----------------------------------------------------------------------------------------
def stopping_points(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario, status (abandoned, in-progress) and the node the attempt stopped at: how many."""
    node = stopped_at(attempts.c.state).label("node_id")
    query = (
        sa.select(attempts.c.scenario_id, attempts.c.status, node, sa.func.count().label("n"))
        .select_from(_attempts(filters))
        .where(attempts.c.status != COMPLETED, *filters.conditions())
        .group_by(attempts.c.scenario_id, attempts.c.status, node)
    )
    return _rows(store, query)


def debrief_answers(store: Store, filters: Filters, endings: list[tuple[str, str]]) -> Iterator[sa.Row]:
    """The unfinished attempts whose saved state is at one of ``endings`` (scenario, ending node):
    one row per reflection or key-question answer each has given (node_id None when it has none),
    with its track and status, so the caller can tell which key question of the debrief it is at.
    Only these few attempts are read: the report's other figures never need their answers."""
    if not endings:
        return iter(())
    node = stopped_at(attempts.c.state)
    at = sa.or_(*(sa.and_(attempts.c.scenario_id == s, node == n) for s, n in endings))
    written = sa.and_(answers.c.attempt_id == attempts.c.id, answers.c.kind.in_(written_kinds()))
    query = (
        sa.select(
            attempts.c.id, attempts.c.scenario_id, attempts.c.track, attempts.c.status, node.label("ending"), answers.c.node_id, answers.c.kind
        )
        .select_from(_attempts(filters).outerjoin(answers, written))
        .where(attempts.c.status != COMPLETED, at, *filters.conditions())
    )
    return _rows(store, query)
