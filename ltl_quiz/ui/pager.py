"""A screenful at a time: a block taller than the terminal is shown in pages, each ending "more".

WHY: a passage, a debrief part or a trainer's ending can be far taller than 24 rows; printed at
once, its start scrolled away before the learner had read it, and the prompt below it gave no way
back. Here what a block draws is rendered to lines at the terminal's width (the renderer already
wraps it), and when it does not fit with the prompt that follows it, it is shown as many lines as
fit at a time, each page followed by a "more" prompt that discards type-ahead (an Enter pressed
while a page is drawn must not skip the next one). Ctrl-C at a "more" leaves as at any prompt.

Only in rich mode at a terminal, with a person at the keys: plain output (screen readers, pipes,
``--plain``) is one stream read in order, and is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ltl_quiz.errors import Left
from ltl_quiz.ui.wrap import hang

if TYPE_CHECKING:
    from ltl_quiz.ui.prompts import Prompter
    from ltl_quiz.ui.render import Renderer

_CODES = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")  # colour and link codes take no columns
PROMPT_ROWS = 2  # a prompt's rows below its text: the empty line after it and the line its cursor waits on
QUIET_SECONDS = 0.15  # a held key repeats far faster than this; a reader's next press comes far later
SMALLEST = 6  # rows: on a smaller terminal a page would hold almost nothing, so nothing is paged
# After a block whose prompt is taller than the screen (case 1's ten lines of research at 80x24):
# drawn straight after it, the prompt scrolled the passage it asks about away unread.
BEFORE_TALL_PROMPT = "— The question and its options come next. Press any key to continue —"


class Pager:
    """Pages what ``page()`` is given to draw; draws it straight through when paging does not apply."""

    def __init__(self, ui: Renderer, ask: Prompter):
        self.ui = ui
        self.ask = ask
        self.last: Callable[[], str] | None = None  # the last block shown, to draw again after a resize

    def active(self) -> bool:
        console = self.ui.console
        return not self.ui.plain and getattr(self.ask, "pages", False) and bool(getattr(console, "is_terminal", False))

    def rows_for(self, message: str) -> int:
        """Rows a pause prompt with ``message`` takes (drawn one short of the edge, as prompts are)."""
        if not self.active():
            return 1  # nothing is paged: the figure is never used
        return len(hang(message, max(1, int(self.ui.console.width) - 1))) + PROMPT_ROWS

    def page(self, key: str, draw: Callable[[], None], room: int = 1, keep_top: bool = False) -> None:
        """Draw the block ``draw`` draws; ``room`` is the rows the prompt after it needs on the same
        screen. ``keep_top``: a block that fits alone but not with its (tall) prompt is paged too,
        else the prompt scrolls the block's top away unread (a case's decision and its choice).
        Given as a function, the block is drawn again when the terminal is resized while a page is
        read, so the pages after it follow the new width (drawn once, they kept the old width, and
        every row of a panel broke in two)."""
        if not self.active():
            draw()
            return

        def drawn() -> str:
            with self.ui.console.capture() as captured:
                draw()
            return str(captured.get())

        self.last = drawn
        self.show(key, drawn(), room, keep_top, redraw=drawn)

    def redraw_end(self, room: int) -> None:
        """After a resize at the prompt under the last block: a clean screen with as much of the
        block's end as fits above the prompt's ``room`` rows, drawn again at the new width."""
        if self.last is None or not self.active():
            return
        console = self.ui.console
        lines = _trimmed(_lines(self.last()))
        cols, height = int(console.size.width), int(console.size.height)
        start, used = len(lines), 0
        while start > 0 and used + max(1, -(-_columns(lines[start - 1]) // cols)) + room <= height:
            start -= 1
            used += max(1, -(-_columns(lines[start]) // cols))
        _clear(console)
        _write(console, lines[start:])

    def show(self, key: str, drawn: str, room: int, keep_top: bool = False, redraw: Callable[[], str] | None = None) -> None:
        """Write ``drawn`` (rendered text with its colour codes) a screenful at a time; ``redraw``
        renders it again, at the width the terminal has then."""
        console = self.ui.console
        lines, start, cols = _lines(drawn), 0, int(console.size.width)
        while True:
            size = console.size
            if redraw is not None and start and int(size.width) != cols:  # resized: the rest, from as far on
                again = _trimmed(_lines(redraw()))
                _clear(console)  # the rows drawn at the old width are broken by it: the rest starts on a clean screen
                start, lines = max(0, start * len(again) // max(1, len(lines)) - 1), again
            cols, height = int(size.width), int(size.height)
            rows = [max(1, -(-_columns(line) // cols)) for line in lines]  # a line wider than the screen takes more rows
            more = len(hang(more_message(999, 999, 999), cols - 1)) + PROMPT_ROWS
            page = max(1, height - more)
            kept = keep_top and room < height  # a prompt taller than the screen scrolls everything, paged or not
            if not start and (height < SMALLEST or sum(rows) + room <= height or (sum(rows) <= page and not kept)):
                _write(console, lines)  # it fits (else, unless kept, a tall prompt after a short block scrolls it)
                if keep_top and room >= height >= SMALLEST:  # a prompt taller than the screen: read the block first
                    keys_quiet()
                    getattr(self.ask, "more", self.ask.pause)(f"{key}-before-prompt", BEFORE_TALL_PROMPT)
                return
            if not start:
                lines = _trimmed(lines)  # a block's closing blank lines: left in, the last "more" could turn to nothing new
                rows = rows[: len(lines)]
            if start >= len(lines) or sum(rows[start:]) + room <= height:
                _write(console, lines[start:])
                return
            end = _page_end(rows, start, page, height - room)
            _write(console, lines[start:end])
            keys_quiet()
            ask_more = getattr(self.ask, "more", self.ask.pause)  # one that leaves no row behind: the next page goes on where it stood
            ask_more(f"{key}-more-{end}", more_message(start + 1, end, len(lines)))
            start = end


def _page_end(rows: list[int], start: int, page: int, last: int) -> int:
    """Where the page from ``start`` ends: as many rows as a page holds, but when what is left
    would fit a page and not the block's own prompt (``last`` rows beside it), about half of it,
    and at least enough that the rest fits with that prompt: a page of all of it ended with a
    "the end" pause, and the block's own prompt came straight after it, two prompts in a row
    (case 9's references)."""
    rest = sum(rows[start:])
    limit = max(-(-rest // 2), rest - last) if 0 < last < rest <= page else page
    end, used = start, 0
    while end < len(rows) and (used + rows[end] <= limit or end == start):
        used += rows[end]
        end += 1
    return end


def _lines(drawn: str) -> list[str]:
    lines = drawn.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _trimmed(lines: list[str]) -> list[str]:
    """Without the closing blank lines (colour codes alone draw nothing)."""
    end = len(lines)
    while end and not _CODES.sub("", lines[end - 1]).strip():
        end -= 1
    return lines[:end]


def more_message(first: int, last: int, total: int) -> str:
    """The "more" prompt: where the reader is in the block, and that a key shows the rest."""
    if last >= total:
        return f"— lines {first} to {last} of {total}, the end. Press any key to continue —"
    return f"— lines {first} to {last} of {total}. Press any key for more —"


def choice_rows(message: str, choices: Sequence[tuple[str, str]], multi: bool, width: int) -> int:
    """Rows an arrow-key choice takes as first drawn (question, hint, every option wrapped): the
    passage above it is paged so that its start is not scrolled away when the choice is drawn."""
    from ltl_quiz.ui.prompt_lines import Checkbox, Select

    prompt = (Checkbox if multi else Select)(message, choices)
    drawn = prompt.head(width) + prompt.tail(width) + prompt.body(width, 0)
    return sum(part[1].count("\n") for part in drawn) + PROMPT_ROWS


def keys_quiet(quiet: float = QUIET_SECONDS) -> None:
    """Wait until no key has been pressed for ``quiet`` seconds, throwing away those that were: an
    Enter held down (the terminal repeats it) must not turn page after page nobody has seen. The
    keys are neither echoed (a newline would scroll the page) nor kept; Ctrl-C still leaves."""
    if not sys.stdin.isatty():
        return
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
    except (termios.error, OSError):
        return
    try:
        while select.select([fd], [], [], quiet)[0]:
            termios.tcflush(fd, termios.TCIFLUSH)
    except KeyboardInterrupt:
        raise Left() from None
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _clear(console: Any) -> None:
    console.file.write("\x1b[H\x1b[2J")  # home, then the whole screen blank (what was on it stays in the scrollback)
    console.file.flush()


def _columns(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(_CODES.sub("", line))


def _write(console: Any, lines: list[str]) -> None:
    """Straight to the terminal (the lines are already rendered), then wait until it has them, so
    that the type-ahead thrown away before the next prompt includes keys pressed while they were drawn."""
    if not lines:
        return
    stream = console.file
    stream.write("".join(line + "\n" for line in lines))
    stream.flush()
    with contextlib.suppress(Exception):
        import termios

        if stream.isatty():
            termios.tcdrain(stream.fileno())
