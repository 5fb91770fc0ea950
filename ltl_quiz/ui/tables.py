"""Rich tables that never split a word: ids, codes and figures stay whole at any width.

Rich's own width sharing shrinks the widest columns first and then folds their words across lines,
which turned "hotel-welfare-check" into "hotel-welfare-che" / "ck" at 80 columns (issue 13). Here
each column is given a fixed width of at least its longest word, and the room left over goes first
to the column that would wrap most without it; rich then wraps only between words. A terminal too
narrow even for the longest words gets each row as "header: value" lines, which wrap like prose.

A table may offer narrower layouts of the same rows (``list`` at 80 columns: the themes under the
title rather than a column of their own), tried in order before the labelled lines: those are for
a width where no table fits, not for the 80 columns most terminals open at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len

from ltl_quiz.text import visible

if TYPE_CHECKING:
    from ltl_quiz.ui.render import Renderer

_EDGES = 4  # a bordered rich table's left and right edge, with their padding
_BETWEEN = 3  # a separator between two columns, with the padding either side


def widths(header: list[str], rows: list[list[str]], room: int, readable: int = 0) -> list[int] | None:
    """A width per column that holds its longest word and fits ``room`` cells, or None if none can.
    ``readable``: each column is also given that many cells (or all it needs, if fewer), so that
    prose is not left one word a line in a sliver of a column."""
    cols = [[visible(cell) for cell in col] for col in zip(header, *rows, strict=True)]  # as the console shows it
    most = [max(cell_len(line) for cell in col for line in cell.splitlines() or [""]) for col in cols]
    least = [max(cell_len(w) for cell in col for w in cell.split() or [""]) for col in cols]
    least = [max(n, min(m, readable)) for n, m in zip(least, most, strict=True)]
    space = room - _EDGES - _BETWEEN * (len(cols) - 1)
    spare = space - sum(least)
    if spare < 0:
        return None
    given = list(least)
    for i in sorted(range(len(cols)), key=lambda i: most[i] - least[i], reverse=True):
        extra = min(most[i] - least[i], spare)  # the column with most to say is served first
        given[i] += extra
        spare -= extra
    return given

Layout = tuple[list[str], list[list[str]]]  # a header and its rows


def print_table(
    ui: Renderer,
    header: list[str],
    rows: list[list[str]],
    title: str | None = None,
    narrower: Sequence[Layout] = (),
    readable: int = 0,
) -> None:
    """``rows`` under ``header``: a rich table whose words stay whole (and whose columns are
    ``readable`` wide), else the first of the ``narrower`` layouts that fits, else labelled lines
    (from ``header`` and ``rows``)."""
    for head, body in [(header, rows), *narrower]:
        sizes = None if ui.plain else widths(head, body, ui.console.width, readable)
        if sizes is not None:
            _draw(ui, head, body, sizes, title)
            return
    if title:
        ui.say(title)
    for row in rows:
        ui.say("; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True)))


def _draw(ui: Renderer, header: list[str], rows: list[list[str]], sizes: list[int], title: str | None) -> None:
    from rich.table import Table

    stacked = any("\n" in cell for row in rows for cell in row)  # rows of several lines: a rule between them shows where each ends
    table = Table(title=title, show_lines=stacked)
    for h, size in zip(header, sizes, strict=True):
        table.add_column(h, width=size)
    for row in rows:
        table.add_row(*row)
    ui.console.print(table)
