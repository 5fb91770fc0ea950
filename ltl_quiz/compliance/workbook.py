"""The compliance report as an xlsx workbook, written as the store's rows arrive.

A workbook is a zip of XML parts (ECMA-376, SpreadsheetML). A force's 500,000 lines are 5.5
million cells, which a general spreadsheet library builds one object at a time; here, as for the
CSV, each person's cells are written once as XML, each standing key's once, and a row is the two
joined. Strings are inline, dates are day numbers in a yyyy-mm-dd style (a spreadsheet shows and
sorts them as dates), the totals per unit and case are the second and third sheets.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from ltl_quiz.compliance.report import STATES, Found, Standings
from ltl_quiz.compliance.streams import Key, Totals, lines

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEETS = ("compliance", "by unit", "by case")
_EPOCH = date(1899, 12, 30)  # day 0 of a spreadsheet's dates (with the 1900 leap-year quirk folded in)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold at all
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
TAIL = "</sheetData></worksheet>"


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
        f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.styles+xml"/></Types>',
        "_rels/.rels": xml + f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": xml + f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        + "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in zip(sheets, SHEETS, strict=True))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": xml + f'<Relationships xmlns="{PACKAGE}">'
        + "".join(f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in sheets)
        + f'<Relationship Id="rId{len(SHEETS) + 1}" Type="{RELS}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": xml + f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }


def text(value: str) -> str:
    """A string cell, its text escaped (a carriage return kept as one, not read back as a line feed)."""
    value = _ILLEGAL.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def day(value: date | None) -> str:
    return "<c/>" if value is None else f'<c s="1"><v>{(value - _EPOCH).days}</v></c>'


def number(value: int | None) -> str:
    return "<c/>" if value is None else f"<c><v>{value}</v></c>"


def person(pid: str, name: str, unit: str) -> str:
    return f"<row>{text(pid)}{text(name)}{text(unit)}"


def tail(key: Key, found: Found) -> str:
    scenario_id, track, due_on, every, _ = key
    state, on, completed_on, late = found
    due = date.fromisoformat(due_on)
    return f'{text(scenario_id)}{text(track)}{text(state)}{day(on)}{day(due)}{number(every)}{day(completed_on)}<c t="b"><v>{int(late)}</v></c></row>'


def write_xlsx(
    people: Iterable[Any], batches: Iterable[Sequence[Any]], standings: Standings, keep: Callable[[str], bool], handle: Any
) -> int:
    """The workbook of every person and case, then totals per unit and per case; return its lines."""
    from ltl_quiz.compliance.formats import HEADER

    totals, n = Totals(), 0
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, part in _parts().items():
            book.writestr(name, part)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((HEAD + "<row>" + "".join(map(text, HEADER)) + "</row>").encode())
            for text_of_rows, count in lines(people, batches, standings, keep, person, tail, totals):
                sheet.write(text_of_rows.encode())
                n += count
            sheet.write(TAIL.encode())
        report = totals.report(standings)
        for index, (title, counts) in enumerate((("unit", report.by_unit), ("case", report.by_case)), start=2):
            rows = [f"<row>{text(title)}{''.join(map(text, STATES))}</row>"]
            rows += [f"<row>{text(key)}{''.join(number(c[s]) for s in STATES)}</row>" for key, c in counts.items()]
            book.writestr(f"xl/worksheets/sheet{index}.xml", HEAD + "".join(rows) + TAIL)
    return n

