"""`ltl-quiz report`: completions, pass rates, competencies and Moodle's item statistics, checked by hand."""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from records_factory import choosing, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.records.report import build
from ltl_quiz.records.report_items import MOSTLY_WRONG, NO_DISCRIMINATION, discrimination_index, facility_index
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters

# The docs' worked example: call-grading (decision: send-officers 10, tell-caller-101 0 and critical),
# welfare-actions (multi: speak-to-girl-alone 3, leave-if-she-says-fine -3, floored at 0), and on the
# manager track supervisor-review (decision: review-systems-checks 5, review-call-length 0).
OFFICER_PICKS = [
    {"call-grading": "send-officers", "welfare-actions": ["speak-to-girl-alone"]},
    {"call-grading": "send-officers", "welfare-actions": ["speak-to-girl-alone", "leave-if-she-says-fine"]},
    {"call-grading": "send-officers", "welfare-actions": []},
    {"call-grading": "tell-caller-101"},
    {"call-grading": "tell-caller-101"},
    {"call-grading": "send-officers", "welfare-actions": ["leave-if-she-says-fine"]},
]
CALL_GRADING = [10, 10, 10, 0, 0, 10]  # each officer attempt's mark for call-grading...
WELFARE = [3, 0, 0, None, None, 0]  # ...and for welfare-actions (None: not reached)


@pytest.fixture
def example(example_path: Path, db_url: str) -> Path:
    scenario = load_scenario(example_path)
    store = Store(db_url)
    start = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    for n, picks in enumerate(OFFICER_PICKS):
        walk(
            store,
            scenario,
            Learner(f"O{n}", f"Officer {n}", "North" if n % 2 else "South"),
            "officer",
            pick=choosing(picks),
            start=start + timedelta(days=n),
        )
    for n in range(5):
        walk(
            store,
            scenario,
            Learner(f"M{n}", f"Manager {n}", "HQ"),
            "manager",
            pick=choosing({"supervisor-review": "review-call-length"}),
            seconds_each=60,
        )
    walk(store, scenario, Learner("O9", "Late Officer", "North"), "officer", stop_after=1, start=start + timedelta(days=30))
    store.close()
    return example_path.parent


def test_item_statistics_follow_moodles_definitions(example, db_url) -> None:
    store = Store(db_url)
    report = build(store, ScenarioLibrary(example), Filters())
    store.close()
    items = {i.node_id: i for i in report.items}
    assert list(items) == ["call-grading", "welfare-actions", "supervisor-review"]  # the order of the file

    grading = items["call-grading"]
    totals = [cg + (w or 0) for cg, w in zip(CALL_GRADING, WELFARE, strict=True)]
    rest = [t - cg for t, cg in zip(totals, CALL_GRADING, strict=True)]
    assert grading.n == 6 and grading.max_mark == 10
    assert grading.facility == round(100 * statistics.mean(CALL_GRADING) / 10, 1)
    assert grading.discrimination == round(100 * statistics.correlation(CALL_GRADING, rest), 1)
    assert grading.right_share == round(100 * 4 / 6, 1)
    shares = {o.id: (o.count, o.recommended) for o in grading.options}
    assert shares == {"send-officers": (4, True), "tell-caller-101": (2, False)}
    assert grading.flags == []

    welfare = items["welfare-actions"]
    reached = [w for w in WELFARE if w is not None]
    assert welfare.n == 4 and welfare.max_mark == 3
    assert welfare.facility == round(100 * statistics.mean(reached) / 3, 1)
    assert welfare.discrimination is None  # the rest of every attempt that reached it scored 10: nothing to correlate
    assert {o.id: o.count for o in welfare.options} == {"speak-to-girl-alone": 2, "leave-if-she-says-fine": 2}

    review = items["supervisor-review"]
    assert (review.n, review.facility, review.discrimination, review.right_share) == (5, 0.0, None, 0.0)
    assert review.flags == [MOSTLY_WRONG, NO_DISCRIMINATION]


