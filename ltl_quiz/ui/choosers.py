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
from typing import TYPE_CHECKING, Any

from ltl_quiz.ui.prompts import LETTERED as _LETTERED
from ltl_quiz.ui.wrap import hang

if TYPE_CHECKING:  # only the type here: prompt_toolkit itself is imported when a prompt is drawn (start-up)
    from prompt_toolkit.formatted_text import StyleAndTextTuples as Lines  # (style, text) pairs

STYLE = {
    "question": "bold",
    "pointer": "bold fg:ansicyan",
    "answer": "fg:ansicyan",
    "hint": "fg:ansibrightblack",
    "warning": "bold fg:ansiyellow",
}
SELECT_HINT = "Use the arrow keys or type a number, then press Enter. Ctrl-C stops; your work is kept."
CHECK_HINT = "Arrow keys to move, Space (or the number) to tick or untick, Enter when done. Ctrl-C stops; your work is kept."
NONE_LABEL = "None of these"


def discard_typeahead() -> None:
    """Forget every key pressed before now: those still in the terminal's buffer and those
    prompt_toolkit read ahead while the last prompt was open (it hands them to the next one)."""
    with contextlib.suppress(Exception):
        import termios

        if sys.stdin.isatty():
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    with contextlib.suppress(Exception):
        from prompt_toolkit.application.current import get_app_session
        from prompt_toolkit.input.typeahead import get_typeahead

        session = get_app_session()
        if session._input is not None:  # only an input a prompt has used can hold read-ahead keys; making one
            get_typeahead(session.input)  # on a pipe would warn that it is no terminal. Taking the keys removes them


def _width() -> int:
    from prompt_toolkit.application.current import get_app

    return max(1, get_app().output.get_size().columns - 1)  # the last column would make the terminal wrap


def _height() -> int:
    from prompt_toolkit.application.current import get_app

    return max(1, get_app().output.get_size().rows)


class _Prompt:
    """What every prompt shares: a question, a hint, a warning line and the lines drawn."""

    hint = ""

    def __init__(self, message: str):
        self.message = message
        self.warning = ""
        self.done = False
        self.cursor_row = 0

    def head(self, width: int) -> Lines:
        lines = hang(self.message, width, "? ", "  ")
        return [("class:question", line + "\n") for line in lines]

    def tail(self, width: int, with_hint: bool = True) -> Lines:
        out: Lines = []
        if self.warning:
            out += [("class:warning", line + "\n") for line in hang(self.warning, width, "  ")]
        if with_hint or not self.warning:
            out += [("class:hint", line + "\n") for line in hang(self.hint, width, "  ")]
        return out

    def body(self, width: int, row: int) -> Lines:
        return []

    def answer(self, width: int) -> Lines:
        return []

    def tokens(self) -> Lines:
        width = _width()
        self.cursor_row = 0
        out = self.head(width)
        if self.done:
            return out + self.answer(width)
        drawn = out + self.tail(width)  # the hint under the question: on screen even when the options must scroll
        drawn += self.body(width, len(drawn))
        if self.warning and len(drawn) > _height():  # a warning says what to do: on a small screen it stands in for the hint
            out += self.tail(width, with_hint=False)
            return out + self.body(width, len(out))
        return drawn


