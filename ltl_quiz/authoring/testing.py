"""``ltl-quiz test``: run a scenario's test plans and random walks, and report what they cover.

The report is text for people (a diff for each failing run) or a dict for ``--json``; ``ok`` is
false when any run or walk failed, which the CLI turns into exit code 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ltl_quiz.authoring.plans import Coverage, RunResult, check_plan_fits, coverage, load_plan, run_plan
from ltl_quiz.authoring.walks import Walk, random_walks
from ltl_quiz.errors import InputError, Problem, ScenarioError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.text import counted

if TYPE_CHECKING:
    from ltl_quiz.authoring.strategies import StrategyResult

SHOWN_PER_TRACK = 10  # passing strategies listed per track in text; --json lists them all


@dataclass
class TestReport:
    scenario: Scenario
    graph_problems: list[Problem] = field(default_factory=list)
    runs: list[tuple[str, RunResult]] = field(default_factory=list)  # (plan path, result)
    walks: list[Walk] = field(default_factory=list)
    seed: int | None = None
    coverage: Coverage | None = None
    strategies: list[StrategyResult] | None = None

    @property
    def ok(self) -> bool:
        fooled = any(r.passed for r in self.strategies or [])
        return all(r.ok for _, r in self.runs) and all(w.ok for w in self.walks) and not fooled

    def text(self) -> str:
        from ltl_quiz.scenario.loader import display_name

        lines = [f"Testing {self.scenario.id} ({display_name(Path(self.scenario.path))})"]
        for p in self.graph_problems:
            lines.append(f"note: validate reports: {p}")
        for plan, r in self.runs:
            lines += _run_lines(plan, r)
        if self.runs:
            passed = sum(r.ok for _, r in self.runs)
            lines.append(f"Plans: {passed} of {counted(len(self.runs), 'run')} as expected.")
        if self.walks:
            lines += _walk_lines(self.walks, self.seed)
        if self.coverage is not None:
            lines += _coverage_lines(self.coverage)
        if self.strategies is not None:
            lines += _strategy_lines(self.strategies)
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines) + "\n"

    def as_dict(self) -> JSONObject:
        out: dict[str, Any] = {"scenario": self.scenario.id, "ok": self.ok}
        out["graph_problems"] = [str(p) for p in self.graph_problems]
        out["runs"] = [
            {
                "plan": plan,
                "name": r.run.name,
                "track": r.run.track,
                "ok": r.ok,
                "error": r.error,
                "expected": r.run.expect,
                "actual": r.actual,
                "diff": r.diff(),
            }
            for plan, r in self.runs
        ]
        if self.walks:
            out["walks"] = {"seed": self.seed, "results": [{"ok": w.ok, "problem": w.problem, **w.as_run()} for w in self.walks]}
        if self.coverage is not None:
            c = self.coverage
            out["coverage"] = {
                "options": c.total,
                "exercised": c.exercised,
                "not_exercised": c.missed,
                "endings_not_reached": c.endings_missed,
            }
        if self.strategies is not None:
            out["strategies"] = {
                "played": len(self.strategies),
                "passed": [r.as_dict() for r in self.strategies if r.passed],
                "best": max(self.strategies, key=lambda r: r.percentage).as_dict() if self.strategies else None,
            }
        return out


def test_scenario(path: Path, plans: list[Path], walks: int | None, seed: int, track: str | None, strategies: bool = False) -> TestReport:
    """Run ``plans``, ``walks`` random walks and (with ``strategies``) the reading-free strategies
    against the scenario file at ``path``, on every track or only ``track``."""
    from ltl_quiz.scenario.loader import parse_scenario
    from ltl_quiz.scenario.paths import analyse

    if not plans and not walks and not strategies:
        raise InputError("give --plan PLAN.yaml (any number) and/or --walk N, or --strategies, to test something")
    scenario, located, problems = parse_scenario(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ScenarioError(errors)  # no model to run: fix these first
    if track is not None and track not in scenario.audiences:
        raise InputError(f"track '{track}' is not offered by {scenario.id}; use one of: {', '.join(scenario.audiences)}")
    report = TestReport(scenario, [p for p in analyse(scenario, located).problems if p.severity == "error"])
    loaded = [load_plan(p) for p in plans]
    for plan in loaded:
        check_plan_fits(plan, scenario)
    for plan in loaded:
        report.runs += [(plan.path, r) for r in run_plan(scenario, plan) if track is None or r.run.track == track]
    if loaded:
        report.coverage = coverage(scenario, [r for _, r in report.runs], track)
    if walks:
        report.seed = seed
        report.walks = random_walks(scenario, walks, seed, [track] if track else list(scenario.audiences))
    if strategies:
        from ltl_quiz.authoring.strategies import play_all

        report.strategies = play_all(scenario, [track] if track else None)
    return report


def _run_lines(plan: str, r: RunResult) -> list[str]:
    if r.ok:
        return [f"ok    {r.run.name} ({r.actual['ending']}, score {r.actual['score']})"]
    lines = [f"FAIL  {r.run.name} ({plan}:{r.run.line})"]
    if r.error:
        lines.append(f"      {r.error}")
    lines += ["      " + line for line in r.diff()]
    if r.unused:
        lines.append(f"      answers for prompts this run never reached: {', '.join(r.unused)} (the path went another way)")
    if r.chosen:
        lines.append("      path: " + ", ".join(f"{node}={'+'.join(ids) or '(none)'}" for node, ids in r.chosen.items()))
    return lines


def _walk_lines(walks: list[Walk], seed: int | None) -> list[str]:
    failed = [w for w in walks if not w.ok]
    endings: dict[str, int] = {}
    for w in walks:
        if w.ending:
            endings[w.ending] = endings.get(w.ending, 0) + 1
    lines = [f"Walks: {len(walks) - len(failed)} of {len(walks)} random walks (seed {seed}) ended cleanly."]
    if endings:
        lines.append("  endings reached: " + ", ".join(f"{e} ({n})" for e, n in sorted(endings.items())))
    for w in failed:
        lines.append(f"FAIL  random walk {w.index}, {w.track} track: {w.problem}")
        lines.append("      replay it as a plan run:")
        dumped = yaml.safe_dump([w.as_run()], sort_keys=False, allow_unicode=True, width=1000)
        lines += ["        " + line for line in dumped.splitlines()]
    return lines


def _strategy_lines(results: list[StrategyResult]) -> list[str]:
    """Every reading-free strategy that passes, by track, with its score; or the best of them."""
    passed = [r for r in results if r.passed]
    if not passed:
        best = max(results, key=lambda r: r.percentage, default=None)
        lines = [f"Strategies (decisions / multis): none of {len(results)} reading-free plays passes."]
        if best is not None:
            lines.append(f"  closest: {best.name} on the {best.track} track, {best.percentage}% ({best.score} of {best.best})")
        return lines
    lines = [f"Strategies (decisions / multis): {len(passed)} of {len(results)} reading-free plays pass without reading the case."]
    for track in dict.fromkeys(r.track for r in passed):
        mine = sorted((r for r in passed if r.track == track), key=lambda r: -r.percentage)
        for r in mine[:SHOWN_PER_TRACK]:
            lines.append(f"FAIL  {r.name} passes on the {track} track: {r.percentage}% ({r.score} of {r.best})")
        if len(mine) > SHOWN_PER_TRACK:
            lines.append(f"      and {len(mine) - SHOWN_PER_TRACK} more on the {track} track (--json lists them all)")
    return lines


def _coverage_lines(c: Coverage) -> list[str]:
    lines = [f"Coverage: {c.exercised} of {counted(c.total, 'option')} exercised by the plans."]
    if c.missed:
        lines.append("  not exercised by any plan:")
        lines += [f"    {node}: {', '.join(ids)}" for node, ids in c.missed.items()]
    if c.endings_missed:
        lines.append(f"  endings no run reaches: {', '.join(c.endings_missed)}")
    return lines
