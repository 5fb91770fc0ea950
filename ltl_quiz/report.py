"""The learning report: who completed what, how well, and which decisions people get wrong.

Per scenario and track: attempts, completions, pass rate, mean score and time on task, and the
mean of each competency. Then an item analysis of every decision and multi node, with the two
statistics Moodle's quiz report defines (question/classes/statistics/questions/calculator.php):

- facility index = mean mark / maximum mark, as a percentage;
- discrimination index = 100 x the correlation of the item's mark with the rest of the attempt's
  marks (the attempt's score less this item), using sample (n - 1) variances and covariance; none
  when either variance is zero.

The item analysis and Moodle's overall statistics (mean, SD, Cronbach's alpha and the standard
error of measurement, per scenario and track: see ``ltl_quiz.psychometrics`` for how a branching
scenario's items are defined) take only completed individual attempts, by default each learner's
first at a scenario as Moodle does (``--attempts all`` for every one). A drop-off view shows where
unfinished attempts stopped and the median time at each node. A decision is flagged when fewer than
half of those who met it chose the recommended option, and when its discrimination index is below
20 (Moodle's "weak" band starts there) or cannot discriminate at all because everyone scored the
same; flags wait for at least ``MIN_FOR_FLAGS`` attempts so a handful of people cannot raise one.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from ltl_quiz.errors import BadOptionValue
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.model import COMPETENCIES
from ltl_quiz.psychometrics import MIN_FOR_RELIABILITY, median_of_counts, overall_statistics
from ltl_quiz.text import one_line

MIN_FOR_FLAGS = 5
WEAK_DISCRIMINATION = 20.0
MOSTLY_WRONG = "most get it wrong"
NO_DISCRIMINATION = "does not discriminate"
T = TypeVar("T")
FIRST, ALL = "first", "all"  # which completed attempts the item and overall statistics take
ATTEMPT_RULES = (FIRST, ALL)


@dataclass
class ScenarioStats:
    scenario_id: str
    title: str
    track: str
    attempts: int = 0
    completed: int = 0
    in_progress: int = 0
    abandoned: int = 0
    graded: int = 0  # completed attempts with a pass/fail verdict (group sessions have none)
    passed: int = 0
    pass_rate: float | None = None
    mean_percentage: float | None = None
    mean_minutes: float | None = None
    competencies: dict[str, float] = field(default_factory=dict)


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


@dataclass
class OverallStats:
    """Moodle's overall (test-level) statistics of one scenario and track; see ltl_quiz.psychometrics.
    ``mean``, ``sd`` and ``sem`` are in percentage points of the decision score, ``alpha`` x 100."""

    scenario_id: str
    title: str
    track: str
    attempts: int
    items: int
    mean: float | None
    sd: float | None
    alpha: float | None
    sem: float | None
    note: str | None


@dataclass
class NodeDropoff:
    """One node: unfinished attempts stopped at it, and the median time its steps were on screen."""

    scenario_id: str
    node_id: str
    title: str
    abandoned: int = 0
    in_progress: int = 0
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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def totals(self) -> dict[str, Any]:
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
    store: Any,
    library: ScenarioLibrary,
    filters: Any,
    min_for_flags: int = MIN_FOR_FLAGS,
    attempts: str = FIRST,
    min_for_reliability: int = MIN_FOR_RELIABILITY,
) -> Report:
    """The whole report from a few GROUP BY queries (attempts, answers' times, analysed choices):
    the database aggregates, and Python adds only what needs the scenario files (best points,
    recommended options, file order)."""
    from concurrent.futures import ThreadPoolExecutor

    from ltl_quiz.store.report_queries import step_times

    if attempts not in ATTEMPT_RULES:
        raise BadOptionValue(f"--attempts {attempts!r} is not known; use one of: {', '.join(ATTEMPT_RULES)}")
    items: list[ItemStats] = []
    overall: list[OverallStats] = []
    # The pass over every answer's time runs on its own connection while this thread takes the
    # choices: both drivers release the GIL while the database works, so the two passes overlap.
    with ThreadPoolExecutor(max_workers=1) as pool:
        timing = pool.submit(lambda: list(step_times(store, filters)))
        if filters.status in (None, "completed"):
            items, overall = _item_stats(store, library, replace(filters, status="completed"), attempts, min_for_flags, min_for_reliability)
        times = timing.result()
    scenarios = _scenario_stats(store, filters, _completed_seconds(times))
    dropoff = _dropoff(store, library, filters, times)
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Report(filters.describe(), stamp, scenarios, items, overall=overall, dropoff=dropoff, attempts_rule=attempts)


# -- completions ------------------------------------------------------------------------------------
def _completed_seconds(times: list[Any]) -> dict[tuple[str, str], float]:
    """The completed attempts' time spent, summed per scenario and track, from the steps' groups."""
    seconds: dict[tuple[str, str], float] = defaultdict(float)
    for r in times:
        if r.status == "completed":
            seconds[(r.scenario_id, r.track)] += float(r.seconds or 0.0)
    return seconds


def _scenario_stats(store: Any, filters: Any, seconds: dict[tuple[str, str], float]) -> list[ScenarioStats]:
    """Completions per scenario and track; ``seconds``: the completed attempts' time spent, summed."""
    from ltl_quiz.store.queries import minutes
    from ltl_quiz.store.report_queries import completion_counts

    groups: dict[tuple[str, str], ScenarioStats] = {}
    percentages: dict[tuple[str, str], float] = defaultdict(float)
    competencies: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in completion_counts(store, filters):
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
            for tag, value in json.loads(r.competencies or "{}").items():
                competencies[key][tag] += value * r.attempts
        elif r.status == "in-progress":
            s.in_progress += r.attempts
        else:
            s.abandoned += r.attempts
    for key, s in groups.items():
        if s.completed:
            s.pass_rate = round(100.0 * s.passed / s.graded, 1) if s.graded else None
            s.mean_percentage = round(percentages[key] / s.completed, 1)
            s.mean_minutes = minutes(seconds.get(key, 0.0) / s.completed)
            acc = competencies[key]
            s.competencies = {tag: round(acc[tag] / s.completed, 2) for tag in COMPETENCIES if acc.get(tag)}
    return [groups[k] for k in sorted(groups)]


# -- item analysis ----------------------------------------------------------------------------------
@dataclass
class _Acc:
    """Running sums for one item: enough for the mean, variances and covariance in one pass."""

    n: int = 0
    sx: int = 0
    sxx: int = 0
    sy: int = 0
    syy: int = 0
    sxy: int = 0
    right: int = 0
    options: Counter[str] = field(default_factory=Counter)
    kind: str = "decision"
    max_seen: int = 0
    best: int | None = None


@dataclass
class _Attempt:
    """One analysed attempt's marks and choices, while its rows arrive."""

    scenario_id: str = ""
    track: str = ""
    marks: dict[str, tuple[str, int]] = field(default_factory=dict)
    right: set[str] = field(default_factory=set)


def _item_stats(
    store: Any, library: ScenarioLibrary, filters: Any, rule: str, min_for_flags: int, min_for_reliability: int
) -> tuple[list[ItemStats], list[OverallStats]]:
    """Moodle's item statistics per decision and its overall statistics per scenario and track, from
    each analysed attempt's choices (one row per attempt, node and choice, summed by the database)."""
    from ltl_quiz.store.report_queries import item_choices

    accs: dict[tuple[str, str], _Acc] = {}
    per_track: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    seen: dict[tuple[str, str, str], tuple[list[str], bool]] = {}
    given: Counter = Counter()  # answers per (scenario, node, stored choice): decoded once each, below
    current, attempt = None, _Attempt()
    for attempt_id, scenario_id, track, node_id, option_ids, kind, points, count in item_choices(store, filters, rule == FIRST):
        if attempt_id != current:
            _add_attempt(accs, library, per_track, attempt)
            current, attempt = attempt_id, _Attempt(scenario_id, track)
        before = attempt.marks.get(node_id)
        attempt.marks[node_id] = (kind, int(points or 0) + (before[1] if before else 0))
        given[(scenario_id, node_id, option_ids)] += count
        if _choice(seen, library, scenario_id, node_id, option_ids)[1]:
            attempt.right.add(node_id)
    _add_attempt(accs, library, per_track, attempt)
    for (scenario_id, node_id, option_ids), count in given.items():
        options = accs[(scenario_id, node_id)].options
        for option_id in _choice(seen, library, scenario_id, node_id, option_ids)[0]:
            options[option_id] += count
    items = [_finish(library, key, acc, acc.best, min_for_flags) for key, acc in _in_scenario_order(library, accs)]
    overall = [_overall(library, key, per_track[key], min_for_reliability) for key in sorted(per_track)]
    return items, overall


def _choice(
    seen: dict[tuple[str, str, str], tuple[list[str], bool]], library: ScenarioLibrary, scenario_id: str, node_id: str, option_ids: str
) -> tuple[list[str], bool]:
    """The options picked and whether they are the recommended ones; a million answers repeat a few
    hundred distinct choices, so each is decoded and judged once."""
    key = (scenario_id, node_id, option_ids or "[]")
    found = seen.get(key)
    if found is None:
        picked = json.loads(key[2])
        node = library.node(scenario_id, node_id)
        found = seen[key] = (picked, node is not None and set(picked) == set(node.recommended))
    return found


def _best(library: ScenarioLibrary, scenario_id: str, node_id: str) -> int | None:
    """The node's best points as the scenario file gives them (None once the file has lost the node)."""
    node = library.node(scenario_id, node_id)
    if node is None:
        return None
    return library.choice(scenario_id, node_id, "[]").best_points


def _add_attempt(
    accs: dict[tuple[str, str], _Acc],
    library: ScenarioLibrary,
    per_track: dict[tuple[str, str], list[dict[str, float]]],
    attempt: _Attempt,
) -> None:
    """Add one attempt: each item's mark against the rest of the attempt's marks, and its item fractions (mark / best points) for the overall statistics of its scenario and track."""
    if not attempt.marks:
        return
    scenario_id = attempt.scenario_id
    total = sum(mark for _, mark in attempt.marks.values())
    fractions: dict[str, float] = {}
    for node_id, (kind, mark) in attempt.marks.items():
        acc = accs.get((scenario_id, node_id))
        if acc is None:
            acc = accs[(scenario_id, node_id)] = _Acc(kind=kind, best=_best(library, scenario_id, node_id))
        rest = total - mark
        acc.n += 1
        acc.sx += mark
        acc.sxx += mark * mark
        acc.sy += rest
        acc.syy += rest * rest
        acc.sxy += mark * rest
        acc.max_seen = max(acc.max_seen, mark)
        acc.right += node_id in attempt.right
        if acc.best:
            fractions[node_id] = max(0.0, min(1.0, mark / acc.best))
    per_track[(scenario_id, attempt.track)].append(fractions)


def _overall(library: ScenarioLibrary, key: tuple[str, str], marks: list[dict[str, float]], min_for_reliability: int) -> OverallStats:
    figures = overall_statistics(marks, min_for_reliability)
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


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


# -- drop-off ---------------------------------------------------------------------------------------
def _dropoff(store: Any, library: ScenarioLibrary, filters: Any, times: list[Any]) -> list[NodeDropoff]:
    """Per scenario and node: the attempts that stopped there unfinished, and the median time at it."""
    from ltl_quiz.store.report_queries import stopping_points

    rows: dict[tuple[str, str], NodeDropoff] = {}

    def row(scenario_id: str, node_id: str) -> NodeDropoff:
        found = rows.get((scenario_id, node_id))
        if found is None:
            node = library.node(scenario_id, node_id)
            title = one_line(node.title) if node is not None and node.title else node_id
            found = rows[(scenario_id, node_id)] = NodeDropoff(scenario_id, node_id, title)
        return found

    if filters.status != "completed":
        for r in stopping_points(store, filters):
            d = row(r.scenario_id, r.node_id or "?")
            if r.status == "abandoned":
                d.abandoned += int(r.n)
            else:
                d.in_progress += int(r.n)
    timings: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in times:
        timings[(r.scenario_id, r.node_id)][float(r.rounded or 0.0)] += int(r.n)
    for key, counts in timings.items():
        d = row(*key)
        d.steps = sum(counts.values())
        d.median_seconds = median_of_counts(counts)
    return [d for _, d in _in_scenario_order(library, rows)]


def _in_scenario_order(library: ScenarioLibrary, accs: dict[tuple[str, str], T]) -> list[tuple[tuple[str, str], T]]:
    def order(key: tuple[str, str]) -> tuple[str, int, str]:
        scenario = library.get(key[0])
        position = list(scenario.nodes).index(key[1]) if scenario and key[1] in scenario.nodes else 10**6
        return key[0], position, key[1]

    return [(k, accs[k]) for k in sorted(accs, key=order)]


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


def _finish(library: ScenarioLibrary, key: tuple[str, str], acc: _Acc, top: int | None, min_for_flags: int) -> ItemStats:
    scenario_id, node_id = key
    node = library.node(scenario_id, node_id)
    max_mark = top if top is not None else (acc.max_seen or None)
    facility = facility_index(acc.sx, acc.n, max_mark)
    discrimination = discrimination_index(acc.n, acc.sx, acc.sxx, acc.sy, acc.syy, acc.sxy)
    right_share = round(100.0 * min(acc.right, acc.n) / acc.n, 1) if acc.n and node is not None else None
    options = []
    recommended = set(node.recommended) if node else set()
    known = [(o.id, one_line(o.text)) for o in node.options] if node else []
    for option_id in [i for i, _ in known] + sorted(set(acc.options) - {i for i, _ in known}):
        text = dict(known).get(option_id, option_id)
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


# -- terminal -----------------------------------------------------------------------------------------
def _fmt(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:g}{suffix}"


def show(report: Report, ui: Any) -> None:
    """The report for people: rich tables, or headings and lines under --plain."""
    t = report.totals
    ui.heading("Learning report")
    ui.say(f"Attempts: {report.filters}. Generated {report.generated}.")
    ui.say(f"{t['attempts']} attempts, {t['completed']} completed, {t['passed']} passed (pass rate {_fmt(t['pass_rate'], '%')}).")
    if not report.scenarios:
        ui.say("No attempts match.")
        return
    ui.heading("Completions and pass rate by scenario and track")
    rows = [
        [
            f"{s.scenario_id} ({s.track})",
            str(s.attempts),
            str(s.completed),
            _fmt(s.pass_rate, "%"),
            _fmt(s.mean_percentage, "%"),
            _fmt(s.mean_minutes),
        ]
        for s in report.scenarios
    ]
    _table(ui, ["scenario (track)", "attempts", "completed", "pass rate", "mean score", "mean min"], rows)
    ui.heading("Competency averages (mean points per completed attempt)")
    rows = [
        [f"{s.scenario_id} ({s.track})", ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in s.competencies.items()) or "-"]
        for s in report.scenarios
    ]
    _table(ui, ["scenario", "competencies"], rows)
    if report.items:
        _show_items(report, ui)
    if report.overall:
        _show_overall(report, ui)
    if report.dropoff:
        _show_dropoff(report, ui)


