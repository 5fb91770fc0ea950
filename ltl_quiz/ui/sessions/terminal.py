"""Keyboard input that can wait and watch at the same time, for the live screens.

A live screen has to keep redrawing (who has joined, who has answered) while it waits for the
trainer's key, and a learner's prompt has to give way when the trainer reveals before they answer.
``LineSource`` reads lines on a background thread so a wait can time out (plain mode, pipes and
screen readers); ``TtyKeys`` reads single keys from a real terminal between prompts (rich mode);
``WatchedQuestionary`` is the arrow-key prompter with a watcher that closes the prompt when the
room moves on. Nothing here knows about sessions beyond "stop when this says so".
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TextIO

from ltl_quiz.ui.prompts import PlainPrompter, Prompter, QuestionaryPrompter

WATCH_SECONDS = 0.2  # how often a waiting prompt checks whether the room has moved on


class StepMoved(Exception):
    """The trainer moved the room on while this prompt was waiting for an answer."""


# What a waiting prompt tells the person at it without closing (the session paused): the first
# returns the news, once, or None; the second says it, above the prompt, which keeps what is typed.
Notice = tuple[Callable[[], str | None], Callable[[str], None]]


class LineSource:
    """Lines from a stream, read on a daemon thread; ``readline`` can be told to give up.

    ``PlainPrompter`` takes this as its stream. ``stop_when`` (set around a learner's prompt) is
    checked while waiting: when it returns true the read raises ``StepMoved``.
    """

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.lines: queue.Queue[str] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.stop_when: Callable[[], bool] | None = None
        self.notice: Notice | None = None
        self.ended = False

    def _start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._pump, name="ltl-quiz-input", daemon=True)
            self.thread.start()

    def _pump(self) -> None:
        stream = self.stream or sys.stdin
        while True:
            try:
                line = stream.readline()
            except (OSError, ValueError):
                line = ""
            self.lines.put(line)
            if not line:
                return

    def wait(self, timeout: float) -> str | None:
        """The next line (with its newline; "" at end of input), or None if none came in time."""
        if self.ended:
            return ""
        from ltl_quiz.ui.echo import echoing

        self._start()
        try:
            with echoing():  # what is typed is shown while a line is awaited, not while the screen is drawn
                line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        self.ended = not line
        return line

    def readline(self) -> str:
        while True:
            if self.stop_when is not None and self.stop_when():
                raise StepMoved()
            news = self.notice[0]() if self.notice is not None else None
            if news and self.notice is not None:  # the line typed so far stays in the terminal's buffer
                self.notice[1](news)
            line = self.wait(WATCH_SECONDS if self.stop_when is not None else 3600)
            if line is not None:
                return line

    def discard_typed(self) -> None:
        """``drain`` when the lines come from a person at a terminal; lines from a pipe or a file
        are a script written in advance, every one meant for a prompt to come, and are kept."""
        stream = self.stream or sys.stdin
        try:
            typed = stream.isatty()
        except (AttributeError, ValueError, OSError):
            typed = False
        if typed:
            self.drain()

    def drain(self) -> None:
        """Forget lines typed while nothing was asked (an impatient Enter must not answer the next prompt):
        those read already and those still in the terminal's buffer."""
        if self.stream is None:
            flush_typeahead()
        with contextlib.suppress(queue.Empty):
            while True:
                if not self.lines.get_nowait():
                    self.ended = True


class KeyReader(Protocol):
    """What reads the trainer's keys between prompts: a ``LineSource`` (plain) or ``TtyKeys`` (rich)."""

    def wait(self, timeout: float) -> str | None: ...

    def drain(self) -> None: ...


class TtyKeys:
    """Single key presses from a real terminal, read between prompts without echo."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdin
        self.held = False

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Keep the terminal in single-key mode for a whole board, so keys are not echoed between polls."""
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        self.held = True
        try:
            yield
        finally:
            self.held = False
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @staticmethod
    def available(stream: TextIO | None = None) -> bool:
        stream = stream or sys.stdin
        try:
            import termios  # noqa: F401  (POSIX only)

            return stream.isatty()
        except (ImportError, AttributeError, ValueError):
            return False

    def wait(self, timeout: float) -> str | None:
        """One key ("\\n" for Enter), "" if the terminal closed, or None if nothing was pressed in time."""
        import os
        import select
        import termios
        import tty

        fd = self.stream.fileno()
        saved = None if self.held else termios.tcgetattr(fd)
        try:
            if saved is not None:
                tty.setcbreak(fd)
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return None
            data = os.read(fd, 32)
        finally:
            if saved is not None:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if not data:
            return ""
        if data[:1] == b"\x03":
            raise KeyboardInterrupt
        if data[:1] == b"\x04":
            return ""
        return "\n" if data[:1] in (b"\r", b"\n") else data[:1].decode("utf-8", "replace")

    def drain(self) -> None:
        flush_typeahead(self.stream)


def flush_typeahead(stream: TextIO | None = None) -> None:
    """Discard keys pressed while nothing was asked, so they cannot answer the next prompt."""
    stream = stream or sys.stdin
    with contextlib.suppress(Exception):
        import termios

        if stream.isatty():
            termios.tcflush(stream.fileno(), termios.TCIFLUSH)


class SessionPlainPrompter(PlainPrompter):
    """Numbered plain prompts, plus ``line`` for short answers (a count, a quick entry) with no hint appended.

    At a terminal, a pause, a yes/no or a choice takes nothing typed before it was asked (an Enter
    pressed twice must not take the room past a passage it has not read); a ``line`` keeps what
    was typed ahead, for a trainer entering the room's answers types one line after another."""

    def _discard(self) -> None:
        discard = getattr(self.stream, "discard_typed", None)
        if discard is not None:
            discard()

    def line(self, key: str, message: str) -> str:
        return self._line(message, fresh=False)


class WatchedQuestionary(QuestionaryPrompter):
    """Arrow-key prompts that close themselves, raising ``StepMoved``, when ``stop_when`` says so."""

    def __init__(self) -> None:
        self.stop_when: Callable[[], bool] | None = None
        self.notice: Notice | None = None

    def line(self, key: str, message: str) -> str:
        return self.text(key, message)

    def _ask(self, question: Any) -> Any:
        from ltl_quiz.ui.choosers import discard_typeahead

        discard_typeahead(erase_echo=True)  # a second press of Enter on the board must not answer the prompt that follows
        check = self.stop_when
        if check is None:
            return super()._ask(question)
        if check():
            raise StepMoved()
        app = question.application
        done = threading.Event()
        notice = self.notice

        def watch() -> None:
            while not done.wait(WATCH_SECONDS):
                loop = getattr(app, "loop", None)
                if check():
                    if loop is not None and app.is_running:
                        loop.call_soon_threadsafe(_exit_with_step_moved, app)
                    return
                news = notice[0]() if notice is not None else None
                if news and notice is not None and loop is not None and app.is_running:
                    loop.call_soon_threadsafe(_say_above, app, notice[1], news)

        watcher = threading.Thread(target=watch, name="ltl-quiz-watch", daemon=True)
        watcher.start()
        try:
            return super()._ask(question)
        finally:
            done.set()


def _exit_with_step_moved(app: Any) -> None:
    future = getattr(app, "future", None)
    if app.is_running and future is not None and not future.done():
        app.exit(exception=StepMoved())


def _say_above(app: Any, say: Callable[[str], None], news: str) -> None:
    """Print above a running prompt: prompt_toolkit hides it, runs ``say``, and draws it again
    with its text as it was (what the learner has typed is not lost)."""
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.application.current import set_app

    if app.is_running:
        with set_app(app):  # called from the loop, not from inside the app: name the app it prints above
            run_in_terminal(lambda: say(news))


@contextlib.contextmanager
def stopping_when(prompter: Prompter, check: Callable[[], bool], lines: LineSource | None, notice: Notice | None = None) -> Iterator[None]:
    """Give up the prompts inside the block (``StepMoved``) as soon as ``check()`` is true, and
    tell the person at them what ``notice`` has to say while they stay open."""
    targets = [t for t in (prompter, lines) if t is not None and hasattr(t, "stop_when")]
    for t in targets:
        t.stop_when = check
        if hasattr(t, "notice"):
            t.notice = notice
    try:
        yield
    finally:
        for t in targets:
            t.stop_when = None
            if hasattr(t, "notice"):
                t.notice = None


def line(ask: Prompter, key: str, message: str) -> str:
    """A one-line answer from any prompter (scripted ones answer it like a text prompt)."""
    reader = getattr(ask, "line", None)
    return str(reader(key, message) if reader else ask.text(key, message))
