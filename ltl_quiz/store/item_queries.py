"""The item and test statistics' SELECT: the database does the sums, Python the judging.

The learning report's item analysis (Moodle's facility and discrimination) and overall statistics
(mean, SD, Cronbach's alpha, SEM) are sums over each analysed attempt's mark at each decision. A
force's store has tens of thousands of analysed attempts; streaming their marks to Python took
most of the report's time (issue 12). Here the database adds them up in one statement,
``item_sums``: per scenario, track, node, the choices an attempt made there (the stored option
ids, as one text) and the mark they earned, the sums the figures are made of, given each node's
best points (from the scenario files) as a small VALUES table. Python then judges each distinct set of choices once
(recommended or not, which options) and adds the few rows of each node together.

Judging the choices after the sums, not before, spares the store a second pass over the analysed
answers that the sums had to wait for (a first statement listing the distinct choices).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.util import ClauseAdapter

from ltl_quiz.scenario.kinds import answer_kinds
from ltl_quiz.store.db import Store
from ltl_quiz.store.dialect_sql import spelled
from ltl_quiz.store.queries import Filters
from ltl_quiz.store.rows import COMPLETED, SCRIPTED
from ltl_quiz.store.tables import answers, attempts, learners

# (scenario id, node id, best points) of each node whose best points are known and not zero
Best = Sequence[tuple[str, str, int]]


INDIVIDUAL_MODES = ("practice", "assessed")  # a room's show of hands is no one person's mark
CHOICES_SEPARATOR = "\x1f"  # between an attempt's stored choices at a node: JSON text never holds it raw


# -- which attempts the item statistics take ----------------------------------------------------------
class likely(FunctionElement):  # named as SQLite's function it stands for
    """A condition the query planner should take as true of most rows: SQLite's ``likely(X)``, plain
    ``X`` elsewhere. Without statistics SQLite takes an indexed equality as selective, so it would
    read completed attempts through the status index and sort them, not read the ranking's index
    in order; most attempts are completed, so the hint is also the truth."""

    type = sa.Boolean()
    inherit_cache = True
    name = "likely"


spelled(likely, "({0})", sqlite="likely({0})")


def _individual_completed(include_scripted: bool, ranking: bool = False) -> list[Any]:
    """The conditions of a completed individual attempt; ``ranking``: for the ranking of first
    attempts, which reads its own index in order (m011) however many are completed."""
    completed = attempts.c.status == COMPLETED
    cond = [likely(completed) if ranking else completed, attempts.c.mode.in_(INDIVIDUAL_MODES)]
    if not include_scripted:
        cond.append(sa.or_(attempts.c.how_answered.is_(None), attempts.c.how_answered != SCRIPTED))
    return cond


def _attempt_columns_read(conditions: list[Any]) -> list[Any]:
    """The attempts columns that ``conditions`` read, in table order."""
    read = {e.key for c in conditions for e in visitors.iterate(c) if isinstance(e, sa.sql.expression.ColumnClause) and e.table is attempts}
    return [c for c in attempts.c if c.key in read]


def analysed(filters: Filters, first_only: bool, scenarios: Sequence[str] | None = None) -> sa.CTE:
    """The attempts the item and test statistics take, as a CTE of (attempt_id, scenario_id, track).

    With ``first_only``, each learner's first completed individual attempt at each scenario (earliest
    start; the id breaks a tie), decided over the whole store before any date, unit or session
    filter: a learner's second go stays a second go whatever window is asked for. Unless scripted
    runs are asked for, a scripted run is nobody's attempt and so is never anyone's first. The
    ranking carries the columns the filters read, so they apply to it directly: joining the ranked
    ids back to the attempts made PostgreSQL guess a few hundred rows and look each one up.
    ``scenarios``: only the attempts at these (a learner's first at one is ranked among theirs at it alone)."""
    conditions = filters.conditions()
    individual = _individual_completed(filters.include_scripted, ranking=first_only)
    if scenarios is not None:
        individual.append(attempts.c.scenario_id.in_(list(scenarios)))
    if not first_only:
        every: sa.FromClause = attempts.join(learners, learners.c.id == attempts.c.learner_id) if filters.unit else attempts
        picked = sa.select(attempts.c.id.label("attempt_id"), attempts.c.scenario_id, attempts.c.track).select_from(every)
        return picked.where(*individual, *conditions).cte("analysed")
    order = sa.func.row_number().over(
        partition_by=(attempts.c.learner_id, attempts.c.scenario_id), order_by=(attempts.c.started_at, attempts.c.id)
    )
    kept = {attempts.c.id.key, attempts.c.scenario_id.key, attempts.c.track.key, attempts.c.learner_id.key}
    columns = [attempts.c[k] for k in sorted(kept)] + [c for c in _attempt_columns_read(conditions) if c.key not in kept]
    ranked = sa.select(*columns, order.label("n")).where(*individual).subquery("ranked")
    source = ranked.join(learners, learners.c.id == ranked.c.learner_id) if filters.unit else ranked
    adapt = ClauseAdapter(ranked).traverse
    picked = sa.select(ranked.c.id.label("attempt_id"), ranked.c.scenario_id, ranked.c.track).select_from(source)
    return picked.where(ranked.c.n == 1, *(adapt(c) for c in conditions)).cte("analysed")


# -- the sums -------------------------------------------------------------------------------------------
def _choice_answers(base: Any) -> Any:
    return base.join(answers, answers.c.attempt_id == base.c.attempt_id)


def _values(name: str, columns: list[sa.ColumnClause], rows: Sequence[tuple[Any, ...]]) -> Any:
    """A small constant table; a row of NULLs (which joins nothing) stands in when there are none."""
    return sa.values(*columns, name=name).data(list(rows) or [(None,) * len(columns)]).cte(name)


def _clamped(x: Any) -> Any:
    return sa.case((x < 0.0, 0.0), (x > 1.0, 1.0), else_=x)


def _marks(base: Any) -> Any:
    """One row per analysed attempt and node met: the kind, the mark (the points of every answer
    there, a loop's included), the rest of the attempt's marks, and the choices it made there
    (each answer's stored option ids, joined by ``CHOICES_SEPARATOR``, in no set order). The
    attempt's total is a window over the grouped rows."""
    mark = sa.func.sum(answers.c.points)
    total = sa.func.sum(mark).over(partition_by=base.c.attempt_id)
    return (
        sa.select(
            base.c.attempt_id,
            base.c.scenario_id,
            base.c.track,
            answers.c.node_id,
            sa.func.min(answers.c.kind).label("kind"),
            mark.label("mark"),
            (total - mark).label("rest"),
            sa.func.aggregate_strings(answers.c.option_ids, CHOICES_SEPARATOR).label("choices"),
        )
        .select_from(_choice_answers(base))
        .where(answers.c.kind.in_(answer_kinds(answering="choose")))  # asked now: a kind registered since import counts
        .group_by(base.c.attempt_id, base.c.scenario_id, base.c.track, answers.c.node_id)
        .cte("marks")
    )


def _item_groups(marks: Any) -> Any:
    """Per scenario, track, node, choices made there and mark: Moodle's sums of the mark x and the
    rest of the attempt y. Grouping by the mark too (a few values at a node) lets the marks' counts
    (``_fractions``) come from these few hundred rows rather than from a second pass over every mark."""
    x, y = marks.c.mark, marks.c.rest
    keys = (marks.c.scenario_id, marks.c.track, marks.c.node_id, marks.c.choices, marks.c.mark)
    return (
        sa.select(
            *keys,
            sa.func.min(marks.c.kind).label("kind"),
            sa.func.count().label("n"),
            sa.func.sum(x).label("sx"),
            sa.func.sum(x * x).label("sxx"),
            sa.func.sum(y).label("sy"),
            sa.func.sum(y * y).label("syy"),
            sa.func.sum(x * y).label("sxy"),
            sa.func.max(x).label("top"),
        )
        .group_by(*keys)
        .cte("items")
    )


def _fractions(items: Any, best: Any) -> tuple[Any, Any]:
    """Per scenario, track, node with known best points and mark: the item's fraction (mark / best
    points, within 0-1); and per scenario, track and node, the mean fraction and how many attempts
    met it. Marks take a few values at each node, so both tables are small, a mark is divided once,
    and the best points are joined to a few hundred rows rather than to every mark. The counts of
    each mark are the item groups' (``_item_groups``) added up over the choices."""
    keys = (items.c.scenario_id, items.c.track, items.c.node_id, items.c.mark)
    counts = sa.select(*keys, sa.func.sum(items.c.n).label("c")).group_by(*keys).subquery("mark_counts")
    on_node = sa.and_(best.c.scenario_id == counts.c.scenario_id, best.c.node_id == counts.c.node_id)
    fraction = _clamped(sa.cast(counts.c.mark, sa.Float) / best.c.best)
    fractions = sa.select(counts, fraction.label("f")).select_from(counts.join(best, on_node)).cte("fractions")
    item = (fractions.c.scenario_id, fractions.c.track, fractions.c.node_id)
    met = sa.func.sum(fractions.c.c)
    means = (
        sa.select(*item, met.label("met"), (sa.func.sum(fractions.c.c * fractions.c.f) / met).label("mean_f")).group_by(*item).cte("means")
    )
    return fractions, means


def _deviations(marks: Any, fractions: Any, means: Any) -> Any:
    """Per scenario and track: its attempts, and over them the sums of d and d squared, where d is an
    attempt's total less the sum of the means of the items it met, and of each item's squared
    deviation from its mean (see ltl_quiz.records.psychometrics: an unmet item counts at its mean and so
    adds nothing; nor does a node without known best points, which is no item)."""
    node = (marks.c.scenario_id, marks.c.track, marks.c.node_id)
    with_mark = sa.and_(*(f == m for f, m in zip(fractions.c[:4], (*node, marks.c.mark), strict=True)))
    of_item = sa.and_(*(a == m for a, m in zip(means.c[:3], node, strict=True)))
    gap = sa.func.coalesce(fractions.c.f - means.c.mean_f, 0.0)
    per_attempt = (
        sa.select(marks.c.scenario_id, marks.c.track, sa.func.sum(gap).label("d"), sa.func.sum(gap * gap).label("ss"))
        .select_from(marks.outerjoin(fractions, with_mark).outerjoin(means, of_item))
        .group_by(marks.c.attempt_id, marks.c.scenario_id, marks.c.track)
        .subquery("deviation")
    )
    d = per_attempt.c.d
    return (
        sa.select(
            per_attempt.c.scenario_id,
            per_attempt.c.track,
            sa.func.count().label("attempts"),
            sa.func.sum(d).label("sum_d"),
            sa.func.sum(d * d).label("sum_dd"),
            sa.func.sum(per_attempt.c.ss).label("item_ss"),
        )
        .group_by(per_attempt.c.scenario_id, per_attempt.c.track)
        .cte("deviations")
    )


def item_sums(store: Store, filters: Filters, first_only: bool, best: Best, scenarios: Sequence[str] | None = None) -> Iterator[sa.Row]:
    """Per scenario, track, node met on an analysed attempt, the choices made there and their mark: the sums
    (n, sx, sxx, sy, syy, sxy, top), where the node's best points are known its mean fraction and
    how many met it (mean_f, met), and its scenario and track's (attempts, sum_d, sum_dd, item_ss).
    Every figure is of one scenario and track, so the sums over a part of the store's ``scenarios``
    are that part's of the whole: the report adds up two parts at once, on two connections."""
    text = sa.String()
    best_t = _values("best", [sa.column("scenario_id", text), sa.column("node_id", text), sa.column("best", sa.Integer())], best)
    marks = _marks(analysed(filters, first_only, scenarios))
    items = _item_groups(marks)
    fractions, means = _fractions(items, best_t)
    deviations = _deviations(marks, fractions, means)
    group = sa.and_(deviations.c.scenario_id == items.c.scenario_id, deviations.c.track == items.c.track)
    item = sa.and_(means.c.scenario_id == items.c.scenario_id, means.c.track == items.c.track, means.c.node_id == items.c.node_id)
    query = sa.select(
        items, means.c.met, means.c.mean_f, deviations.c.attempts, deviations.c.sum_d, deviations.c.sum_dd, deviations.c.item_ss
    ).select_from(items.join(deviations, group).outerjoin(means, item))
    with store.reading() as conn:
        yield from conn.execute(query)


def scenario_ids(store: Store) -> list[str]:
    """Every scenario the store has attempts at (read from its index): the files whose best points
    the sums need before they start."""
    with store.reading() as conn:
        return list(conn.execute(sa.select(attempts.c.scenario_id).distinct()).scalars())


def scenario_halves(store: Store) -> list[list[str]]:
    """The scenarios the store has attempts at, in id order, cut in two runs with about as many
    attempts each (one run when there are fewer than two): the parts the item sums are added up in."""
    query = sa.select(attempts.c.scenario_id, sa.func.count()).group_by(attempts.c.scenario_id)
    with store.reading() as conn:  # sorted here: the report's order is Python's, not a collation's
        sizes = sorted((str(s), int(n)) for s, n in conn.execute(query))
    half, before, cut = sum(n for _, n in sizes) / 2, 0, 0
    while cut < len(sizes) - 1 and abs(before + sizes[cut][1] - half) < abs(before - half):
        before += sizes[cut][1]
        cut += 1
    return [part for part in ([s for s, _ in sizes[:cut]], [s for s, _ in sizes[cut:]]) if part] or [[]]
