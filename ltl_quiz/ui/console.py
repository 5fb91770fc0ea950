"""The rich console every screen draws on: content is text, never markup, never control codes.

WHY a subclass rather than care at each call: a table cell, a panel title or a rule given a plain
string is parsed as rich markup (an unbalanced ``[/nope]`` in a scenario title was a traceback), and
text from other people (names, units, reflections, titles) could carry ``ESC`` sequences to the
trainer's terminal. Both are settled here, once, below every screen the UI modules draw.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from ltl_quiz.text import visible


class SafeConsole(Console):
    """A ``rich`` console that reads every string as text and shows control characters as signs.

    rich's own codes (colour, cursor moves for a live display) travel in ``control`` segments or
    are added when segments are written, so they are kept; only the content is made visible."""

    def __init__(self, **kwargs: Any):
        super().__init__(markup=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = False
        return super().render_str(visible(text), **kwargs)

    def render(self, renderable: Any, options: Any = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and not segment.text.isprintable():
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment

    def on_broken_pipe(self) -> None:
        """rich would exit 1 here; the command's outer edge decides (``ltl_quiz.pipes``: a reader
        that went away is a quiet exit 0), so the error goes on to it, with nothing more drawn."""
        self.quiet = True
        raise BrokenPipeError
