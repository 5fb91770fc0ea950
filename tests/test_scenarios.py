"""The ten case studies: each test plan's runs give the expected ending, score and verdict (run by
'ltl-quiz test', as authors run them), and every scenario has the parts the issue asks for."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.scenario.loader import load_scenario, parse_scenario, scenario_files
from ltl_quiz.scenario.paths import analyse
from ltl_quiz.store import Store

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
PLANS = ROOT / "tests" / "plans"
FILES = scenario_files([SCENARIOS])
PLAN_FILES = sorted(PLANS.glob("*.yaml"))


def test_all_ten_case_studies_are_there() -> None:
    numbers = sorted(load_scenario(f).source.case_study for f in FILES)
    assert numbers == list(range(1, 11))


@pytest.mark.parametrize("plan", PLAN_FILES, ids=[p.stem for p in PLAN_FILES])
def test_plan_gives_the_expected_results(plan: Path) -> None:
    doc = yaml.safe_load(plan.read_text())
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "test", doc["scenario"], "--plan", str(plan)])
    assert result.exit_code == 0, result.output
    assert f"Plans: {len(doc['runs'])} of {len(doc['runs'])} runs as expected." in result.output


@pytest.mark.parametrize("plan", PLAN_FILES, ids=[p.stem for p in PLAN_FILES])
def test_a_learner_taking_the_real_case_path_gets_what_the_plan_expects(plan: Path, tmp_path: Path, db_url: str) -> None:
    """The same answers through 'ltl-quiz run' and the results store: what a learner really meets."""
    doc = yaml.safe_load(plan.read_text())
    s = load_scenario(next(f for f in FILES if load_scenario(f).id == doc["scenario"]))
    run = next(r for r in doc["runs"] if s.nodes[r["expect"]["ending"]].matches_real_case)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(run["answers"], allow_unicode=True))
    args = ["--scenarios", str(SCENARIOS), "run", doc["scenario"], "--track", run["track"], "--mode", "practice"]
    result = CliRunner().invoke(app, [*args, "--learner", "T0001", "--name", "Test Learner", "--answers", str(answers)])
    assert result.exit_code == 0, result.output
    (row,) = Store(db_url).attempts("T0001")
    expect = run["expect"]
    assert (row.status, row.ending, row.score, row.passed) == ("completed", expect["ending"], expect["score"], expect["passed"])
    if "percentage" in expect:
        assert row.percentage == pytest.approx(expect["percentage"], abs=0.05)


def test_every_scenario_has_a_test_plan_covering_both_tracks() -> None:
    for f in FILES:
        s = load_scenario(f)
        plan = PLANS / f"{s.id}.yaml"
        assert plan.exists(), f"no test plan for {s.id}"
        runs = yaml.safe_load(plan.read_text())["runs"]
        assert {r["track"] for r in runs} == {"officer", "manager"}
        real = [r for r in runs if s.nodes[r["expect"]["ending"]].matches_real_case]
        assert real, f"{s.id}: no planned run reaches the ending that matches the real case"


def _decisions(s, track: str) -> list:
    return [n for n in s.nodes.values() if n.type == "decision" and n.on_track(track)]


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario_has_every_part_the_issue_asks_for(path: Path) -> None:
    s, located, problems = parse_scenario(path)
    assert [p for p in problems] == []
    analysis = analyse(s, located)
    assert analysis.problems == []
    officer = [n for n in _decisions(s, "officer")]
    manager_own = [n for n in s.nodes.values() if n.type == "decision" and n.track == "manager"]
    assert len(officer) >= 4, "at least four officer decisions"
    assert analysis.tracks["officer"].decisions_min >= 4, "every officer path meets at least four scored decisions"
    branching = [n for n in officer if len({tuple(r.goto for r in n.routes_for(o.id)) for o in n.options}) > 1]
    assert len(branching) >= 2, "at least two officer decisions branch"
    assert any(n.type == "multi" and n.on_track("officer") for n in s.nodes.values()), "an officer multi"
    assert any(o.critical for n in s.nodes.values() if n.on_track("officer") for o in n.options), "an officer critical option"
    assert len(manager_own) >= 2, "two manager decisions of its own"
    assert all(all(o.points >= 0 or n.type == "multi" for o in n.options) for n in s.nodes.values())
    assert all(o.feedback.strip() and o.cites for n in s.nodes.values() for o in n.options), "feedback and cites on every option"
    for track in ("officer", "manager"):
        kqs = s.key_questions(track)
        assert kqs, f"key questions for {track}"
        assert all(3 <= len(kq.model_points) <= 6 for kq in kqs)
    assert s.case.outcomes and s.case.force_actions and s.case.references and s.case.what_happened.strip()
    assert any(n.matches_real_case for n in s.nodes.values() if n.type == "end")
    assert s.content_note.strip() and "ltl-quiz support" in s.content_note
    assert s.source.url.endswith(f"Issue_39_Case{s.source.case_study}.pdf")


SEED = ROOT.parent / "shared" / "seed" / "learning-the-lessons-issue-39.txt"


def _flat(text: str) -> str:
    """Seed text with PDF line breaks, hyphenation at line ends and bullet marks taken out."""
    text = text.replace("\u00ad", "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.replace("-\n", "-").split())


CARRIED = ROOT / "tests" / "data" / "seed_key_questions.txt"


def _carried() -> list[str]:
    return [line for line in CARRIED.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def test_the_carried_key_questions_are_the_seeds_own_words() -> None:
    """The copy in tests/data stands in for the seed in a clone without ../shared; where the seed
    is there, every line of the copy must be found in it word for word."""
    if not SEED.exists():
        pytest.skip(f"no seed at {SEED}: the carried copy is checked only beside the seed")
    seed = _flat(SEED.read_text(encoding="utf-8"))
    assert [q for q in _carried() if q not in seed] == []


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_key_questions_are_word_for_word_from_the_seed(path: Path) -> None:
    """Against the seed when it is beside the checkout, else against the copy carried in tests/data."""
    seed = _flat(SEED.read_text(encoding="utf-8")) if SEED.exists() else " | ".join(_carried())
    s = load_scenario(path)
    for track in ("officer", "manager"):
        for kq in s.key_questions(track):
            assert _flat(kq.question) in seed, f"{s.id}: not word for word: {kq.question!r}"
