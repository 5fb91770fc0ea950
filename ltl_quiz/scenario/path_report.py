"""What the path analysis finds on each track, and the figures computed from it.

The walk in ``paths.py`` (or the proven bounds of ``path_bounds.py``) fills a ``TrackReport``
per track; ``validate`` prints it, ``--json`` writes its ``as_dict()``, and the checks in
``path_checks.py`` judge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ltl_quiz.errors import Problem
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.scenario.path_steps import MAX_MULTI_OPTIONS, is_failing
from ltl_quiz.scenario.scoring import percentage


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

    def as_dict(self) -> JSONObject:
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

    def as_dict(self) -> JSONObject:
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
        for j, opt in enumerate(node.options[:MAX_MULTI_OPTIONS] if kind_of(node.type).several else node.options):
            if not is_failing(opt):
                continue
            score = best.get((node_id, j))
            pct = None if score is None else percentage(score, report.max_score)
            reaches = score is not None and report.pass_score is not None and score >= report.pass_score
            out.append(FailingReach(node_id, opt.id, j, score, pct, reaches and proven, proven or not reaches))
    return out


def mark_longest(scenario: Scenario, report: TrackReport) -> None:
    """Decisions on the track whose best option is also the longest: a pass by reading nothing."""
    for node_id in sorted(report.reached):
        node = scenario.nodes[node_id]
        if _one_of(node) and len({o.points for o in node.options}) > 1:
            report.scored.append(node_id)
            if best_is_longest(node):
                report.longest.append(node_id)


def _one_of(node: Node) -> bool:
    """A node where exactly one option is taken: the decisions whose longest option could give the best away."""
    kind = kind_of(node.type)
    return kind.choice and not kind.several


def best_is_longest(node: Node) -> bool:
    """The recommended option is longer than every other: what a learner picking the longest picks.

    Options of equal length give that learner nothing to go on, so a tie is not counted.
    """
    best = node.option(node.recommended[0])
    return all(len(best.text) > len(o.text) for o in node.options if o is not best)
