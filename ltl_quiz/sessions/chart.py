"""A distribution as a bar chart in plain text: the same lines on a projector, a log or a screen reader."""

from __future__ import annotations

import string
from dataclasses import dataclass

from ltl_quiz.scenario.model import Node, Option
from ltl_quiz.sessions.tally import Distribution

LETTERS = string.ascii_uppercase


def letter(index: int) -> str:
    """Options are called out by letter in a room: A, B, C..."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def lettered(node: Node) -> list[tuple[str, Option]]:
    return [(letter(i), opt) for i, opt in enumerate(node.options)]


def letter_of(node: Node, option_id: str) -> str:
    return next(letter(i) for i, o in enumerate(node.options) if o.id == option_id)


def letters_of(node: Node, option_ids: list[str]) -> str:
    return ", ".join(letter_of(node, i) for i in option_ids) or "none"


def letters_and(node: Node, option_ids: list[str]) -> str:
    """'A and B', 'A, B and D': for sentences."""
    letters = [letter_of(node, i) for i in option_ids]
    return ", ".join(letters[:-1]) + " and " + letters[-1] if len(letters) > 1 else "".join(letters) or "none"


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
