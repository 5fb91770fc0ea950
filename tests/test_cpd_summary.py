"""`ltl-quiz cpd LEARNER --summary`: what a learner shares for the PDR, without their reflections."""

from __future__ import annotations

from datetime import UTC, datetime

from records_factory import scenario, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.cvf import COMPETENCIES, CVF, evidenced
from ltl_quiz.store import Store

ALEX = Learner("AB1", "Alex Smith", "North Yorkshire, control room")
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
    refused = runner.invoke(app, ["cpd", "AB1", "--summary", "--format", "html"])
    assert refused.exit_code == 1 and "--summary is written as Markdown" in refused.output


def test_cvf_claims_only_what_earned_points() -> None:
    points = {"risk_assessment": 2, "evidence": 0, "recording": -1, "supervision": 1, "new_thing": 3}
    mapped, unmapped = evidenced(points, "manager")
    assert mapped == {"We analyse critically": ["risk assessment"], "We deliver, support and inspire": ["supervision"]}
    assert unmapped == ["new thing"]
    mapped, unmapped = evidenced(points, "officer")  # on the officer track supervision scores asking a sergeant: no leadership claim
    assert mapped == {"We analyse critically": ["risk assessment"]} and unmapped == ["new thing", "supervision"]
    assert {name for track in CVF.values() for name in track.values()} <= set(COMPETENCIES)
