"""Take attempts out of the store in the form a CPD lead's systems take: csv, xlsx, json, jsonl or xAPI.

``export`` is the one call the CLI makes. The row model and filters live in ``rows.py`` and
``store/queries.py``; each format family has its own module. Output goes to a file atomically (a
failed export leaves no file and any earlier file untouched) or to standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ltl_quiz.atomic import atomic_writer, check_target
from ltl_quiz.errors import InputError

FORMATS = ("csv", "xlsx", "json", "jsonl", "xapi")


@dataclass(frozen=True)
class ExportRequest:
    """Everything an export needs to know, as parsed from the command line."""

    format: str
    what: str
    filters: Any  # ltl_quiz.store.queries.Filters
    out: Path | None
    pseudonymise: bool = False
    home_page: str | None = None


@dataclass(frozen=True)
class ExportDone:
    rows: int
    path: Path | None
    withheld: tuple[int, int] = (0, 0)  # (learners, reflections) whose written text was left out: not shared


Ticker = Callable[[int | None, int], None]  # (total or None, rows so far)


def export(where: Any, request: ExportRequest, ticker: Ticker | None = None) -> ExportDone:
    """Write the export ``request`` asks for; ``ticker`` hears of progress (for a progress bar)."""
    from ltl_quiz.exporters.rows import WHATS
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.store import Store

    if request.format not in FORMATS:
        raise InputError(f"--format {request.format!r} is not known; use one of: {', '.join(FORMATS)}")
    if request.what not in WHATS:
        raise InputError(f"--what {request.what!r} is not known; use one of: {', '.join(WHATS)}")
    if request.format == "xlsx" and request.out is None and sys.stdout.isatty():
        raise InputError("an xlsx workbook is binary and cannot go to the terminal; give --out FILE.xlsx")
    if request.out is not None:
        check_target(request.out)  # before the store is read: a bad --out fails at once, in one line
    settings = _xapi_settings(request) if request.format == "xapi" else None
    store = Store(where.db_url)
    try:
        people = people_for(where, store, request.pseudonymise)
        library = ScenarioLibrary(where.scenarios)
        job = _Job(request, store, library, people, settings, ticker)
        return ExportDone(job.run(), request.out, people.withheld_counts())
    finally:
        store.close()


def people_for(where: Any, store: Any, pseudonymise: bool) -> Any:
    """Who a CPD lead's output names (pseudonymised if asked), and whose reflections' text it may hold:
    only the learners who chose to share it (``store/consent.py``)."""
    from ltl_quiz.exporters.rows import People
    from ltl_quiz.pseudonym import Pseudonymiser, load_key
    from ltl_quiz.store.consent import sharing

    return People(Pseudonymiser(load_key(where.config_file)) if pseudonymise else None, sharing(store))


def _xapi_settings(request: ExportRequest) -> Any:
    from ltl_quiz.exporters.xapi import XapiSettings

    return XapiSettings.checked(request.home_page)


class _Job:
    """One export: picks the rows and the writer, and sends them to the file or standard output."""

    def __init__(self, request: ExportRequest, store: Any, library: Any, people: Any, settings: Any, ticker: Ticker | None):
        self.r = request
        self.store = store
        self.library = library
        self.people = people
        self.settings = settings
        self.ticker = ticker

    def run(self) -> int:
        binary = self.r.format == "xlsx"
        if self.r.out is None:
            from ltl_quiz.text import to_terminal

            return self.write(sys.stdout.buffer if binary else to_terminal(sys.stdout))  # a terminal never sees raw control codes
        if binary:
            with atomic_writer(self.r.out, "wb") as handle:
                return self.write(handle)
        with atomic_writer(self.r.out, "w", newline="") as handle:
            return self.write(handle)

    def write(self, handle: IO) -> int:
        from ltl_quiz.exporters import tabular
        from ltl_quiz.exporters.rows import SHEETS, WHATS, rows

        tick = self._tick()
        fmt, what = self.r.format, self.r.what
        if fmt == "xapi":
            return self._xapi(handle, tick)
        if fmt == "xlsx":
            from ltl_quiz.exporters.xlsx import write_xlsx

            # the workbook makes formula-like text inert with the cell's quote-prefix style, not an apostrophe
            sheets = [(name, SHEETS[name], rows(name, self.store, self.r.filters, self.library, self.people, safe=False)) for name in WHATS]
            return write_xlsx(handle, sheets, tick)
        if fmt == "csv" and what == "answers":  # the big one: repeated parts quoted once, not per row
            from ltl_quiz.exporters.rows import ANSWERS, answer_rows, neutralise

            lines = answer_rows(
                self.store, self.r.filters, self.library, self.people, neutralise, tabular.csv_fragment, tabular.csv_answer_line
            )
            return tabular.write_csv_lines(handle, ANSWERS, lines, tick)
        writer = {"csv": tabular.write_csv, "json": tabular.write_json, "jsonl": tabular.write_jsonl}[fmt]
        return writer(handle, SHEETS[what], rows(what, self.store, self.r.filters, self.library, self.people, safe=fmt == "csv"), tick)

    def _xapi(self, handle: IO[str], tick: Callable[[int], None] | None) -> int:
        from ltl_quiz.exporters.xapi import statements

        n = 0
        handle.write("[")
        for n, statement in enumerate(statements(self.store, self.r.filters, self.library, self.people, self.settings), 1):
            handle.write(("\n" if n == 1 else ",\n") + json.dumps(statement, ensure_ascii=False))
            if tick and n % 1000 == 0:
                tick(n)
        handle.write("\n]\n" if n else "]\n")
        if tick:
            tick(n)
        return n

    def _tick(self) -> Callable[[int], None] | None:
        if self.ticker is None:
            return None
        total = self._total()
        ticker = self.ticker
        ticker(total, 0)
        return lambda n: ticker(total, n)

    def _total(self) -> int | None:
        from ltl_quiz.store.queries import REFLECTION_KINDS, answers_query, attempts_query, count

        f = self.r.filters
        if self.r.format == "xapi":
            return None
        if self.r.format == "xlsx":
            return sum(count(self.store, q) for q in (attempts_query(f), answers_query(f), answers_query(f, REFLECTION_KINDS)))
        query = {"completions": attempts_query(f), "answers": answers_query(f), "reflections": answers_query(f, REFLECTION_KINDS)}[
            self.r.what
        ]
        return count(self.store, query)
