"""One terminal per learner per live session on this computer (issue 13).

On a shared account or PC, a second terminal joining as the remembered learner used to merge two
people into one record, and the second one's Ctrl-C marked the first as having left. A claim file
in the ltl-quiz home, holding the joining terminal's process id, refuses a second join while that
process lives; a terminal that was killed leaves a stale claim, which the next join takes over.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ltl_quiz.errors import AlreadyJoined
from ltl_quiz.processes import alive


def _holder(path: Path) -> int | None:
    try:
        pid = int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return pid if pid != os.getpid() and alive(pid) else None


@contextlib.contextmanager
def one_terminal(folder: Path, code: str, learner_id: str, refusal: str) -> Iterator[None]:
    """Hold the claim for ``learner_id`` in session ``code`` while the body runs; refuse with
    ``refusal`` when a live terminal holds it already."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{code}-{learner_id.replace('/', '_')}.pid"
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if _holder(path) is not None:
                raise AlreadyJoined(refusal) from None
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # a stale claim: its terminal has gone
            continue
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(str(os.getpid()))
        break
    else:
        raise AlreadyJoined(refusal)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
