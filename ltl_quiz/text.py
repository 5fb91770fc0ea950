"""How scenario text (YAML ``|`` blocks) becomes text for a screen, a record or an export.

Authors wrap lines where they like; readers should not see those breaks. One definition here, so
the terminal, the CPD record, exports and xAPI all agree on what a passage says.
"""

from __future__ import annotations

import re

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