def analysed_in_words(rule: str) -> str:
    """Which attempts the item and overall statistics take, for every rendering of the report."""
    if rule == FIRST:
        return "each learner's first completed individual attempt at each scenario (--attempts all for every one)"
    return "every completed individual attempt, a learner's later attempts included"


OVERALL_NOTE = (
    "Items are the decisions, each marked as the fraction of its best points; a decision not met on an attempt's "
    "path counts at the mean of those who met it. Score: the mean item mark as a percentage. "
    "Alpha: Cronbach's, x100. SEM: standard error of measurement, in percentage points."
)
DROPOFF_NOTE = (
    "Stopped here: abandoned and still unfinished attempts, by the node they stopped at. "
    "Median time: of every step at the node (the time spent's own definition), to the second."
)


def _show_items(report: Report, ui: Any) -> None:
    ui.heading("Item analysis of decisions")
    ui.say(f"Attempts analysed: {analysed_in_words(report.attempts_rule)}.")
    ui.say("Facility: mean mark as % of the maximum. Discrimination: correlation of the mark with the rest of the attempt (x100).")
    for item in report.items:
        flags = f"  FLAGGED: {', '.join(item.flags)}" if item.flags else ""
        ui.say(f"{item.scenario_id} / {item.node_id} ({item.kind}): {item.prompt}", "bold")
        ui.say(
            f"  n {item.n}, facility {_fmt(item.facility, '%')}, discrimination {_fmt(item.discrimination)}, "
            f"recommended chosen by {_fmt(item.right_share, '%')}{flags}",
            "red" if item.flags else None,
        )
        for o in item.options:
            mark = " (recommended)" if o.recommended else ""
            ui.say(f"    {o.share:5.1f}%  {o.count:>6}  {o.text}{mark}")


