"""Write a file so that readers see the old content or the new, never half of either.

Only a regular file (new or existing) is ever written: a folder, a FIFO, a device such as
``/dev/null`` or anything under ``/proc`` is refused in one line, because replacing it by rename
would swap a system file for an export (as root, ``--out /dev/null`` would replace the system's
``/dev/null``). The temporary file beside the target is removed on every exit Python sees,
including SIGTERM and SIGHUP; one left by a process that was killed outright is removed the next
time anything is written to the same target.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO

from ltl_quiz.errors import OutputRefused
from ltl_quiz.processes import alive


def _umask_mode() -> int:
    """The mode an ordinary new file gets (mkstemp would make it 0600, surprising for exports)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_target(path: Path) -> None:
    """Refuse, in one line, any output path that is not a regular file or a new name in a folder."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputRefused(f"cannot write {path}: a part of its folder path is a file, not a folder") from None
    except OSError as exc:
        raise OutputRefused(f"cannot write {path}: {exc.strerror or exc}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise OutputRefused(f"cannot write {path}: it is {kind}; name a file, or leave the option out to write to standard output")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise OutputRefused(f"cannot write {path}: {parent} is a file, not a folder")
    if str(path.resolve()).startswith(("/proc/", "/sys/")):
        raise OutputRefused(f"cannot write {path}: it is in a system folder; name a file in one of your own folders")


@contextlib.contextmanager
def atomic_writer(
    path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None, private: bool = False
) -> Iterator[IO]:
    """Yield a temporary file beside ``path``; on success fsync it and rename it into place.

    If the block raises, the temporary file is removed and ``path`` is untouched, so a failed
    export or config save never leaves a half-written file behind. ``private`` keeps the file
    readable by its owner only (the config holds the pseudonymisation key).
    """
    check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputRefused(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with _signals_exit(), _open_fd(fd, mode, encoding, newline) as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), 0o600 if private else _umask_mode())
            os.fsync(handle.fileno())
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _open_fd(fd: int, mode: str, encoding: str | None, newline: str | None) -> IO:
    """The file object over ``fd``: a binary mode takes no encoding or newline, a text mode both."""
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding=encoding, newline=newline)


def _remove_orphans(path: Path) -> None:
    """Temporary files for ``path`` left by a process that no longer runs (killed with -9)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        pid = leftover.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


@contextlib.contextmanager
def _signals_exit() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP unwind like Ctrl-C, so the temporary file is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    saved = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def write_text(path: Path, text: str, private: bool = False) -> None:
    with atomic_writer(path, private=private) as handle:
        handle.write(text)