def test_completions_and_pass_rates_by_scenario_and_track(example, db_url) -> None:
    store = Store(db_url)
    report = build(store, ScenarioLibrary(example), Filters())
    rows = store.attempts()
    store.close()
    officer = next(s for s in report.scenarios if s.track == "officer")
    done = [r for r in rows if r.track == "officer" and r.status == "completed"]
    assert (officer.attempts, officer.completed, officer.in_progress) == (7, 6, 1)
    assert officer.passed == sum(1 for r in done if r.passed)
    assert officer.pass_rate == round(100 * officer.passed / 6, 1)
    assert officer.mean_percentage == round(statistics.mean(r.percentage for r in done), 1)
    assert officer.competencies["vulnerability"] == round(statistics.mean(r.competencies.get("vulnerability", 0) for r in done), 2)
    manager = next(s for s in report.scenarios if s.track == "manager")
    assert (manager.completed, manager.passed, manager.pass_rate) == (5, 0, 0.0)
    assert manager.mean_minutes == 3.0  # the passage, the decision and the key question: 60 seconds each
    assert report.totals == {
        "attempts": 12,
        "completed": 11,
        "passed": officer.passed,
        "pass_rate": round(100 * officer.passed / 11, 1),
        "flagged": 1,
    }


def test_moodle_formulas_on_a_hand_worked_example() -> None:
    marks, rest = [1, 0, 1, 1, 0], [7, 3, 6, 8, 2]
    n, sx, sy = len(marks), sum(marks), sum(rest)
    sxx, syy, sxy = sum(x * x for x in marks), sum(y * y for y in rest), sum(x * y for x, y in zip(marks, rest, strict=True))
    assert facility_index(sx, n, 1) == 60.0
    assert discrimination_index(n, sx, sxx, sy, syy, sxy) == pytest.approx(100 * statistics.correlation(marks, rest))
    assert discrimination_index(1, 1, 1, 7, 49, 7) is None
    assert discrimination_index(3, 3, 3, 6, 14, 6) is None  # every mark the same
    assert facility_index(0, 0, 10) is None and facility_index(5, 1, 0) is None


