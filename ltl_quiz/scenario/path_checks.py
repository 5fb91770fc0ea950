"""The checks that need the walk of every path: unreachable nodes, flags, and whether a pass means something.

Each reads what the ``Walker`` of ``paths.py`` found and reports through it, so a problem found
twice (on two tracks) is reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.scenario.yaml_source import PathKey
from ltl_quiz.text import counted

if TYPE_CHECKING:
    from ltl_quiz.scenario.path_report import TrackReport
    from ltl_quiz.scenario.paths import Walker

LONGEST_SHARE = 1 / 3  # more decisions than this whose best option is the longest is a giveaway
LONGEST_MIN_DECISIONS = 3  # a share of fewer decisions says nothing (one decision is 0% or 100%)


def check_reach(scenario: Scenario, walker: Walker) -> None:
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


def check_flags(scenario: Scenario, walker: Walker) -> None:
    read: set[str] = set()
    set_anywhere = {flag for node in scenario.nodes.values() for o in node.options for flag in o.sets}
    for node_id, flags, path, own in _flag_reads(scenario):
        for flag in flags:
            read.add(flag)
            if node_id not in walker.visited_nodes:
                continue
            available = walker.flags_at.get(node_id, 0) | walker.prep.bits(own)
            if kind_of(scenario.nodes[node_id].type).choice:  # the node's own options set flags first
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


def check_discrimination(walker: Walker, tracks: dict[str, TrackReport]) -> None:
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
                f"on the {track} track the best option is also the longest in {len(t.longest)} of {counted(t.decisions, 'decision')} "
                f"({round(100 * t.longest_share)}%, more than a third), so picking the longest pays: "
                f"make the other options as long and careful ({', '.join(t.longest)})",
                "warning",
            )
