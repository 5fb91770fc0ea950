"""A reader that goes away (``ltl-quiz list | head``) ends the command quietly, with status 0 (issue 13).

Python raises ``BrokenPipeError`` at the write (or the final flush) after the reader has closed its
end; left alone, Click turns it into exit 1 and the interpreter's own flush at exit prints "Exception
ignored" on stderr. Here the error is caught at the outermost edge of the command, standard output
is pointed at the null device so nothing left in its buffer can fail again, and the command ends
with the status it had (0 if it was still writing). A ``BrokenPipeError`` from anything other than
standard output (a network socket, say) is not ours to hide, and is raised as before.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

import typer


def _reader_gone() -> bool:
    """True if standard output is a pipe whose reader has closed it (poll reports an error on it)."""
    try:
        import select

        fd = sys.stdout.fileno()
        watch = select.poll()
        watch.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in watch.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows) or no real stdout: the pipe it was
        return True


def _to_devnull() -> None:
    """Point file descriptor 1 at the null device, so later flushes (the interpreter's at exit) succeed."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _flush() -> None:
    """Flush what the command wrote, here rather than at exit, where a failure can no longer be caught."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _to_devnull()


@contextlib.contextmanager
def reader_may_leave() -> Iterator[None]:
    """Run the command; if standard output's reader has gone, stop writing and exit 0, silently."""
    try:
        yield
    except BrokenPipeError:
        if not _reader_gone():
            raise
        _to_devnull()
        raise typer.Exit(0) from None
    finally:
        _flush()
