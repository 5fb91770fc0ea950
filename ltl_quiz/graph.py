"""Walk every path of a scenario on every track: graph errors, path counts and score ranges.

A path's future depends on the node and on the flags set so far, so the walk is over
``(node, flags)`` states. Memoising per state keeps it linear in the states reached even when the
number of paths is large, and a state met again on the same path is a loop that could repeat for
ever, which is an error.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ltl_quiz.errors import Problem
from ltl_quiz.model import Node, Route, Scenario
from ltl_quiz.scoring import award
from ltl_quiz.yaml_source import Located, PathKey

MAX_MULTI_OPTIONS = 12
State = tuple[str, frozenset[str]]


@dataclass
class TrackReport:
    """What every path on one track can lead to."""

    track: str
    paths: int = 0
    endings: list[str] = field(default_factory=list)
    min_score: int = 0
    max_score: int = 0
    decisions_min: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "paths": self.paths,
            "endings": self.endings,
            "min_score": self.min_score,
            "max_score": self.max_score,
            "fewest_decisions": self.decisions_min,
        }


@dataclass
class Analysis:
    """The result of walking a scenario."""

    tracks: dict[str, TrackReport]
    problems: list[Problem]

    def best(self, track: str) -> int:
        return self.tracks[track].max_score


@dataclass(frozen=True)
class Step:
    """One way out of a state: the label an author would recognise, its points and where it goes."""

    label: str
    low: int
    high: int
    target: str
    flags: frozenset[str]
    route_path: PathKey
    scored: bool


@dataclass
class _Suffix:
    paths: int
    low: int
    high: int
    endings: frozenset[str]
    fewest: int


class Walker:
    """Explores the state graph of one scenario, collecting problems as it goes."""

    def __init__(self, scenario: Scenario, located: Located | None):
        self.s = scenario
        self.located = located
        self.problems: list[Problem] = []
        self.reported: set[tuple[str, str]] = set()
        self.visited_nodes: set[str] = set()
        self.flags_at: dict[str, set[str]] = {}
        self.edges: dict[tuple[str, State], list[State]] = {}

    def problem(self, path: PathKey, message: str, severity: str = "error") -> None:
        key = (str(path), message)
        if key in self.reported:
            return
        self.reported.add(key)
        if self.located is not None:
            self.problems.append(self.located.problem(path, message, severity))
        else:
            self.problems.append(Problem(self.s.path, 1, 1, ".".join(map(str, path)), message, severity))

    def walk(self, track: str) -> TrackReport:
        report = TrackReport(track)
        start = self.s.nodes.get(self.s.start)
        if start is None:
            return report
        if not start.on_track(track):
            self.problem(("start",), f"the start node is for the {start.track} track only; start on a node for both")
            return report
        memo: dict[State, _Suffix | None] = {}
        suffix = self._suffix(track, (self.s.start, frozenset()), memo, set())
        if suffix is not None:
            report.paths = suffix.paths
            report.min_score, report.max_score = suffix.low, suffix.high
            report.endings = sorted(suffix.endings)
            report.decisions_min = suffix.fewest
        return report

    def _suffix(self, track: str, state: State, memo: dict[State, _Suffix | None], stack: set[State]) -> _Suffix | None:
        if state in memo:
            return memo[state]
        node_id, flags = state
        if state in stack:
            self.problem(
                ("nodes", node_id),
                f"a loop returns to '{node_id}' with nothing changed, so a path could repeat for ever; route out of it on a flag",
            )
            return None
        self.visited_nodes.add(node_id)
        self.flags_at.setdefault(node_id, set()).update(flags)
        node = self.s.nodes[node_id]
        if node.type == "end":
            memo[state] = _Suffix(1, 0, 0, frozenset([node_id]), 0)
            return memo[state]
        stack.add(state)
        results: list[_Suffix] = []
        for step in self.steps(node, flags, track):
            target = self.s.nodes[step.target]
            if not target.on_track(track):
                self.problem(
                    step.route_path, f"on the {track} track this leads to '{step.target}', a {target.track}-only node; route by track first"
                )
                continue
            nxt: State = (step.target, step.flags)
            self.edges.setdefault((track, state), []).append(nxt)
            sub = self._suffix(track, nxt, memo, stack)
            if sub is not None:
                results.append(_Suffix(sub.paths, sub.low + step.low, sub.high + step.high, sub.endings, sub.fewest + int(step.scored)))
        stack.discard(state)
        if not results:
            self.problem(("nodes", node_id), f"dead end on the {track} track: no way on from '{node_id}' reaches an end")
            memo[state] = None
            return None
        memo[state] = _Suffix(
            sum(r.paths for r in results),
            min(r.low for r in results),
            max(r.high for r in results),
            frozenset().union(*(r.endings for r in results)),
            min(r.fewest for r in results),
        )
        return memo[state]

    def steps(self, node: Node, flags: frozenset[str], track: str) -> list[Step]:
        """Every distinct way out of ``node`` with ``flags`` set (multi subsets grouped by outcome)."""
        base = ("nodes", node.id)
        if node.type == "decision":
            out = []
            for i, opt in enumerate(node.options):
                got = award(node, [opt.id])
                new_flags = flags | got.flags
                rpath0 = base + ("options", i, "next") if opt.next else base + ("next",)
                target, rpath = self.route(node.routes_for(opt.id), new_flags, track, rpath0)
                if target:
                    out.append(Step(opt.id, got.points, got.points, target, new_flags, rpath, True))
            return out
        if node.type == "multi":
            return self._multi_steps(node, flags, track)
        target, rpath = self.route(node.next or [], flags, track, base + ("next",))
        return [Step("continue", 0, 0, target, flags, rpath, False)] if target else []

    def _multi_steps(self, node: Node, flags: frozenset[str], track: str) -> list[Step]:
        ids = [o.id for o in node.options]
        if len(ids) > MAX_MULTI_OPTIONS:
            self.problem(("nodes", node.id, "options"), f"{len(ids)} options; a multi may have at most {MAX_MULTI_OPTIONS}")
            ids = ids[:MAX_MULTI_OPTIONS]
        best: dict[frozenset[str], tuple[int, int, str]] = {}
        for size in range(len(ids) + 1):
            for chosen in itertools.combinations(ids, size):
                got = award(node, list(chosen))
                key = flags | got.flags
                low, high, label = best.get(key, (got.points, got.points, ",".join(chosen)))
                best[key] = (min(low, got.points), max(high, got.points), label)
        out = []
        for new_flags, (low, high, label) in best.items():
            target, rpath = self.route(node.next or [], new_flags, track, ("nodes", node.id, "next"))
            if target:
                out.append(Step(label, low, high, target, new_flags, rpath, True))
        return out

    def route(self, routes: list[Route], flags: frozenset[str], track: str, path: PathKey) -> tuple[str | None, PathKey]:
        for i, r in enumerate(routes):
            if r.matches(flags, track):
                return r.goto, (path + (i,) if len(routes) > 1 else path)
        return None, path


def analyse(scenario: Scenario, located: Located | None = None) -> Analysis:
    """Walk every track and run the checks that need the walk."""
    walker = Walker(scenario, located)
    tracks = {track: walker.walk(track) for track in scenario.audiences}
    _check_reach(scenario, walker)
    _check_flags(scenario, walker)
    _check_key_questions(scenario, walker)
    return Analysis(tracks, walker.problems)


def best_score(scenario: Scenario, track: str) -> int:
    """The highest score reachable on ``track``: what a learner's score is a percentage of."""
    key = (scenario.sha256, scenario.path, track)
    if key not in _BEST:
        _BEST[key] = Walker(scenario, None).walk(track).max_score
    return _BEST[key]


