"""Rich tables that never split a word: ids, codes and figures stay whole at any width.

Rich's own width sharing shrinks the widest columns first and then folds their words across lines,
which turned "hotel-welfare-check" into "hotel-welfare-che" / "ck" at 80 columns (issue 13). Here
each column is given a fixed width of at least its longest word, and the room left over goes first
to the column that would wrap most without it; rich then wraps only between words. A terminal too
narrow even for the longest words gets each row as "header: value" lines, which wrap like prose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from ltl_quiz.text import visible

if TYPE_CHECKING:
    from ltl_quiz.ui.render import Renderer

_EDGES = 4  # a bordered rich table's left and right edge, with their padding
_BETWEEN = 3  # a separator between two columns, with the padding either side


def widths(header: list[str], rows: list[list[str]], room: int) -> list[int] | None:
    """A width per column that holds its longest word and fits ``room`` cells, or None if none can."""
    cols = [[visible(cell) for cell in col] for col in zip(header, *rows, strict=True)]  # as the console shows it
    least = [max(cell_len(w) for cell in col for w in cell.split() or [""]) for col in cols]
    most = [max(cell_len(line) for cell in col for line in cell.splitlines() or [""]) for col in cols]
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

def print_table(ui: Renderer, header: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """``rows`` under ``header``: a rich table whose words stay whole, else labelled lines."""
    sizes = None if ui.plain else widths(header, rows, ui.console.width)
    if sizes is None:
        if title:
            ui.say(title)
        for row in rows:
            ui.say("; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True)))
        return
    from rich.table import Table

    table = Table(title=title)
    for h, size in zip(header, sizes, strict=True):
        table.add_column(h, width=size)
    for row in rows:
        table.add_row(*row)
    ui.console.print(table)
