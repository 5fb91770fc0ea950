"""Word-boundary wrapping with a hanging indent, for text the terminal would otherwise cut or split.

A terminal wraps a long line at the last column, in the middle of a word, and a prompt library may
cut it off altogether. Text for the screen is wrapped here instead, to the width the terminal has
at the moment it is drawn, so that an option's second line starts under its first word, not under
its number. A word longer than the whole line (a long address) is the only thing ever split.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import TextIO

from ltl_quiz.invocation import GLUE, glued, unglued
from ltl_quiz.text import one_line, visible

COMMAND_INDENT = "    "  # a hint's command moved to a line of its own starts this far in
CONTINUED = " ^" if os.name == "nt" else " \\"  # the shell's "this command goes on on the next line"
NARROWEST = 20  # below this a hanging indent leaves no room for words: wrap flush left instead


def hang(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` columns: the first starts with ``first``, the others
    with ``rest`` (spaces as wide as ``first`` unless given). The author's line breaks are spaces.
    Control characters come out as visible signs: the arrow-key prompts draw through here too."""
    rest = " " * len(first) if rest is None else rest
    words = one_line(visible(text))
    if width - len(rest) < NARROWEST or width - len(first) < NARROWEST:
        first, rest = first.strip() + " " if first.strip() else "", ""
    address = words.split(" ", 1)[0]
    if "://" in address and first.strip() and first != rest and len(first) + len(address) > width:
        lead = rest if len(rest) + len(address) <= width else ""  # a web address on a line of its own, flush left if too long
        return [first.rstrip(), *hang(text, width, lead, rest)]
    wrapper = _Wrapper(width=max(width, NARROWEST), initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
    lines = wrapper.wrap(glued(words)) or [first.rstrip()]
    return [out for n, line in enumerate(lines) for out in _command_apart(line, rest, width, n > 0)]


def _command_apart(line: str, rest: str, width: int, continuing: bool) -> list[str]:
    """A line, its spaces restored. A hint's command is never broken where copying its first line
    would run the wrong command (issue 13): one that starts a continuation line is indented when it
    fits, so it stands apart from the sentence before it; one longer than a whole line is broken
    between arguments with the shell's line continuation, so that it is still one command."""
    body = line[len(rest) :]
    if continuing and GLUE in body.split(" ", 1)[0] and len(line) + len(COMMAND_INDENT) <= width:
        line = rest + COMMAND_INDENT + body
    if len(line) <= width or GLUE not in line:
        return [unglued(line)]
    out, current = [], ""
    for n, piece in enumerate(line.split(GLUE)):
        if n and len(current) + 1 + len(piece) + len(CONTINUED) > width:
            out.append(unglued(current) + CONTINUED)
            current = rest + COMMAND_INDENT + piece
        else:
            current = current + " " + piece if n else piece
    return [*out, unglued(current)]


class _Wrapper(textwrap.TextWrapper):
    """A word too long for any line starts a line of its own before it is split, rather than being
    split wherever the line before it happens to end. A web address is never split: on a line of
    its own the terminal's own wrapping keeps it one line to select, copy or open, where a line
    break of ours cut it in two."""

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        if cur_line:
            return  # finish this line; the word comes back to a fresh one
        if "://" in reversed_chunks[-1] or GLUE in reversed_chunks[-1]:  # an address or a hint's command, whole
            cur_line.append(reversed_chunks.pop())
            return
        super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)


def terminal_width(stream: TextIO | None = None) -> int | None:
    """Columns of the terminal standard output is showing, asked afresh each time (it may have been
    resized); None when output goes to a pipe or file, where nobody's width is known."""
    stream = stream or sys.stdout
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size().columns if os.environ.get("COLUMNS") else None


def fit_lines(text: str, stream: TextIO | None = None) -> str:
    """``text`` wrapped at word boundaries for the terminal ``stream`` shows (standard output if not
    given), each line's continuation under its text, two further in when it is indented (a detail
    under its heading line); unchanged for a pipe or a file, whose reader may parse it."""
    columns = terminal_width(stream)
    if not columns:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        out += hang(line.lstrip(), columns - 1, indent, indent + "  " if indent else "") if line.strip() else [line]
    return "\n".join(out)
