"""`ltl-quiz cpd LEARNER --summary`: what a learner shares for the PDR, without their reflections."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from records_factory import scenario, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.records.cpd import FORMATS
from ltl_quiz.records.cvf import COMPETENCIES, CVF, evidenced
from ltl_quiz.store import Store

ALEX = Learner("AB1", "Alex Smith", "North Yorkshire, control room")
HOSTILE = Learner("H<1>", "<script>alert(1)</script> *Bold*", "[unit](http://x)")
PRIVATE = "Privately I think I would have missed the signs myself."


def test_the_summary_shares_outcomes_and_competencies_never_reflections(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    hotel = scenario("02-hotel-welfare-check")
    walk(store, hotel, ALEX, "officer", text=PRIVATE)
    walk(store, hotel, ALEX, "officer", pick=worst, text=PRIVATE, start=datetime(2024, 4, 11, 14, 0, tzinfo=UTC))
    store.close()
    full = runner.invoke(app, ["cpd", "AB1"]).output
    shared = runner.invoke(app, ["cpd", "AB1", "--summary"])
    assert shared.exit_code == 0, shared.output
    assert PRIVATE in full and PRIVATE not in shared.output
    text = shared.output
    assert text.startswith("# CPD summary: Alex Smith") and "Case studies completed: 2" in text
    assert "Competency and Values Framework" in text and "- We analyse critically: " in text
    assert "4 March 2024" in text and "11 April 2024" in text
    assert text.count("### What I will do differently") == 2 and "- I chose the recommended action at every decision" in text
    assert "I scored 72 of 72" in text  # learning outcomes, with the verdict


def test_no_summary_format_holds_a_written_reflection(db_url: str, runner: CliRunner, tmp_path: Path) -> None:
    """Every format the full record has, the summary has too; the reflection is in each full record and in no summary."""
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), ALEX, "officer", pick=worst, text=PRIVATE)
    store.close()
    for fmt in FORMATS:
        full = runner.invoke(app, ["cpd", "AB1", "--format", fmt])
        shared = runner.invoke(app, ["cpd", "AB1", "--summary", "--format", fmt, "--out", str(tmp_path / f"summary.{fmt}")])
        assert shared.exit_code == 0, shared.output
        text = (tmp_path / f"summary.{fmt}").read_text(encoding="utf-8")
        assert PRIVATE in full.output and PRIVATE not in text, fmt
        assert "CPD summary: Alex Smith" in text and "What I will do differently" in text, fmt
        assert "Points my answer covered" not in text and "reflections on the key questions" not in text.lower(), fmt


def test_the_html_summary_is_an_escaped_print_ready_page(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), HOSTILE, "officer", text=PRIVATE)  # passed: a CVF claim to show
    store.close()
    page = runner.invoke(app, ["cpd", "H<1>", "--summary", "--format", "html"])
    assert page.exit_code == 0, page.output
    html = page.output
    assert html.startswith("<!DOCTYPE html>") and "@page { size: A4" in html and "@media print" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Competency and Values Framework" in html and "We analyse critically" in html
    assert html.count('<section class="entry">') == 1 and "I scored " in html


def test_the_markdown_summary_escapes_what_came_from_the_learner(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), HOSTILE, "officer", text=PRIVATE)
    with store.engine.begin() as conn:  # a title as another store may have held it (merged in): text, never markup
        conn.execute(sa.text("UPDATE attempts SET scenario_title = '# Hotel <b>check</b> [x](y)'"))
    store.close()
    text = runner.invoke(app, ["cpd", "H<1>", "--summary"]).output
    assert "## 1. \\# Hotel \\<b\\>check\\</b\\> \\[x\\](y)\n" in text
    assert text.startswith("# CPD summary: \\<script\\>alert(1)\\</script\\> \\*Bold\\*\n")
    assert "Staff number: H\\<1\\>" in text and "Unit: \\[unit\\](http://x)" in text
    assert "<script>" not in text


def test_cvf_claims_only_what_earned_points() -> None:
    points = {"risk_assessment": 2, "evidence": 0, "recording": -1, "supervision": 1, "new_thing": 3}
    mapped, unmapped = evidenced(points, "manager")
    assert mapped == {"We analyse critically": ["risk assessment"], "We deliver, support and inspire": ["supervision"]}
    assert unmapped == ["new thing"]
    mapped, unmapped = evidenced(points, "officer")  # on the officer track supervision scores asking a sergeant: no leadership claim
    assert mapped == {"We analyse critically": ["risk assessment"]} and unmapped == ["new thing", "supervision"]
    assert {name for track in CVF.values() for name in track.values()} <= set(COMPETENCIES)


def test_a_prompt_leads_into_what_i_chose_without_doubled_punctuation(db_url: str, runner: CliRunner, tmp_path: Path) -> None:
    """Issue 12: the summary printed "Choose all that apply.: I chose:", a prompt's own full stop and our colon."""
    import html
    import re

    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), ALEX, "officer", pick=worst)
    store.close()
    text = runner.invoke(app, ["cpd", "AB1", "--summary"]).stdout
    assert "- What do you want to find out from her? Choose all that apply: I chose" in text, text
    page = tmp_path / "summary.html"
    assert runner.invoke(app, ["cpd", "AB1", "--summary", "--format", "html", "--out", str(page)]).exit_code == 0
    body = re.sub(r"(?s)<style>.*?</style>", "", page.read_text(encoding="utf-8"))
    shown = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert "Choose all that apply: I chose" in " ".join(shown.split())
    for said in (text, shown):
        assert not re.search(r"[.?!;:]:", said), re.search(r".{40}[.?!;:]:.{20}", said)
    from ltl_quiz.text import lead_in

    assert [lead_in(p) for p in ("Choose all that apply.", "What do you do?", "Next step;", "Plain")] == [
        "Choose all that apply:",
        "What do you do?",
        "Next step:",
        "Plain:",
    ]
