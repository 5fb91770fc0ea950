"""The ways out of every node, prepared once per scenario, for the path analysis in ``paths.py``.

Flags are bits of an int, so a walk state is two small ints and set operations are single
instructions. Each node also knows its *live* flags: those read by a route at that node or at any
node reachable from it. A flag that is not live can never change where a path goes, so the
analysis drops it from the state; without that, every flag an author sets would double the
states to walk, whether or not anything reads it.

A multi's ticks are grouped by the flags they set: ticks that set the same flags lead to the same
place, so the analysis walks one choice per group, carrying the group's lowest, highest and best
non-critical points. The groups are found from the flag-setting options alone (at most 2**12
subsets); the other options only add to or take from the points, which needs no enumeration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Option, Route, Scenario
from ltl_quiz.scenario.scoring import award
from ltl_quiz.scenario.yaml_source import PathKey

MAX_MULTI_OPTIONS = 12


@dataclass(frozen=True)
class RouteBits:
    """A route with its flags as bits: taken when every ``need`` bit is set and no ``block`` bit."""

    goto: str
    track: str | None
    need: int
    block: int

    def matches(self, flags: int, track: str) -> bool:
        if self.track and self.track != track:
            return False
        return flags & self.need == self.need and not flags & self.block

    def always(self, track: str) -> bool:
        """Taken whatever the flags, on ``track``: nothing after it is ever reached."""
        return not self.need and not self.block and self.track in (None, track)


@dataclass(frozen=True)
class Choice:
    """One way to answer a node: an option, a group of ticks at a multi, or reading on."""

    label: str
    low: int
    high: int
    ok: int | None  # the most points without a critical option; None if every way is critical
    sets: int
    failing: tuple[tuple[int, int], ...]  # (option index, most points with it and no critical)
    routes: tuple[RouteBits, ...]
    route_path: PathKey
    scored: bool
    ways: int = 1  # paths it stands for: a whole multi taken as one stands for each set of flags it may set


class Prepared:
    """Everything about a scenario's nodes the walk needs, computed once."""

    def __init__(self, scenario: Scenario):
        self.s = scenario
        names = sorted({f for n in scenario.nodes.values() for f in _flags_named(n)})
        self.bit = {name: 1 << i for i, name in enumerate(names)}
        self.too_many = [nid for nid, n in scenario.nodes.items() if kind_of(n.type).several and len(n.options) > MAX_MULTI_OPTIONS]
        self._summary = {nid: self._choices(node, summary=True) for nid, node in scenario.nodes.items()}
        self._choices_at: dict[str, list[Choice]] = {}
        self.live = self._live()

    def summary(self, node_id: str) -> list[Choice]:
        """The ways out of a node with a multi's ticks taken as one (for bounds, where flags are forgotten)."""
        return self._summary[node_id]

    def choices(self, node_id: str) -> list[Choice]:
        """The ways out of a node, a multi's ticks grouped by the live flags they set; built when first walked."""
        got = self._choices_at.get(node_id)
        if got is None:
            node = self.s.nodes[node_id]
            got = self._choices_at[node_id] = self._choices(node, summary=False) if kind_of(node.type).several else self._summary[node_id]
        return got

    def bits(self, names: list[str] | set[str] | frozenset[str]) -> int:
        out = 0
        for name in names:
            out |= self.bit[name]
        return out

    def _routes(self, routes: list[Route]) -> tuple[RouteBits, ...]:
        return tuple(RouteBits(r.goto, r.track, self.bits(r.if_flags), self.bits(r.unless)) for r in routes)

    def _choices(self, node: Node, summary: bool) -> list[Choice]:
        base: PathKey = ("nodes", node.id)
        kind = kind_of(node.type)
        if kind.ending:
            return []
        if kind.choice and not kind.several:
            return [self._option(node, i, opt) for i, opt in enumerate(node.options)]
        routes = self._routes(node.next or [])
        if kind.several:
            if summary:
                return self._groups(node, routes, keep=0)
            after = 0
            for r in routes:
                after |= r.need | r.block | self.live.get(r.goto, 0)
            return self._groups(node, routes, keep=after)
        return [Choice("continue", 0, 0, 0, 0, (), routes, (*base, "next"), False)]

    def _option(self, node: Node, i: int, opt: Option) -> Choice:
        got = award(node, [opt.id])
        path: PathKey = ("nodes", node.id, "options", i, "next") if opt.next else ("nodes", node.id, "next")
        ok = None if got.critical else got.points
        failing = ((i, got.points),) if is_failing(opt) and ok is not None else ()
        return Choice(opt.id, got.points, got.points, ok, self.bits(got.flags), failing, self._routes(node.routes_for(opt.id)), path, True)

    def _groups(self, node: Node, routes: tuple[RouteBits, ...], keep: int) -> list[Choice]:
        """One choice per set of ``keep`` flags the ticks can set; points as ``scoring.award`` gives them.

        ``keep`` is the flags anything after the node reads: an option setting none of those is
        plain, it changes only the points, and plain options need no enumeration. With ``keep``
        0 there is one choice for the whole node, setting every flag any option sets.
        """
        options = list(node.options)[:MAX_MULTI_OPTIONS]
        own = [self.bits(o.sets) for o in options]
        setting = [i for i in range(len(options)) if own[i] & keep]
        plain = [i for i in range(len(options)) if not own[i] & keep]
        points = [o.points for o in options]  # raw points: a multi floors the sum, not each option
        crit = [o.critical for o in options]
        fail = [is_failing(o) for o in options]
        plain_low = sum(min(0, points[i]) for i in plain)
        plain_high = sum(max(0, points[i]) for i in plain)
        plain_ok = sum(max(0, points[i]) for i in plain if not crit[i])
        always = 0 if keep else self.bits({f for o in options for f in o.sets})
        size = 1 << len(setting)
        union, raw, critical = [0] * size, [0] * size, [False] * size
        # (flags) -> [raw low, raw high, raw ok or None, label, {failing option: raw ok with it}]
        groups: dict[int, list[Any]] = {}
        for mask in range(size):
            if mask:
                k = (mask & -mask).bit_length() - 1  # the lowest option in the subset, added to the rest
                rest, i = mask & (mask - 1), setting[k]
                union[mask], raw[mask], critical[mask] = union[rest] | (own[i] & keep), raw[rest] + points[i], critical[rest] or crit[i]
            g = groups.get(union[mask])
            if g is None:
                label = ",".join(options[setting[k]].id for k in range(len(setting)) if mask >> k & 1)
                g = groups[union[mask]] = [raw[mask] + plain_low, raw[mask] + plain_high, None, label, {}]
            g[0], g[1] = min(g[0], raw[mask] + plain_low), max(g[1], raw[mask] + plain_high)
            if critical[mask]:
                continue
            best = raw[mask] + plain_ok
            g[2] = best if g[2] is None else max(g[2], best)
            for k in range(len(setting)):
                if mask >> k & 1 and fail[setting[k]]:
                    g[4][setting[k]] = max(g[4].get(setting[k], best), best)
            for j in plain:
                if fail[j] and not crit[j]:
                    with_j = best - max(0, points[j]) + points[j]
                    g[4][j] = max(g[4].get(j, with_j), with_j)
        path: PathKey = ("nodes", node.id, "next")
        return [
            Choice(
                label,
                max(0, low),
                max(0, high),
                None if ok is None else max(0, ok),
                flags | always,
                tuple(sorted((j, max(0, v)) for j, v in failing.items())),
                routes,
                path,
                True,
                1 if keep else 1 << sum(1 for o in options if o.sets),
            )
            for flags, (low, high, ok, label, failing) in groups.items()
        ]

    def _live(self) -> dict[str, int]:
        """Flags read at each node or anywhere after it: a fixpoint over the node graph."""
        reads = {nid: 0 for nid in self.s.nodes}
        succ: dict[str, set[str]] = {nid: set() for nid in self.s.nodes}
        for nid, choices in self._summary.items():
            for c in choices:
                for r in c.routes:
                    reads[nid] |= r.need | r.block
                    if r.goto in self.s.nodes:
                        succ[nid].add(r.goto)
        pred: dict[str, set[str]] = {nid: set() for nid in self.s.nodes}
        for nid, targets in succ.items():
            for t in targets:
                pred[t].add(nid)
        live = dict(reads)
        todo = list(self.s.nodes)
        while todo:
            nid = todo.pop()
            for p in pred[nid]:
                grown = live[p] | live[nid]
                if grown != live[p]:
                    live[p] = grown
                    todo.append(p)
        return live


def is_failing(option: Option) -> bool:
    """The option repeats a failing of the real case (``real_case: {did: failing}``)."""
    return option.real_case is not None and option.real_case.did == "failing"


def _flags_named(node: Node) -> set[str]:
    out = {f for o in node.options for f in o.sets}
    for r in node.next or []:
        out.update(r.if_flags, r.unless)
    for o in node.options:
        for r in o.next or []:
            out.update(r.if_flags, r.unless)
    return out
