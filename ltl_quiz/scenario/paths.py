"""The one analysis of a scenario's paths: graph errors, path counts, score ranges, and whether a
pass means something (how many paths pass, whether a path repeating a real failing can pass).

A path's future depends on the node and on the flags set so far, so the walk is over
``(node, live flags)`` states (see ``path_steps.py``), each visited once however many paths meet
there: the work is linear in the states, not the paths, and every figure is folded over the same
states. A state met again on the same path is a loop that could repeat for ever, which is an error.

The states can still be exponential in the flags a hostile or careless file sets and reads. Past
``MAX_STATES`` states the walk stops and ``path_bounds.py`` proves what it can over the nodes alone, and
validate says so in a warning: a file under the size limit is analysed in bounded time and memory.
The walk is iterative, so a long path cannot exhaust the interpreter's stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ltl_quiz.errors import Problem
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.scenario.path_checks import check_discrimination, check_flags, check_reach
from ltl_quiz.scenario.path_report import Analysis, TrackReport, failing_reach, mark_longest, pass_score
from ltl_quiz.scenario.path_steps import MAX_MULTI_OPTIONS, Choice, Prepared
from ltl_quiz.scenario.yaml_source import Located, PathKey
from ltl_quiz.text import counted

MAX_STATES = 20_000  # (node, flags) states walked per track before falling back to bounds
MAX_EDGES = 200_000  # ways between states, likewise
MAX_SCORE_ENTRIES = 200_000  # (state, score) counts kept to count the paths that pass


@dataclass
class States:
    """The state graph of one track: states numbered in discovery order, and the ways between them."""

    node: list[str] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    out: list[list[tuple[Choice, int]]] = field(default_factory=list)  # target -1: a loop, not taken
    order: list[int] = field(default_factory=list)  # post-order: every state after those it leads to
    edges: int = 0


class Walker:
    """Explores the state graph of one scenario, track by track, collecting problems as it goes."""

    def __init__(self, scenario: Scenario, located: Located | None):
        self.s = scenario
        self.located = located
        self.prep = Prepared(scenario)
        self.problems: list[Problem] = []
        self.reported: set[tuple[str, str]] = set()
        self.visited_nodes: set[str] = set()
        self.flags_at: dict[str, int] = {}  # node id -> flags (bits) set on some path before it
        self.exact = True
        for node_id in self.prep.too_many:
            n = len(scenario.nodes[node_id].options)
            self.problem(("nodes", node_id, "options"), f"{counted(n, 'option')}; a multi may have at most {MAX_MULTI_OPTIONS}")

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
        report = TrackReport(track, pass_mark=self.s.pass_mark)
        start = self.s.nodes.get(self.s.start)
        if start is None:
            return report
        if not start.on_track(track):
            self.problem(("start",), f"the start node is for the {start.track} track only; start on a node for both")
            return report
        states = self.explore(track)
        if states is None:
            from ltl_quiz.scenario.path_bounds import bound_track

            self.exact = False
            bound_track(self, track, report)
        else:
            self._fold(track, states, report)
        mark_longest(self.s, report)
        return report

    # -- the walk -------------------------------------------------------------------------------

    def explore(self, track: str) -> States | None:
        """Every state reachable on ``track``, depth first without recursion; None past the budget.

        A state is expanded (its ways out worked out) when first reached; ``position`` is how far
        along its ways out the walk has gone, so the stack holds only state numbers.
        """
        g = States()
        ids: dict[tuple[str, int], int] = {}
        position: list[int] = []  # -1: not expanded yet

        def state(node_id: str, flags: int) -> int:
            key = (node_id, flags)
            sid = ids.get(key)
            if sid is None:
                sid = ids[key] = len(g.node)
                g.node.append(node_id)
                g.flags.append(flags)
                g.out.append([])
                position.append(-1)
            return sid

        stack = [state(self.s.start, 0)]
        on_path = {0}
        self._expand(track, g, 0, state)
        position[0] = 0
        while stack:
            if len(g.node) > MAX_STATES or g.edges > MAX_EDGES:
                return None
            sid = stack[-1]
            i = position[sid]
            if i == len(g.out[sid]):
                stack.pop()
                on_path.discard(sid)
                g.order.append(sid)
                continue
            position[sid] = i + 1
            choice, nxt = g.out[sid][i]
            if nxt in on_path:
                node_id = g.node[nxt]
                self.problem(
                    ("nodes", node_id),
                    f"a loop returns to '{node_id}' with nothing changed, so a path could repeat for ever; route out of it on a flag",
                )
                g.out[sid][i] = (choice, -1)
            elif position[nxt] < 0:
                self._expand(track, g, nxt, state)
                position[nxt] = 0
                stack.append(nxt)
                on_path.add(nxt)
        return g

    def _expand(self, track: str, g: States, sid: int, state: Any) -> None:
        node_id, flags = g.node[sid], g.flags[sid]
        self.visited_nodes.add(node_id)
        several = kind_of(self.s.nodes[node_id].type).several
        merged: dict[int, int] = {}  # next state -> index in out (a multi's groups that meet)
        for c in self.prep.choices(node_id):
            now = flags | c.sets
            target = self._route(c, now, track)
            if target is None:
                continue
            nxt = state(target, now & self.prep.live[target])
            g.edges += 1
            if several and nxt in merged:
                k = merged[nxt]
                g.out[sid][k] = (_merge(g.out[sid][k][0], c), nxt)
                continue
            merged[nxt] = len(g.out[sid])
            g.out[sid].append((c, nxt))

    def _route(self, c: Choice, flags: int, track: str) -> str | None:
        for i, r in enumerate(c.routes):
            if r.matches(flags, track):
                target = self.s.nodes[r.goto]
                if not target.on_track(track):
                    path = (*c.route_path, i) if len(c.routes) > 1 else c.route_path
                    self.problem(path, f"on the {track} track this leads to '{r.goto}', a {target.track}-only node; route by track first")
                    return None
                return r.goto
        return None

    # -- the figures, folded over the states ------------------------------------------------------

    def _fold(self, track: str, g: States, report: TrackReport) -> None:
        n = len(g.node)
        ends = {nid: i for i, nid in enumerate(sorted(k for k, v in self.s.nodes.items() if kind_of(v.type).ending))}
        paths: list[int] = [0] * n
        low, high, fewest, reach = [0] * n, [0] * n, [0] * n, [0] * n
        ok: list[int | None] = [None] * n
        alive = [False] * n
        for sid in g.order:
            node_id = g.node[sid]
            self.flags_at[node_id] = self.flags_at.get(node_id, 0) | g.flags[sid]
            if kind_of(self.s.nodes[node_id].type).ending:
                paths[sid], ok[sid], reach[sid], alive[sid] = 1, 0, 1 << ends[node_id], True
                continue
            live = [(c, t) for c, t in g.out[sid] if t >= 0 and alive[t]]
            if not live:
                self.problem(("nodes", node_id), f"dead end on the {track} track: no way on from '{node_id}' reaches an end")
                continue
            alive[sid] = True
            paths[sid] = sum(paths[t] for _, t in live)
            low[sid] = min(c.low + low[t] for c, t in live)
            high[sid] = max(c.high + high[t] for c, t in live)
            fewest[sid] = min(fewest[t] + int(c.scored) for c, t in live)
            oks = [c.ok + ok_t for c, t in live if c.ok is not None and (ok_t := ok[t]) is not None]
            ok[sid] = max(oks) if oks else None
            for _, t in live:
                reach[sid] |= reach[t]
        self._check_key_questions(g)
        report.reached = set(g.node)
        if not alive[0]:
            return
        report.paths, report.min_score, report.max_score, report.decisions_min = paths[0], low[0], high[0], fewest[0]
        report.endings = [e for e, i in ends.items() if reach[0] >> i & 1]
        report.pass_score = pass_score(self.s.pass_mark, high[0], low[0])
        report.passing = _count_passing(g, alive, report.pass_score)
        self._forward(track, g, alive, ok, report)

    def _forward(self, track: str, g: States, alive: list[bool], ok: list[int | None], report: TrackReport) -> None:
        """Prefix figures from the start: each ending's score range, and the real failings' reach."""
        n = len(g.node)
        low: list[int | None] = [None] * n
        high: list[int | None] = [None] * n
        pre_ok: list[int | None] = [None] * n
        low[0] = high[0] = pre_ok[0] = 0
        best_fail: dict[tuple[str, int], int] = {}
        for sid in reversed(g.order):  # reverse post-order: every state before those it leads to
            lo, hi, pok = low[sid], high[sid], pre_ok[sid]
            if lo is None or hi is None or not alive[sid]:
                continue
            for c, t in g.out[sid]:
                if t < 0 or not alive[t]:
                    continue
                t_lo, t_hi = low[t], high[t]
                low[t] = lo + c.low if t_lo is None else min(t_lo, lo + c.low)
                high[t] = hi + c.high if t_hi is None else max(t_hi, hi + c.high)
                if pok is None or c.ok is None:
                    continue
                t_ok = pre_ok[t]
                pre_ok[t] = pok + c.ok if t_ok is None else max(t_ok, pok + c.ok)
                rest = ok[t]
                for j, pts in c.failing:
                    if rest is not None:
                        key = (g.node[sid], j)
                        best_fail[key] = max(best_fail.get(key, pok + pts + rest), pok + pts + rest)
        for sid in range(n):
            lo, hi = low[sid], high[sid]
            if lo is not None and hi is not None and kind_of(self.s.nodes[g.node[sid]].type).ending:
                was = report.ending_scores.get(g.node[sid], (lo, hi))
                report.ending_scores[g.node[sid]] = (min(was[0], lo), max(was[1], hi))
        report.failings = failing_reach(self.s, track, report, best_fail, proven=True)

    def _check_key_questions(self, g: States) -> None:
        """A key question asked by a reflection node must not be asked again later on the same path."""
        asks = {nid: n.key_question for nid, n in self.s.nodes.items() if kind_of(n.type).asks_key_question}
        if not asks:
            return
        empty: dict[str, str] = {}
        later: list[dict[str, str]] = [empty] * len(g.node)  # key question -> a node asking it after
        for sid in g.order:
            merged = empty
            for _, t in g.out[sid]:
                if t < 0:
                    continue
                add = later[t]
                own = asks.get(g.node[t])
                if own is not None and own not in add:
                    add = {**add, own: g.node[t]}
                if add and merged is empty:
                    merged = add
                elif add and add is not merged:
                    merged = {**add, **merged}
            later[sid] = merged
            kq = asks.get(g.node[sid])
            if kq is not None and kq in merged:
                self.problem(
                    ("nodes", merged[kq], "key_question"),
                    f"key question '{kq}' is already asked at '{g.node[sid]}' on this path; ask each once",
                )


def _merge(a: Choice, b: Choice) -> Choice:
    """Two groups of ticks at a multi that lead to the same state: one way on, with both ranges."""
    ok = b.ok if a.ok is None else a.ok if b.ok is None else max(a.ok, b.ok)
    failing = dict(a.failing)
    for j, v in b.failing:
        failing[j] = max(failing.get(j, v), v)
    return replace(a, low=min(a.low, b.low), high=max(a.high, b.high), ok=ok, failing=tuple(sorted(failing.items())))


def _count_passing(g: States, alive: list[bool], threshold: int | None) -> int | None:
    """Paths whose best non-critical answers reach ``threshold``; None past the counting budget.

    Each state keeps how many of its onward paths score each total, so the count is exact
    however many paths there are, as long as the distinct totals stay within the budget.
    """
    if threshold is None:
        return None
    counts: list[dict[int, int] | None] = [None] * len(g.node)
    kept = 0
    for sid in g.order:
        if not alive[sid]:
            continue
        if not g.out[sid]:
            counts[sid] = {0: 1}
            kept += 1
            continue
        here: dict[int, int] = {}
        for c, t in g.out[sid]:
            sub = counts[t] if t >= 0 else None
            if sub is None or c.ok is None:
                continue
            for score, k in sub.items():
                here[score + c.ok] = here.get(score + c.ok, 0) + k
        counts[sid] = here
        kept += len(here)
        if kept > MAX_SCORE_ENTRIES:
            return None
    return sum(k for score, k in (counts[0] or {}).items() if score >= threshold)


def analyse(scenario: Scenario, located: Located | None = None) -> Analysis:
    """Walk every track and run the checks that need the walk."""
    walker = Walker(scenario, located)
    tracks: dict[str, TrackReport] = {track: walker.walk(track) for track in scenario.audiences}
    if not walker.exact:
        from ltl_quiz.scenario.path_bounds import reach_and_flags

        reach_and_flags(walker)
    check_reach(scenario, walker)
    check_flags(scenario, walker)
    check_discrimination(walker, tracks)
    return Analysis(tracks, walker.problems)


def best_score(scenario: Scenario, track: str) -> int:
    """The highest score reachable on ``track``: what a learner's score is a percentage of.

    Exact whenever the walk fits its budget; past it, a proven upper bound, so a percentage
    can never exceed 100.
    """
    key = (scenario.sha256, scenario.path, track)
    if key not in _BEST:
        _BEST[key] = Walker(scenario, None).walk(track).max_score
    return _BEST[key]


_BEST: dict[tuple[str, str, str], int] = {}
