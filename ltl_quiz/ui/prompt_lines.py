"""What each arrow-key prompt draws: its question, hint, warning and options as lines, wrapped to
the terminal's width each time it is drawn, and what a key does to it (move, tick, type a number).

Kept apart from the prompt_toolkit applications that show them (``ui.choosers``): the pager measures
a choice's rows with these (``choice_rows``) before it is drawn, without building an application.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ltl_quiz.ui.prompts import LETTERED as _LETTERED
from ltl_quiz.ui.wrap import hang

if TYPE_CHECKING:  # only the type here: prompt_toolkit itself is imported when a prompt is drawn (start-up)
    from prompt_toolkit.formatted_text import StyleAndTextTuples as Lines  # (style, text) pairs

SELECT_HINT = "Use the arrow keys or type a number, then press Enter. Ctrl-C stops; your work is kept."
CHECK_HINT = "Arrow keys to move, Space (or the number) to tick or untick, Enter when done. Ctrl-C stops; your work is kept."
# a room's options carry letters ("B. ..."), and a letter picks one: the hints say so, not "number"
LETTERED_HINTS = {
    SELECT_HINT: "Use the arrow keys or type a letter, then press Enter. Ctrl-C stops; your work is kept.",
    CHECK_HINT: "Arrow keys to move, Space (or the letter) to tick or untick, Enter when done. Ctrl-C stops; your work is kept.",
}
NONE_LABEL = "None of these"


def _width() -> int:
    from prompt_toolkit.application.current import get_app

    return max(1, get_app().output.get_size().columns - 1)  # the last column would make the terminal wrap


def _height() -> int:
    from prompt_toolkit.application.current import get_app

    return max(1, get_app().output.get_size().rows)


class Prompt:
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
        self.cursor_row = -1  # the body sets it (counted from its own top) when an option is pointed at
        out = self.head(width)
        if self.done:
            self.cursor_row = 0
            return out + self.answer(width)
        body = self.body(width, 0)  # drawn once; the tail above it is chosen by measuring
        tail = self.tail(width)  # the hint under the question: on screen even when the options must scroll
        if self.warning and len(out) + len(tail) + len(body) > _height():
            tail = self.tail(width, with_hint=False)  # a warning says what to do: on a small screen it stands in for the hint
        out += tail
        self.cursor_row = len(out) + self.cursor_row if self.cursor_row >= 0 else 0
        return out + body


class Choices(Prompt):
    """A list of options, none highlighted until the learner moves."""

    def __init__(self, message: str, choices: Sequence[tuple[str, str]]):
        super().__init__(message)
        self.choices = list(choices)
        self.pointer: int | None = None
        self.typed = ""  # the digits typed in a row, for a number of two digits
        # options a room calls out by letter ("B. ...") keep their letter and get no number as well
        self.lettered = any(_LETTERED.match(label) for _, label in choices) and all(
            _LETTERED.match(label) or label == NONE_LABEL for _, label in choices
        )
        if self.lettered:
            self.hint = LETTERED_HINTS.get(self.hint, self.hint)

    @property
    def key_name(self) -> str:
        """What a learner types to pick an option here: its letter, or its number."""
        return "letter" if self.lettered else "number"

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

    def typed_row(self, key: str) -> tuple[int | None, int | None]:
        """The row a key picks with the digits typed just before it, and the row those digits had
        picked (now replaced): in a list of ten or more, '1' then '0' is row 10. '0' alone did
        nothing and Enter then took row 1, so a learner who typed 10 for case study 10 got case 1."""
        if self.lettered or not key.isdigit():
            self.typed = ""
            return self.row_of(key), None
        before = self.row_of(self.typed) if self.typed.strip("0") else None
        joined = self.typed + key
        if before is not None and self.row_of(joined) is not None:
            self.typed = joined
            return self.row_of(joined), before
        self.typed = key
        return (self.row_of(key) if key != "0" else None), None

    def move(self, step: int) -> None:
        self.typed = ""
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


class Select(Choices):
    hint = SELECT_HINT

    def submit(self) -> Any:
        if self.pointer is None:
            self.warning = f"Nothing is chosen yet: move to an option with the arrow keys or type its {self.key_name}, then press Enter."
            return None
        return self.choices[self.pointer][0]

    def answer(self, width: int) -> Lines:
        assert self.pointer is not None
        return self.chosen_lines(width, [self.choices[self.pointer][1]])

    def number(self, key: str) -> None:
        row, _ = self.typed_row(key)
        if row is not None:
            self.pointer = row
            self.warning = ""


class Checkbox(Choices):
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
            self.warning = f"Move to an option with the arrow keys first (or type its {self.key_name})."
            return
        self.warning = ""
        if i in self.ticked:
            self.ticked.discard(i)
        elif i == self.none_row:
            self.ticked = {i}
        else:
            self.ticked = (self.ticked - {self.none_row}) | {i}

    def number(self, key: str) -> None:
        row, replaced = self.typed_row(key)
        if replaced is not None:  # '1' ticked row 1 on its way to '10': untick it
            self.toggle(replaced)
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


class Confirm(Prompt):
    hint = "Type y or n, then press Enter."

    def __init__(self, message: str):
        super().__init__(message)
        self.reply: bool | None = None

    def head(self, width: int) -> Lines:
        typed = {True: " y", False: " n", None: ""}[self.reply]
        return [("class:question", line + "\n") for line in hang(f"{self.message} (y/n){typed}", width, "? ", "  ")]

    def tail(self, width: int, with_hint: bool = True) -> Lines:
        """The hint, or the warning in its place: Enter with nothing typed showed the same advice twice."""
        return super().tail(width, with_hint=not self.warning)

    def submit(self) -> Any:
        if self.reply is None:
            self.warning = f"Nothing typed yet. {self.hint}"
        return self.reply


class Pause(Prompt):
    """A line to read on: gone once a key is pressed, so the screen keeps only what was read."""

    def head(self, width: int) -> Lines:
        return [] if self.done else [("class:question", line + "\n") for line in hang(self.message, width)]
