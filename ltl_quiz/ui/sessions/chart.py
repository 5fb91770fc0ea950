"""A distribution as a bar chart in plain text: the same lines on a projector, a log or a screen reader."""

from __future__ import annotations

from dataclasses import dataclass

from ltl_quiz.scenario.model import Node, Option
from ltl_quiz.sessions.letters import lettered
from ltl_quiz.sessions.tally import Distribution


@dataclass(frozen=True)
class Bar:
    """One row of the chart."""

    letter: str
    option: Option
    count: int
    percent: int
    filled: int
    width: int
    recommended: bool

    def text(self, full: str = "#", empty: str = ".") -> str:
        return full * self.filled + empty * (self.width - self.filled)

    @property
    def figure(self) -> str:
        return f"{self.count} ({self.percent}%)"


def bars(node: Node, dist: Distribution, width: int = 30) -> list[Bar]:
    """Rows in option order; a bar's length is its share of those who answered."""
    recommended = set(node.recommended)
    rows = []
    for let, opt in lettered(node):
        count = dist.counts.get(opt.id, 0)
        share = dist.share(opt.id)
        rows.append(Bar(let, opt, count, round(100 * share), round(width * share), width, opt.id in recommended))
    return rows


def plain_chart(node: Node, dist: Distribution, width: int = 30) -> list[str]:
    """The chart as lines of ASCII: letter, bar, count and share, then the option's text."""
    lines = []
    for bar in bars(node, dist, width):
        mark = "  recommended" if bar.recommended else ""
        lines.append(f"{bar.letter}  {bar.text()}  {bar.figure}{mark}")
        lines.append(f"   {' '.join(bar.option.text.split())}")
    return lines
