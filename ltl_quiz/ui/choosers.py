"""The arrow-key prompts: a choice, a set of ticks, a yes/no and a pause, drawn by prompt_toolkit.

Why our own rather than questionary's: its choices are single lines that prompt_toolkit cuts at
the terminal's edge, and its select starts with option 1 highlighted, so an Enter meant for the
passage before answered the decision. Here every line is wrapped at word boundaries with a hanging
indent, to the width the terminal has each time the prompt is drawn (so a resize re-wraps it);
nothing is highlighted or ticked until the learner moves; Enter with nothing chosen only says how
to choose; a yes/no needs its letter and then Enter. Keys pressed before a prompt is drawn are
thrown away (``discard_typeahead``), so they can never answer it.

Each prompt is a ``questionary.Question`` around the application, so the callers (and the live
session's watcher, which closes a prompt when the room moves on) treat them all alike.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from typing import Any

from ltl_quiz.ui.prompt_lines import Checkbox, Confirm, Pause, Prompt, Select

STYLE = {
    "question": "bold",
    "pointer": "bold fg:ansicyan",
    "answer": "fg:ansicyan",
    "hint": "fg:ansibrightblack",
    "warning": "bold fg:ansiyellow",
}


def discard_typeahead(erase_echo: bool = False) -> None:
    """Forget every key pressed before now: those still in the terminal's buffer and those
    prompt_toolkit read ahead while the last prompt was open (it hands them to the next one).

    ``erase_echo`` (arrow-key prompts): the terminal itself showed those keys as they were typed,
    so a staff number typed while ltl-quiz was starting stood on screen before the prompt, and
    again once typed in answer to it. Keys still on the line the prompt is about to take are
    wiped from it; a line ended with Enter has gone by, and is left as it is."""
    with contextlib.suppress(Exception):
        import termios

        if sys.stdin.isatty():
            typed, echoed = _pending(sys.stdin.fileno())
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
            if erase_echo and echoed and typed and sys.stdout.isatty():
                _erase(typed)
    with contextlib.suppress(Exception):
        from prompt_toolkit.application.current import get_app_session
        from prompt_toolkit.input.typeahead import get_typeahead

        session = get_app_session()
        if session._input is not None:  # only an input a prompt has used can hold read-ahead keys; making one
            get_typeahead(session.input)  # on a pipe would warn that it is no terminal. Taking the keys removes them


def _pending(fd: int) -> tuple[str, bool]:
    """The keys waiting in the terminal's buffer (a line not yet ended with Enter as well), and
    whether the terminal echoed them. Read with line editing off for a moment: with it on, only
    whole lines can be read."""
    import os
    import termios

    saved = termios.tcgetattr(fd)
    quick = termios.tcgetattr(fd)
    quick[3] &= ~(termios.ICANON | termios.ECHO)
    quick[6][termios.VMIN], quick[6][termios.VTIME] = 0, 0
    data = b""
    termios.tcsetattr(fd, termios.TCSANOW, quick)
    try:
        while len(data) < 65536 and (chunk := os.read(fd, 4096)):
            data += chunk
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return data.decode("utf-8", "replace"), bool(saved[3] & termios.ECHO)


def _erase(typed: str) -> None:
    """Wipe the echo of ``typed`` from the cursor's row, when it is all there: not ended with Enter,
    not wrapped onto the row above (which may hold what ltl-quiz drew since)."""
    from ltl_quiz.ui.wrap import terminal_width

    shown = sum(2 if not ch.isprintable() else 1 for ch in typed)  # a control key echoes as ^X
    if "\n" in typed or "\r" in typed or shown >= (terminal_width(sys.stdout) or 80):
        return
    sys.stdout.write("\r\x1b[K")  # on an empty row (something was drawn after the keys) it changes nothing
    sys.stdout.flush()


def _application(prompt: Prompt, bindings: Any) -> Any:
    from prompt_toolkit.application import Application
    from prompt_toolkit.data_structures import Point
    from prompt_toolkit.layout import Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.styles import Style

    control = FormattedTextControl(prompt.tokens, get_cursor_position=lambda: Point(0, prompt.cursor_row), show_cursor=False)
    style = Style.from_dict(STYLE)
    return Application(layout=Layout(Window(control, wrap_lines=True, always_hide_cursor=True)), key_bindings=bindings, style=style)


def _common(prompt: Prompt) -> Any:
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("c-c", eager=True)
    @kb.add("c-d", eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    return kb


def _finish(event: Any, prompt: Prompt, value: Any) -> None:
    if value is None:
        return
    prompt.done = True
    event.app.exit(result=value)


def _answering_app(prompt: Select | Checkbox | Confirm, kb: Any) -> Any:
    """Enter submits (a prompt with nothing chosen only warns); any other key does nothing."""

    @kb.add("enter", eager=True)
    def _enter(event: Any) -> None:
        _finish(event, prompt, prompt.submit())

    @kb.add("<any>")
    def _other(event: Any) -> None:
        return None

    return _application(prompt, kb)


def _choices_app(prompt: Select | Checkbox) -> Any:
    kb = _common(prompt)

    letters = prompt.letters()
    for key, step in (("down", 1), ("c-n", 1), ("j", 1), ("up", -1), ("c-p", -1), ("k", -1)):
        if key not in letters:  # an option lettered J or K is picked by its letter

            @kb.add(key, eager=True)
            def _move(event: Any, step: int = step) -> None:
                prompt.move(step)

    for key in [*"0123456789", *sorted(letters), *sorted(c.upper() for c in letters)]:

        @kb.add(key, eager=True)
        def _number(event: Any, key: str = key) -> None:
            prompt.number(key)

    if isinstance(prompt, Checkbox):

        @kb.add(" ", eager=True)
        def _tick(event: Any) -> None:
            prompt.toggle(prompt.pointer)

    return _answering_app(prompt, kb)


def select(message: str, choices: Sequence[tuple[str, str]]) -> Any:
    """One option, by arrow keys or number, then Enter."""
    from questionary import Question

    return Question(_choices_app(Select(message, choices)))


def checkbox(message: str, choices: Sequence[tuple[str, str]]) -> Any:
    """Any number of options ticked, or 'None of these', then Enter."""
    from questionary import Question

    return Question(_choices_app(Checkbox(message, choices)))


def confirm(message: str) -> Any:
    """Yes or no: the letter, then Enter; Enter alone takes nothing."""
    from questionary import Question

    prompt = Confirm(message)
    kb = _common(prompt)
    for key, value in (("y", True), ("Y", True), ("n", False), ("N", False)):

        @kb.add(key, eager=True)
        def _reply(event: Any, value: bool = value) -> None:
            prompt.reply = value
            prompt.warning = ""

    @kb.add("backspace", eager=True)
    def _undo(event: Any) -> None:
        prompt.reply = None

    return Question(_answering_app(prompt, kb))


def text(message: str) -> Any:
    """questionary's line of text, erased once answered so that ``echo`` can write it back: left as
    drawn, a long answer stayed split mid-word where the terminal's edge had cut it."""
    import questionary

    from ltl_quiz.ui.typed_wrap import WordWrapped

    question = questionary.text(message, input_processors=[WordWrapped(len(f"? {message} "))])  # questionary's "?", the message, a space
    question.application.erase_when_done = True
    return question


def echo(message: str, answer: str) -> None:
    """The question and the answer given, wrapped at word boundaries to the terminal's width."""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.styles import Style

    from ltl_quiz.ui.wrap import hang, terminal_width

    width = max(1, (terminal_width() or 80) - 1)
    lines = hang(f"{message} {answer}".rstrip(), width, "? ", "  ")
    print_formatted_text(FormattedText([("class:question", line + "\n") for line in lines]), style=Style.from_dict(STYLE), end="")


def pause(message: str, erase: bool = False) -> Any:
    """Any key goes on (Ctrl-C still stops); ``erase``: not even the empty row it ends on is left."""
    from questionary import Question

    prompt = Pause(message)
    kb = _common(prompt)

    @kb.add("<any>")
    def _any(event: Any) -> None:
        _finish(event, prompt, True)

    app = _application(prompt, kb)
    app.erase_when_done = erase
    return Question(app)
