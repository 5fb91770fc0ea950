"""The learning report's SELECTs: the database aggregates, Python receives a few thousand rows.

A force's store holds a million answers; streaming them all to Python took most of the report's
time (issue 12). Here each figure is a GROUP BY the database does in one pass: completions,
steps' times and where unfinished attempts stopped (the item and test statistics' sums are in
``ltl_quiz.store.item_queries``). The SQL is portable Core; the one dialect-specific piece (the node an unfinished attempt stopped
at) is compiled per database. Steps' times are read from the columns m012's triggers keep.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.functions import FunctionElement

from ltl_quiz.scenario.kinds import written_kinds
from ltl_quiz.store.db import Store
from ltl_quiz.store.dialect_sql import spelled
from ltl_quiz.store.queries import Filters
from ltl_quiz.store.rows import COMPLETED, SCRIPTED
from ltl_quiz.store.tables import answers, attempts, learners


class stopped_at(FunctionElement):  # named as the SQL it stands for
    """The node an attempt's saved engine state is at: where an unfinished attempt stopped."""

    type = sa.String()
    inherit_cache = True
    name = "stopped_at"


spelled(stopped_at, "(CAST({0} AS jsonb) ->> 'node_id')", sqlite="json_extract({0}, '$.node_id')")


class unlikely(FunctionElement):  # named as SQLite's function it stands for
    """A condition the planner should take as true of few rows: SQLite's ``unlikely(X)``, plain
    ``X`` elsewhere (SQLite's statistics of a column holding one value say nothing of a range)."""

    type = sa.types.NullType()  # not Boolean: SQLite would be given ``unlikely(X) = 1``, which it cannot read as a range
    inherit_cache = True
    name = "unlikely"


spelled(unlikely, "({0})", sqlite="unlikely({0})")


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
    """Per scenario, track, node and whole number of seconds (``rounded``): how many steps took that
    long (THE time spent's step, rounded as the database rounds it), for each node's median time,
    and the completed attempts' milliseconds among them (``completed_ms``), for their time spent.

    Each answer row holds its step's seconds and its attempt's scenario and track (m012, kept by
    the database), and an index holds them in that order: over every answer the figures are read
    from the index alone, with no join and no sort. The report's own filter, scripted runs left
    out, takes away the few attempts it does not count: the scripted ones' steps, and the time of
    those not completed (counts and sums add up; most attempts are completed, few scripted), each
    found through the attempts' indexes and their answers through the attempt's.
    Any other filter reads the attempts it chooses and their answers."""
    if replace(filters, include_scripted=True).conditions():
        return _rows(store, _step_sums(_attempts(filters), filters.conditions()))
    keys = (answers.c.scenario_id, answers.c.track, answers.c.node_id, answers.c.step_s)
    ms = sa.func.sum(answers.c.step_ms)
    every = sa.select(*keys[:3], keys[3].label("rounded"), sa.func.count().label("n"), ms.label("completed_ms")).group_by(*keys)
    unfinished = sa.or_(unlikely(attempts.c.status < COMPLETED), unlikely(attempts.c.status > COMPLETED))
    parts = [every, _taken_away(sa.literal(0), [unfinished, *filters.conditions()])]  # an unfinished attempt's steps count, not its time
    if not filters.include_scripted:
        parts.append(_taken_away(-sa.func.count(), [attempts.c.how_answered == SCRIPTED]))
    both = sa.union_all(*parts).subquery("sums")
    again = (both.c.scenario_id, both.c.track, both.c.node_id, both.c.rounded)
    left = sa.func.sum(both.c.n)  # none left where every step at that second was taken away
    query = sa.select(*again, left.label("n"), sa.func.sum(both.c.completed_ms).label("completed_ms"))
    return _rows(store, query.group_by(*again).having(left > 0))


def _taken_away(n: Any, conditions: list[Any]) -> sa.Select:
    """``step_times``'s figures to take away: ``n`` steps and all the time of the attempts ``conditions`` choose."""
    chosen = sa.select(attempts.c.id).where(*conditions)
    keys = (answers.c.scenario_id, answers.c.track, answers.c.node_id, answers.c.step_s)
    query = sa.select(*keys[:3], keys[3].label("rounded"), n.label("n"), (-sa.func.sum(answers.c.step_ms)).label("completed_ms"))
    return query.where(answers.c.attempt_id.in_(chosen)).group_by(*keys)


def _step_sums(source: Any, conditions: list[Any]) -> sa.Select:
    """``step_times``'s figures over the attempts that ``conditions`` choose in ``source``."""
    keys = (attempts.c.scenario_id, attempts.c.track, answers.c.node_id, answers.c.step_s)
    done = sa.func.sum(sa.case((attempts.c.status == COMPLETED, answers.c.step_ms), else_=0))
    query = sa.select(*keys[:3], keys[3].label("rounded"), sa.func.count().label("n"), done.label("completed_ms"))
    return query.select_from(source.join(answers, answers.c.attempt_id == attempts.c.id)).where(*conditions).group_by(*keys)


def held_times(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario and track: the completed attempts' time at prompts that left no answer row
    (``held_ms``, m013), which their time spent adds to their steps' (``step_times``). An index
    holds what it reads (``ix_attempts_held``): the rows with their large state are not visited."""
    held = sa.func.sum(attempts.c.held_ms).label("held_ms")
    query = (
        sa.select(attempts.c.scenario_id, attempts.c.track, held)
        .select_from(_attempts(filters))
        .where(attempts.c.status == COMPLETED, *filters.conditions())
        .group_by(attempts.c.scenario_id, attempts.c.track)
    )
    return _rows(store, query)


# -- drop-off -----------------------------------------------------------------------------------------
def stopping_points(store: Store, filters: Filters) -> Iterator[sa.Row]:
    """Per scenario, status (abandoned, in-progress) and the node the attempt stopped at: how many.

    Not completed is written as the two ranges either side of it, which the status index reads:
    most attempts are completed, and ``!=`` read every attempt's row to find the few that are not
    (0.2 s of CPU at a force's scale, against nothing)."""
    node = stopped_at(attempts.c.state).label("node_id")
    unfinished = sa.or_(unlikely(attempts.c.status < COMPLETED), unlikely(attempts.c.status > COMPLETED))
    query = (
        sa.select(attempts.c.scenario_id, attempts.c.status, node, sa.func.count().label("n"))
        .select_from(_attempts(filters))
        .where(unfinished, *filters.conditions())
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
            attempts.c.id,
            attempts.c.scenario_id,
            attempts.c.track,
            attempts.c.status,
            node.label("ending"),
            answers.c.node_id,
            answers.c.kind,
        )
        .select_from(_attempts(filters).outerjoin(answers, written))
        .where(attempts.c.status != COMPLETED, at, *filters.conditions())
    )
    return _rows(store, query)
