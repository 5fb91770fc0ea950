"""A participant's own record of a session: the room's path, with their answers where they gave them.

Each step the participant was present for becomes one answer row in their attempt, numbered by
the step's ``seq``: their own choice at a decision when they gave one individually (else no
option, and no points), the reflection they wrote at a key question (else none). Scores count
only individual answers, and a group session is never marked passed or failed: it is a record of
attendance and of what each person said, not an assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ltl_quiz.engine.state_machine import Answer, State
from ltl_quiz.scenario.kinds import answer_kinds, answering_of
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.scenario.scoring import award
from ltl_quiz.sessions.model import Step


@dataclass(frozen=True)
class OwnAnswer:
    """What one participant gave at one step: options, or a written reflection and ticked points."""

    option_ids: list[str] = field(default_factory=list)
    text: str | None = None
    covered: list[int] = field(default_factory=list)


def participant_answer(scenario: Scenario, step: Step, own: OwnAnswer | None) -> Answer:
    """The row for one step in a participant's attempt."""
    if answering_of(step.kind) == "read":
        return Answer(step.key, step.kind)
    if step.is_choice:
        if own is None:
            return Answer(step.key, step.kind)
        node = scenario.nodes[step.key]
        got = award(node, own.option_ids)
        return Answer(step.key, step.kind, list(own.option_ids), None, [], got.points, dict(got.competencies), list(got.critical))
    if own is None or not (own.text or "").strip():
        return Answer(step.key, step.kind)
    return Answer(step.key, step.kind, [], own.text, sorted(set(own.covered)))


def participant_state(room: State, kind: str, answers: list[Answer]) -> State:
    """A participant's engine state: the room's node and flags, their own answers."""
    return replace(room, mode=kind, seed=0, answers=list(answers))


@dataclass(frozen=True)
class Beside:
    """One decision the room took: what this participant chose (None: no answer of theirs) and the branch the room followed."""

    node_id: str
    mine: list[str] | None
    room: list[str]


def decisions_beside(room: State, mine: dict[int, OwnAnswer]) -> list[Beside]:
    """Each decision on the room's path, with the participant's own answer at it (``mine`` by step number)."""
    besides = []
    for seq, answer in enumerate(room.answers):
        if answer.kind in answer_kinds(answering="choose"):
            own = mine.get(seq)
            besides.append(Beside(answer.node_id, list(own.option_ids) if own is not None else None, list(answer.option_ids)))
    return besides