class _Choices(_Prompt):
    """A list of options, none highlighted until the learner moves."""

    def __init__(self, message: str, choices: Sequence[tuple[str, str]]):
        super().__init__(message)
        self.choices = list(choices)
        self.pointer: int | None = None
        # options a room calls out by letter ("B. ...") keep their letter and get no number as well
        self.lettered = any(_LETTERED.match(label) for _, label in choices) and all(
            _LETTERED.match(label) or label == NONE_LABEL for _, label in choices
        )

    def mark(self, i: int) -> str:
        return ""

    def row_of(self, key: str) -> int | None:
        """The row a typed key picks. In a lettered list (the room's options, which a branch choice
        lists in its own order: the room's choice first) a letter picks its option and a digit
        counts letters (3 is C), never rows: '3' for C used to pick whatever was third."""
        if self.lettered:
            letter = key.upper() if key.isalpha() else chr(ord("A") + int(key) - 1)
            for i, (_, label) in enumerate(self.choices):
                found = _LETTERED.match(label)
                if found and found.group(1) == letter:
                    return i
            if key.isalpha():
                return None
        n = int(key)
        return n - 1 if 1 <= n <= len(self.choices) else None

    def letters(self) -> set[str]:
        return {found.group(1).lower() for _, label in self.choices if (found := _LETTERED.match(label))} if self.lettered else set()

    def body(self, width: int, row: int) -> Lines:
        out: Lines = []
        for i, (_, label) in enumerate(self.choices):
            here = i == self.pointer
            number, text = f"{i + 1}. ", label
            if self.lettered:  # the letter stands in for the number
                found = _LETTERED.match(label)
                number, text = (found.group(0), label[found.end() :]) if found else ("   ", label)
            lines = hang(text, width, f"{'»' if here else ' '} {self.mark(i)}{number}")
            if here:
                self.cursor_row = row + len(lines) - 1  # scrolls a long list so the whole option shows
            style = "class:pointer" if here else ""
            out += [(style, line + "\n") for line in lines]
            row += len(lines)
        return out

    def move(self, step: int) -> None:
        if self.pointer is None:
            self.pointer = 0 if step > 0 else len(self.choices) - 1
        else:
            self.pointer = (self.pointer + step) % len(self.choices)
        self.warning = ""

    def chosen_lines(self, width: int, labels: list[str]) -> Lines:
        out: Lines = []
        for label in labels:
            out += [("class:answer", line + "\n") for line in hang(label, width, "  > ")]
        return out


class _Select(_Choices):
    hint = SELECT_HINT

    def submit(self) -> Any:
        if self.pointer is None:
            self.warning = "Nothing is chosen yet: move to an option with the arrow keys or type its number, then press Enter."
            return None
        return self.choices[self.pointer][0]

    def answer(self, width: int) -> Lines:
        assert self.pointer is not None
        return self.chosen_lines(width, [self.choices[self.pointer][1]])

    def number(self, key: str) -> None:
        row = self.row_of(key)
        if row is not None:
            self.pointer = row
            self.warning = ""


class _Checkbox(_Choices):
    """Ticks; a last line 'None of these' makes 'nothing applies' a choice, never an accident."""

    hint = CHECK_HINT

    def __init__(self, message: str, choices: Sequence[tuple[str, str]]):
        super().__init__(message, [*choices, ("", NONE_LABEL)])
        self.ticked: set[int] = set()

    @property
    def none_row(self) -> int:
        return len(self.choices) - 1

    def mark(self, i: int) -> str:
        return "[x] " if i in self.ticked else "[ ] "

    def toggle(self, i: int | None) -> None:
        if i is None:
            self.warning = "Move to an option with the arrow keys first (or type its number)."
            return
        self.warning = ""
        if i in self.ticked:
            self.ticked.discard(i)
        elif i == self.none_row:
            self.ticked = {i}
        else:
            self.ticked = (self.ticked - {self.none_row}) | {i}

    def number(self, key: str) -> None:
        row = self.row_of(key)
        if row is not None:
            self.pointer = row
            self.toggle(self.pointer)

    def submit(self) -> Any:
        if not self.ticked:
            self.warning = f"Nothing is ticked: tick each that applies with Space, or tick '{NONE_LABEL}', then press Enter."
            return None
        return [self.choices[i][0] for i in sorted(self.ticked) if i != self.none_row]

    def answer(self, width: int) -> Lines:
        return self.chosen_lines(width, [self.choices[i][1] for i in sorted(self.ticked)])


class _Confirm(_Prompt):
    hint = "Type y or n, then press Enter."

    def __init__(self, message: str):
        super().__init__(message)
        self.reply: bool | None = None

    def head(self, width: int) -> Lines:
        typed = {True: " y", False: " n", None: ""}[self.reply]
        return [("class:question", line + "\n") for line in hang(f"{self.message} (y/n){typed}", width, "? ", "  ")]

    def submit(self) -> Any:
        if self.reply is None:
            self.warning = "Type y for yes or n for no, then press Enter."
        return self.reply


class _Pause(_Prompt):
    """A line to read on: gone once a key is pressed, so the screen keeps only what was read."""

    def head(self, width: int) -> Lines:
        return [] if self.done else [("class:question", line + "\n") for line in hang(self.message, width)]


