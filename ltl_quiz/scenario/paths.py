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
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.scenario.path_steps import MAX_MULTI_OPTIONS, Choice, Prepared, is_failing
from ltl_quiz.scenario.scoring import percentage
from ltl_quiz.scenario.yaml_source import Located, PathKey

MAX_STATES = 20_000  # (node, flags) states walked per track before falling back to bounds
MAX_EDGES = 200_000  # ways between states, likewise
MAX_SCORE_ENTRIES = 200_000  # (state, score) counts kept to count the paths that pass
LONGEST_SHARE = 1 / 3  # more decisions than this whose best option is the longest is a giveaway
LONGEST_MIN_DECISIONS = 3  # a share of fewer decisions says nothing (one decision is 0% or 100%)


@dataclass
class FailingReach:
    """The best a path can do while taking one ``real_case: failing`` option and no critical one."""

    node: str
    option: str
    option_index: int
    score: int | None  # None: every path taking it also takes a critical option (or none exists)
    percentage: float | None
    can_pass: bool
    proven: bool = True  # False: only an upper bound could be proven, and it does not rule a pass out

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "option": self.option,
            "best_score": self.score,
            "best_percentage": self.percentage,
            "can_pass": self.can_pass,
            "exact": self.proven,
        }


@dataclass
class TrackReport:
    """What every path on one track can lead to, and how well a pass on it discriminates."""

    track: str
    paths: int | None = 0  # None: too many to count, or to bound
    endings: list[str] = field(default_factory=list)
    min_score: int = 0
    max_score: int = 0
    decisions_min: int = 0
    exact: bool = True  # False: the figures are proven bounds (too many states to walk)
    pass_mark: int = 0
    pass_score: int | None = None  # the least score that passes
    passing: int | None = None  # paths on which a pass can be reached; None: not counted
    failings: list[FailingReach] = field(default_factory=list)
    longest: list[str] = field(default_factory=list)  # decisions whose best option is the longest
    scored: list[str] = field(default_factory=list)  # the scored decisions on the track

    @property
    def decisions(self) -> int:
        return len(self.scored)

    reached: set[str] = field(default_factory=set)  # node ids some path on this track visits
    ending_scores: dict[str, tuple[int, int]] = field(default_factory=dict)  # ending -> score range

    @property
    def failing_best(self) -> FailingReach | None:
        scored = [f for f in self.failings if f.score is not None]
        return max(scored, key=lambda f: f.score or 0) if scored else None

    @property
    def longest_share(self) -> float:
        return len(self.longest) / self.decisions if self.decisions else 0.0

    def as_dict(self) -> dict[str, Any]:
        best = self.failing_best
        return {
            "paths": self.paths,
            "endings": self.endings,
            "min_score": self.min_score,
            "max_score": self.max_score,
            "fewest_decisions": self.decisions_min,
            "exact": self.exact,
            "pass_mark": self.pass_mark,
            "pass_score": self.pass_score,
            "passing_paths": self.passing,
            "real_failings": {
                "marked": len(self.failings),
                "best_score": best.score if best else None,
                "best_percentage": best.percentage if best else None,
                "can_pass": any(f.can_pass for f in self.failings),
                "options": [f.as_dict() for f in self.failings],
            },
            "best_is_longest": {
                "decisions": self.decisions,
                "longest": len(self.longest),
                "share": round(self.longest_share, 3),
                "nodes": self.longest,
            },
        }


@dataclass
class Analysis:
    """The result of walking a scenario."""

    tracks: dict[str, TrackReport]
    problems: list[Problem]

    def best(self, track: str) -> int:
        return self.tracks[track].max_score


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
            self.problem(("nodes", node_id, "options"), f"{n} options; a multi may have at most {MAX_MULTI_OPTIONS}")

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
        _longest(self.s, report)
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
        node = self.s.nodes[node_id]
        merged: dict[int, int] = {}  # next state -> index in out (a multi's groups that meet)
        for c in self.prep.choices(node_id):
            now = flags | c.sets
            target = self._route(c, now, track)
            if target is None:
                continue
            nxt = state(target, now & self.prep.live[target])
            g.edges += 1
            if node.type == "multi" and nxt in merged:
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
        ends = {nid: i for i, nid in enumerate(sorted(k for k, v in self.s.nodes.items() if v.type == "end"))}
        paths: list[int] = [0] * n
        low, high, fewest, reach = [0] * n, [0] * n, [0] * n, [0] * n
        ok: list[int | None] = [None] * n
        alive = [False] * n
        for sid in g.order:
            node_id = g.node[sid]
            self.flags_at[node_id] = self.flags_at.get(node_id, 0) | g.flags[sid]
            if self.s.nodes[node_id].type == "end":
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
            if lo is not None and hi is not None and self.s.nodes[g.node[sid]].type == "end":
                was = report.ending_scores.get(g.node[sid], (lo, hi))
                report.ending_scores[g.node[sid]] = (min(was[0], lo), max(was[1], hi))
        report.failings = failing_reach(self.s, track, report, best_fail, proven=True)

    def _check_key_questions(self, g: States) -> None:
        """A key question asked by a reflection node must not be asked again later on the same path."""
        asks = {nid: n.key_question for nid, n in self.s.nodes.items() if n.type == "reflection"}
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


