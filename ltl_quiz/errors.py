"""Every error ltl-quiz raises on purpose, in one place.

The library raises these; only the CLI turns them into one-line messages and exit codes, so no
traceback ever reaches a learner for a problem that is theirs to fix. Each says what went wrong
and what to do; ``exit_code`` is 1 unless the class says otherwise. Leaving (Ctrl-C or a terminal
that closes) is one class, ``Left``, whichever screen it happens on: exit 130.
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


class Left(LtlQuizError):
    """The user pressed Ctrl-C or their terminal closed at a prompt: exit 130, not an error.

    A prompt raises it bare; a screen that knows what was kept (an attempt saved, a session
    paused) raises it again with a message saying so and how to carry on.
    """

    exit_code = 130

    def __init__(self, message: str = "Stopped before a case study began; nothing to save."):
        super().__init__(message)


# -- content ------------------------------------------------------------------------------------
class ScenarioError(LtlQuizError):
    """A scenario file that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid scenario")


class ScenarioNotFound(LtlQuizError):
    """No scenario with the id or path the user gave."""


class LexiconError(LtlQuizError):
    """The lexicon file is malformed: an entry lacks a field or a pattern does not compile."""


class PlanError(LtlQuizError):
    """A plan file that cannot be read or does not have the shape of a plan."""


class AnswersError(LtlQuizError):
    """An ``--answers`` file that is malformed or does not cover a prompt it must answer."""


# -- what the user typed, files read and written ---------------------------------------------------
class InputError(LtlQuizError):
    """A command-line value that makes no sense (bad track, unknown learner, ...)."""


class BadOptionValue(InputError):
    """A value an option cannot take (a date that is not one, a count below 1): a usage error, exit 2,
    as for the values the command line itself refuses (issue 13)."""

    exit_code = 2


class FileRefused(LtlQuizError):
    """A named file that is not a readable regular file within the size limit.

    ``cause`` is the system's own words when the file could not be opened at all (missing, no
    permission, a looping link), for callers that phrase that case themselves.
    """

    def __init__(self, message: str, cause: str | None = None):
        super().__init__(message)
        self.cause = cause


class OutputRefused(LtlQuizError):
    """The place named for output is not somewhere a regular file can be written."""


# -- the store ---------------------------------------------------------------------------------

class StoreError(LtlQuizError):
    """The results store cannot be opened or written."""


class AttemptNotFound(LtlQuizError):
    """No attempt matches the id the user gave."""


class JournalConflict(LtlQuizError):
    """A journal that cannot be replayed as it stands: damaged, or it would overwrite what the store holds.
    ``sync`` reports it and keeps the file; it never reaches the learner."""


class JournalDamaged(JournalConflict):
    """A journal that cannot be read as one: ``sync`` moves it aside (never deletes it) and goes on."""


# -- group sessions ----------------------------------------------------------------------------
class SessionNotFound(InputError):
    """No session has the code given."""


class SessionClosed(InputError):
    """The session has ended: nothing more can be answered or changed."""


class SessionMoved(LtlQuizError):
    """The session is not at the step the caller thought: another screen is driving it."""


class RosterError(InputError):
    """A roster file or ``--participant`` value that cannot be used; says which line and why."""


class AlreadyJoined(InputError):
    """The learner is in this session at another terminal, here or on another computer."""


class TakenOver(InputError):
    """Another terminal took this one's place in the session (``--take-over``, or after the lease expired)."""


# -- certificates and the LRS ------------------------------------------------------------------
class NotGenuine(LtlQuizError):
    """A certificate that does not match the store's record."""


class NotCurrent(LtlQuizError):
    """A genuine certificate that does not show the case complete now (not passed, attendance no assignment counts)."""

    exit_code = 2


class Expired(NotCurrent):
    """A genuine certificate whose case is due for renewal."""


class LrsError(LtlQuizError):
    """The LRS refused the statements, or could not be reached after every retry; ``report`` (the
    push's ``PushReport``) says what was done first."""

    def __init__(self, message: str, report: object | None = None):
        super().__init__(message)
        self.report = report
