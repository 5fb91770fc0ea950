"""The learning report: who completed what, how well, and which decisions people get wrong.

Per scenario and track: attempts, completions, pass rate, mean score and time on task, and the
mean of each competency. Then an item analysis of every decision and multi node with Moodle's
facility and discrimination indices, and Moodle's overall statistics (mean, SD, Cronbach's alpha
and the standard error of measurement, per scenario and track): see ``ltl_quiz.records.report_items`` and
``ltl_quiz.records.psychometrics`` for how a branching scenario's items are defined. Both take only
completed individual attempts, by default each learner's first at a scenario as Moodle does
(``--attempts all`` for every one). A drop-off view shows where unfinished attempts stopped and the
median time at each node. A decision is flagged when fewer than half of those who met it chose the
recommended option, and when its discrimination index is below 20 (Moodle's "weak" band starts
there) or cannot discriminate at all because everyone scored the same; flags wait for at least
``MIN_FOR_FLAGS`` attempts so a handful of people cannot raise one.

This module holds the report as data (``Report``, built by ``build``) and the wording every
rendering shares; the renderers are apart: the terminal's in ``ui/report_view.py`` (rich lives in
``ui/`` only), JSON in ``Report.to_json``, the HTML page in ``report_html.py``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from ltl_quiz.errors import BadOptionValue
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.json_types import JSONObject
from ltl_quiz.records.psychometrics import MIN_FOR_RELIABILITY, median_of_counts
from ltl_quiz.records.report_items import MIN_FOR_FLAGS, ItemStats, OverallStats, in_scenario_order
from ltl_quiz.scenario.model import COMPETENCIES
from ltl_quiz.text import one_line

if TYPE_CHECKING:
    from ltl_quiz.store import Store
    from ltl_quiz.store.queries import Filters

class Totals(TypedDict):
    """The report's totals over every scenario and track (``Report.totals``; the JSON's ``totals``)."""

    attempts: int
    completed: int
    passed: int
    pass_rate: float | None  # of graded attempts; None when none has a verdict
    flagged: int


class StopRow(Protocol):
    """A row of ``stopping_points``: where unfinished attempts at a scenario stopped, and how many."""

    @property
    def scenario_id(self) -> str: ...
    @property
    def node_id(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def n(self) -> int: ...


FIRST, ALL = "first", "all"  # which completed attempts the item and overall statistics take
ATTEMPT_RULES = (FIRST, ALL)


@dataclass(kw_only=True)
class Unfinished:
    """Attempts not completed, by status: counted per scenario and track, and per node they stopped at."""

    in_progress: int = 0
    abandoned: int = 0

    def count(self, status: str, attempts: int) -> None:
        """Add ``attempts`` unfinished attempts with this ``status`` (``abandoned``, else still in progress)."""
        if status == "abandoned":
            self.abandoned += attempts
        else:
            self.in_progress += attempts


@dataclass
class ScenarioStats(Unfinished):
    """One scenario on one track: its attempts, the completed ones' results, the unfinished ones by status."""

    scenario_id: str
    title: str
    track: str
    attempts: int = 0
    completed: int = 0
    graded: int = 0  # completed attempts with a pass/fail verdict (group sessions have none)
    passed: int = 0
    pass_rate: float | None = None
    mean_percentage: float | None = None
    mean_minutes: float | None = None
    competencies: dict[str, float] = field(default_factory=dict)


@dataclass
class NodeDropoff(Unfinished):
    """One node: unfinished attempts stopped at it, and the median time its steps were on screen."""

    scenario_id: str
    node_id: str
    title: str
    steps: int = 0
    median_seconds: float | None = None


@dataclass
class Report:
    filters: str
    generated: str
    scenarios: list[ScenarioStats]
    items: list[ItemStats]
    overall: list[OverallStats] = field(default_factory=list)
    dropoff: list[NodeDropoff] = field(default_factory=list)
    attempts_rule: str = FIRST

    def as_dict(self) -> JSONObject:
        return {**asdict(self), "overall": [o.as_dict() for o in self.overall]}

    def to_json(self) -> str:
        """The report for machines (``--json``): every figure, and the totals."""
        return json.dumps({**self.as_dict(), "totals": self.totals}, indent=2)

    @property
    def ungraded(self) -> int:
        """Completed attempts with no verdict: group-session records."""
        return sum(s.completed - s.graded for s in self.scenarios)

    @property
    def summary(self) -> str:
        """The report in one sentence; completed group-session records are named apart, as they
        are counted but carry no score and no verdict."""
        from ltl_quiz.text import counted

        t = self.totals
        group = self.ungraded
        rooms = f" ({group} in group sessions, with no score or verdict)" if group else ""
        return f"{counted(t['attempts'], 'attempt')}, {t['completed']} completed{rooms}, {t['passed']} passed (pass rate {figure(t['pass_rate'], '%')})."

    @property
    def totals(self) -> Totals:
        completed = sum(s.completed for s in self.scenarios)
        graded = sum(s.graded for s in self.scenarios)
        passed = sum(s.passed for s in self.scenarios)
        return {
            "attempts": sum(s.attempts for s in self.scenarios),
            "completed": completed,
            "passed": passed,
            "pass_rate": round(100.0 * passed / graded, 1) if graded else None,
            "flagged": sum(1 for i in self.items if i.flags),
        }


