"""Reading files a user or author names, safely: regular files only, and never more than a limit.

A path that ends in ``.yaml`` can be a FIFO (reading it blocks for ever), a link to ``/dev/zero``
(reading it never ends) or a directory. ``Path.read_bytes`` would hang, exhaust memory or raise
an error message nobody can act on, and a size check after the read comes too late. So every
content file (scenarios, answers, plans, rosters) is opened without blocking, checked to be a
regular file on the open descriptor itself (no race with a swap of the path), checked for size
before a byte is read, and read to at most the limit plus one byte.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ltl_quiz.errors import FileRefused

CONTENT_MAX_BYTES = 1_000_000  # scenario, answers and plan files: far above any real one


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else FileRefused."""
    fd = _open(path, what)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"the {what} is {_kind(info.st_mode)}, not a regular file; name a file")
        if info.st_size > limit:
            raise FileRefused(f"the {what} is {info.st_size:,} bytes; {what}s are limited to {limit:,} bytes")
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise FileRefused(f"cannot read the {what} ({_reason(exc)})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after the check
        raise FileRefused(f"the {what} is over {limit:,} bytes; {what}s are limited to {limit:,} bytes")
    return data


def _open(path: Path, what: str) -> int:
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(f"cannot read the {what} ({_reason(exc)})", exc.strerror or str(exc)) from None


def _read_at_most(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    left = count
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _reason(exc: OSError) -> str:
    if exc.errno == getattr(os, "ELOOP", -1):
        return "a symbolic link loops back on itself"
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@dataclass(frozen=True)
class Skipped:
    """An entry of a folder that looked like content but cannot be used, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: skipped: {self.reason}"


def folder_entries(folder: Path, pattern: str, follow_links: bool = False) -> tuple[list[Path], list[Skipped]]:
    """The regular files in ``folder`` matching ``pattern``, in name order, and what was skipped.

    Hidden files are ignored. Directories, devices, FIFOs, dangling links and link loops matching
    the pattern are skipped with a reason. A link whose target lies outside ``folder`` is skipped
    too unless ``follow_links``: a scenarios folder is what learners see, so what it offers must be
    what it holds.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    base = folder.resolve()
    for entry in sorted(p for p in folder.glob(pattern) if not p.name.startswith(".")):
        reason = _unusable(entry, base, follow_links)
        if reason:
            skipped.append(Skipped(entry, reason))
        else:
            files.append(entry)
    return files, skipped


def _unusable(entry: Path, base: Path, follow_links: bool) -> str | None:
    try:
        if entry.is_symlink():
            try:
                target = entry.resolve(strict=True)
            except RuntimeError:
                return "a symbolic link that loops back on itself"
            except OSError as exc:
                if exc.errno == getattr(os, "ELOOP", -1):
                    return "a symbolic link that loops back on itself"
                return "a symbolic link to nothing (its target does not exist)"
            if not follow_links and not target.is_relative_to(base):
                return f"a symbolic link to {target}, outside the folder; copy the file in, or pass --follow-links"
        mode = entry.stat().st_mode
    except OSError as exc:
        return f"cannot read it ({_reason(exc)})"
    if not stat.S_ISREG(mode):
        return f"{_kind(mode)}, not a regular file"
    return None
