"""The command as the person started it, so that the hints we print can be typed back as they are.

After ``.venv/bin/ltl-quiz`` with no venv on PATH, a hint saying ``ltl-quiz resume ...`` fails
with "command not found" (issue 13). Hints are written with ``ltl-quiz``; ``as_invoked`` rewrites
them to the name that worked, when that is not plain ``ltl-quiz`` on PATH.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator

from ltl_quiz.cli_table import COMMANDS  # every command name, so that a hint naming one is found


@functools.cache
def command() -> str:
    """``ltl-quiz`` when that name on PATH is what ran; else the path typed, or ``PYTHON -m ltl_quiz``."""
    argv0 = sys.argv[0] if sys.argv else ""
    name = os.path.basename(argv0)
    if name == "__main__.py":
        return f"{python()} -m ltl_quiz"
    if name != "ltl-quiz":
        return "ltl-quiz"  # embedded (tests, other tools): the documented name
    found = shutil.which("ltl-quiz")
    if found and os.path.realpath(found) == os.path.realpath(argv0):
        return "ltl-quiz"
    return argv0


def python() -> str:
    """The interpreter that runs us, as a person can type it: its short name when that name on PATH is
    this interpreter (an activated venv), else its full path ("python" may be missing, or another one)."""
    exe = sys.executable or "python3"
    short = os.path.basename(exe)
    found = shutil.which(short)
    return short if found and os.path.realpath(found) == os.path.realpath(exe) else exe


def as_invoked(text: str) -> str:
    """``text`` with each ``ltl-quiz COMMAND`` hint naming the command as it was started and, when it
    reads them, the places this command was given. A hint that names places already is left as it is
    but for its name, so that a text passed through twice comes out the same."""
    name = command()

    def invoked(found: re.Match[str]) -> str:
        places = "" if found["places"] else " ".join(_places[place] for place in reads(found["command"]) if place in _places)
        return f"{name} {places}" if places else name

    return command_pattern().sub(invoked, text)


# One argument of a command in a hint: a quoted string, or a run of characters that may hold inner
# dots ("cpd.html", "x.sqlite3") but does not end in the punctuation of the sentence around it.
_ARGUMENT = r"(?:'[^']*'|[^\s'\"`.,;:)]+(?:[.:,][^\s'\"`.,;:)]+)*)"
GLUE = "\ue000"  # a private-use character standing for a space that must not be broken (never shown)


def command_pattern() -> re.Pattern[str]:
    """Where a hint's command starts: its name (as documented or as invoked), then, looked ahead at,
    any global options (group ``places``) and a command (group ``command``). The one definition that
    both ``as_invoked`` (which puts the places in) and ``command_spans`` (which finds them after) use."""
    return _pattern(tuple(sorted({"ltl-quiz", command()}, key=len, reverse=True)))


@functools.cache
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    commands = "|".join(sorted(COMMANDS))
    return re.compile(
        r"(?<![\w/.-])(?:" + "|".join(map(re.escape, names)) + r")(?= (?P<places>(?:--?\w[\w-]* \S+ )*)(?P<command>" + commands + r")\b)"
    )


def command_spans(text: str) -> list[tuple[int, int]]:
    """Where each hint's command (``ltl-quiz resume f6a1b65f``) starts and ends in ``text``: after a
    quote it runs to the closing quote, otherwise over its arguments to the end of the sentence."""
    if "ltl-quiz" not in text and "ltl_quiz" not in text:  # every name it goes by holds one of these
        return []
    spans = []
    for found in command_pattern().finditer(text):
        quote = text[found.start() - 1] if found.start() else ""
        if quote in "'`\"" and quote and (end := text.find(quote, found.end())) > 0:
            spans.append((found.start(), end))
            continue
        rest = re.match(rf"(?: {_ARGUMENT})+", text[found.end() :])
        spans.append((found.start(), found.end() + (rest.end() if rest else 0)))
    return spans


def glued(text: str) -> str:
    """``text`` with the spaces inside each hint's command made ``GLUE``, so that wrapping cannot break a
    command across lines (copying its first line would run the wrong command). ``unglued`` undoes it."""
    for begin, end in reversed(command_spans(text)):
        text = text[:begin] + text[begin:end].replace(" ", GLUE) + text[end:]
    return text


def unglued(line: str) -> str:
    return line.replace(GLUE, " ")


_places: dict[str, str] = {}  # "db"/"scenarios" -> its option as given to this command, when given: hints name them
# The places a command reads, where not both: a hint names only those (the other option would be noise)
_STORE_ONLY = ("db",)
READS = {
    "support": (),
    "schema": (),
    **dict.fromkeys(("history", "abandon", "sync", "merge", "db", "certificate", "verify"), _STORE_ONLY),
}


def reads(command_name: str) -> tuple[str, ...]:
    return READS.get(command_name, ("db", "scenarios"))


@contextlib.contextmanager
def naming_places(db: str | None, scenarios: str | None) -> Iterator[None]:
    """Within: each hint names ``--db`` and ``--scenarios`` as given on the command line, so that it
    works as printed on another terminal ("ltl-quiz session join CODE" against the default store
    found no such session, issue 13). A password in the URL is left out: a projected screen must
    not show it (libpq then reads it from PGPASSWORD or ~/.pgpass)."""
    from ltl_quiz.locations import redact

    global _places
    saved, _places = _places, {}
    if db:
        _places["db"] = "--db " + shlex.quote(redact(db).replace(":***@", "@"))
    if scenarios:
        _places["scenarios"] = "--scenarios " + shlex.quote(scenarios)
    try:
        yield
    finally:
        _places = saved