def build(
    store: Store,
    library: ScenarioLibrary,
    filters: Filters,
    min_for_flags: int = MIN_FOR_FLAGS,
    attempts: str = FIRST,
    min_for_reliability: int = MIN_FOR_RELIABILITY,
) -> Report:
    """The whole report from a few GROUP BY queries: the database aggregates, and Python adds only
    what needs the scenario files (best points, recommended options, wording, file order).

    The queries run on up to four connections at once (four workers): both drivers release the
    GIL while the database works, so the item sums, the steps' times and the counts overlap. The
    item sums, the longest, start first, in two parts (two runs of scenarios) added up at once."""
    from concurrent.futures import ThreadPoolExecutor

    from ltl_quiz.records.report_items import item_statistics
    from ltl_quiz.store.item_queries import scenario_halves
    from ltl_quiz.store.report_queries import completion_counts, debrief_answers, held_times, step_times, stopping_points

    if attempts not in ATTEMPT_RULES:
        raise BadOptionValue(f"--attempts {attempts!r} is not known; use one of: {', '.join(ATTEMPT_RULES)}")
    items: list[ItemStats] = []
    overall: list[OverallStats] = []
    analysed = replace(filters, status="completed") if filters.status in (None, "completed") else None
    parts: list[list[str] | None] = ([None] if filters.scenario else list(scenario_halves(store))) if analysed else []
    with ThreadPoolExecutor(max_workers=4) as pool:
        summing = [
            pool.submit(item_statistics, store, library, analysed, attempts == FIRST, min_for_flags, min_for_reliability, part)
            for part in parts
            if analysed
        ]
        timing = pool.submit(lambda: list(step_times(store, filters)))
        counting = pool.submit(lambda: list(completion_counts(store, filters)))
        holding = pool.submit(lambda: list(held_times(store, filters)))
        stopping = pool.submit(lambda: list(stopping_points(store, filters))) if filters.status != "completed" else None
        counts = counting.result()
        for part in summing:  # the parts are runs of scenarios in id order: their figures follow on
            part_items, part_overall = part.result()
            items += part_items
            overall += part_overall
        times = timing.result()
        held = holding.result()
        stops = stopping.result() if stopping else []
    scenarios = _scenario_stats(counts, _completed_seconds(times, held))
    debrief = list(debrief_answers(store, filters, debrief_endings(library, stops)))
    dropoff = _dropoff(library, stops, times, debrief)
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Report(filters.describe(), stamp, scenarios, items, overall=overall, dropoff=dropoff, attempts_rule=attempts)


# -- completions ------------------------------------------------------------------------------------
def _completed_seconds(times: list[Any], held: list[Any]) -> dict[tuple[str, str], float]:
    """The completed attempts' time spent, summed per scenario and track, as ``time_spent_seconds``
    makes it: the steps' groups (``step_times``) and the time held at prompts with no answer row (``held_times``)."""
    seconds: dict[tuple[str, str], float] = defaultdict(float)
    for r in times:
        seconds[(r.scenario_id, r.track)] += int(r.completed_ms or 0) / 1000.0
    for r in held:
        seconds[(r.scenario_id, r.track)] += int(r.held_ms or 0) / 1000.0
    return seconds


def _scenario_stats(counts: list[Any], seconds: dict[tuple[str, str], float]) -> list[ScenarioStats]:
    """Completions per scenario and track from ``completion_counts``; ``seconds``: the completed
    attempts' time spent, summed."""
    from ltl_quiz.store.queries import minutes

    groups: dict[tuple[str, str], ScenarioStats] = {}
    percentages: dict[tuple[str, str], float] = defaultdict(float)
    competencies: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in counts:
        key = (r.scenario_id, r.track)
        s = groups.get(key)
        if s is None:
            s = groups[key] = ScenarioStats(r.scenario_id, r.title, r.track)
        s.title = min(s.title, r.title)
        s.attempts += r.attempts
        if r.status == "completed":
            s.completed += r.attempts
            s.graded += int(r.graded or 0)
            s.passed += int(r.passed or 0)
            percentages[key] += float(r.percentage or 0.0)
            for tag, value in json.loads(r.competencies or "{}").items():  # graded attempts' only
                competencies[key][tag] += value * r.attempts
        else:
            s.count(r.status, r.attempts)
    for key, s in groups.items():
        if s.completed:
            s.mean_minutes = minutes(seconds.get(key, 0.0) / s.completed)  # time in a group session is real time
        if s.graded:  # a score and a verdict only where there is one: group sessions have neither
            s.pass_rate = round(100.0 * s.passed / s.graded, 1)
            s.mean_percentage = round(percentages[key] / s.graded, 1)
            acc = competencies[key]
            s.competencies = {tag: round(acc[tag] / s.graded, 2) for tag in COMPETENCIES if tag in acc}  # a mean of 0 is a finding
    return [groups[k] for k in sorted(groups)]