def _show_overall(report: Report, ui: Any) -> None:
    ui.heading("Overall statistics by scenario and track (Moodle's test statistics)")
    ui.say(f"Attempts analysed: {analysed_in_words(report.attempts_rule)}. {OVERALL_NOTE}")
    rows = [
        [
            f"{o.scenario_id} ({o.track})",
            str(o.attempts),
            str(o.items),
            _fmt(o.mean, "%"),
            _fmt(o.sd),
            _fmt(o.alpha),
            _fmt(o.sem),
            o.note or "",
        ]
        for o in report.overall
    ]
    _table(ui, ["scenario (track)", "attempts", "decisions", "mean", "SD", "alpha", "SEM", "note"], rows)


def _show_dropoff(report: Report, ui: Any) -> None:
    ui.heading("Where learners stop: drop-off and time at each node")
    ui.say(DROPOFF_NOTE)
    rows = [
        [
            f"{d.scenario_id} / {d.node_id}",
            str(d.steps),
            _seconds(d.median_seconds),
            str(d.abandoned),
            str(d.in_progress),
        ]
        for d in report.dropoff
    ]
    _table(ui, ["scenario / node", "steps", "median time", "abandoned here", "unfinished here"], rows)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:g} s"


def _table(ui: Any, header: list[str], rows: list[list[str]]) -> None:
    if ui.plain:
        for row in rows:
            ui.say("; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True)))
        return
    from rich.table import Table

    table = Table()
    for h in header:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*row)
    ui.console.print(table)


def report(where: Any, filters: Any, ui: Any, as_json: bool, html_out: Any, attempts: str = FIRST) -> Report:
    """Build the report, print it (or its JSON), and write the HTML page when asked."""
    from ltl_quiz.store import Store

    store = Store(where.db_url)
    try:
        result = build(store, ScenarioLibrary(where.scenarios), filters, attempts=attempts)
    finally:
        store.close()
    if html_out is not None:
        from ltl_quiz.atomic import write_text
        from ltl_quiz.report_html import to_html

        write_text(html_out, to_html(result))
    if as_json:
        print(json.dumps({**result.as_dict(), "totals": result.totals}, indent=2))
    else:
        show(result, ui)
        if html_out is not None:
            ui.say(f"Wrote {html_out}")
    return result
