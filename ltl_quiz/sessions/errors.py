"""The session errors the CLI turns into one-line messages (all are ``LtlQuizError``)."""

from __future__ import annotations

from ltl_quiz.errors import InputError, LtlQuizError


class SessionNotFound(InputError):
    """No session has the code given."""


class SessionClosed(InputError):
    """The session has ended: nothing more can be answered or changed."""


class SessionMoved(LtlQuizError):
    """The session is not at the step the caller thought: another screen is driving it."""


class RosterError(InputError):
    """A roster file or ``--participant`` value that cannot be used; says which line and why."""


class SessionPaused(LtlQuizError):
    """The trainer pressed Ctrl-C or their terminal closed: the session is kept, paused."""

    exit_code = 130


class SessionLeft(LtlQuizError):
    """A learner left a live session (Ctrl-C or a closed terminal); their answers are kept."""

    exit_code = 130
