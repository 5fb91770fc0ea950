"""A progress bar on standard error for long jobs (exports), shown only to a person at a terminal.

Standard output may be the export itself, so the bar never touches it: rich's live display would
otherwise swap ``sys.stdout`` for a proxy that prints through the bar's own console, on standard
error, and an export to ``> out.csv`` came out empty. Under --plain, NO_COLOR or when standard
error is not a terminal there is no bar at all, and nothing is counted in advance.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any


class ProgressLine:
    """One bar on standard error: ``line(total, done)`` moves it on; ``finish()`` takes it off the
    screen, so whatever is printed next (an export's rows through ``| head``) starts on its own line."""

    def __init__(self, bar: Any, task: Any):
        self.bar = bar
        self.task = task

    def __call__(self, total: int | None, done: int) -> None:
        self.bar.update(self.task, total=total, completed=done)

    def finish(self) -> None:
        self.bar.stop()  # transient: the line is erased and the cursor shown again; stopping twice is harmless


@contextlib.contextmanager
def progress_bar(label: str, plain: bool | None) -> Iterator[ProgressLine | None]:
    """Yield a ``ProgressLine`` for a rich bar, or None when no bar should be drawn."""
    if plain or (plain is None and os.environ.get("NO_COLOR")) or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,  # the export's data must go to the real standard output, never through the bar
        redirect_stderr=False,
    ) as bar:
        yield ProgressLine(bar, bar.add_task(label, total=None))
