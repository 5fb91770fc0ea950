"""How a choice turns into points: one definition shared by the engine and the path walker.

Keeping it in one place means the best score the validator reports is exactly the best score the
engine can award, so a percentage can never exceed 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node


@dataclass(frozen=True)
class Award:
    """What one answer earns."""

    points: int
    competencies: dict[str, int] = field(default_factory=dict)
    critical: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()


def award(node: Node, chosen: list[str]) -> Award:
    """Points for choosing ``chosen`` at a decision (one id) or multi (any ids) node.

    A multi adds its chosen options' points and competency points, each floored at 0, so ticking
    a wrong action costs marks earned at that node but never marks earned elsewhere.
    """
    options = [node.option(option_id) for option_id in chosen]
    points = sum(o.points for o in options)
    competencies: dict[str, int] = {}
    for opt in options:
        for tag, value in opt.competencies.items():
            competencies[tag] = competencies.get(tag, 0) + value
    if kind_of(node.type).several:
        points = max(0, points)
        competencies = {tag: max(0, v) for tag, v in competencies.items()}
    flags = frozenset(flag for o in options for flag in o.sets)
    critical = tuple(o.id for o in options if o.critical)
    return Award(points, competencies, critical, flags)


def percentage(score: int, best: int) -> float:
    """Score as a percentage of the best reachable, to one decimal place."""
    if best <= 0:
        return 100.0
    return round(100.0 * score / best, 1)


def competency_best(node: Node) -> dict[str, int]:
    """The most of each competency one answer at ``node`` can earn, by the rules of ``award``.

    A decision takes one option, so each tag's best is its best single option; a multi adds
    the options it takes and floors each tag at 0, so its best is the sum of the positive ones.
    """
    best: dict[str, int] = {}
    several = kind_of(node.type).several
    for opt in node.options:
        for tag, value in opt.competencies.items():
            if several:
                best[tag] = best.get(tag, 0) + max(0, value)
            else:
                best[tag] = max(best.get(tag, 0), value)
    return best
