"""The learning report as the CLI asks for it: built from the store, its HTML page written when asked.

The report itself is data (``records.report``); printing it, as JSON or as tables for people, is the
CLI's and the terminal UI's part, so nothing here writes to a terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ltl_quiz.records.report import FIRST

if TYPE_CHECKING:
    from pathlib import Path

    from ltl_quiz.locations import Locations
    from ltl_quiz.records.report import Report
    from ltl_quiz.store.queries import Filters


def learning_report(where: Locations, filters: Filters, html_out: Path | None, attempts: str = FIRST) -> Report:
    """The report over the attempts ``filters`` choose; with ``html_out``, also written there as one page."""
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.records.report import build
    from ltl_quiz.store import Store

    with Store(where.db_url) as store:
        result = build(store, ScenarioLibrary(where.scenarios), filters, attempts=attempts)
    if html_out is not None:
        from ltl_quiz.atomic import write_text
        from ltl_quiz.records.report_html import to_html

        write_text(html_out, to_html(result))
    return result