def _application(prompt: _Prompt, bindings: Any) -> Any:
    from prompt_toolkit.application import Application
    from prompt_toolkit.data_structures import Point
    from prompt_toolkit.layout import Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.styles import Style

    control = FormattedTextControl(prompt.tokens, get_cursor_position=lambda: Point(0, prompt.cursor_row), show_cursor=False)
    style = Style.from_dict(STYLE)
    return Application(layout=Layout(Window(control, wrap_lines=True, always_hide_cursor=True)), key_bindings=bindings, style=style)


def _common(prompt: _Prompt) -> Any:
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("c-c", eager=True)
    @kb.add("c-d", eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    return kb


def _finish(event: Any, prompt: _Prompt, value: Any) -> None:
    if value is None:
        return
    prompt.done = True
    event.app.exit(result=value)


def _choices_app(prompt: _Select | _Checkbox) -> Any:
    kb = _common(prompt)

    letters = prompt.letters()
    for key, step in (("down", 1), ("c-n", 1), ("j", 1), ("up", -1), ("c-p", -1), ("k", -1)):
        if key not in letters:  # an option lettered J or K is picked by its letter

            @kb.add(key, eager=True)
            def _move(event: Any, step: int = step) -> None:
                prompt.move(step)

    for key in [*"123456789", *sorted(letters), *sorted(c.upper() for c in letters)]:

        @kb.add(key, eager=True)
        def _number(event: Any, key: str = key) -> None:
            prompt.number(key)

    if isinstance(prompt, _Checkbox):

        @kb.add(" ", eager=True)
        def _tick(event: Any) -> None:
            prompt.toggle(prompt.pointer)

    @kb.add("enter", eager=True)
    def _enter(event: Any) -> None:
        _finish(event, prompt, prompt.submit())

    @kb.add("<any>")
    def _other(event: Any) -> None:
        return None

    return _application(prompt, kb)


def select(message: str, choices: Sequence[tuple[str, str]]) -> Any:
    """One option, by arrow keys or number, then Enter."""
    from questionary import Question

    return Question(_choices_app(_Select(message, choices)))


def checkbox(message: str, choices: Sequence[tuple[str, str]]) -> Any:
    """Any number of options ticked, or 'None of these', then Enter."""
    from questionary import Question

    return Question(_choices_app(_Checkbox(message, choices)))


def confirm(message: str) -> Any:
    """Yes or no: the letter, then Enter; Enter alone takes nothing."""
    from questionary import Question

    prompt = _Confirm(message)
    kb = _common(prompt)
    for key, value in (("y", True), ("Y", True), ("n", False), ("N", False)):

        @kb.add(key, eager=True)
        def _reply(event: Any, value: bool = value) -> None:
            prompt.reply = value
            prompt.warning = ""

    @kb.add("backspace", eager=True)
    def _undo(event: Any) -> None:
        prompt.reply = None

    @kb.add("enter", eager=True)
    def _enter(event: Any) -> None:
        _finish(event, prompt, prompt.submit())

    @kb.add("<any>")
    def _other(event: Any) -> None:
        return None

    return Question(_application(prompt, kb))


def text(message: str) -> Any:
    """questionary's line of text, erased once answered so that ``echo`` can write it back: left as
    drawn, a long answer stayed split mid-word where the terminal's edge had cut it."""
    import questionary

    question = questionary.text(message)
    question.application.erase_when_done = True
    return question


def echo(message: str, answer: str) -> None:
    """The question and the answer given, wrapped at word boundaries to the terminal's width."""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.styles import Style

    from ltl_quiz.ui.wrap import terminal_width

    width = max(1, (terminal_width() or 80) - 1)
    lines = hang(f"{message} {answer}".rstrip(), width, "? ", "  ")
    print_formatted_text(FormattedText([("class:question", line + "\n") for line in lines]), style=Style.from_dict(STYLE), end="")


def pause(message: str) -> Any:
    """Any key goes on (Ctrl-C still stops)."""
    from questionary import Question

    prompt = _Pause(message)
    kb = _common(prompt)

    @kb.add("<any>")
    def _any(event: Any) -> None:
        _finish(event, prompt, True)

    return Question(_application(prompt, kb))
