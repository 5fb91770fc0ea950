"""Proven bounds for a scenario whose (node, flags) states are too many to walk one by one.

Here flags are forgotten: from each node, every route that some flags could take is assumed
possible (up to the first route taken whatever the flags). Every real path is then a path of this
smaller graph, so the highest score found here is at least the real highest, the lowest at most
the real lowest, and the path count at least the real count. With flags forgotten, a loop that a
flag lets out of becomes a cycle; but a real path never meets the same (node, flags) state twice
(``validate`` calls that a loop) and flags are only ever added, so it visits a node at most once
per flag, plus one, which still bounds the score. Nothing here is exponential in anything.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.path_steps import Choice

if TYPE_CHECKING:
    from ltl_quiz.scenario.path_report import TrackReport
    from ltl_quiz.scenario.paths import Walker

Edges = dict[str, list[tuple[Choice, str]]]


def edges(walker: Walker, track: str) -> Edges:
    """Every way on from every node that some flags could take on ``track``."""
    out: Edges = {}
    for node_id in walker.s.nodes:
        ways = out[node_id] = []
        for c in walker.prep.summary(node_id):
            for r in c.routes:
                if r.track and r.track != track:
                    continue
                if walker.s.nodes[r.goto].on_track(track):
                    ways.append((c, r.goto))
                if r.always(track):
                    break
    return out


def reached(walker: Walker, g: Edges, start: str) -> list[str]:
    """Nodes some path could reach, in breadth-first order."""
    seen = {start}
    order = [start]
    todo = deque([start])
    while todo:
        for _, t in g[todo.popleft()]:
            if t not in seen:
                seen.add(t)
                order.append(t)
                todo.append(t)
    return order


def post_order(g: Edges, start: str) -> list[str] | None:
    """Nodes in post-order from ``start``, or None if the graph has a cycle."""
    state: dict[str, int] = {start: 1}  # 1: on the path, 2: done
    stack = [(start, 0)]
    order = []
    while stack:
        node, i = stack.pop()
        if i < len(g[node]):
            stack.append((node, i + 1))
            t = g[node][i][1]
            if state.get(t) == 1:
                return None
            if t not in state:
                state[t] = 1
                stack.append((t, 0))
        else:
            state[node] = 2
            order.append(node)
    return order


def bound_track(walker: Walker, track: str, report: TrackReport) -> None:
    """Fill ``report`` with proven bounds, and warn that the figures are bounds."""
    from ltl_quiz.scenario.path_report import failing_reach, pass_score
    from ltl_quiz.scenario.paths import MAX_STATES

    s = walker.s
    g = edges(walker, track)
    report.exact = False
    report.reached = set(reached(walker, g, s.start))
    order = post_order(g, s.start)
    best_fail: dict[tuple[str, int], int] = {}
    if order is not None:
        _acyclic(walker, g, order, report, best_fail)
    else:
        _cyclic(walker, g, report, best_fail)
    report.pass_score = pass_score(s.pass_mark, report.max_score, report.min_score)
    report.failings = failing_reach(s, track, report, best_fail, proven=False)
    paths = "an unknown number of paths" if report.paths is None else f"at most {report.paths:,} paths"
    walker.problem(
        ("start",),
        f"too many paths to count exactly on the {track} track (over {MAX_STATES:,} states of node and flags): "
        f"proven bounds: score {report.min_score} to at most {report.max_score}, {paths}; passing paths, dead ends, "
        "loops and repeated key questions are checked only where walked: route on fewer flags",
        "warning",
    )


def _acyclic(walker: Walker, g: Edges, order: list[str], report: TrackReport, best_fail: dict[tuple[str, int], int]) -> None:
    nodes = walker.s.nodes
    paths: dict[str, int] = {}
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    ok: dict[str, int | None] = {}
    fewest: dict[str, int] = {}
    ends: dict[str, frozenset[str]] = {}
    for n in order:
        if kind_of(nodes[n].type).ending:
            paths[n], low[n], high[n], ok[n], fewest[n], ends[n] = 1, 0, 0, 0, 0, frozenset([n])
            continue
        ways = [(c, t) for c, t in g[n] if t in paths]
        if not ways:
            continue
        paths[n] = sum(c.ways * paths[t] for c, t in ways)
        low[n] = min(c.low + low[t] for c, t in ways)
        high[n] = max(c.high + high[t] for c, t in ways)
        oks = [c.ok + o for c, t in ways if c.ok is not None and (o := ok[t]) is not None]
        ok[n] = max(oks) if oks else None
        fewest[n] = min(fewest[t] + int(c.scored) for c, t in ways)
        ends[n] = frozenset().union(*(ends[t] for _, t in ways))
    start = walker.s.start
    if start not in paths:
        return
    report.paths, report.min_score, report.max_score = paths[start], low[start], high[start]
    report.decisions_min, report.endings = fewest[start], sorted(ends[start])
    pre: dict[str, tuple[int, int, int | None]] = {start: (0, 0, 0)}
    for n in reversed(order):
        if n not in pre or n not in paths:
            continue
        lo, hi, pok = pre[n]
        for c, t in g[n]:
            if t not in paths:
                continue
            t_lo, t_hi, t_ok = pre.get(t, (lo + c.low, hi + c.high, None))
            new_ok = None if pok is None or c.ok is None else pok + c.ok
            best_ok = t_ok if new_ok is None else new_ok if t_ok is None else max(t_ok, new_ok)
            pre[t] = (min(t_lo, lo + c.low), max(t_hi, hi + c.high), best_ok)
            rest = ok[t]
            if pok is not None and rest is not None:
                for j, pts in c.failing:
                    best_fail[(n, j)] = max(best_fail.get((n, j), pok + pts + rest), pok + pts + rest)
    report.ending_scores = {n: (lo, hi) for n, (lo, hi, _) in pre.items() if kind_of(nodes[n].type).ending}


def _cyclic(walker: Walker, g: Edges, report: TrackReport, best_fail: dict[tuple[str, int], int]) -> None:
    """Bounds when forgetting flags leaves a cycle: each node counted once per flag, plus one."""
    visits = len(walker.prep.bit) + 1
    low = high = ok = 0
    for n in report.reached:
        if g[n]:
            low += visits * min(0, min(c.low for c, _ in g[n]))
            high += visits * max(0, max(c.high for c, _ in g[n]))
            ok += visits * max(0, max((c.ok for c, _ in g[n] if c.ok is not None), default=0))
    report.paths, report.min_score, report.max_score = None, low, high
    report.endings = sorted(n for n in report.reached if kind_of(walker.s.nodes[n].type).ending)
    report.ending_scores = {n: (low, high) for n in report.endings}
    report.decisions_min = _fewest(walker, g)
    for n in report.reached:
        for c, _ in g[n]:
            for j, _pts in c.failing:
                best_fail[(n, j)] = ok


def _fewest(walker: Walker, g: Edges) -> int:
    """Fewest scored decisions to any ending (a 0-1 breadth-first search): a lower bound."""
    dist = {walker.s.start: 0}
    todo = deque([walker.s.start])
    while todo:
        n = todo.popleft()
        if kind_of(walker.s.nodes[n].type).ending:
            return dist[n]
        for c, t in g[n]:
            d = dist[n] + int(c.scored)
            if d < dist.get(t, d + 1):
                dist[t] = d
                if c.scored:
                    todo.append(t)
                else:
                    todo.appendleft(t)
    return 0


def reach_and_flags(walker: Walker) -> None:
    """Reachability and the flags that may be set before each node, for the checks that need them."""
    s = walker.s
    tracks = [t for t in s.audiences if s.start in s.nodes and s.nodes[s.start].on_track(t)]
    graphs = [edges(walker, t) for t in tracks]
    for g in graphs:
        walker.visited_nodes.update(reached(walker, g, s.start))
    union: Edges = {n: [way for g in graphs for way in g[n]] for n in s.nodes}
    avail = {s.start: 0}
    order = post_order(union, s.start) if s.start in s.nodes else []
    if order is not None:  # no cycle: one pass in topological order
        for n in reversed(order):
            for c, t in union[n]:
                avail[t] = avail.get(t, 0) | avail.get(n, 0) | c.sets
    else:  # a cycle: grow to a fixpoint (each node's flags only grow, so this ends)
        todo = deque([s.start])
        while todo:
            n = todo.popleft()
            for c, t in union[n]:
                grown = avail.get(t, 0) | avail[n] | c.sets
                if t not in avail or grown != avail[t]:
                    avail[t] = grown
                    todo.append(t)
    walker.flags_at = avail
