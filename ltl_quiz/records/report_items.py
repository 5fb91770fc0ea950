"""The learning report's item analysis and overall statistics, from sums the database adds up.

Moodle's item statistics (question/classes/statistics/questions/calculator.php):

- facility index = mean mark / maximum mark, as a percentage;
- discrimination index = 100 x the correlation of the item's mark with the rest of the attempt's
  marks (the attempt's score less this item), using sample (n - 1) variances and covariance; none
  when either variance is zero.

Both are made of sums (n, sum of x, of x squared, of y, of y squared, of x times y), and so are the
overall statistics (``ltl_quiz.records.psychometrics.OverallSums``): ``ltl_quiz.store.item_queries`` has
the database add them up, and this module decides only what needs the scenario files, once per
distinct stored choice: which choices are the recommended ones, each node's best points, the
options' wording and the order of the file.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.json_types import JSONObject
from ltl_quiz.records.psychometrics import OverallStatistics, OverallSums, from_sums
from ltl_quiz.text import one_line

if TYPE_CHECKING:
    from ltl_quiz.store import Store
    from ltl_quiz.store.queries import Filters

MIN_FOR_FLAGS = 5
WEAK_DISCRIMINATION = 20.0
MOSTLY_WRONG = "most get it wrong"
NO_DISCRIMINATION = "does not discriminate"
T = TypeVar("T")


@dataclass
class OptionShare:
    id: str
    text: str
    count: int
    share: float
    recommended: bool


@dataclass
class ItemStats:
    scenario_id: str
    node_id: str
    kind: str
    prompt: str
    n: int
    max_mark: float | None
    mean_mark: float | None
    facility: float | None
    discrimination: float | None
    right_share: float | None
    options: list[OptionShare]
    flags: list[str]


@dataclass(frozen=True)
class OverallStats(OverallStatistics):
    """Moodle's overall (test-level) statistics of one scenario and track: the figures of
    ``ltl_quiz.records.psychometrics.OverallStatistics``, rounded for people, with ``mean``, ``sd`` and ``sem``
    in percentage points of the decision score and ``alpha`` x 100."""

    scenario_id: str = ""
    title: str = ""
    track: str = ""

    def as_dict(self) -> JSONObject:
        """Which scenario and track first, then the figures (the order the report's JSON has always had)."""
        return {"scenario_id": self.scenario_id, "title": self.title, "track": self.track, **asdict(self)}


@dataclass
class _Sums:
    """One item's sums over the tracks, as the database gave them, and its options' counts."""

    kind: str  # the node kind its answers were stored under, as the database gave it
    n: int = 0
    sx: int = 0
    sxx: int = 0
    sy: int = 0
    syy: int = 0
    sxy: int = 0
    right: int = 0
    max_seen: int = 0
    best: int | None = None
    options: Counter = field(default_factory=Counter)


def item_statistics(
    store: Store,
    library: ScenarioLibrary,
    filters: Filters,
    first_only: bool,
    min_for_flags: int,
    min_for_reliability: int,
    scenarios: list[str] | None = None,
) -> tuple[list[ItemStats], list[OverallStats]]:
    """Moodle's item statistics per decision and its overall statistics per scenario and track, from
    one statement of sums (``item_queries.item_sums``), given every node's best points from the files
    of the scenarios the store has (or of ``scenarios``, and then of those alone); each distinct set
    of choices it returns is judged once here."""
    from ltl_quiz.store.item_queries import item_sums, scenario_ids

    best = _best_points(library, scenario_ids(store) if scenarios is None else scenarios)
    known = [(s, n, b) for (s, n), b in sorted(best.items()) if b]
    items: dict[tuple[str, str], _Sums] = {}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    judged: dict[tuple[str, str, str], tuple[list[str], bool]] = {}
    for r in item_sums(store, filters, first_only, known, scenarios):
        key = (r.scenario_id, r.node_id)
        acc = items.get(key)
        if acc is None:
            acc = items[key] = _Sums(kind=r.kind, best=best.get(key))
        _add(acc, r, _choices(library, judged, key, r.choices))
        group = groups.setdefault((r.scenario_id, r.track), {"row": r, "means": {}})
        if r.met:
            group["means"].setdefault(r.node_id, float(r.mean_f))
    found = [_finish(library, key, acc, acc.best, min_for_flags) for key, acc in in_scenario_order(library, items)]
    overall = [_overall(library, key, g["row"], list(g["means"].values()), min_for_reliability) for key, g in sorted(groups.items())]
    return found, overall


def _best_points(library: ScenarioLibrary, scenarios: list[str]) -> dict[tuple[str, str], int | None]:
    """Each node's best points, for every node of the files of ``scenarios`` (those not found have none)."""
    best: dict[tuple[str, str], int | None] = {}
    for scenario_id in scenarios:
        scenario = library.get(scenario_id)
        for node_id in scenario.nodes if scenario else ():
            best[(scenario_id, node_id)] = _best(library, scenario_id, node_id)
    return best


def _choices(
    library: ScenarioLibrary, judged: dict[tuple[str, str, str], tuple[list[str], bool]], key: tuple[str, str], choices: str | None
) -> tuple[list[list[str]], bool]:
    """The options each answer of an attempt at a node picked (``choices`` as the sums give them), and
    whether any was the recommended choice; each distinct stored choice judged once."""
    from ltl_quiz.store.item_queries import CHOICES_SEPARATOR

    picks, right = [], False
    for option_ids in (choices or "").split(CHOICES_SEPARATOR):
        found = judged.get((*key, option_ids))
        if found is None:
            found = judged[(*key, option_ids)] = _judge(library, *key, option_ids)
        picks.append(found[0])
        right = right or found[1]
    return picks, right


def _add(acc: _Sums, r: Any, choices: tuple[list[list[str]], bool]) -> None:
    """Add one row's sums for the item: one track's attempts that made the same choices there
    (``choices``: the options each answer picked, and whether any was the recommended choice).
    PostgreSQL's sums of bigints arrive as Decimals."""
    acc.n += int(r.n)
    acc.sx += int(r.sx)
    acc.sxx += int(r.sxx)
    acc.sy += int(r.sy)
    acc.syy += int(r.syy)
    acc.sxy += int(r.sxy)
    picks, right = choices
    acc.right += int(r.n) if right else 0
    for picked in picks:
        for option_id in picked:
            acc.options[option_id] += int(r.n)
    acc.max_seen = max(acc.max_seen, int(r.top))
    acc.kind = min(acc.kind, r.kind)


def _judge(library: ScenarioLibrary, scenario_id: str, node_id: str, option_ids: str) -> tuple[list[str], bool]:
    """The options a stored choice picked and whether they are the recommended ones."""
    picked = json.loads(option_ids or "[]")
    node = library.node(scenario_id, node_id)
    return picked, node is not None and set(picked) == set(node.recommended)


def _best(library: ScenarioLibrary, scenario_id: str, node_id: str) -> int | None:
    """The node's best points as the scenario file gives them (None once the file has lost the node)."""
    node = library.node(scenario_id, node_id)
    if node is None:
        return None
    return library.choice(scenario_id, node_id, "[]").best_points


def _overall(library: ScenarioLibrary, key: tuple[str, str], row: Any, means: list[float], min_for_reliability: int) -> OverallStats:
    sums = OverallSums(int(row.attempts), means, float(row.sum_d or 0.0), float(row.sum_dd or 0.0), float(row.item_ss or 0.0))
    figures = from_sums(sums, min_for_reliability)
    scenario = library.get(key[0])
    return OverallStats(
        scenario_id=key[0],
        title=scenario.title if scenario else key[0],
        track=key[1],
        attempts=figures.attempts,
        items=figures.items,
        mean=_round(figures.mean, 1),
        sd=_round(figures.sd, 1),
        alpha=_round(None if figures.alpha is None else 100.0 * figures.alpha, 1),
        sem=_round(figures.sem, 1),
        note=figures.note,
    )


def facility_index(marks_sum: float, n: int, max_mark: float | None) -> float | None:
    """Moodle's facility: mean mark as a percentage of the maximum mark."""
    if not n or not max_mark:
        return None
    return 100.0 * (marks_sum / n) / max_mark


def discrimination_index(n: int, sx: float, sxx: float, sy: float, syy: float, sxy: float) -> float | None:
    """Moodle's discrimination index: 100 x cov(mark, rest) / sqrt(var(mark) var(rest)), sample statistics."""
    if n < 2:
        return None
    var_x = (sxx - sx * sx / n) / (n - 1)
    var_y = (syy - sy * sy / n) / (n - 1)
    if var_x * var_y <= 0:
        return None
    cov = (sxy - sx * sy / n) / (n - 1)
    return 100.0 * cov / math.sqrt(var_x * var_y)


def _finish(library: ScenarioLibrary, key: tuple[str, str], acc: _Sums, top: int | None, min_for_flags: int) -> ItemStats:
    scenario_id, node_id = key
    node = library.node(scenario_id, node_id)
    max_mark = top if top is not None else (acc.max_seen or None)
    facility = facility_index(acc.sx, acc.n, max_mark)
    discrimination = discrimination_index(acc.n, acc.sx, acc.sxx, acc.sy, acc.syy, acc.sxy)
    right_share = round(100.0 * min(acc.right, acc.n) / acc.n, 1) if acc.n and node is not None else None
    options = []
    recommended = set(node.recommended) if node else set()
    known = {o.id: one_line(o.text) for o in node.options} if node else {}
    for option_id in [*known, *sorted(set(acc.options) - set(known))]:
        text = known.get(option_id, option_id)
        count = acc.options.get(option_id, 0)
        options.append(OptionShare(option_id, text, count, round(100.0 * count / acc.n, 1) if acc.n else 0.0, option_id in recommended))
    flags = []
    if acc.n >= min_for_flags:
        if right_share is not None and right_share < 50.0:
            flags.append(MOSTLY_WRONG)
        if discrimination is None or discrimination < WEAK_DISCRIMINATION:
            flags.append(NO_DISCRIMINATION)
    return ItemStats(
        scenario_id=scenario_id,
        node_id=node_id,
        kind=acc.kind,
        prompt=one_line(node.prompt or node_id) if node else node_id,
        n=acc.n,
        max_mark=max_mark,
        mean_mark=round(acc.sx / acc.n, 2) if acc.n else None,
        facility=None if facility is None else round(facility, 1),
        discrimination=None if discrimination is None else round(discrimination, 1),
        right_share=right_share,
        options=options,
        flags=flags,
    )


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def in_scenario_order(library: ScenarioLibrary, accs: dict[tuple[str, str], T]) -> list[tuple[tuple[str, str], T]]:
    """(scenario, node) keys by scenario id, then in the order of the scenario's file: its nodes,
    then its debrief's key questions (the drop-off view counts attempts stopped at one)."""

    def order(key: tuple[str, str]) -> tuple[str, int, str]:
        scenario = library.get(key[0])
        places = [*scenario.nodes, *(kq.id for t in scenario.audiences for kq in scenario.key_questions(t))] if scenario else []
        position = places.index(key[1]) if key[1] in places else 10**6
        return key[0], position, key[1]

    return [(k, accs[k]) for k in sorted(accs, key=order)]