_BEST: dict[tuple[str, str, str], int] = {}


def _check_reach(scenario: Scenario, walker: Walker) -> None:
    for node_id in scenario.nodes:
        if node_id not in walker.visited_nodes:
            walker.problem(
                ("nodes", node_id), f"'{node_id}' cannot be reached from '{scenario.start}' on any track; link to it or remove it"
            )


def _flag_reads(scenario: Scenario) -> list[tuple[str, Route, PathKey, frozenset[str]]]:
    """Every route that reads flags: (node id, route, its path, flags the option itself sets)."""
    reads = []
    for node_id, node in scenario.nodes.items():
        for i, r in enumerate(node.next or []):
            reads.append((node_id, r, ("nodes", node_id, "next", i), frozenset()))
        for j, opt in enumerate(node.options):
            for i, r in enumerate(opt.next or []):
                reads.append((node_id, r, ("nodes", node_id, "options", j, "next", i), frozenset(opt.sets)))
    return reads


def _check_flags(scenario: Scenario, walker: Walker) -> None:
    read: set[str] = set()
    set_anywhere = {flag for node in scenario.nodes.values() for o in node.options for flag in o.sets}
    for node_id, r, path, own in _flag_reads(scenario):
        for flag in r.if_flags + r.unless:
            read.add(flag)
            if node_id not in walker.visited_nodes:
                continue
            available = walker.flags_at.get(node_id, set()) | own
            if scenario.nodes[node_id].type in ("multi", "decision"):  # the node's own options set flags first
                available |= {f for o in scenario.nodes[node_id].options for f in o.sets}
            if flag not in available:
                where = "anywhere" if flag not in set_anywhere else "on any path before this node"
                walker.problem(path, f"reads flag '{flag}', which is not set {where}; set it with 'sets' on an earlier option")
    for node_id, node in scenario.nodes.items():
        for j, opt in enumerate(node.options):
            for k, flag in enumerate(opt.sets):
                if flag not in read:
                    walker.problem(
                        ("nodes", node_id, "options", j, "sets", k),
                        f"flag '{flag}' is set but never read; route on it or remove it",
                        "warning",
                    )


def _check_key_questions(scenario: Scenario, walker: Walker) -> None:
    """A key question asked by a reflection node must not be asked again later on the same path."""
    asks = {nid: n.key_question for nid, n in scenario.nodes.items() if n.type == "reflection"}
    for (track, state), _ in list(walker.edges.items()):
        node_id = state[0]
        if node_id not in asks:
            continue
        seen: set[State] = set()
        todo = list(walker.edges.get((track, state), []))
        while todo:
            nxt = todo.pop()
            if nxt in seen:
                continue
            seen.add(nxt)
            other = nxt[0]
            if other in asks and asks[other] == asks[node_id]:
                walker.problem(
                    ("nodes", other, "key_question"),
                    f"key question '{asks[other]}' is already asked at '{node_id}' on this path; ask each once",
                )
                break
            todo.extend(walker.edges.get((track, nxt), []))
