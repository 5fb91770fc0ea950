"""Scenario text said to a room: a group session has no score and no pass (its records say so).

Option and ending feedback is written for one learner's attempt ("...so the attempt cannot pass").
Read out to a room, that told people a pass was at stake when none is; the sentence still says
something true and worth knowing, about what the choice would mean for an attempt of one's own.

The rule is applied once, to the case a session is run from (``for_room``), so that every screen
of every session (the reveal, a learner's own feedback, the ending, the room's decisions) reads
the same words, and none has to remember to rewrite them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ltl_quiz.scenario.model import Node, Scenario

# Who cannot pass: an attempt ("the", "this", "your"...), or the learner addressed when nothing
# follows "pass" ("you cannot pass on..." is about something else); then any way of saying it
# cannot (straight or curly apostrophe, across a line break), and "pass".
_CANNOT_PASS = re.compile(
    r"\b(?:((?:the|an?|this|your)\s+attempt)|(you))(\s+)(?:cannot|can[\u2019']t|can\s+not|will\s+not|won[\u2019']t)(\s+)pass\b"
    r"(?(2)(?!\s*\w))",
    re.IGNORECASE,
)
OF_A_CHOICE = "making this choice"
OF_AN_ENDING = "reaching this ending"


def in_room(text: str, doing: str = OF_A_CHOICE) -> str:
    """``text`` with every "the attempt cannot pass" said of an attempt of one's own ``doing`` so."""
    return _CANNOT_PASS.sub(lambda m: _said_of_ones_own(m, doing), text)


def for_room(scenario: Scenario) -> Scenario:
    """A copy of ``scenario`` whose option and ending feedback says no pass is at stake for the room."""
    return replace(scenario, nodes={key: _node_for_room(node) for key, node in scenario.nodes.items()})


def _node_for_room(node: Node) -> Node:
    options = [replace(opt, feedback=in_room(opt.feedback)) for opt in node.options]
    feedback = in_room(node.feedback, OF_AN_ENDING) if node.feedback else node.feedback
    return replace(node, options=options, feedback=feedback)


def _said_of_ones_own(match: re.Match[str], doing: str) -> str:
    article = "An" if (match.group(1) or match.group(2))[0].isupper() else "an"
    return f"{article} attempt of one's own {doing}{match.group(3)}could not{match.group(4)}pass"
