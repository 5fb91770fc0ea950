"""The learning report: who completed what, how well, and which decisions people get wrong.

Per scenario and track: attempts, completions, pass rate, mean score and time on task, and the
mean of each competency. Then an item analysis of every decision and multi node, with the two
statistics Moodle's quiz report defines (question/classes/statistics/questions/calculator.php):

- facility index = mean mark / maximum mark, as a percentage;
- discrimination index = 100 x the correlation of the item's mark with the rest of the attempt's
  marks (the attempt's score less this item), using sample (n - 1) variances and covariance; none
  when either variance is zero.

Only completed attempts enter the item analysis, each once. A decision is flagged when fewer than
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
from typing import Any

from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.model import COMPETENCIES
from ltl_quiz.text import one_line

MIN_FOR_FLAGS = 5
WEAK_DISCRIMINATION = 20.0
MOSTLY_WRONG = "most get it wrong"
NO_DISCRIMINATION = "does not discriminate"


INDIVIDUAL_MODES = ("practice", "assessed")


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
class Report:
    filters: str
    generated: str
    scenarios: list[ScenarioStats]
    items: list[ItemStats]

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


def build(store: Any, library: ScenarioLibrary, filters: Any, min_for_flags: int = MIN_FOR_FLAGS) -> Report:
    """The whole report in two streaming passes: attempts, then the answers of completed attempts."""
    scenarios = _scenario_stats(store, filters)
    items = (
        []
        if filters.status not in (None, "completed")
        else _item_stats(store, library, replace(filters, status="completed"), min_for_flags)
    )
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Report(filters.describe(), stamp, scenarios, items)


# -- completions ------------------------------------------------------------------------------------
def _scenario_stats(store: Any, filters: Any) -> list[ScenarioStats]:
    from ltl_quiz.store.queries import attempts_query, stream

    groups: dict[tuple[str, str], ScenarioStats] = {}
    sums: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in stream(store, attempts_query(filters)):
        key = (r.scenario_id, r.track)
        s = groups.get(key)
        if s is None:
            s = groups[key] = ScenarioStats(r.scenario_id, r.scenario_title, r.track)
        s.attempts += 1
        if r.status == "completed":
            s.completed += 1
            if r.passed is not None:
                s.graded += 1
                s.passed += bool(r.passed)
            acc = sums[key]
            acc["percentage"] += r.percentage or 0.0
            acc["seconds"] += r.active_seconds or 0.0
            for tag, value in json.loads(r.competencies or "{}").items():
                acc["c:" + tag] += value
        elif r.status == "in-progress":
            s.in_progress += 1
        else:
            s.abandoned += 1
    for key, s in groups.items():
        if s.completed:
            acc = sums[key]
            s.pass_rate = round(100.0 * s.passed / s.graded, 1) if s.graded else None
            s.mean_percentage = round(acc["percentage"] / s.completed, 1)
            s.mean_minutes = round(acc["seconds"] / 60.0 / s.completed, 1)
            s.competencies = {tag: round(acc.get("c:" + tag, 0.0) / s.completed, 2) for tag in COMPETENCIES if acc.get("c:" + tag)}
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
    options: Counter = field(default_factory=Counter)
    kind: str = "decision"
    max_seen: int = 0


def _item_stats(store: Any, library: ScenarioLibrary, filters: Any, min_for_flags: int) -> list[ItemStats]:
    from ltl_quiz.store.queries import CHOICE_KINDS, answers_query, stream

    accs: dict[tuple[str, str], _Acc] = {}
    best: dict[tuple[str, str], int | None] = {}
    seen: dict[tuple[str, str, str], tuple[list[str], bool]] = {}
    current, scenario_id, chosen = None, "", []
    # a room's show of hands is no one person's mark: only individual attempts are analysed
    for r in stream(store, answers_query(filters, CHOICE_KINDS, INDIVIDUAL_MODES)):
        if r.attempt_id != current:
            _add_attempt(accs, library, scenario_id, chosen, seen)
            current, scenario_id, chosen = r.attempt_id, r.scenario_id, []
        chosen.append((r.node_id, r.kind, r.option_ids, r.points))
        if (r.scenario_id, r.node_id) not in best:
            best[(r.scenario_id, r.node_id)] = library.choice(r.scenario_id, r.node_id, r.option_ids).best_points
    _add_attempt(accs, library, scenario_id, chosen, seen)
    return [_finish(library, key, acc, best.get(key), min_for_flags) for key, acc in _in_scenario_order(library, accs)]


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


def _add_attempt(
    accs: dict[tuple[str, str], _Acc],
    library: ScenarioLibrary,
    scenario_id: str,
    chosen: list[tuple[str, str, str, int]],
    seen: dict[tuple[str, str, str], tuple[list[str], bool]],
) -> None:
    """Add one attempt: each item's mark against the rest of the attempt's marks, and what was chosen."""
    if not chosen:
        return
    marks: dict[str, int] = {}
    right: dict[str, bool] = {}
    for node_id, kind, option_ids, points in chosen:
        marks[node_id] = marks.get(node_id, 0) + points
        picked, is_right = _choice(seen, library, scenario_id, node_id, option_ids)
        right[node_id] = right.get(node_id, False) or is_right
        acc = accs.get((scenario_id, node_id))
        if acc is None:
            acc = accs[(scenario_id, node_id)] = _Acc(kind=kind)
        acc.options.update(picked)
    total = sum(marks.values())
    for node_id, mark in marks.items():
        acc = accs[(scenario_id, node_id)]
        rest = total - mark
        acc.n += 1
        acc.sx += mark
        acc.sxx += mark * mark
        acc.sy += rest
        acc.syy += rest * rest
        acc.sxy += mark * rest
        acc.max_seen = max(acc.max_seen, mark)
        acc.right += right[node_id]


def _in_scenario_order(library: ScenarioLibrary, accs: dict[tuple[str, str], _Acc]) -> list[tuple[tuple[str, str], _Acc]]:
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
    right_share = round(100.0 * acc.right / acc.n, 1) if acc.n and node is not None else None
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
    if not report.items:
        return
    ui.heading("Item analysis of decisions (completed attempts)")
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


def report(where: Any, filters: Any, ui: Any, as_json: bool, html_out: Any) -> Report:
    """Build the report, print it (or its JSON), and write the HTML page when asked."""
    from ltl_quiz.store import Store

    store = Store(where.db_url)
    try:
        result = build(store, ScenarioLibrary(where.scenarios), filters)
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
