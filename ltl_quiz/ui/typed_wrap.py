"""What a learner types into a text prompt, wrapped at word boundaries while it is typed.

prompt_toolkit wraps a long line of input at the terminal's edge, wherever the edge falls: a
reflection typed at 80 columns read "how ol" / "d the girl", and stayed so after a live session's
pause news redrew it, until it was submitted. Here a word that would cross the edge is moved to
the next row by padding the row with spaces that are drawn but never typed: the buffer, the
cursor and editing keys are untouched, and each redraw (after a resize too) wraps at the width
the terminal has then.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prompt_toolkit.layout.processors import Processor, Transformation

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.layout.processors import TransformationInput

_PIECES = re.compile(r"\S+|\s+")


def padded(text: str, width: int, start: int = 0) -> tuple[str, list[int]]:
    """``text`` as drawn from column ``start`` of rows ``width`` wide, with the spaces that carry
    each word that would cross the edge to the next row; and where each of its characters (and
    the end, where the cursor waits after it) is drawn. A word longer than a row is left to wrap."""
    out: list[str] = []
    where: list[int] = []
    col = start % width if width > 0 else 0
    for piece in _PIECES.findall(text):
        if width > 0 and not piece.isspace() and col and col + len(piece) > width and len(piece) <= width:
            out.append(" " * (width - col))
            col = 0
        for char in piece:
            where.append(sum(len(s) for s in out))
            out.append(char)
            col = (col + 1) % width if width > 0 else col + 1
    drawn = "".join(out)
    where.append(len(drawn))
    return drawn, where


class WordWrapped(Processor):
    """The input's lines wrapped at word boundaries; ``prompt_width``, the columns the question
    takes before the first line's first character."""

    def __init__(self, prompt_width: int):
        self.prompt_width = prompt_width

    def apply_transformation(self, ti: TransformationInput) -> Transformation:
        from prompt_toolkit.formatted_text.utils import fragment_list_to_text
        from prompt_toolkit.layout.utils import explode_text_fragments

        text = fragment_list_to_text(ti.fragments)
        drawn, where = padded(text, ti.width, self.prompt_width if ti.lineno == 0 else 0)
        if len(drawn) == len(text):
            return Transformation(ti.fragments)
        chars = explode_text_fragments(ti.fragments)
        if len(chars) != len(text):  # a zero-width escape among them: left as prompt_toolkit draws it
            return Transformation(ti.fragments)
        fragments: StyleAndTextTuples = []
        for i, fragment in enumerate(chars):
            gap = where[i] - (where[i - 1] + 1 if i else 0)
            if gap > 0:
                fragments.append(("", " " * gap))
            fragments.append(fragment)
        back = [-1] * (len(drawn) + 1)
        for source, shown in enumerate(where):
            back[shown] = source
        for shown in range(len(drawn) - 1, -1, -1):  # a padding column stands for the character after it
            if back[shown] < 0:
                back[shown] = back[shown + 1]

        def to_display(i: int) -> int:
            return where[min(max(i, 0), len(where) - 1)]

        def to_source(i: int) -> int:
            return back[min(max(i, 0), len(back) - 1)]

        return Transformation(fragments, source_to_display=to_display, display_to_source=to_source)
