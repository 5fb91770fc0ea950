"""Validation stays bounded whatever the file (issue 14): no recursion, no exponential walk, and
where the states are too many to walk, bounds that still hold (checked against the exact walk)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest.mock import patch

from hypothesis import given, settings
from typer.testing import CliRunner

from ltl_quiz.authoring.strategies import PICKS, TICKS, play
from ltl_quiz.cli import app
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario import paths as graph
from ltl_quiz.scenario.loader import load_scenario, parse_scenario, scenario_files
from ltl_quiz.scenario.validation import validate_file
from tests import worst_cases
from tests.scenario_factory import end, option, scenario, write
from tests.test_discrimination import flagged_graphs
from tests.test_properties import _prune, graphs

ROOT = Path(__file__).resolve().parent.parent


def test_a_path_of_twelve_hundred_steps_validates_and_runs(tmp_path: Path) -> None:
    path = write(tmp_path, worst_cases.long_chain(1200))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "officer: " in result.output and "score 0 to 1200" in result.output
    s = load_scenario(path)
    assert play(s, "officer", PICKS["first"], TICKS["every-box"]).percentage == 100.0


def test_many_flags_read_late_give_bounds_and_a_warning(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path, worst_cases.many_flags(24)))
    officer = report.tracks["officer"]
    assert officer.exact is False and officer.paths is not None and officer.paths >= 2**24
    assert officer.max_score == 48 and officer.min_score <= 24  # every flag set: 2 points a decision
    (warning,) = [p for p in report.problems if "too many paths" in p.message]
    assert warning.severity == "warning" and warning.field == "start"
    assert "proven bounds: score 24 to at most 48" in warning.message
    assert not [p for p in report.problems if p.severity == "error"]


def test_two_multis_of_twelve_flag_setting_options_finish(tmp_path: Path) -> None:
    path = write(tmp_path, worst_cases.flag_multis(2))
    report = validate_file(path)
    officer = report.tracks["officer"]
    assert officer.exact is False and officer.max_score == 2 * sum(range(1, 9))
    s = load_scenario(path)
    assert engine.result(s, engine.start(s, "officer")).best == officer.max_score  # the engine's percentages use the bound


def test_the_shipped_scenarios_are_analysed_exactly() -> None:
    for path in scenario_files([ROOT / "scenarios"]):
        s, located, _ = parse_scenario(path)
        tracks = graph.analyse(s, located).tracks
        assert all(t.exact and t.passing is not None for t in tracks.values()), path.name
        assert all(graph.best_score(s, name) == t.max_score for name, t in tracks.items())


def _with_budget(doc: dict, states: int) -> graph.Analysis:
    with tempfile.TemporaryDirectory() as tmp:
        s, located, _ = parse_scenario(write(Path(tmp), doc))
        with patch.object(graph, "MAX_STATES", states):
            return graph.analyse(s, located)


def _contains(exact: graph.TrackReport, bound: graph.TrackReport) -> None:
    assert bound.min_score <= exact.min_score and bound.max_score >= exact.max_score
    assert bound.paths is None or bound.paths >= (exact.paths or 0)
    assert bound.decisions_min <= exact.decisions_min
    assert set(exact.endings) <= set(bound.endings)
    for e, f in zip(exact.failings, bound.failings, strict=True):
        assert e.score is None or (f.score is not None and f.score >= e.score)
        assert not e.can_pass or not f.proven  # a failing that can pass is never proven to fail


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_bounds_contain_the_exact_figures(doc: dict) -> None:
    doc = _prune(doc)
    for node in doc["nodes"].values():  # mark every zero-point option as a real failing
        for opt in node.get("options", []):
            if opt["points"] == 0:
                opt["real_case"] = {"did": "failing", "note": "As in the real case."}
    exact, bounded = _with_budget(doc, 10**6), _with_budget(doc, 0)
    assert exact.tracks["officer"].exact and not bounded.tracks["officer"].exact
    _contains(exact.tracks["officer"], bounded.tracks["officer"])


def test_bounds_hold_on_a_loop_that_a_flag_lets_out_of() -> None:
    doc = scenario(
        {
            "begin": {
                "type": "decision",
                "prompt": "?",
                "options": [option("ask", 3, "middle", sets=["asked"]), option("stop", 1, "done")],
            },
            "middle": {"type": "passage", "text": "You ask.", "next": [{"if": ["asked"], "goto": "second"}, {"goto": "begin"}]},
            "second": {"type": "decision", "prompt": "?", "options": [option("go", 2, "done"), option("back", 0, "done")]},
            "done": end(),
        }
    )
    exact, bounded = _with_budget(doc, 10**6), _with_budget(doc, 0)
    assert [p.message for p in exact.problems if p.severity == "error"] == []
    _contains(exact.tracks["officer"], bounded.tracks["officer"])
    assert bounded.tracks["officer"].paths is None  # a cycle once flags are forgotten: not counted


def test_past_the_budget_a_flag_read_before_it_is_set_is_still_an_error() -> None:
    doc = scenario(
        {
            "begin": {"type": "passage", "text": "x", "next": [{"if": ["later"], "goto": "a"}, {"goto": "pick"}]},
            "pick": {"type": "decision", "prompt": "?", "options": [option("p", 1, "a", sets=["later"]), option("q", 0, "a")]},
            "a": end(),
        }
    )
    found = [(p.field, p.severity) for p in _with_budget(doc, 0).problems]
    assert ("nodes.begin.next[0]", "error") in found and ("start", "warning") in found


@settings(max_examples=60, deadline=None)
@given(flagged_graphs())
def test_bounds_contain_the_exact_figures_when_routes_read_flags(doc: dict) -> None:
    exact, bounded = _with_budget(doc, 10**6), _with_budget(doc, 0)
    _contains(exact.tracks["officer"], bounded.tracks["officer"])
    exact_errors = [p for p in exact.problems if p.severity == "error" and "real failing" not in p.message]
    if not exact_errors:  # bounds never find an error in a file the walk finds sound
        assert [p.message for p in bounded.problems if p.severity == "error"] == []
