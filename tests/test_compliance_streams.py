"""The JSON, the HTML page and the iCalendar streamed from the store (``compliance.streams``) are
byte for byte the text their whole-report twins give for the report ``compute`` builds: every
filter, every store, names and units that need quoting or escaping, empty reports included."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from contextlib import closing
from datetime import date
from typing import Any

import force_factory as ff
import pytest
from programs import needs_program
from test_compliance import STARTS, TODAY, build_force
from test_compliance_stream import AWKWARD, add_awkward_people

from ltl_quiz.app.compliance import compute
from ltl_quiz.compliance import formats, page, streams
from ltl_quiz.compliance.report import Standings, unit_matches
from ltl_quiz.errors import InputError
from ltl_quiz.locations import resolve
from ltl_quiz.store import Store
from ltl_quiz.store.assignments import people, standing_batches

STAMP = "20260601T120000Z"
FILTERS = [(None, None), ("met, online", None), (None, 30), ("KENT", 30), ("no such unit", None)]


def streamed(db_url: str, write: Callable[..., int], unit: str | None, within: int | None, today: date = TODAY) -> tuple[str, int]:
    buffer = io.StringIO(newline="")
    with Store(db_url) as store, store.reading() as conn:
        n = write(people(conn), standing_batches(conn, size=7), Standings(today, due_within=within), unit_matches(unit), buffer)
    return buffer.getvalue(), n


def whole(db_url: str, unit: str | None, within: int | None) -> Any:
    return compute(resolve(db=db_url), unit, None if within is None else f"{within}d", today=TODAY)


def built(db_url: str, unit: str | None, within: int | None) -> Any:
    """The force and its awkward people in the store, and the whole report for the filter."""
    build_force(db_url)
    add_awkward_people(db_url)
    return whole(db_url, unit, within)


@pytest.mark.parametrize(("unit", "within"), FILTERS)
def test_the_streamed_json_is_the_reports_json(db_url: str, unit: str | None, within: int | None) -> None:
    report = built(db_url, unit, within)
    text, n = streamed(db_url, streams.write_json, unit, within)
    assert text == formats.to_json(report) and n == len(report.lines)
    assert len(json.loads(text)["lines"]) == n


@pytest.mark.parametrize(("unit", "within"), FILTERS)
def test_the_streamed_page_is_the_reports_page(db_url: str, unit: str | None, within: int | None) -> None:
    report = built(db_url, unit, within)
    text, n = streamed(db_url, streams.write_html, unit, within)
    assert text == page.to_html(report) and n == len(report.lines)
    if unit is None:
        assert "Siobhán &#34;Shiv&#34; O&#39;Neill" in text and "<td>Kent, safeguarding hub</td>" in text


@pytest.mark.parametrize(("unit", "within"), FILTERS)
def test_the_streamed_calendar_is_the_reports_calendar(db_url: str, unit: str | None, within: int | None) -> None:
    report = built(db_url, unit, within)

    def write(*args: Any) -> int:
        return streams.write_ics(*args, stamp=STAMP)

    text, n = streamed(db_url, write, unit, within)
    assert text == formats.to_ics(report, STAMP) and n == len(report.lines)
    if unit is None:
        assert "\r\n " in text  # a long line folded, as RFC 5545 asks
        assert {p[0] for p in AWKWARD} <= {line[4:6] for line in text.split("\r\n") if line.startswith("UID:")}


@pytest.mark.parametrize(("unit", "within"), [(None, None), ("KENT", 30), ("no such unit", None)])
def test_the_streamed_workbook_holds_every_line_and_the_totals(db_url: str, unit: str | None, within: int | None, tmp_path: Any) -> None:
    """Read back by a spreadsheet library: every cell of every line as ``formats.record`` gives it
    (dates as dates, numbers as numbers, blanks as blanks), then the totals per unit and per case."""
    import openpyxl

    from ltl_quiz.compliance.workbook import write_xlsx

    report = built(db_url, unit, within)
    path = tmp_path / "c.xlsx"
    with Store(db_url) as store, store.reading() as conn, path.open("wb") as handle:
        n = write_xlsx(people(conn), standing_batches(conn, size=7), Standings(TODAY, due_within=within), unit_matches(unit), handle)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["compliance", "by unit", "by case"] and n == len(report.lines)

    def value(v: Any) -> Any:
        return v.date() if hasattr(v, "date") else v

    found = [[value(c) for c in row] for row in book["compliance"].iter_rows(values_only=True)]
    expected = [[formats.cell(k, v) for k, v in formats.record(x).items()] for x in report.lines]
    assert found == [list(formats.HEADER), *expected]
    assert [list(r) for r in book["by unit"].iter_rows(values_only=True)] == [
        ["unit", *formats.STATES],
        *([u, *c.values()] for u, c in report.by_unit.items()),
    ]
    assert [list(r) for r in book["by case"].iter_rows(values_only=True)] == [
        ["case", *formats.STATES],
        *([k, *c.values()] for k, c in report.by_case.items()),
    ]


@pytest.mark.parametrize("n", [0, 1, 74, 75, 76, 148, 149, 150, 151, 300])
@pytest.mark.parametrize("tail", ["", "é", "日本"])
def test_a_folded_line_keeps_every_line_within_75_octets(n: int, tail: str) -> None:
    line = "S" * n + tail
    parts = formats.fold(line).split("\r\n ")
    assert "".join(parts) == line
    assert len(parts[0].encode()) <= 75 and all(len(p.encode()) <= 74 for p in parts[1:])
    assert all(len(p.encode()) >= 73 for p in parts[:-1])  # cut only where the next character would not fit


@pytest.mark.parametrize("text", ["plain", "", "a & b", "<img src=x onerror=\"alert('1')\">", "&amp;", "Siobhán \"Shiv\" O'Neill"])
def test_the_pages_cells_are_escaped_as_jinja_escapes_them(text: str) -> None:
    from markupsafe import escape

    assert streams.escape(text) == str(escape(text))


@pytest.mark.parametrize("text", ["plain", "", 'a "quote"', "back\\slash", "tab\there", "bell\x07", "del\x7f", "Siobhán", "日本", "\u2028", " "])
def test_the_json_cells_are_written_as_json_dumps_writes_them(text: str) -> None:
    assert streams._json_str(text) == json.dumps(text)


def test_a_workbook_with_more_lines_than_a_sheet_holds_is_refused_not_cut(db_url: str, tmp_path: Any) -> None:
    """A sheet holds 1,048,576 rows (injected here: the force's 2,000 lines and the header fill a
    sheet of 2,001 exactly): one line more and the workbook is refused, saying what to do instead."""
    from ltl_quiz.compliance.workbook import write_xlsx

    build_force(db_url)

    def write(limit: int) -> int:
        store = Store(db_url)
        with store, store.reading() as conn, closing(standing_batches(conn, size=7)) as batches, (tmp_path / f"{limit}.xlsx").open("wb") as out:
            return write_xlsx(people(conn), batches, Standings(TODAY), unit_matches(None), out, max_rows=limit)

    assert write(2001) == 2000
    with pytest.raises(InputError, match=r"--unit or --due-within, or use --format csv"):
        write(2000)


def test_the_command_refuses_a_workbook_too_big_for_a_sheet_and_writes_nothing(
    db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ltl_quiz.cli import app
    from ltl_quiz.compliance import workbook

    build_force(db_url)
    monkeypatch.setattr(workbook, "MAX_ROWS", 1_000)
    (folder := tmp_path / "out").mkdir()
    done = CliRunner().invoke(app, ["compliance", "--format", "xlsx", "--out", str(folder / "c.xlsx")])
    assert done.exit_code == 1 and list(folder.iterdir()) == [], done.output  # no workbook, no temporary file left
    said = done.stderr.strip().splitlines()
    assert len(said) == 1 and "999" in said[0] and "--format csv" in said[0] and "Traceback" not in done.output, said


def hostile_workbook(db_url: str, path: Any) -> None:
    """A workbook of two people whose name and unit a spreadsheet would read as formulas; one passed late."""
    from ltl_quiz.compliance.workbook import write_xlsx

    template = next(iter(ff.templates().values()))
    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            ff.insert(conn, "learners", [ff.learner_row("H1", '=HYPERLINK("x")', "+44 unit"), ff.learner_row("H2", "@SUM(A1)", "-1 team")])
            ff.insert(conn, "assignments", [ff.assignment_row(p, template.scenario_id, template.track, "2026-03-14", STARTS) for p in ("H1", "H2")])
            ff.insert(conn, "attempts", [ff.attempt_row(template, "H1", "2026-04-01T10:00:00.000Z", True)])
        with store.reading() as conn, path.open("wb") as handle:
            write_xlsx(people(conn), standing_batches(conn), Standings(TODAY), unit_matches(None), handle)
    finally:
        store.close()


def test_the_workbooks_formula_text_is_quoted_text_and_late_a_boolean(db_url: str, tmp_path: Any) -> None:
    """Issue 12's xlsx point for the compliance workbook: text starting = + - @ is a string cell with
    the quote-prefix style (shown as typed, never a formula, even when edited); booleans are formatted."""
    import openpyxl

    path = tmp_path / "h.xlsx"
    hostile_workbook(db_url, path)
    sheet = openpyxl.load_workbook(path)["compliance"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: {h: c for h, c in zip(header, r, strict=True)} for r in sheet.iter_rows(min_row=2)}
    for staff, name, unit in (("H1", '=HYPERLINK("x")', "+44 unit"), ("H2", "@SUM(A1)", "-1 team")):
        for cell, typed in ((rows[staff]["name"], name), (rows[staff]["unit"], unit)):
            assert cell.value == typed and cell.data_type == "s" and cell.quotePrefix, (staff, typed)
        assert not rows[staff]["scenario_id"].quotePrefix
    assert rows["H1"]["late"].value is True and rows["H2"]["late"].value is False
    assert {rows[s]["late"].number_format for s in rows} == {'"TRUE";"TRUE";"FALSE"'}


@needs_program("soffice", "libreoffice-calc-nogui")
def test_libreoffice_shows_the_workbooks_hostile_names_as_typed(db_url: str, tmp_path: Any) -> None:
    """An independent reader: LibreOffice converts the compliance sheet to CSV as a CPD lead would see it."""
    path = tmp_path / "h.xlsx"
    hostile_workbook(db_url, path)
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"  # a profile of its own, so parallel runs do not share one
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180
    )
    rows = {r["staff_number"]: r for r in csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text(encoding="utf-8")))}
    assert (rows["H1"]["name"], rows["H1"]["unit"], rows["H1"]["late"]) == ('=HYPERLINK("x")', "+44 unit", "TRUE")
    assert (rows["H2"]["name"], rows["H2"]["unit"], rows["H2"]["late"]) == ("@SUM(A1)", "-1 team", "FALSE")
    assert rows["H1"]["completed_on"] == "2026-04-01" and rows["H1"]["state"] == "complete"
