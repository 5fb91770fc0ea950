"""The learning report's SELECTs: the database aggregates, Python receives a few thousand rows.

A force's store holds a million answers; streaming them all to Python took most of the report's
time (issue 12). Here each figure is a GROUP BY the database does in one pass, and only what
needs the scenario files (best points, the recommended options, file order) is left to Python.
The SQL is portable Core; the two dialect-specific pieces (seconds between two timestamps, the
node an unfinished attempt stopped at) are compiled per database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ltl_quiz.store.db import COMPLETED, SCRIPTED, Store, answers, attempts, learners
from ltl_quiz.store.queries import CHOICE_KINDS, Filters, _reading, step_seconds, with_steps

INDIVIDUAL_MODES = ("practice", "assessed")  # a room's show of hands is no one person's mark


class stopped_at(FunctionElement):  # named as the SQL it stands for
    """The node an attempt's saved engine state is at: where an unfinished attempt stopped."""

    type = sa.String()
    inherit_cache = True
    name = "stopped_at"


@compiles(stopped_at)
def _stopped_at_postgresql(element: stopped_at, compiler: Any, **kw: Any) -> str:
    (state,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({state} AS jsonb) ->> 'node_id')"


@compiles(stopped_at, "sqlite")
def _stopped_at_sqlite(element: stopped_at, compiler: Any, **kw: Any) -> str:
    (state,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"json_extract({state}, '$.node_id')"


def _attempts(filters: Filters) -> Any:
    """The attempts table, joined to learners only when a filter reads the learner's unit: a million
    rows' joins the report does not need are a large part of its time."""
    return attempts.join(learners, learners.c.id == attempts.c.learner_id) if filters.unit else attempts


def _rows(store: Store, query: sa.Select) -> Iterator[sa.Row]:
    with _reading(store) as conn:
        yield from conn.execute(query)


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


# -- completions --------------------------------------------------------------------------------------
def completion_counts(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario, track, status and competencies record: attempts, graded and passed ones, and the
    sum of percentages. Grouping by the competencies JSON too lets Python decode each distinct
    record once (a few hundred), not once per attempt, in the same pass over the attempts."""
    done = attempts.c.status == COMPLETED
    competencies = sa.case((done, attempts.c.competencies), else_=sa.null()).label("competencies")
    query = (
        sa.select(
            attempts.c.scenario_id,
            attempts.c.track,
            attempts.c.status,
            competencies,
            sa.func.min(attempts.c.scenario_title).label("title"),
            sa.func.count().label("attempts"),
            _count_if(sa.and_(done, attempts.c.passed.is_not(None))).label("graded"),
            _count_if(sa.and_(done, attempts.c.passed == sa.true())).label("passed"),
            sa.func.sum(sa.case((done, attempts.c.percentage), else_=0.0)).label("percentage"),
        )
        .select_from(_attempts(filters))
        .where(*filters.conditions())
        .group_by(attempts.c.scenario_id, attempts.c.track, attempts.c.status, competencies)
    )
    return _rows(store, query)


def step_times(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario, track, status, node and whole number of seconds: how many steps took that long
    (THE time spent's step, rounded) and their exact total. One pass over the answers gives both
    the completed attempts' time spent and each node's median time; PostgreSQL hashes the groups,
    and SQLite's sort of a million rows costs no more than the two passes it replaces."""
    seconds = step_seconds()
    rounded = sa.func.round(seconds).label("rounded")
    query = (
        sa.select(
            attempts.c.scenario_id,
            attempts.c.track,
            attempts.c.status,
            answers.c.node_id,
            rounded,
            sa.func.count().label("n"),
            sa.func.sum(seconds).label("seconds"),
        )
        .select_from(with_steps(_attempts(filters).join(answers, answers.c.attempt_id == attempts.c.id)))
        .where(*filters.conditions())
        .group_by(attempts.c.scenario_id, attempts.c.track, attempts.c.status, answers.c.node_id, rounded)
    )
    return _rows(store, query)


# -- which attempts the item statistics take ----------------------------------------------------------
def _individual_completed(table: Any, include_scripted: bool) -> list[Any]:
    cond = [table.c.status == COMPLETED, table.c.mode.in_(INDIVIDUAL_MODES)]
    if not include_scripted:
        cond.append(sa.or_(table.c.how_answered.is_(None), table.c.how_answered != SCRIPTED))
    return cond


def first_attempts(include_scripted: bool) -> Any:
    """The id of each learner's first completed individual attempt at each scenario (earliest start;
    the id breaks a tie), as a subquery. Decided over the whole store, before any date, unit or
    session filter: a learner's second go stays a second go whatever window is asked for. Unless
    scripted runs are asked for, a scripted run is nobody's attempt and so is never anyone's first."""
    order = sa.func.row_number().over(
        partition_by=(attempts.c.learner_id, attempts.c.scenario_id), order_by=(attempts.c.started_at, attempts.c.id)
    )
    ranked = sa.select(attempts.c.id, order.label("n")).where(*_individual_completed(attempts, include_scripted)).subquery("ranked")
    return sa.select(ranked.c.id).where(ranked.c.n == 1).subquery("firsts")


def analysed(filters: Filters, first_only: bool) -> Any:
    """The attempts the item and test statistics take, as a CTE of (attempt_id, scenario_id, track)."""
    source = _attempts(filters)
    if first_only:
        firsts = first_attempts(filters.include_scripted)
        source = source.join(firsts, firsts.c.id == attempts.c.id)
    return (
        sa.select(attempts.c.id.label("attempt_id"), attempts.c.scenario_id, attempts.c.track)
        .select_from(source)
        .where(*_individual_completed(attempts, filters.include_scripted), *filters.conditions())
        .cte("analysed")
    )


def item_choices(store: Store, filters: Filters, first_only: bool) -> Iterator[sa.Row]:
    """Each analysed attempt's choices at decision and multi nodes, summed by the database per
    attempt, node and stored choice (the option ids' JSON): the points and how many answers gave
    it (more than one only where a loop met the node again). Attempt by attempt."""
    base = analysed(filters, first_only)
    query = (
        sa.select(
            base.c.attempt_id,
            base.c.scenario_id,
            base.c.track,
            answers.c.node_id,
            answers.c.option_ids,
            sa.func.min(answers.c.kind).label("kind"),
            sa.func.sum(answers.c.points).label("points"),
            sa.func.count().label("answers"),
        )
        .select_from(base.join(answers, answers.c.attempt_id == base.c.attempt_id))
        .where(answers.c.kind.in_(CHOICE_KINDS))
        .group_by(base.c.attempt_id, base.c.scenario_id, base.c.track, answers.c.node_id, answers.c.option_ids)
        .order_by(base.c.attempt_id)
    )
    with _reading(store) as conn:
        result = conn.execution_options(yield_per=5000).execute(query)
        for partition in result.partitions():
            yield from partition


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
