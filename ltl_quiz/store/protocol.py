"""What taking an attempt needs of a store: the results store and the offline journal both do it.

The runner writes through an ``AttemptStore`` (only what it needs: a store may take more, as
``Store.start_attempt`` takes a session code and a chosen id): ``Store`` (the database), ``Journal`` (this
computer's files, while the database cannot be reached) or ``OfflineSafeStore``, which hands over
from the first to the second. ``OfflineSafeStore`` calls each of the other two through this
protocol, so mypy checks that both implement it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ltl_quiz.store.rows import TERMINAL

if TYPE_CHECKING:
    from ltl_quiz.config import Learner
    from ltl_quiz.engine.state_machine import Answer, Result, State
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.store.rows import AttemptRow


class AttemptStore(Protocol):
    """Where one attempt's record goes, answer by answer, and where a resume finds it again."""

    url: str

    def start_attempt(self, learner: Learner, scenario: Scenario, state: State, best: int, *, how_answered: str = TERMINAL) -> str:
        """Begin an attempt; returns its id (a UUID the store or the journal chose)."""
        ...

    def record(self, attempt_id: str, state: State, answer: Answer, shown_at: str, result: Result, answer_id: str | None = None) -> None:
        """One answer and the state it led to, together."""
        ...

    def finish(self, attempt_id: str, result: Result) -> None: ...

    def mark_scripted(self, attempt_id: str) -> None: ...

    def hold(self, attempt_id: str, ms: int) -> None:
        """Add ``ms`` of time before the learner at a prompt that left no answer row (part of time spent)."""
        ...

    def abandon(self, attempt_id: str) -> None: ...

    def learner(self, learner_id: str) -> Learner | None: ...

    def attempt(self, prefix: str) -> AttemptRow: ...

    def attempts(self, learner_id: str | None = None, status: str | None = None) -> list[AttemptRow]: ...

    def close(self) -> None: ...
