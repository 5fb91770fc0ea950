"""The export formats, one table: each format's name, whether it is binary, its file suffix, what it
writes, how its progress is counted and the function that writes it.

Everything else asks this table: the export job picks its writer here, the CLI's ``--format`` takes
its choices and help from it, and a new format is one entry and one writer. The table is read by
``--help``, so this module imports nothing heavy: each writer imports its format's module when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from ltl_quiz.exporters.job import ExportJob
    from ltl_quiz.store.queries import Filters

Tick = Callable[[int], None]  # rows written so far


# A text format's writer or a binary one's (``ExportFormat.binary`` says which stream it is given)
Writer = Callable[["ExportJob", IO[str], "Tick | None"], int] | Callable[["ExportJob", IO[bytes], "Tick | None"], int]
Counter = Callable[["ExportJob"], "int | None"]


class ExportFormat(NamedTuple):
    """One format: ``binary`` formats go to a byte stream and never to a terminal.

    (A named tuple, not a dataclass, because ``--help`` builds this table: it costs a fraction as much.)"""

    name: str
    binary: bool
    suffix: str
    writes: str  # what it writes, in a few words
    writer: Writer
    total: Counter  # how many rows the progress bar counts to (None: not known in advance)
    noun: str = "file"  # what one is called in messages


def _sheet_total(job: ExportJob) -> int | None:
    from ltl_quiz.store.queries import count

    return count(job.store, _query(job.what, job.filters))


def _workbook_total(job: ExportJob) -> int | None:
    from ltl_quiz.exporters.rows import WHATS
    from ltl_quiz.store.queries import count

    return sum(count(job.store, _query(what, job.filters)) for what in WHATS)


def _unknown_total(job: ExportJob) -> int | None:
    return None  # statements per attempt vary: counting them would mean building them twice


def _query(what: str, filters: Filters) -> Any:
    from ltl_quiz.scenario.kinds import written_kinds
    from ltl_quiz.store.queries import answers_query, attempts_query

    if what == "completions":
        return attempts_query(filters)
    return answers_query(filters, written_kinds()) if what == "reflections" else answers_query(filters)


def _rows(job: ExportJob, what: str, safe: bool) -> Any:
    from ltl_quiz.exporters.rows import rows

    return rows(what, job.store, job.filters, job.library, job.people, safe=safe)


def write_csv(job: ExportJob, handle: IO[str], tick: Tick | None) -> int:
    """Comma-separated rows, formula-like text made inert; answers take the fast path (repeated parts quoted once)."""
    from ltl_quiz.exporters import tabular
    from ltl_quiz.exporters.rows import ANSWERS, SHEETS, neutralise, shaped_answer_rows

    if job.what != "answers":
        return tabular.write_csv(handle, SHEETS[job.what], _rows(job, job.what, safe=True), tick)
    lines = shaped_answer_rows(job.store, job.filters, job.library, job.people, neutralise, tabular.csv_fragment, tabular.csv_answer_line)
    return tabular.write_csv_lines(handle, ANSWERS, lines, tick)


def write_json(job: ExportJob, handle: IO[str], tick: Tick | None) -> int:
    from ltl_quiz.exporters import tabular
    from ltl_quiz.exporters.rows import SHEETS

    return tabular.write_json(handle, SHEETS[job.what], _rows(job, job.what, safe=False), tick)


def write_jsonl(job: ExportJob, handle: IO[str], tick: Tick | None) -> int:
    from ltl_quiz.exporters import tabular
    from ltl_quiz.exporters.rows import SHEETS

    return tabular.write_jsonl(handle, SHEETS[job.what], _rows(job, job.what, safe=False), tick)


def write_workbook(job: ExportJob, handle: IO[bytes], tick: Tick | None) -> int:
    """All three sheets; formula-like text is made inert by the cells' quote-prefix style, not an apostrophe."""
    from ltl_quiz.exporters.rows import SHEETS, WHATS
    from ltl_quiz.exporters.xlsx import write_xlsx

    return write_xlsx(handle, [(what, SHEETS[what], _rows(job, what, safe=False)) for what in WHATS], tick)


def write_statements(job: ExportJob, handle: IO[str], tick: Tick | None) -> int:
    """One JSON array of xAPI statements, written one statement at a time."""
    import json

    from ltl_quiz.exporters.xapi import statements

    n = 0
    handle.write("[")
    settings = job.settings
    if settings is None:
        from ltl_quiz.exporters.xapi import XapiSettings

        settings = XapiSettings()
    for n, statement in enumerate(statements(job.store, job.filters, job.library, job.people, settings), 1):
        handle.write(("\n" if n == 1 else ",\n") + json.dumps(statement, ensure_ascii=False))
        if tick and n % 1000 == 0:
            tick(n)
    handle.write("\n]\n" if n else "]\n")
    if tick:
        tick(n)
    return n


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("csv", False, ".csv", "comma-separated rows", write_csv, _sheet_total),
    ExportFormat("xlsx", True, ".xlsx", "a workbook with all three sheets", write_workbook, _workbook_total, "workbook"),
    ExportFormat("json", False, ".json", "one JSON array", write_json, _sheet_total),
    ExportFormat("jsonl", False, ".jsonl", "one JSON object a line", write_jsonl, _sheet_total),
    ExportFormat("xapi", False, ".json", "xAPI statements for an LRS", write_statements, _unknown_total),
)
BY_NAME: dict[str, ExportFormat] = {f.name: f for f in EXPORT_FORMATS}
NAMES: tuple[str, ...] = tuple(BY_NAME)

if TYPE_CHECKING:
    FormatName = str
else:
    FormatName = Literal[NAMES]  # typer shows a Literal's values as the choices: built from the table, typed nowhere else


def format_help() -> str:
    """``--format``'s help: the formats' names, in the table's order ("csv, xlsx, json, jsonl or xapi.")."""
    return ", ".join(NAMES[:-1]) + " or " + NAMES[-1] + "."
