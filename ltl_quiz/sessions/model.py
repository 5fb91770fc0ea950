"""The room's path through a case: one engine state for the whole room, walked a step at a time.

A session holds the room's engine ``State`` (the branch it followed at each decision, the
trainer's notes as its reflections) and a phase for the step on screen. Every step adds exactly
one answer to the room's state, so a step's number (``seq``) is the count of answers before it:
the same number keys the step's record, the learners' answers to it, and their attempts' rows.

Phases: ``lobby`` (live: learners are joining), ``reading`` (the narrative is on screen; a
decision is not yet open), ``open`` (answers are taken), ``revealed`` (the distribution and
feedback are shown; the trainer picks the branch; at a key question, the model answer points are
shown once the room has discussed it), ``finished`` (the case and its key questions
are done). Pure: no terminal, no database, no clock (times are passed in).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, cast

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.engine.state_machine import State
from ltl_quiz.errors import SessionMoved
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER, KINDS, answer_kinds, written_kinds
from ltl_quiz.scenario.model import Node, Scenario


@dataclass(frozen=True)
class Step:
    """One step of the room's path: a node of the case, or a key question in the debrief."""

    seq: int
    kind: str  # passage | decision | multi | reflection | key_question
    key: str  # the node id; for a debrief key question, the key question's id

    @property
    def at_node(self) -> bool:
        """The step shows a node of the case: its kind is a node kind, not the debrief's key question."""
        return self.kind in KINDS

    @property
    def is_choice(self) -> bool:
        return self.kind in answer_kinds(answering="choose")

    @property
    def is_discussion(self) -> bool:
        return self.kind in written_kinds()

    def key_question_id(self, scenario: Scenario) -> str:
        """The key question a discussion step asks."""
        if self.kind in answer_kinds(answering="write"):
            return scenario.nodes[self.key].key_question or ""
        return self.key


@dataclass(frozen=True)
class SessionState:
    """What the ``sessions.state`` column holds: the room's path and where the room is on it."""

    room: State
    phase: str
    opened_at: str | None = None
    discussion_minutes: float | None = None
    host: JSONObject = field(default_factory=dict)  # live: pid and machine of the host's process

    @property
    def seq(self) -> int:
        return len(self.room.answers)

    def to_json(self) -> JSONObject:
        return {
            "room": self.room.to_json(),
            "phase": self.phase,
            "seq": self.seq,
            "opened_at": self.opened_at,
            "discussion_minutes": self.discussion_minutes,
            "host": self.host,
        }

    @classmethod
    def from_json(cls, data: JSONObject) -> SessionState:
        """The state ``to_json`` wrote (its ``seq`` is not read back: the room's answers say it)."""
        saved = cast("dict[str, Any]", data)
        return cls(
            room=State.from_json(saved["room"]),
            phase=saved["phase"],
            opened_at=saved.get("opened_at"),
            discussion_minutes=saved.get("discussion_minutes"),
            host=saved.get("host") or {},
        )


def first_state(scenario: Scenario, track: str, kind: str, at: str, discussion_minutes: float | None = None) -> SessionState:
    """A new session at the start of the case: live sessions wait in the lobby for learners."""
    room = engine.start(scenario, track, "practice", seed=0)  # practice: options in the author's order
    state = SessionState(room, "lobby", discussion_minutes=discussion_minutes)
    return state if kind == engine.LIVE else begin(scenario, state, 0, at)


def current_step(scenario: Scenario, room: State) -> Step | None:
    """The step the room is at, or None once the case and every key question are done."""
    seq = len(room.answers)
    if not engine.at_end(scenario, room):
        node = engine.current(scenario, room)
        return Step(seq, node.type, node.id)
    pending = engine.pending_key_questions(scenario, room)
    return Step(seq, KEY_QUESTION_ANSWER, pending[0].id) if pending else None


def step_of(scenario: Scenario, state: SessionState) -> Step | None:
    return current_step(scenario, state.room)


def node_of(scenario: Scenario, step: Step) -> Node | None:
    """The node a step shows (None for a debrief key question, which has no node)."""
    return scenario.nodes.get(step.key) if step.at_node else None


def begin(scenario: Scenario, state: SessionState, expect_seq: int, at: str) -> SessionState:
    """Leave the lobby: the room starts reading the first step."""
    _expect(state, expect_seq, ("lobby",))
    phase = _phase_for(step_of(scenario, state))
    return replace(state, phase=phase, opened_at=at if phase == "open" else None)


def open_step(scenario: Scenario, state: SessionState, expect_seq: int, at: str) -> SessionState:
    """Open a decision for answers (discussion steps open as soon as they are reached)."""
    _expect(state, expect_seq, ("reading",))
    step = step_of(scenario, state)
    if step is None or not step.is_choice:
        raise SessionMoved(f"step {expect_seq} is not a decision; there is nothing to open")
    return replace(state, phase="open", opened_at=at)


def reveal(state: SessionState, expect_seq: int) -> SessionState:
    """Stop taking answers to a decision and show the room what it chose; at a key question, show the
    model answer points now that the room has discussed it (reflections can still be written)."""
    _expect(state, expect_seq, ("open",))
    return replace(state, phase="revealed")


def advance(scenario: Scenario, state: SessionState, expect_seq: int, response: engine.Response, at: str) -> SessionState:
    """Move the room on: past a passage, down the branch followed, or past a discussed question."""
    step = step_of(scenario, state)
    if step is None:
        raise SessionMoved("the case is finished; there is no step to move on from")
    reading, choosing = answer_kinds(answering="read"), answer_kinds(answering="choose")
    allowed = ("reading",) if step.kind in reading else ("revealed",) if step.kind in choosing else ("open", "revealed")
    _expect(state, expect_seq, allowed)
    if step.kind == KEY_QUESTION_ANSWER:
        assert isinstance(response, engine.Reflect)
        room = engine.reflect(scenario, state.room, step.key, response)
    else:
        room, _ = engine.answer(scenario, state.room, response)
    nxt = current_step(scenario, room)
    phase = _phase_for(nxt)
    return replace(state, room=room, phase=phase, opened_at=at if phase == "open" else None)


def _phase_for(step: Step | None) -> str:
    if step is None:
        return "finished"
    return "open" if step.is_discussion else "reading"


def _expect(state: SessionState, seq: int, phases: tuple[str, ...]) -> None:
    if state.seq != seq or state.phase not in phases:
        raise SessionMoved(
            f"the session is at step {state.seq + 1} ({state.phase}), not step {seq + 1} ({' or '.join(phases)}); "
            "is another screen driving it? Close the other screen and resume this one"
        )


def room_path(room: State) -> list[tuple[Step, list[str]]]:
    """Each step the room took, with the option(s) it followed (empty for passages and discussions)."""
    return [(Step(seq, a.kind, a.node_id), list(a.option_ids)) for seq, a in enumerate(room.answers)]
