"""Take attempts out of the store in the form a CPD lead's systems take: csv, xlsx, json, jsonl or xAPI.

``export`` is the one call the CLI makes (``job.py``). The formats are one table (``formats.py``),
which ``--format``'s choices and help come from; the row model lives in ``rows.py`` and the filters
in ``store/queries.py``; each format family has its own module. Output goes to a file atomically (a
failed export leaves no file and any earlier file untouched) or to standard output.

The CLI reads the formats' table for ``--help``, which imports this package: so the job itself is
loaded only when one of its names is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ltl_quiz.exporters.job import FORMATS, ExportDone, ExportRequest, Ticker, check, export, people_for

__all__ = ["FORMATS", "ExportDone", "ExportRequest", "Ticker", "check", "export", "people_for"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ltl_quiz.exporters import job

        return getattr(job, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
