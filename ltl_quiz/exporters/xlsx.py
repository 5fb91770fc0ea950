"""The Excel workbook: one formatted sheet each for completions, answers and reflections.

openpyxl's write-only mode streams each row to a temporary file as it comes, so memory stays flat
however many rows there are. Every sheet has a bold frozen header row, filter buttons, column
widths, real date-time cells (UTC; spreadsheets have no time zones) and real numbers and
booleans (with a boolean format, so LibreOffice shows TRUE/FALSE rather than 1/0), so sorting and
pivot tables work without any clean-up.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...) is written exactly as
typed, as a string cell with the quote-prefix style: it is never a formula, and the cell shows what
the learner typed, with no apostrophe in front (the CSV export's defence, which showed as text here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from ltl_quiz.errors import InputError
from ltl_quiz.exporters.rows import FORMULA_STARTS, TICK_EVERY, Column

MAX_ROWS = 1_048_576  # Excel's limit, header included
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'  # the number format Excel and LibreOffice both show as TRUE/FALSE, not 1/0


def write_xlsx(
    handle: IO[bytes], sheets: Sequence[tuple[str, tuple[Column, ...], Iterable[tuple]]], tick: Callable[[int], None] | None = None
) -> int:
    """Write every sheet into one workbook on ``handle``; returns the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    total = 0
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title.capitalize())
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns, 1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, column.label)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F3864")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            header.append(cell)
        sheet.append(header)
        convert = _converters(sheet, columns, WriteOnlyCell)
        n = 0
        for row in rows:
            n += 1
            if n + 1 > MAX_ROWS:
                raise InputError(
                    f"the {title} sheet would pass Excel's limit of {MAX_ROWS:,} rows; narrow the export with --since/--until or use csv"
                )
            sheet.append([f(v) if f and v is not None else v for f, v in zip(convert, row, strict=True)])
            if tick and n % TICK_EVERY == 0:
                tick(total + n)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
        total += n
    if tick:
        tick(total)
    workbook.save(handle)
    return total


def _converters(sheet: Any, columns: tuple[Column, ...], cell_type: Any) -> list[Callable[[Any], Any] | None]:
    """Per column, how a value becomes a cell: dates become date cells, text is never a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as ILLEGAL

    def as_date(value: str) -> Any:
        moment = _datetime(value) if isinstance(value, str) else value
        if isinstance(moment, str):  # not a time after all (a store merged from elsewhere): text, never a formula
            return text(moment)
        cell = cell_type(sheet, moment)
        cell.number_format = DATE_FORMAT
        return cell

    def as_text(value: str) -> Any:
        cell = cell_type(sheet, value)
        cell.data_type = "s"  # a string cell: openpyxl would take text starting with '=' as a formula
        cell.quotePrefix = True  # and the spreadsheet keeps it text when the cell is edited, showing no apostrophe
        return cell

    def text(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = ILLEGAL.sub("\ufffd", value)  # control characters a learner pasted are not allowed in the file's XML
        return as_text(value) if value.startswith(FORMULA_STARTS) else value

    def as_bool(value: Any) -> Any:
        cell = cell_type(sheet, bool(value))
        cell.number_format = BOOLEAN_FORMAT
        return cell

    convert = {"datetime": as_date, "text": text, "bool": as_bool}
    return [convert.get(column.kind, text) for column in columns]  # a number column's text is guarded too


def _datetime(value: str) -> datetime | str:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return value
