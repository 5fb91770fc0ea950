"""The node kinds: what each type of node in a scenario is, declared once, in one table.

The loader, the JSON Schema, the path walker, the engine and the exporters ask this table what a
kind does rather than testing ``node.type`` against names; a new kind of node is one entry here
(and, for the terminal, one prompt in ``ui/``). Pure data: it imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How the learner answers at a node of the kind: read on, pick options, write an answer, or not at all.
Answering = Literal["read", "choose", "write", "none"]
# Where a node of the kind leads: by its own ``next``, by the chosen option's ``next`` (else the
# node's), or nowhere (an ending).
Routing = Literal["node", "option", "none"]
# How an answer is scored: not at all, by the one option taken, or by the options taken summed
# and floored at 0 (so ticking a wrong one costs marks earned here, never marks earned elsewhere).
Scoring = Literal["none", "one", "floored_sum"]

COMMON_FIELDS = frozenset({"type", "track", "title", "text"})


@dataclass(frozen=True)
class NodeKind:
    """Everything the rest of the code needs to know about one type of node."""

    name: str
    required: frozenset[str]  # fields a node of this kind must have
    fields: frozenset[str]  # every field it may have
    answering: Answering
    routing: Routing
    scoring: Scoring = "none"
    asks_key_question: bool = False  # the node asks one of the track's key questions
    xapi_interaction: str | None = None  # the xAPI interactionType of its answer; None: not an interaction
    answer_kind: str | None = None  # the kind its answer is stored under; None: no answer is stored

    @property
    def choice(self) -> bool:
        """The learner picks among the node's options (and ``several``: any number of them)."""
        return self.answering == "choose"

    @property
    def several(self) -> bool:
        """Any number of options may be taken, not exactly one."""
        return self.scoring == "floored_sum"

    @property
    def ending(self) -> bool:
        return self.routing == "none"


def _fields(*names: str) -> frozenset[str]:
    return COMMON_FIELDS | frozenset(names)


def _choice(name: str, required: set[str], routing: Routing, scoring: Scoring) -> NodeKind:
    """A kind where the learner picks among options: an xAPI ``choice`` interaction, stored under its own name."""
    fields = _fields("prompt", "options", "next")
    return NodeKind(name, frozenset(required), fields, "choose", routing, scoring=scoring, xapi_interaction="choice", answer_kind=name)


KINDS: dict[str, NodeKind] = {
    kind.name: kind
    for kind in (
        NodeKind("passage", frozenset({"text", "next"}), _fields("next"), "read", "node", answer_kind="passage"),
        _choice("decision", {"prompt", "options"}, "option", "one"),  # one option, which may route on its own
        _choice("multi", {"prompt", "options", "next"}, "node", "floored_sum"),  # any options; the node routes
        NodeKind(
            "reflection",
            frozenset({"key_question", "next", "track"}),
            _fields("key_question", "next"),
            "write",
            "node",
            asks_key_question=True,
            xapi_interaction="long-fill-in",
            answer_kind="reflection",
        ),
        NodeKind("end", frozenset({"title", "text", "feedback"}), _fields("feedback", "matches_real_case"), "none", "none"),
    )
}

# Debrief answers to a key question are stored beside the nodes' answers under this kind.
KEY_QUESTION_ANSWER = "key_question"


def kind_of(name: str) -> NodeKind:
    """The kind a node's ``type`` names; the loader has refused any other, so a miss is a bug."""
    return KINDS[name]


def answer_kinds(*, answering: Answering) -> tuple[str, ...]:
    """The stored answer kinds of every node kind answered that way (``choose``: the choices)."""
    return tuple(k.answer_kind for k in KINDS.values() if k.answering == answering and k.answer_kind)


def written_kinds() -> tuple[str, ...]:
    """Every stored kind of written answer: at a node that asks a key question, or in the debrief."""
    return (*answer_kinds(answering="write"), KEY_QUESTION_ANSWER)


def answered_kinds() -> tuple[str, ...]:
    """Every stored kind of answer but reading on past a node: the choices and the written answers."""
    return (*answer_kinds(answering="choose"), *written_kinds())


def answering_of(answer_kind: str) -> Answering:
    """How the learner answered to give an answer (or a session step) stored under ``answer_kind``:
    a debrief key question is written, as at a node that asks one; a kind no node stores is ``none``."""
    if answer_kind == KEY_QUESTION_ANSWER:
        return "write"
    return next((k.answering for k in KINDS.values() if k.answer_kind == answer_kind), "none")


def interaction(answer_kind: str) -> str | None:
    """The xAPI interactionType of an answer stored under ``answer_kind``; None: not an interaction."""
    if answer_kind == KEY_QUESTION_ANSWER:  # written in the debrief, as at a node that asks a key question
        return next((k.xapi_interaction for k in KINDS.values() if k.asks_key_question), None)
    return next((k.xapi_interaction for k in KINDS.values() if k.answer_kind == answer_kind), None)


def register(kind: NodeKind) -> None:
    """Add a node kind (a test's throwaway kind, or a new one declared beside the others)."""
    if kind.name in KINDS:
        raise ValueError(f"node kind {kind.name!r} is already declared")
    KINDS[kind.name] = kind


def unregister(name: str) -> None:
    KINDS.pop(name)
