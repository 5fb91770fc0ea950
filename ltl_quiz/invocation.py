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

_HINT = re.compile(r"(?<![\w/.-])ltl-quiz(?= (?:" + "|".join(sorted(COMMANDS)) + r")\b)")


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
    """``text`` with each ``ltl-quiz COMMAND`` hint naming the command as it was started."""
    name = command()
    if _places:
        return _HINT.sub(lambda m: name if m.string[m.end() :].split(None, 1)[0] in UNPLACED else f"{name} {_places}", text)
    return text if name == "ltl-quiz" else _HINT.sub(lambda _: name, text)


_places = ""  # the store and scenarios options of this command, when not the defaults: hints name them
UNPLACED = {"support"}  # commands that read neither the store nor the scenarios


@contextlib.contextmanager
def naming_places(db: str | None, scenarios: str | None) -> Iterator[None]:
    """Within: each hint names ``--db`` and ``--scenarios`` as given on the command line, so that it
    works as printed on another terminal ("ltl-quiz session join CODE" against the default store
    found no such session, issue 13). A password in the URL is left out: a projected screen must
    not show it (libpq then reads it from PGPASSWORD or ~/.pgpass)."""
    from ltl_quiz.locations import redact

    global _places
    saved, parts = _places, []
    if db:
        parts += ["--db", shlex.quote(redact(db).replace(":***@", "@"))]
    if scenarios:
        parts += ["--scenarios", shlex.quote(scenarios)]
    _places = " ".join(parts)
    try:
        yield
    finally:
        _places = saved
