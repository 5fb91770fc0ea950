"""The terminal's echo, off while ltl-quiz draws and on while a learner types an answer (issue 13).

Keys pressed while a passage or a panel is drawn (an Enter to read on, a number typed too soon)
were echoed by the terminal itself into the middle of what was being drawn: "zqx" before a
panel's top border pushed the border off its row. The prompts throw those keys away
(``choosers.discard_typeahead``), but their echo stayed on screen. So between prompts the echo is
off: it is turned off as each prompt starts (an arrow-key prompt puts back, when it ends, the
settings it found, so it ends with the echo off) and after each typed line, and turned on only
while a line of plain input is being typed. It is put back as it was when ltl-quiz exits, however
it exits.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
from collections.abc import Iterator

_hushed = False  # whether ltl-quiz turned the echo off (and so must turn it back on at exit)
_found: list[object] = []  # the terminal's settings as ltl-quiz found them, for a signal's exit


def _set(on: bool) -> bool:
    """The terminal's echo on or off; False when standard input is not a terminal."""
    try:
        import termios

        if not sys.stdin.isatty():
            return False
        fd = sys.stdin.fileno()
        attrs = termios.tcgetattr(fd)
        flags = attrs[3] | termios.ECHO if on else attrs[3] & ~termios.ECHO
        if flags != attrs[3]:
            attrs[3] = flags
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        return True
    except Exception:  # no termios (Windows), termios.error, a stdin replaced by something that only looks like a terminal
        return False


def hush() -> None:
    """Keys typed from now on are not shown, until a prompt reads them or ltl-quiz exits."""
    global _hushed
    if _hushed:
        _set(False)
        return
    found = _settings()
    if _echoing(found) and _set(False):
        _hushed = True
        _found[:] = [found]
        atexit.register(_restore)
        _restore_on_signals()


def _settings() -> object:
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno())
    except Exception:
        return None


def _echoing(settings: object) -> bool:
    """Whether ``settings`` (what ``_settings`` read, None off a terminal) have the echo on."""
    try:
        import termios

        return bool(sys.stdin.isatty() and settings[3] & termios.ECHO)  # type: ignore[index]
    except Exception:
        return False


@contextlib.contextmanager
def echoing() -> Iterator[None]:
    """The echo on while a line is typed (a screen reader and a sighted learner alike need to see
    what they type), off again once it is in. Nothing changes if ltl-quiz never turned it off."""
    if _hushed:
        _set(True)
    try:
        yield
    finally:
        hush()


def _restore() -> None:
    if _hushed:
        _set(True)


def _restore_on_signals() -> None:
    """A SIGTERM or SIGHUP (a closed terminal window, a ``kill``) ends the process without running
    ``atexit``: put the terminal back as it was found (echo on, and out of an arrow-key prompt's raw
    mode), then die of the same signal as before. Only signals still
    at their default are taken over, and only from the main thread (where Python handles them)."""
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def back_on_then_die(signum: int, _frame: object) -> None:
        with contextlib.suppress(Exception):  # the settings found, raw mode of a prompt undone too
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, _found[0])  # type: ignore[arg-type]
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, back_on_then_die)
