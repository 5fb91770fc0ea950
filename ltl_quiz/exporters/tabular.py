"""Text formats: CSV for spreadsheets and import tools, JSON and JSON Lines for programs.

Each writer streams: it takes rows one at a time and keeps none, so a million-row export needs
no more memory than a ten-row one. CSV headers and JSON keys are the columns' machine keys.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from typing import IO, Any, TypeVar

from ltl_quiz.exporters.rows import TICK_EVERY, Column, neutralise

Tick = Callable[[int], None]


def write_csv(handle: IO[str], columns: tuple[Column, ...], rows: Iterable[tuple], tick: Tick | None = None) -> int:
    """RFC 4180 CSV (CRLF line ends, quotes where needed); returns the number of data rows."""
    writer = csv.writer(handle)
    writer.writerow([c.key for c in columns])
    return _chunked((_inert(row) for row in rows), writer.writerows, tick)


def _inert(row: tuple) -> tuple:
    """Every text cell made inert for a spreadsheet, whatever its column: a store merged from
    elsewhere can hold ``=HYPERLINK(...)`` in a timestamp or a number column too (SQLite keeps any type)."""
    return tuple(neutralise(v) if isinstance(v, str) else v for v in row)


def csv_fragment(values: tuple) -> str:
    """Values as the text of consecutive CSV fields, quoted exactly as ``csv.writer`` would quote them."""
    buffer = _Line()
    csv.writer(buffer).writerow(["" if v is None else v for v in _inert(values)])  # the default line end, so \r and \n are quoted
    return buffer.text[:-2]


def csv_answer_line(
    prefix: str, seq: int, text: tuple, points: int | None, critical: object, written: str | None, shown: str, answered: str, seconds: float
) -> str:
    """One answers row as a CSV line, its repeated parts already quoted by ``csv_fragment``: the fast path."""
    f = _field
    return f"{prefix},{f(seq)},{text[0]},{f(points)},{f(text[1])},{'True' if critical else 'False'},{f(written or None)},{f(shown)},{f(answered)},{f(seconds)}\r\n"


def _field(value: Any) -> str:
    """One CSV field of the fast path: text made inert and quoted as needed, whatever the column."""
    if value is None:
        return ""
    return _quoted(neutralise(value) or "") if isinstance(value, str) else str(value)


_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _quoted(text: str) -> str:
    """One field quoted as csv.writer's QUOTE_MINIMAL would: only when it holds a comma, quote or line break."""
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


class _Line:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def write_csv_lines(handle: IO[str], columns: tuple[Column, ...], lines: Iterable[str], tick: Tick | None = None) -> int:
    """CSV whose data lines come ready made (see ``csv_answer_line``)."""
    csv.writer(handle).writerow([c.key for c in columns])
    return _chunked(lines, lambda batch: handle.write("".join(batch)), tick)


def write_jsonl(handle: IO[str], columns: tuple[Column, ...], rows: Iterable[tuple], tick: Tick | None = None) -> int:
    """One JSON object a line, keys in column order."""
    keys = [c.key for c in columns]
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def write(batch: list[tuple]) -> None:
        handle.write("".join(dumps(dict(zip(keys, row, strict=True))) + "\n" for row in batch))

    return _chunked(rows, write, tick)


def write_json(handle: IO[str], columns: tuple[Column, ...], rows: Iterable[tuple], tick: Tick | None = None) -> int:
    """One JSON array of objects, written element by element so it is never held whole."""
    keys = [c.key for c in columns]
    dumps = json.JSONEncoder(ensure_ascii=False, indent=None).encode
    first = True

    def write(batch: list[tuple]) -> None:
        nonlocal first
        parts = []
        for row in batch:
            parts.append(("[\n" if first else ",\n") + dumps(dict(zip(keys, row, strict=True))))
            first = False
        handle.write("".join(parts))

    n = _chunked(rows, write, tick)
    handle.write("[]\n" if first else "\n]\n")
    return n


Item = TypeVar("Item")  # a row tuple, or a CSV line made ready


def _chunked(rows: Iterable[Item], write: Callable[[list[Item]], object], tick: Tick | None) -> int:
    n = 0
    batch: list[Item] = []
    for row in rows:
        batch.append(row)
        if len(batch) == TICK_EVERY:
            write(batch)
            n += len(batch)
            batch = []
            if tick:
                tick(n)
    if batch:
        write(batch)
        n += len(batch)
    if tick:
        tick(n)
    return n
