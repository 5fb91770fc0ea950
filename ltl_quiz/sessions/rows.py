"""The session rows as the screens read them: the store's rows with the session model put back.

The store keeps a session's state as JSON and answers and steps as plain values (it never imports
this package); here the state becomes a ``SessionState`` again, an answer gives its ``OwnAnswer``
and a step its ``Distribution``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self, TypeAlias

from ltl_quiz.sessions import tally
from ltl_quiz.sessions.model import SessionState
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store import session_rows as stored
from ltl_quiz.store.session_rows import ParticipantRow, StateJSON

__all__ = ["AnswerRow", "ParticipantRow", "Revealed", "SessionRow", "StepRow", "Submitted", "session_of"]

SessionRow: TypeAlias = stored.SessionRow[SessionState]


def session_of(row: stored.SessionRow[StateJSON]) -> SessionRow:
    return row.with_state(SessionState.from_json(row.state))


class _Read:
    """A store row read into its subclass here, which adds what the session model makes of it."""

    @classmethod
    def of(cls, row: object) -> Self:
        return cls(**vars(row))


@dataclass
class AnswerRow(stored.AnswerRow, _Read):
    """One person's answer at one step of a session."""

    @property
    def own(self) -> OwnAnswer:
        return OwnAnswer(self.option_ids, self.text, self.covered)


@dataclass
class StepRow(stored.StepRow, _Read):
    """The record of one step the room took."""

    @property
    def distribution(self) -> tally.Distribution:
        return tally.Distribution(dict(self.counts), self.responses)


@dataclass
class Revealed:
    """What a reveal computed: the new state, the distribution and the room's choice."""

    state: SessionState
    distribution: tally.Distribution
    choice: tally.RoomChoice
    method: str


@dataclass
class Submitted:
    """The outcome of a learner's answer: ``saved``, ``already`` (answered before) or ``closed``."""

    outcome: str
    answer: AnswerRow | None = None
