"""The rows of the group-session tables as the store reads them: plain values, no session rules.

The session's own state is kept as the JSON the ``sessions`` package wrote (``SessionRow[dict]``);
``ltl_quiz.sessions.rows`` turns it back into its model, so the store never imports that package.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar

from ltl_quiz.config import Learner
from ltl_quiz.json_types import JSONObject

StateT = TypeVar("StateT")
OtherT = TypeVar("OtherT")
StateJSON = JSONObject  # a session state as ``SessionState.to_json`` wrote it: the store does not read inside it


@dataclass
class SessionRow(Generic[StateT]):
    """One session as stored; ``state`` is its JSON here, and the session model in ``sessions``."""

    code: str
    scenario_id: str
    scenario_sha256: str
    track: str
    kind: str
    trainer: str
    status: str
    created_at: str
    updated_at: str
    state: StateT

    def with_state(self, state: OtherT) -> SessionRow[OtherT]:
        """The same row with its state read into another form."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "state"}
        return SessionRow(**values, state=state)


@dataclass
class ParticipantRow:
    """Someone on the session's list, and whether and when they took part."""

    learner_id: str
    name: str
    unit: str
    list_no: int
    attempt_id: str | None
    present: bool
    joined_at: str | None
    joined_seq: int | None
    left_at: str | None

    @property
    def learner(self) -> Learner:
        return Learner(self.learner_id, self.name, self.unit)

    @property
    def here(self) -> bool:
        """Taking part now: present and not gone."""
        return self.present and self.left_at is None


@dataclass
class AnswerRow:
    """One person's answer at one step of a session."""

    id: str
    seq: int
    learner_id: str
    key: str
    option_ids: list[str]
    text: str | None
    covered: list[int]
    entered_by: str
    answered_at: str


@dataclass
class StepRow:
    """The record of one step the room took."""

    seq: int
    kind: str
    key: str
    method: str | None
    counts: dict[str, int]
    responses: int
    room_choice: list[str]
    followed: list[str]
    reason: str | None
    notes: str | None
    shown_at: str
    opened_at: str | None
    revealed_at: str | None
    closed_at: str | None


@dataclass(frozen=True)
class LeaseRow:
    """The lease columns of a participant's row: which terminal holds their place, last seen when."""

    terminal: str
    host: str
    pid: int
    seen_at: str
