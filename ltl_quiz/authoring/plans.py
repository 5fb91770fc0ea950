"""Test plans: runs of answers through a scenario, each with the ending and score it must give.

A plan file is the YAML authors already keep beside a scenario::

    scenario: hotel-welfare-check
    runs:
      - name: best path, officer track
        track: officer
        answers: {first-response: explore-the-concern, ...}   # node or key question id -> answer
        expect: {ending: welfare-check-carried-out, passed: true, score: 72, percentage: 100}

Runs go through the engine itself (the same rules a learner meets), never the results store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.engine.answers_check import step_limit, walk
from ltl_quiz.errors import InputError, PlanError, ScenarioError
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.scenario.yaml_source import Located, load_file
from ltl_quiz.text import counted

EXPECT_KEYS = ("ending", "passed", "score", "percentage")
RUN_KEYS = ("name", "track", "answers", "expect")
PERCENT_TOLERANCE = 0.05


@dataclass
class Run:
    name: str
    track: str
    answers: dict[str, Any]
    expect: dict[str, Any]
    line: int = 1


@dataclass
class Plan:
    path: str
    scenario_id: str
    runs: list[Run]


@dataclass
class RunResult:
    """What one run did, beside what it was expected to do."""

    run: Run
    actual: dict[str, Any] = field(default_factory=dict)
    chosen: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    unused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """As expected, and every answer was asked for: an unused answer means the path went elsewhere."""
        return self.error is None and not self.diff() and not self.unused

    def diff(self) -> list[str]:
        """Expected against actual, in unified-diff style; empty when they agree."""
        if self.error is not None:
            return []
        out = []
        for key, want in self.run.expect.items():
            got = self.actual.get(key)
            if _same(key, want, got):
                out.append(f" {key}: {_show(want)}")
            else:
                out += [f"-{key}: {_show(want)}", f"+{key}: {_show(got)}"]
        return ["--- expected", "+++ actual", *out] if any(line[0] in "+-" for line in out) else []


def load_plan(path: Path) -> Plan:
    """Read and check a plan file; every problem names the file and line."""
    try:
        located = load_file(path)
    except ScenarioError as exc:
        raise PlanError(f"plan {exc}") from None
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list) or not isinstance(data.get("scenario"), str):
        raise PlanError(f"{path}:1: a plan is a mapping with 'scenario: ID' and 'runs:' (a list of runs)")
    unknown = sorted(set(data) - {"scenario", "runs"})
    if unknown:
        raise PlanError(_where(located, (unknown[0],), f"unknown field '{unknown[0]}'; a plan has 'scenario' and 'runs'"))
    runs = [_run(located, i, item) for i, item in enumerate(data["runs"])]
    return Plan(str(path), data["scenario"], runs)


def _run(located: Located, i: int, item: Any) -> Run:
    path = ("runs", i)
    if not isinstance(item, dict):
        raise PlanError(_where(located, path, "a run is a mapping of name, track, answers and expect"))
    for key in RUN_KEYS:
        if key not in item:
            raise PlanError(_where(located, path, f"the run needs '{key}'"))
    unknown = sorted(set(item) - set(RUN_KEYS))
    if unknown:
        raise PlanError(_where(located, (*path, unknown[0]), f"unknown field '{unknown[0]}'; a run has {', '.join(RUN_KEYS)}"))
    if not isinstance(item["answers"], dict):
        raise PlanError(_where(located, (*path, "answers"), "answers is a mapping of node or key question id to answer"))
    expect = item["expect"]
    if not isinstance(expect, dict) or not expect or set(expect) - set(EXPECT_KEYS):
        raise PlanError(_where(located, (*path, "expect"), f"expect is a mapping of any of: {', '.join(EXPECT_KEYS)}"))
    line = located.where(path)[0]
    return Run(str(item["name"]), str(item["track"]), {str(k): v for k, v in item["answers"].items()}, dict(expect), line)


def _where(located: Located, path: tuple[Any, ...], message: str) -> str:
    line, column = located.where(path)
    return f"{located.file}:{line}:{column}: {message}"


def check_plan_fits(plan: Plan, scenario: Scenario) -> None:
    if plan.scenario_id != scenario.id:
        raise InputError(f"{plan.path}: the plan is for '{plan.scenario_id}', not '{scenario.id}'; give the matching case or plan")


def run_plan(scenario: Scenario, plan: Plan) -> list[RunResult]:
    return [run_one(scenario, run) for run in plan.runs]


def run_one(scenario: Scenario, run: Run) -> RunResult:
    """Play one run through the engine and collect its figures, or the reason it could not finish."""
    result = RunResult(run)
    try:
        state, result.chosen, used = play(scenario, run.track, run.answers)
    except InputError as exc:
        result.error = str(exc)
        return result
    figures = engine.result(scenario, state)
    result.actual = {"ending": figures.ending, "passed": figures.passed, "score": figures.score, "percentage": figures.percentage}
    result.unused = sorted(set(run.answers) - used)
    return result


def play(scenario: Scenario, track: str, answers: dict[str, Any]) -> tuple[engine.State, dict[str, list[str]], set[str]]:
    """Answer every prompt from ``answers``; raise InputError naming the first prompt it cannot answer."""
    chosen: dict[str, list[str]] = {}
    used: set[str] = set()

    def answer_to(node: Node) -> engine.Response:
        if node.id not in answers:
            raise InputError(f"no answer for '{node.id}' (a {node.type}{_needs(node)})")
        used.add(node.id)
        if kind_of(node.type).answering == "write":
            return _reflect(node.id, answers[node.id])
        picked = answers[node.id] if isinstance(answers[node.id], list) else [answers[node.id]]
        chosen[node.id] = [str(p) for p in picked]
        return engine.Choose(list(chosen[node.id]))

    state = walk(scenario, track, answer_to)
    if state is None:
        raise InputError(f"no ending after {counted(step_limit(scenario), 'step')}: a route loops back on itself (see 'ltl-quiz validate')")
    for kq in engine.pending_key_questions(scenario, state):
        if kq.id not in answers:
            raise InputError(f"no answer for key question '{kq.id}' (asked in the debrief)")
        used.add(kq.id)
        state = engine.reflect(scenario, state, kq.id, _reflect(kq.id, answers[kq.id]))
    return state, chosen, used


def _needs(node: Node) -> str:
    kind = kind_of(node.type)
    if kind.choice:
        ids = ", ".join(o.id for o in node.options)
        return f": any of {ids}" if kind.several else f": one of {ids}"
    return ": the written answer"


def _reflect(key: str, value: Any) -> engine.Reflect:
    """A reflection answer: text, or ``{text, covered}`` with model points numbered from 1."""
    if isinstance(value, dict):
        text, covered = value.get("text"), value.get("covered", [])
    else:
        text, covered = value, []
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"'{key}': give the reflection as text")
    if not isinstance(covered, list) or not all(isinstance(i, int) and i >= 1 for i in covered):
        raise InputError(f"'{key}': 'covered' lists model point numbers from 1")
    return engine.Reflect(text, [i - 1 for i in covered])


def _same(key: str, want: Any, got: Any) -> bool:
    """Equal, with true never equal to 1, and percentages equal to the plan's one decimal place."""
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if key == "percentage" and isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(got - want) <= PERCENT_TOLERANCE
    return bool(want == got)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


@dataclass
class Coverage:
    """Which options the plans exercise, per node, and which endings no run reaches."""

    total: int
    exercised: int
    missed: dict[str, list[str]]  # node id -> option ids no run chose
    endings_missed: list[str]


def coverage(scenario: Scenario, results: list[RunResult], track: str | None = None) -> Coverage:
    """Options (and endings) no run chose; with ``track``, only those that track can meet."""
    chosen: dict[str, set[str]] = {}
    endings = set()
    for r in results:
        for node_id, ids in r.chosen.items():
            chosen.setdefault(node_id, set()).update(ids)
        if r.actual.get("ending"):
            endings.add(r.actual["ending"])
    total, exercised, missed = 0, 0, {}
    nodes = [n for n in scenario.nodes.values() if track is None or n.on_track(track)]
    for node in nodes:
        if not kind_of(node.type).choice:
            continue
        ids = [o.id for o in node.options]
        total += len(ids)
        not_chosen = [i for i in ids if i not in chosen.get(node.id, set())]
        exercised += len(ids) - len(not_chosen)
        if not_chosen:
            missed[node.id] = not_chosen
    endings_missed = [n.id for n in nodes if kind_of(n.type).ending and n.id not in endings]
    return Coverage(total, exercised, missed, endings_missed)
