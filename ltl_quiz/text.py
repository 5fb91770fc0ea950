"""How scenario text (YAML ``|`` blocks) becomes text for a screen, a record or an export.

Authors wrap lines where they like; readers should not see those breaks. One definition here, so
the terminal, the CPD record, exports and xAPI all agree on what a passage says.
"""

from __future__ import annotations

import math
import re
from typing import Any

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")


def one_line(text: str | None) -> str:
    """All whitespace, line breaks included, collapsed to single spaces: for cells and labels."""
    return " ".join((text or "").split())


def tidy(text: str) -> str:
    """Paragraphs kept, the author's line breaks inside them joined, except that each list item
    ("- ", "* ", "1. ") starts its own line: for reading on a screen."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(one_line(line) for line in lines))
    return "\n\n".join(paragraphs)


# Every C0 and C1 control character but newline and tab, and DEL: the bytes a terminal acts on.
# A carriage return just before a newline is a line ending (CSV's), not a move back along the line.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture": ESC shows as ␛, BEL as ␇
    return "\u2421" if code == 0x7F else "\ufffd"  # DEL as ␡; C1 has no pictures


def visible(text: str) -> str:
    """Text as it may reach a terminal: each control character shown as a sign, never acted on.

    WHY: names, units, reflections and scenario titles come from other people; an ``ESC ] 0 ;`` in
    one must not retitle, clear or reprogram the terminal of the trainer or lead who reads them.
    Every sink that prints such text to a terminal goes through this one function."""
    return _CONTROL.sub(_picture, text) if _CONTROL.search(text) else text


def typed(text: str) -> str:
    """Text a person typed or a file gave, as it may be kept: control characters (NUL among them)
    dropped, newline and tab kept. WHY: PostgreSQL refuses NUL in text, so one journalled NUL would
    block ``sync`` for ever; and no other control character has a meaning in a name or an answer."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def for_stream(text: str, stream: object) -> str:
    """``text`` for ``stream``: made ``visible`` on a terminal, exact to a file or a pipe (data kept)."""
    isatty = getattr(stream, "isatty", None)
    try:
        tty = bool(isatty and isatty())
    except (OSError, ValueError):
        tty = False
    return visible(text) if tty else text


class TerminalWriter:
    """A text stream that passes what is written through ``visible``: standard output when it is a
    terminal (``export`` with no --out). A file or a pipe is given the exact data instead."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        return int(self.stream.write(visible(text)) or 0)

    def flush(self) -> None:
        self.stream.flush()


def to_terminal(stream: Any) -> Any:
    """``stream`` itself, or a ``TerminalWriter`` over it when it is a terminal."""
    return TerminalWriter(stream) if for_stream("\x1b", stream) != "\x1b" else stream


def plural(noun: str) -> str:
    """The regular English plural of a noun: attempt -> attempts, batch -> batches, entry -> entries.
    Irregular ones (person -> people) are given to ``counted`` by its caller."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def counted(n: float, noun: str, many: str | None = None) -> str:
    """A count and its noun, singular for exactly one: "1 attempt", "0 attempts", "2.5 minutes".
    ``many``: the plural when it is not regular ("person", "people"). Every message that counts
    something says it through this one helper, so none can say "1 attempts"."""
    figure = str(int(n)) if float(n).is_integer() else f"{n:g}"  # never "1.2e+06" for a large count
    return f"{figure} {noun if n == 1 else (many or plural(noun))}"


def percent(value: float) -> str:
    """A percentage as a learner reads it, the same everywhere (history, debrief, CPD record):
    whole numbers, rounded down: "79%", never "79%" here and "75.6%" there. WHY down: pass marks
    are whole numbers and a score passes only at or above its mark, so 69.6% must not read "70%"
    beside "not passed"; rounded down, a figure reads as reaching the mark exactly when it does."""
    return f"{math.floor(value + 1e-9)}%"


def lead_in(text: str) -> str:
    """A phrase (a node's prompt) put before what follows it, as "prompt: what follows": its own
    closing full stop, colon or semicolon gives way to the colon, and a question or exclamation
    keeps its mark and takes none. WHY: prompts end as sentences ("Choose all that apply."), and
    our colon after one read "apply.: I chose"."""
    phrase = one_line(text).rstrip(" .:;,")
    return phrase if phrase.endswith(("?", "!")) else phrase + ":"