def pass_score(pass_mark: int, best: int, lowest: int) -> int | None:
    """The least score whose percentage of ``best`` (as the engine rounds it) reaches the pass mark.

    With nothing to score (``best`` 0 or less) the engine calls every score 100%, so ``lowest`` passes.
    """
    if best <= 0:
        return lowest if percentage(lowest, best) >= pass_mark else None
    guess = max(0, pass_mark * best // 100 - 2)
    for score in range(guess, best + 1):
        if percentage(score, best) >= pass_mark:
            return score
    return None


def failing_reach(
    scenario: Scenario, track: str, report: TrackReport, best: dict[tuple[str, int], int], proven: bool
) -> list[FailingReach]:
    """One entry per failing option on the track, with the best path that takes it and no critical.

    ``best`` holds exact scores when ``proven`` (else upper bounds, which prove only a failure).
    """
    out = []
    for node_id in sorted(report.reached):
        node = scenario.nodes[node_id]
        for j, opt in enumerate(node.options[:MAX_MULTI_OPTIONS] if node.type == "multi" else node.options):
            if not is_failing(opt):
                continue
            score = best.get((node_id, j))
            pct = None if score is None else percentage(score, report.max_score)
            reaches = score is not None and report.pass_score is not None and score >= report.pass_score
            out.append(FailingReach(node_id, opt.id, j, score, pct, reaches and proven, proven or not reaches))
    return out


def _longest(scenario: Scenario, report: TrackReport) -> None:
    """Decisions on the track whose best option is also the longest: a pass by reading nothing."""
    for node_id in sorted(report.reached):
        node = scenario.nodes[node_id]
        if node.type == "decision" and len({o.points for o in node.options}) > 1:
            report.scored.append(node_id)
            if best_is_longest(node):
                report.longest.append(node_id)


def best_is_longest(node: Node) -> bool:
    """The recommended option is longer than every other: what a learner picking the longest picks.

    Options of equal length give that learner nothing to go on, so a tie is not counted.
    """
    best = node.option(node.recommended[0])
    return all(len(best.text) > len(o.text) for o in node.options if o is not best)


def analyse(scenario: Scenario, located: Located | None = None) -> Analysis:
    """Walk every track and run the checks that need the walk."""
    walker = Walker(scenario, located)
    tracks: dict[str, TrackReport] = {track: walker.walk(track) for track in scenario.audiences}
    if not walker.exact:
        from ltl_quiz.scenario.path_bounds import reach_and_flags

        reach_and_flags(walker)
    _check_reach(scenario, walker)
    _check_flags(scenario, walker)
    _check_discrimination(scenario, walker, tracks)
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


def _check_reach(scenario: Scenario, walker: Walker) -> None:
    for node_id in scenario.nodes:
        if node_id not in walker.visited_nodes:
            walker.problem(
                ("nodes", node_id), f"'{node_id}' cannot be reached from '{scenario.start}' on any track; link to it or remove it"
            )


def _flag_reads(scenario: Scenario) -> list[tuple[str, list[str], PathKey, frozenset[str]]]:
    """Every route that reads flags: (node id, flags read, the route's path, flags the option sets)."""
    reads: list[tuple[str, list[str], PathKey, frozenset[str]]] = []
    for node_id, node in scenario.nodes.items():
        for i, r in enumerate(node.next or []):
            reads.append((node_id, r.if_flags + r.unless, ("nodes", node_id, "next", i), frozenset()))
        for j, opt in enumerate(node.options):
            for i, r in enumerate(opt.next or []):
                reads.append((node_id, r.if_flags + r.unless, ("nodes", node_id, "options", j, "next", i), frozenset(opt.sets)))
    return reads


def _check_flags(scenario: Scenario, walker: Walker) -> None:
    read: set[str] = set()
    set_anywhere = {flag for node in scenario.nodes.values() for o in node.options for flag in o.sets}
    for node_id, flags, path, own in _flag_reads(scenario):
        for flag in flags:
            read.add(flag)
            if node_id not in walker.visited_nodes:
                continue
            available = walker.flags_at.get(node_id, 0) | walker.prep.bits(own)
            if scenario.nodes[node_id].type in ("multi", "decision"):  # the node's own options set flags first
                available |= walker.prep.bits({f for o in scenario.nodes[node_id].options for f in o.sets})
            if not available & walker.prep.bit[flag]:
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


def _check_discrimination(scenario: Scenario, walker: Walker, tracks: dict[str, TrackReport]) -> None:
    """A pass must mean something: no real failing passes, and the longest option is no giveaway."""
    for track, t in tracks.items():
        for f in t.failings:
            path: PathKey = ("nodes", f.node, "options", f.option_index, "real_case")
            if f.can_pass:
                walker.problem(
                    path,
                    f"on the {track} track a path that repeats this real failing still passes: {f.score} of {t.max_score} "
                    f"({f.percentage}%, pass mark {t.pass_mark}%); make the option critical, or score it so no path taking it passes",
                )
            elif not f.proven:
                walker.problem(
                    path,
                    f"on the {track} track there are too many paths to prove that one repeating this real failing fails "
                    f"(it scores at most {f.score} of {t.max_score}, {f.percentage}%); make the option critical",
                    "warning",
                )
        if t.decisions >= LONGEST_MIN_DECISIONS and t.longest_share > LONGEST_SHARE:
            walker.problem(
                ("nodes",),
                f"on the {track} track the best option is also the longest in {len(t.longest)} of {t.decisions} decisions "
                f"({round(100 * t.longest_share)}%, more than a third), so picking the longest pays: "
                f"make the other options as long and careful ({', '.join(t.longest)})",
                "warning",
            )
