"""The compliance report as an xlsx workbook, written as the store's rows arrive.

A workbook is a zip of XML parts (ECMA-376, SpreadsheetML). A force's 500,000 lines are 5.5
million cells, which a general spreadsheet library builds one object at a time; here, as for the
CSV, each person's cells are written once as XML, each standing key's once, and a row is the two
joined. The lines' strings are in the shared strings table (each distinct text once: half the XML
to compress), dates are day numbers in a yyyy-mm-dd style (a spreadsheet shows and sorts them as
dates), booleans have a TRUE/FALSE format, and text that starts as a formula would (= + - @) has
the quote-prefix style, so it shows exactly as typed and is never a formula. The totals per unit
and case are the second and third sheets.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import IO, TYPE_CHECKING

from ltl_quiz.compliance.report import STATES, Found, Standings
from ltl_quiz.compliance.streams import Key, Totals, lines
from ltl_quiz.errors import InputError

if TYPE_CHECKING:
    from ltl_quiz.store.assignments import Person, StandingLines

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEETS = ("compliance", "by unit", "by case")
_EPOCH = date(1899, 12, 30)  # day 0 of a spreadsheet's dates (with the 1900 leap-year quirk folded in)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold at all
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")  # what _escaped changes: most text holds none
MAX_ROWS = 1_048_576  # Excel's limit to a sheet's rows, the header's included
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
TAIL = "</sheetData></worksheet>"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as exporters.rows: what a spreadsheet might read as a formula
DATE, QUOTED, BOOLEAN = 1, 2, 3  # the cell styles (cellXfs) of styles.xml
# A first character that may give a text cell the quote-prefix style: a formula's, or one XML drops.
_FIRST_AT_RISK = frozenset(FORMULA_STARTS) | frozenset(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]))


def _parts() -> dict[str, str]:
    """The workbook's fixed parts: content types, relationships, the sheets' names, one date style."""
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheets = range(1, len(SHEETS) + 1)
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{OFFICE}.worksheet+xml"/>' for n in sheets)
    return {
        "[Content_Types].xml": xml + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>{types}'
        f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/></Types>',
        "_rels/.rels": xml + f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": xml + f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        + "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in zip(sheets, SHEETS, strict=True))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": xml + f'<Relationships xmlns="{PACKAGE}">'
        + "".join(f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in sheets)
        + f'<Relationship Id="rId{len(SHEETS) + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{len(SHEETS) + 2}" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": xml + f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="&quot;TRUE&quot;;&quot;TRUE&quot;;&quot;FALSE&quot;"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }


def _escaped(value: str) -> str:
    """Text as XML holds it (a carriage return kept as one, not read back as a line feed)."""
    if not _SPECIAL.search(value):
        return value
    return _ILLEGAL.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _style(value: str) -> str:
    return f' s="{QUOTED}"' if value.startswith(FORMULA_STARTS) else ""


def text(value: str) -> str:
    """An inline string cell (the header and the totals' sheets)."""
    return f'<c t="inlineStr"{_style(value)}><is><t xml:space="preserve">{_escaped(value)}</t></is></c>'


def day(value: date | None) -> str:
    return "<c/>" if value is None else f'<c s="{DATE}"><v>{(value - _EPOCH).days}</v></c>'


def number(value: int | None) -> str:
    return "<c/>" if value is None else f"<c><v>{value}</v></c>"


def boolean(value: bool) -> str:
    return f'<c t="b" s="{BOOLEAN}"><v>{int(value)}</v></c>'


class Strings:
    """The shared strings table: each distinct text once; a cell holds its number. A row's cells
    are made as bytes (``person``, ``tail``), so the sheet is never encoded a batch at a time."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cell(self, value: str) -> str:
        n = self.numbers.setdefault(value, len(self.numbers))
        if value[:1] not in _FIRST_AT_RISK:  # most text: no style (the test below gives the same)
            return f'<c t="s"><v>{n}</v></c>'
        return f'<c t="s"{_style(_ILLEGAL.sub("", value))}><v>{n}</v></c>'

    def person(self, pid: str, name: str, unit: str) -> bytes:
        return f"<row>{self.cell(pid)}{self.cell(name)}{self.cell(unit)}".encode()

    def tail(self, key: Key, found: Found) -> bytes:
        scenario_id, track, due_on, every, _ = key
        state, on, completed_on, late, earlier = found
        due = date.fromisoformat(due_on)
        cells = f"{self.cell(scenario_id)}{self.cell(track)}{self.cell(state)}{day(on)}{day(due)}{number(every)}{day(completed_on)}{boolean(late)}"
        cells += day(earlier)
        return f"{cells}</row>".encode()

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{_escaped(v)}</t></si>' for v in self.numbers)
        return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" uniqueCount="{len(self.numbers)}">{items}</sst>'


class WriteBehind:
    """Writes handed to one worker thread, in order. Deflating the sheet (and its CRC) runs in zlib
    without holding the GIL, so the sheet is compressed while the next rows are made: a force's
    130 MB sheet costs its writer a third of a second less."""

    def __init__(self, write: Callable[[bytes], object], depth: int = 8):
        self.write, self.depth = write, depth
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ltl-xlsx")
        self.pending: deque[Future[object]] = deque()

    def __call__(self, data: bytes) -> None:
        self.pending.append(self.pool.submit(self.write, data))
        while len(self.pending) > self.depth:  # at most a few batches in flight: memory stays small
            self.pending.popleft().result()  # a write's error is raised here, in the caller's thread

    def finish(self) -> None:
        """Wait for every write; raise the first that failed."""
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.shutdown(wait=True)

    def stop(self) -> None:
        """The writer failed: drop the writes not started, wait for the one under way, raise nothing."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def write_xlsx(
    people: Iterable[Person],
    batches: Iterable[Sequence[StandingLines]],
    standings: Standings,
    keep: Callable[[str], bool],
    handle: IO[bytes],
    max_rows: int | None = None,
) -> int:
    """The workbook of every person and case, then totals per unit and per case; return its lines.

    A report of more lines than a sheet holds (``max_rows``, the header's row included; default
    ``MAX_ROWS``) is refused with what to do, never cut short: the caller's atomic writer leaves no file.
    """
    from ltl_quiz.compliance.formats import HEADER

    limit = MAX_ROWS if max_rows is None else max_rows

    totals, strings, n = Totals(), Strings(), 0
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, part in _parts().items():
            book.writestr(name, part)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            behind = WriteBehind(sheet.write)
            try:
                behind((HEAD + "<row>" + "".join(map(text, HEADER)) + "</row>").encode())
                for rows_xml, count in lines(people, batches, standings, keep, strings.person, strings.tail, totals, sep=b""):
                    n += count
                    if n >= limit:
                        raise InputError(_too_many(limit))
                    behind(rows_xml)
                behind(TAIL.encode())
            except BaseException:
                behind.stop()
                raise
            behind.finish()
        report = totals.report(standings)
        for index, (title, counts) in enumerate((("unit", report.by_unit), ("case", report.by_case)), start=2):
            rows = [f"<row>{text(title)}{''.join(map(text, STATES))}</row>"]
            rows += [f"<row>{text(key)}{''.join(number(c[s]) for s in STATES)}</row>" for key, c in counts.items()]
            book.writestr(f"xl/worksheets/sheet{index}.xml", HEAD + "".join(rows) + TAIL)
        book.writestr("xl/sharedStrings.xml", strings.xml())
    return n



def _too_many(max_rows: int) -> str:
    return (
        f"--format xlsx: the report has more lines than a spreadsheet's sheet holds ({max_rows - 1:,} and a header); "
        "narrow it with --unit or --due-within, or use --format csv"
    )
