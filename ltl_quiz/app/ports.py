"""What the application layer needs from the learner's terminal, as Protocols the CLI's objects meet.

The app decides who takes part, what is resumed and what runs; drawing and prompting stay in
``ltl_quiz.ui``, which the app never imports: the CLI builds a ``Terminal`` there and passes it in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ltl_quiz.config import Learner
    from ltl_quiz.engine.state_machine import State
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.store.journal import OfflineSafeStore

Choice = tuple[str, str]  # (value, label), as the prompts take them


class Asker(Protocol):
    """A person at the terminal who can be asked (the prompts ``ltl_quiz.ui.prompts`` offers), and
    told why an answer was refused: the app never prints, the prompts say it where they ask."""

    def say(self, text: str) -> None: ...
    def confirm(self, key: str, message: str, default: bool = True) -> bool: ...
    def select(self, key: str, message: str, choices: Sequence[Choice]) -> str: ...
    def text(self, key: str, message: str) -> str: ...


class CaseRunner(Protocol):
    """One case played at the terminal, from its start or from where an attempt stopped."""

    attempt_id: str | None

    def start(self, learner: Learner, track: str, mode: str, seed: int | None = None) -> object: ...
    def resume(self, attempt_id: str, state: State, learner: Learner) -> object: ...


@runtime_checkable
class FromFile(Protocol):
    """Prompts answered from a file (``run --answers``): nobody is at the terminal to ask who they are."""

    @property
    def answers(self) -> Mapping[str, object]:  # the file's YAML, node id -> answer, not yet checked
        ...

    @property
    def source(self) -> str: ...


def nobody_to_ask(ask: Asker | None) -> bool:
    """True when no person can be asked: no prompts at all, or answers taken from a file."""
    return ask is None or isinstance(ask, FromFile)


class Terminal(Protocol):
    """The learner's terminal: lines for them, a person to ask (or a file of answers), and a runner."""

    @property
    def prompter(self) -> Asker:
        """The prompts: a person's, or a file's answers (then also a ``FromFile``)."""

    def say(self, text: str) -> None:
        """A line for the learner."""

    def warn(self, text: str) -> None:
        """A line on standard error (a scenario file left out, say)."""

    def runner(self, store: OfflineSafeStore, scenario: Scenario) -> CaseRunner:
        """A runner that plays ``scenario`` here and records it in ``store``."""