# -- drop-off ---------------------------------------------------------------------------------------
def _dropoff(library: ScenarioLibrary, stops: Sequence[StopRow], times: list[Any], debrief: list[Any]) -> list[NodeDropoff]:
    """Per scenario and node: the attempts that stopped there unfinished (``stopping_points``), and
    the median time at it (``step_times``). An attempt whose saved state is at an ending stopped in
    the debrief: ``debrief`` (``debrief_answers``) tells which key question it was at, and it is
    counted there, not at the ending, where no step is ever taken."""
    rows: dict[tuple[str, str], NodeDropoff] = {}

    def row(scenario_id: str, node_id: str) -> NodeDropoff:
        found = rows.get((scenario_id, node_id))
        if found is None:
            found = rows[(scenario_id, node_id)] = NodeDropoff(scenario_id, node_id, _stop_title(library, scenario_id, node_id))
        return found

    def count(scenario_id: str, node_id: str, status: str, n: int) -> None:
        row(scenario_id, node_id).count(status, n)

    endings = set(debrief_endings(library, stops))
    for r in stops:
        if (r.scenario_id, r.node_id) not in endings:
            count(r.scenario_id, r.node_id or "?", r.status, int(r.n))
    for (scenario_id, node_id, status), n in _debrief_stops(library, debrief).items():
        count(scenario_id, node_id, status, n)
    timings: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in times:
        timings[(r.scenario_id, r.node_id)][float(r.rounded or 0.0)] += int(r.n)
    for key, counts in timings.items():
        d = row(*key)
        d.steps = sum(counts.values())
        d.median_seconds = median_of_counts(counts)
    return [d for _, d in in_scenario_order(library, rows)]


def debrief_endings(library: ScenarioLibrary, stops: Sequence[StopRow]) -> list[tuple[str, str]]:
    """The (scenario, node) stopping points that are endings: attempts there stopped in the debrief."""
    from ltl_quiz.scenario.kinds import kind_of

    found: list[tuple[str, str]] = []
    for r in stops:
        if not r.node_id:
            continue
        node = library.node(r.scenario_id, r.node_id)
        if node is not None and kind_of(node.type).ending and (r.scenario_id, r.node_id) not in found:
            found.append((r.scenario_id, r.node_id))
    return found


def _debrief_stops(library: ScenarioLibrary, debrief: list[Any]) -> Counter[tuple[str, str, str]]:
    """(scenario, where, status) for each attempt stopped in the debrief: ``where`` is the first key
    question of its track it has not answered (the debrief asks them in order), or its ending when
    it has answered them all but was never closed."""
    attempts: dict[Any, tuple[str, str, str, str]] = {}
    done: dict[Any, set[str]] = defaultdict(set)
    for r in debrief:
        attempts.setdefault(r.id, (r.scenario_id, r.track, r.status, r.ending))
        if r.node_id is not None:  # a reflection node names its key question; a debrief answer is one
            done[r.id].add(library.key_question(r.scenario_id, r.node_id, r.kind).id)
    stops: Counter[tuple[str, str, str]] = Counter()
    for attempt_id, (scenario_id, track, status, ending) in attempts.items():
        scenario = library.get(scenario_id)
        pending = [kq.id for kq in scenario.key_questions(track) if kq.id not in done[attempt_id]] if scenario else []
        stops[(scenario_id, pending[0] if pending else ending, status)] += 1
    return stops


def _stop_title(library: ScenarioLibrary, scenario_id: str, node_id: str) -> str:
    """A node's title, or a debrief key question's text, or the bare id when the file has neither."""
    node = library.node(scenario_id, node_id)
    if node is not None:
        return one_line(node.title) if node.title else node_id
    scenario = library.get(scenario_id)
    try:
        return one_line(scenario.key_question(node_id).question) if scenario else node_id
    except KeyError:
        return node_id


# -- words every rendering shares --------------------------------------------------------------
def figure(value: float | None, suffix: str = "") -> str:
    """A figure as every rendering writes it: "-" for none, else as short as it goes (12.5%, 3 s)."""
    return "-" if value is None else f"{value:g}{suffix}"


def analysed_in_words(rule: str) -> str:
    """Which attempts the item and overall statistics take, for every rendering of the report."""
    if rule == FIRST:
        return "each learner's first completed individual attempt at each scenario (--attempts all for every one)"
    return "every completed individual attempt, a learner's later attempts included"


OVERALL_NOTE = (
    "Items are the decisions, each marked as the fraction of its best points; a decision not met on an attempt's "
    "path counts at the mean of those who met it. Item mean: the mean item mark as a percentage (not the mean score, "
    "which averages each graded attempt's own percentage). SD: the standard deviation of the item marks. "
    "Alpha: Cronbach's coefficient of internal consistency, x100. SEM: standard error of measurement, in percentage points."
)
DROPOFF_NOTE = (
    "Stopped here: abandoned and still unfinished attempts, by the node they stopped at. "
    "Median time: of every step at the node (the time spent's own definition), each timed in whole seconds; "
    "of an even number of steps it is the mean of the middle two, so it can end in .5 s."
)
