"""Every error ltl-quiz raises on purpose.

The library raises these; only the CLI turns them into one-line messages and exit codes, so no
traceback ever reaches a learner for a problem that is theirs to fix.
"""

from __future__ import annotations

from dataclasses import dataclass


class LtlQuizError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem in a content file, located precisely enough for an author to jump to it."""

    file: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(LtlQuizError):
    """A scenario file that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid scenario")


class ScenarioNotFound(LtlQuizError):
    """No scenario with the id or path the user gave."""


class AnswersError(LtlQuizError):
    """An ``--answers`` file that is malformed or does not cover a prompt it must answer."""


class InputError(LtlQuizError):
    """A command-line value that makes no sense (bad track, unknown learner, ...)."""


class BadOptionValue(InputError):
    """A value an option cannot take (a date that is not one, a count below 1): a usage error, exit 2,
    as for the values the command line itself refuses (issue 13)."""

    exit_code = 2


class StoreError(LtlQuizError):
    """The results store cannot be opened or written."""


class AttemptNotFound(LtlQuizError):
    """No attempt matches the id the user gave."""


class LearnerLeft(LtlQuizError):
    """The learner pressed Ctrl-C or closed the terminal at a prompt; their work is kept."""

    exit_code = 130
