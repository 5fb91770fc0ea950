"""The printed CPD record and learning report, as headless Chromium prints them to A4 PDF.

CPD records get printed and filed. These tests print the real pages with a real browser and read
the PDF back with poppler's pdftotext: page 1 must hold entry content (not only the header), no
page but the last may be nearly empty, no page may end on a heading, pages are numbered, and in
the report an option's "share (n)" stays on the line of its bar.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from programs import needs_program
from records_factory import SCENARIOS, scenario, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    needs_program("chromium", "chromium"),
    needs_program("pdftotext", "poppler-utils"),
]
HEADINGS = ("WHAT THE CASE WAS ABOUT", "LEARNING OUTCOMES", "MY REFLECTIONS ON THE KEY QUESTIONS", "WHAT I WOULD DO DIFFERENTLY")


def print_to_pdf(page: Path, tmp_path: Path) -> list[str]:
    """Print ``page`` with headless Chromium; return the text of each PDF page (pdftotext -layout)."""
    pdf = tmp_path / (page.stem + ".pdf")
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def body_lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip() and not re.fullmatch(r"Page \d+ of \d+", line.strip())]


def test_the_printed_cpd_record_fills_its_pages_and_keeps_headings_with_their_text(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    hotel = scenario("02-hotel-welfare-check")
    who = Learner("PC4521", "Jordan Ellis", "North Yorkshire Police, response")
    walk(store, hotel, who, "officer", text="I would ask who the men are, how she got there and whether she feels safe.")
    walk(store, hotel, who, "officer", pick=worst, text="", start=datetime(2024, 4, 11, 14, tzinfo=UTC), seconds_each=90)
    store.close()
    out = tmp_path / "cpd.html"
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "cpd", "PC4521", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages = print_to_pdf(out, tmp_path)
    assert len(pages) >= 2
    assert "CPD record: Jordan Ellis" in pages[0]
    assert f"1. {hotel.title}" in pages[0] and "Activity" in pages[0]  # page 1 holds the first entry, not only the header
    assert all(re.search(rf"Page {n} of {len(pages)}", page) for n, page in enumerate(pages, 1))  # numbered in the margin
    sizes = [sum(len(line) for line in body_lines(page)) for page in pages]
    fullest = max(sizes)
    for n, size in enumerate(sizes[:-1], 1):
        assert size > 0.5 * fullest, f"page {n} is mostly empty ({size} characters against {fullest})"
    for n, page in enumerate(pages[:-1], 1):
        last = body_lines(page)[-1]
        assert last not in HEADINGS and not last.startswith(f"{n}. "), f"page {n} ends on a heading: {last!r}"


def test_the_printed_report_keeps_headings_with_content_and_each_count_beside_its_bar(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    hotel = scenario("02-hotel-welfare-check")
    for i in range(14):
        walk(
            store, hotel, Learner(f"P{i:02d}", f"Person {i}", "Kent"), "officer", pick=worst
        )  # everyone alike: shares of 100% (14), the widest figure
    store.close()
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "report", "--plain", "--json", "--html", str(out)])
    assert result.exit_code == 0, result.output
    pages = print_to_pdf(out, tmp_path)
    text = "\n".join(pages)
    assert re.search(r"\d+(\.\d+)?% \(\d+\)", text)
    for line in text.splitlines():
        assert not re.fullmatch(r"\s*\(\d+\)\s*", line), f"a count wrapped under its bar: {line!r}"
    for n, page in enumerate(pages[:-1], 1):
        last = body_lines(page)[-1]
        headings = ("Completions and pass rate", "Competency averages", "Item analysis", "Overall statistics", "Where learners stop")
        assert not last.startswith(headings), f"page {n} ends on a heading"
    assert "Overall statistics by scenario and track" in text and "Where learners stop" in text
    assert all(re.search(rf"Page {n} of {len(pages)}", page) for n, page in enumerate(pages, 1))


def test_the_printed_cpd_summary_is_numbered_a4_without_reflections(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    hotel = scenario("02-hotel-welfare-check")
    who = Learner("PC4521", "Jordan Ellis", "North Yorkshire Police, response")
    for day in range(1, 4):
        walk(store, hotel, who, "officer", pick=worst, text="Only mine to read.", start=datetime(2024, 4, day, 14, tzinfo=UTC))
    store.close()
    out = tmp_path / "summary.html"
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "cpd", "PC4521", "--summary", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages = print_to_pdf(out, tmp_path)
    text = "\n".join(pages)
    assert "CPD summary: Jordan Ellis" in pages[0] and "Competencies evidenced" in pages[0]
    assert all(re.search(rf"Page {n} of {len(pages)}", page) for n, page in enumerate(pages, 1))
    assert "Only mine to read." not in text and text.count("WHAT I WILL DO DIFFERENTLY") == 3
