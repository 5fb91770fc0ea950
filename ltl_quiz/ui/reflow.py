"""Markdown hard-wrapped to the terminal's width, meaning exactly what it meant on one line.

``ltl-quiz cpd`` prints Markdown, a paragraph or a list item a line; at a terminal each of those
lines ran past the edge and the terminal split its words wherever the edge fell. Here, for a
terminal only, each line is wrapped at word boundaries: a paragraph's lines as soft breaks, a list
item's under its text, a quote's behind its "> ", an ending hard break ("  ") kept on the last
line. CommonMark reads the result as the same document (the tests render both with markdown-it-py
and compare), which needs two cares:

- a word that would start a line as block syntax ("-", "+", "1.", "===") is kept with the word
  before it, so that no wrapped line turns into a list item, a rule or a heading underline;
- an ATX heading cannot go on to a second line, so one too long for the width is written as a
  setext heading (its text, then a line of "=" or "-"), which can.

Piped or written to a file, the Markdown is left exactly as built.
"""

from __future__ import annotations

import re
import textwrap
from typing import TextIO

from ltl_quiz.ui.wrap import terminal_width

_GLUE = "\x00"  # joins a word to the one before it while lines are filled; never in Markdown we build
_BLOCK_START = re.compile(r"^(?:[-+*]|\d{1,9}[.)]|=+|-+|#{1,6}|>|\|)$")  # a word that, first on a line, would start a block
_LEAD = re.compile(r"^(\s*(?:>\s?)?)((?:[-+*]|\d{1,9}[.)])\s+)?")  # indent, quote marker, list marker
_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


def for_terminal(markdown: str, stream: TextIO) -> str:
    """``markdown`` wrapped to the width of the terminal ``stream`` shows, or as it is when
    ``stream`` is a pipe or a file (one column short of the edge, where a terminal wraps by itself)."""
    columns = terminal_width(stream)
    return reflow(markdown, columns - 1) if columns else markdown


def reflow(markdown: str, width: int) -> str:
    """Every paragraph, list item, quote and heading line of ``markdown`` wrapped to ``width``."""
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or line.lstrip().startswith(("```", "~~~")) or len(line.rstrip()) <= width:
            out.append(line)
            continue
        heading = _ATX.match(line)
        if heading:
            out += _heading(len(heading.group(1)), heading.group(2), width, not out or not out[-1].strip(), line)
            continue
        out += _wrapped(line, width)
    return "\n".join(out)


def _wrapped(line: str, width: int) -> list[str]:
    hard = "  " if line.endswith("  ") else ""  # a hard line break: it ends the last of the wrapped lines
    lead = _LEAD.match(line)
    first = lead.group(0) if lead else ""
    rest = (lead.group(1) + " " * len(lead.group(2) or "")) if lead else ""
    lines = _fill(line[len(first) :].strip(), width, first, rest)
    lines[-1] += hard
    return lines


def _heading(level: int, text: str, width: int, after_blank: bool, line: str) -> list[str]:
    """A heading too long for a line: setext (levels 1 and 2, after a blank line, as a setext
    heading must be to not take in the paragraph above), else left whole."""
    if level > 2 or not after_blank:
        return [line]
    text = re.sub(r"^(\d{1,9})([.)])", r"\1\\\2", text)  # "1. Title" would be a list item, not the heading's text
    text = re.sub(r"^([-+=])", r"\\\1", text)
    lines = _fill(text, width, "", "")
    return [*lines, ("=" if level == 1 else "-") * max(3, max(len(s) for s in lines))]


def _fill(text: str, width: int, first: str, rest: str) -> list[str]:
    words = text.split()
    glued: list[str] = []
    for word in words:
        if glued and _BLOCK_START.match(word):
            glued[-1] += _GLUE + word
        else:
            glued.append(word)
    wrapper = textwrap.TextWrapper(
        width=max(width, len(rest) + 1), initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    )
    return [s.replace(_GLUE, " ") for s in wrapper.wrap(" ".join(glued))] or [first.rstrip()]
