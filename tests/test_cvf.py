"""The CVF names in a CPD summary: the College's own, claimed only where a passed case study supports them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import sqlalchemy as sa
from records_factory import scenario, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.records import cvf
from ltl_quiz.scenario import model
from ltl_quiz.store import Store

ALEX = Learner("AB1", "Alex Smith", "North Yorkshire, control room")
HOTEL = "02-hotel-welfare-check"
LATER = datetime(2024, 4, 11, 14, 0, tzinfo=UTC)


def cvf_lines(summary: str) -> dict[str, list[str]]:
    """The summary's competency section as {line label: our tags}, read from the printed text."""
    section = summary.split(f"## {cvf.HEADING}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    return {label: tags.split(", ") for label, _, tags in (line.partition(": ") for line in lines)}


def summary(runner: CliRunner, *extra: str) -> str:
    result = runner.invoke(app, ["cpd", "AB1", "--summary", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_framework_names_are_the_colleges_2016_names_word_for_word() -> None:
    # As printed in the College of Policing's "Competency and Values Framework for policing" (2016), contents page.
    assert cvf.FRAMEWORK == {
        "Resolute, compassionate and committed": ("We are emotionally aware", "We take ownership"),
        "Inclusive, enabling and visionary leadership": ("We are collaborative", "We deliver, support and inspire"),
        "Intelligent, creative and informed policing": ("We analyse critically", "We are innovative and open-minded"),
    }
    assert cvf.VALUES == ("Integrity", "Impartiality", "Public service", "Transparency") and sorted(cvf.LEVELS) == [1, 2, 3]
    assert set(cvf.CVF) == set(get_args(model.Track))
    for mapping in cvf.CVF.values():
        assert set(mapping) <= set(model.COMPETENCIES), "a mapped tag no scenario can score"
        assert set(mapping.values()) <= set(cvf.COMPETENCIES), "a CVF name the framework does not have"


def test_every_line_a_summary_prints_is_a_framework_name_or_says_it_claims_none(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    for n, case in enumerate(("01-indecent-images-intelligence", HOTEL, "04-suspect-phone-seizure", "10-control-room-response-delay")):
        for track in ("officer", "manager"):
            walk(store, scenario(case), ALEX, track, start=datetime(2024, 3, 4 + n, 9, 0, tzinfo=UTC))
    store.close()
    text = summary(runner)
    lines = cvf_lines(text)
    assert set(lines) - {cvf.ALSO} <= set(cvf.COMPETENCIES) and "We analyse critically" in lines
    # Safeguarding action and evidential procedure have no CVF home: listed by our own name, never as a CVF competency.
    assert {"vulnerability", "evidence"} <= set(lines[cvf.ALSO])
    assert all(tag not in tags for label, tags in lines.items() if label != cvf.ALSO for tag in ("vulnerability", "evidence"))
    assert lines["We deliver, support and inspire"] == ["supervision"]  # earned on the manager track


def test_supervision_on_the_officer_track_is_no_leadership_claim(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("01-indecent-images-intelligence"), ALEX, "officer")  # its best path scores supervision 1 (hand-over)
    store.close()
    lines = cvf_lines(summary(runner))
    assert "We deliver, support and inspire" not in lines and "supervision" in lines[cvf.ALSO]


def test_a_failed_attempt_claims_no_cvf_competency(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario(HOTEL), ALEX, "officer", pick=worst)  # part-points for victim voice and curiosity, and a critical failure
    store.close()
    text = summary(runner)
    assert "not passed" in text and cvf_lines(text) == {"None claimed yet.": [""]}


def test_group_sessions_and_scripted_runs_claim_nothing(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    hotel = scenario(HOTEL)
    group = walk(store, hotel, ALEX, "officer")
    scripted = walk(store, hotel, ALEX, "manager", start=LATER)
    store.mark_scripted(scripted)
    with store.engine.begin() as conn:  # as the sessions feature stores a room's attempt: no verdict
        conn.execute(sa.text("UPDATE attempts SET mode = 'live', passed = NULL WHERE id = :a"), {"a": group})
    store.close()
    assert cvf_lines(summary(runner, "--include-scripted")) == {"None claimed yet.": [""]}


def test_the_wording_claims_no_endorsement_and_no_level(db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario(HOTEL), ALEX, "manager")
    store.close()
    text = summary(runner)
    assert cvf.NOTE in text and "(2016)" in text
    assert "the College has not reviewed or endorsed it or ltl-quiz" in text
    assert "does not assess or demonstrate any CVF level" in text and "CVF (2024) replaces the 2016 edition" in text
    for claim in ("endorsed by", "approved by", "accredited", "certified by", "Level 1", "Level 2", "Level 3"):
        assert claim not in text


def test_case_10_claims_no_collaboration_it_does_not_test(db_url: str, runner: CliRunner) -> None:
    # Case study 10 (a control room's delayed response) involves no partner agency in the seed or in any officer decision.
    store = Store(db_url)
    walk(store, scenario("10-control-room-response-delay"), ALEX, "officer")
    store.close()
    lines = cvf_lines(summary(runner))
    assert "We are collaborative" not in lines and "We are emotionally aware" in lines
