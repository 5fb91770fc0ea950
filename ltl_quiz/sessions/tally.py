"""What the room chose at a decision: counts per option, who answered, and the room's choice.

A count comes either from each participant's own answer (typed by the trainer or given at a
learner's terminal) or from a show of hands. At a decision the room's choice is the option most
people chose; a tie is no choice, and the trainer picks. At a multi the room's selection is every
option more than half of those answering ticked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ltl_quiz.errors import InputError
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node
from ltl_quiz.text import counted


@dataclass(frozen=True)
class Distribution:
    """People per option (at a multi, people who ticked it) and how many answered at all."""

    counts: dict[str, int]
    responses: int

    def share(self, option_id: str) -> float:
        return self.counts.get(option_id, 0) / self.responses if self.responses else 0.0

    def to_json(self) -> dict[str, int]:
        return dict(self.counts)


@dataclass(frozen=True)
class RoomChoice:
    """The branch the room's answers point to; ``tied`` lists the options level at the top."""

    option_ids: list[str]
    tied: list[str] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        return not self.tied


def from_choices(node: Node, choices: Iterable[list[str]]) -> Distribution:
    """Tally individual answers, each a list of option ids (one at a decision, any at a multi)."""
    counts = {o.id: 0 for o in node.options}
    responses = 0
    for chosen in choices:
        responses += 1
        for option_id in set(chosen):
            if option_id in counts:
                counts[option_id] += 1
    return Distribution(counts, responses)


def from_hands(node: Node, hands: dict[str, int], voters: int | None = None) -> Distribution:
    """A show of hands: a count per option; at a multi also how many people voted at all."""
    counts = {o.id: int(hands.get(o.id, 0)) for o in node.options}
    if any(n < 0 for n in counts.values()):
        raise InputError("a count of hands cannot be negative")
    if not kind_of(node.type).several:  # one hand each: everyone who voted raised one
        return Distribution(counts, sum(counts.values()))
    responses = voters if voters is not None else max(counts.values(), default=0)
    if any(n > responses for n in counts.values()):
        raise InputError(f"more hands for one action than the {counted(responses, 'person', 'people')} voting")
    return Distribution(counts, responses)


def room_choice(node: Node, dist: Distribution) -> RoomChoice:
    """The majority's branch: see the module docstring for ties and multis."""
    if kind_of(node.type).several:
        return RoomChoice([o.id for o in node.options if dist.counts.get(o.id, 0) * 2 > dist.responses])
    if dist.responses == 0:
        return RoomChoice([], [o.id for o in node.options])
    top = max(dist.counts.values())
    leaders = [o.id for o in node.options if dist.counts.get(o.id, 0) == top]
    if len(leaders) > 1:
        return RoomChoice([], leaders)
    return RoomChoice(leaders)