def test_report_in_the_terminal_plain(example) -> None:
    result = CliRunner().invoke(app, ["--scenarios", str(example), "report", "--plain"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "== Learning report ==" in out and "12 attempts, 11 completed" in out
    assert "scenario (track): example-welfare-call (officer); attempts: 7; completed: 6;" in out
    assert "example-welfare-call / supervisor-review (decision): What do you review first?" in out
    assert f"FLAGGED: {MOSTLY_WRONG}, {NO_DISCRIMINATION}" in out
    assert "(recommended)" in out and "\x1b[" not in out


def test_report_filters_and_json(example) -> None:
    result = CliRunner().invoke(app, ["--scenarios", str(example), "report", "--json", "--unit", "north", "--status", "completed"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["filters"] == "unit north, status completed, scripted runs left out"  # pass rates leave scripted runs out (issue 12)
    assert [(s["track"], s["attempts"]) for s in data["scenarios"]] == [("officer", 3)]
    assert {i["node_id"]: i["n"] for i in data["items"]} == {"call-grading": 3, "welfare-actions": 2}
    in_progress = json.loads(CliRunner().invoke(app, ["--scenarios", str(example), "report", "--json", "--status", "in-progress"]).stdout)
    assert in_progress["items"] == [] and in_progress["totals"]["attempts"] == 1


def test_html_report_is_one_self_contained_page(example, tmp_path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["--scenarios", str(example), "report", "--plain", "--html", str(out)])
    assert result.exit_code == 0 and f"Wrote {out}" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 3
    for remote in ("<script", "<link", "src=", "url(", "@import"):
        assert remote not in page
    assert "What do you review first?" in page and f'<span class="flag">{MOSTLY_WRONG}</span>' in page
    assert "Pass rate by scenario and track" in page


def test_an_empty_store_reports_nothing_to_report(db_url, example_dir) -> None:
    Store(db_url).close()
    result = CliRunner().invoke(app, ["--scenarios", str(example_dir), "report", "--plain"])
    assert result.exit_code == 0 and "No attempts match." in result.stdout


def test_group_session_records_neither_dilute_the_pass_rate_nor_enter_item_analysis(example_path, db_url) -> None:
    import sqlalchemy as sa

    scenario = load_scenario(example_path)
    store = Store(db_url)
    walk(store, scenario, Learner("P1", "Pass"), "officer")
    walk(store, scenario, Learner("F1", "Fail"), "officer", pick=choosing({"call-grading": "tell-caller-101"}))
    room = walk(store, scenario, Learner("R1", "In the room"), "officer", pick=choosing({"call-grading": "tell-caller-101"}))
    with store.engine.begin() as conn:  # what a facilitated session stores: attendance, no verdict
        conn.execute(sa.text("UPDATE attempts SET mode = 'facilitated', passed = NULL WHERE id = :id"), {"id": room})
    report = build(store, ScenarioLibrary(example_path.parent), Filters())
    store.close()
    (officer,) = report.scenarios
    assert (officer.completed, officer.graded, officer.passed, officer.pass_rate) == (3, 2, 1, 50.0)
    assert report.totals["pass_rate"] == 50.0
    alone = build(Store(db_url), ScenarioLibrary(example_path.parent), Filters(learner="P1")).scenarios[0]
    failed = build(Store(db_url), ScenarioLibrary(example_path.parent), Filters(learner="F1")).scenarios[0]
    assert alone.mean_percentage is not None and failed.mean_percentage is not None
    assert officer.mean_percentage == round((alone.mean_percentage + failed.mean_percentage) / 2, 1)  # the room's path is not scored
    assert officer.competencies == {k: round((alone.competencies.get(k, 0) + failed.competencies.get(k, 0)) / 2, 2) for k in officer.competencies}
    assert "3 completed (1 in group sessions, with no score or verdict), 1 passed (pass rate 50" in report.summary
    grading = next(i for i in report.items if i.node_id == "call-grading")
    assert grading.n == 2 and {o.id: o.count for o in grading.options} == {"send-officers": 1, "tell-caller-101": 1}


def test_the_reports_data_and_file_renderers_import_no_terminal_library() -> None:
    """Reports are data with separate renderers: only ui/report_view.py draws at the terminal, so the
    data modules and the Markdown and HTML renderers never load rich (nor the export job's heavy parts)."""
    import subprocess
    import sys

    modules = "ltl_quiz.records.report, ltl_quiz.records.report_html, ltl_quiz.records.cpd, ltl_quiz.records.cpd_markdown, ltl_quiz.records.cpd_html, ltl_quiz.records.cpd_summary"
    code = f"import sys, {modules}, ltl_quiz.compliance.page, ltl_quiz.exporters.formats; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'questionary', 'prompt_toolkit')))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == "[]"


def test_a_competency_whose_mean_is_zero_is_shown_with_its_value(example, db_url, tmp_path) -> None:
    """A real 0 is a finding: every completed attempt assessed on a competency and scoring 0 there
    shows 0 (on screen, in JSON and in HTML), not what a competency no attempt was assessed on shows."""
    import sqlalchemy as sa

    with Store(db_url).engine.begin() as conn:  # every officer's record: assessed on vulnerability, scoring 0 there
        conn.execute(sa.text("""UPDATE attempts SET competencies = '{"vulnerability": 0, "risk_assessment": 2}' WHERE track = 'officer'"""))
    base = ["--scenarios", str(example), "report"]
    data = json.loads(CliRunner().invoke(app, [*base, "--json"]).stdout)
    officer = next(s for s in data["scenarios"] if s["track"] == "officer")
    assert officer["competencies"] == {"vulnerability": 0.0, "risk_assessment": 2.0}
    out = tmp_path / "report.html"
    screen = CliRunner().invoke(app, [*base, "--plain", "--html", str(out)], env={"COLUMNS": "200"}).stdout
    assert "vulnerability 0, risk assessment 2" in screen
    page = out.read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if "<td>officer</td>" in line and 'class="mini"' in line)
    assert "</svg> 0</td>" in row and "</svg> 2</td>" in row  # a bar of no length, and its value
