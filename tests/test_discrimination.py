"""A pass must mean something (issue 10): validate's figures and checks, the reading-free strategies,
and the plans' runs for every real failing, each shown firing and not firing on small fixtures."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ltl_quiz.authoring.strategies import PICKS, TICKS
from ltl_quiz.cli import app
from ltl_quiz.scenario.loader import load_scenario, parse_scenario, scenario_files
from ltl_quiz.scenario.model import Node, Option
from ltl_quiz.scenario.path_steps import is_failing
from ltl_quiz.scenario.validation import validate_file
from tests.scenario_factory import end, option, scenario, write
from tests.test_properties import _prune, graphs

ROOT = Path(__file__).resolve().parent.parent
FILES = scenario_files([ROOT / "scenarios"])
FAILING = {"did": "failing", "note": "What the real officer did, and what the report found."}


def _decision(options: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "decision", "prompt": "What do you do?", "options": options, **extra}


def _failing_case(points: int = 8, critical: bool = False) -> dict[str, Any]:
    """Two decisions worth 10 each; the real failing at the first scores ``points``."""
    real = option("as-in-the-real-case", points, "second", real_case=FAILING, critical=critical)
    return scenario(
        {
            "begin": _decision([option("right", 10, "second"), real]),
            "second": _decision([option("right-again", 10, "done"), option("wrong-again", 0, "done")]),
            "done": end(),
        }
    )


def _problems(tmp_path: Path, doc: dict[str, Any]) -> list[str]:
    return [f"{p.severity}: {p.field}: {p.message}" for p in validate_file(write(tmp_path, doc)).problems]


def test_validate_counts_the_paths_that_can_pass(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path, _failing_case(points=0)))
    officer = report.tracks["officer"]
    assert (officer.paths, officer.max_score, officer.pass_score, officer.passing) == (4, 20, 14, 1)


def test_a_real_failing_that_can_still_pass_is_an_error(tmp_path: Path) -> None:
    found = _problems(tmp_path, _failing_case(points=8))
    assert (
        "error: nodes.begin.options[1].real_case: on the officer track a path that repeats this real failing still passes: "
        "18 of 20 (90.0%, pass mark 70%); make the option critical, or score it so no path taking it passes"
    ) in found


@pytest.mark.parametrize("points, critical", [(0, False), (8, True)])
def test_a_real_failing_that_cannot_pass_is_fine(tmp_path: Path, points: int, critical: bool) -> None:
    path = write(tmp_path, _failing_case(points, critical))
    report = validate_file(path)
    assert [p for p in report.problems if "real failing" in p.message] == []
    (reach,) = report.tracks["officer"].failings
    assert reach.can_pass is False and reach.score == (None if critical else 10)


def test_a_real_failing_ticked_at_a_multi_is_checked_with_the_best_other_ticks(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {
                "type": "multi",
                "prompt": "Which?",
                "options": [option("good", 6), option("also-good", 4), option("as-in-the-real-case", -2, real_case=FAILING)],
                "next": "done",
            },
            "done": end(),
        }
    )
    report = validate_file(write(tmp_path, doc))
    (reach,) = report.tracks["officer"].failings
    assert (reach.score, reach.percentage, reach.can_pass) == (8, 80.0, True)
    assert any(p.field == "nodes.begin.options[2].real_case" and p.severity == "error" for p in report.problems)


def _lengths_case(best_longest: list[bool]) -> dict[str, Any]:
    """One decision per entry; where True, the best option is the longest."""
    nodes: dict[str, Any] = {}
    ids = [f"d{i}" for i in range(len(best_longest))]
    for i, longest in enumerate(best_longest):
        nxt = ids[i + 1] if i + 1 < len(ids) else "done"
        best = option("best", 5, nxt, text="A careful, complete and recorded action, step by step." if longest else "A short one.")
        other = option("other", 0, nxt, text="Something else entirely, at length.")
        nodes[ids[i]] = _decision([best, other])
    nodes["done"] = end()
    return scenario(nodes, start=ids[0])


def test_best_option_longest_in_more_than_a_third_of_decisions_warns_and_strict_fails(tmp_path: Path) -> None:
    path = write(tmp_path, _lengths_case([True, True, False]))
    report = validate_file(path)
    assert (report.tracks["officer"].longest, report.tracks["officer"].decisions) == (["d0", "d1"], 3)
    assert [p.message for p in report.problems] == [
        "on the officer track the best option is also the longest in 2 of 3 decisions (67%, more than a third), "
        "so picking the longest pays: make the other options as long and careful (d0, d1)"
    ]
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    strict = runner.invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 1 and "best option longest: 2 of 3 decisions (67%)" in strict.output


def test_best_option_longest_in_a_third_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, _lengths_case([True, False, False]))
    assert CliRunner().invoke(app, ["validate", "--strict", str(path)]).exit_code == 0


def test_validate_prints_and_json_carries_the_figures(tmp_path: Path) -> None:
    path = write(tmp_path, _failing_case(points=8))
    runner = CliRunner()
    out = runner.invoke(app, ["validate", str(path)]).output
    assert "  officer: 4 paths, 1 ending, score 8 to 20\n    pass: 2 of 4 paths can pass (70% is 14 of 20)\n" in out
    assert "    real failings: 1 marked; the best path repeating one scores 18 of 20 (90.0%): PASSES\n" in out
    data = json.loads(runner.invoke(app, ["validate", "--json", str(path)]).output)
    officer = data["files"][0]["tracks"]["officer"]
    assert (officer["passing_paths"], officer["pass_score"]) == (2, 14)
    assert officer["real_failings"]["can_pass"] is True and officer["real_failings"]["best_percentage"] == 90.0
    assert officer["best_is_longest"] == {"decisions": 2, "longest": 0, "share": 0.0, "nodes": []}


# -- reading-free strategies ----------------------------------------------------------------------

TRAP_LONG = "Refer it to the MASH under APP and PACE, record every risk, and ensure full safeguarding checks are documented."
TRAP_SHORT = "Move on."


def _resisting_case() -> dict[str, Any]:
    """Three decisions where only reading finds the best: it is never the longest, shortest, most
    jargon-laden or in the same place or length rank, and a pass needs all three (two of three is
    66.7%)."""
    plain = ["Ask her on her own where she is staying tonight.", "Ask the hotel manager who booked the room tonight."]
    nodes: dict[str, Any] = {}
    for i, where in enumerate([1, 2, 0]):
        nxt = f"d{i + 1}" if i < 2 else "done"
        right, other = (plain[1], plain[0]) if i == 1 else (plain[0], plain[1])  # second-longest, then third
        wrong = [option("trap-long", 0, nxt, text=TRAP_LONG), option("trap-short", 0, nxt, text=TRAP_SHORT)]
        wrong.append(option("other", 0, nxt, text=other))
        best = option("best", 10, nxt, text=right)
        nodes[f"d{i}"] = _decision(wrong[:where] + [best] + wrong[where:])
    nodes["done"] = end()
    return scenario(nodes, start="d0")


def _giveaway_case() -> dict[str, Any]:
    nodes = {
        "d0": _decision([option("best", 10, "done", text=TRAP_LONG), option("other", 0, "done", text=TRAP_SHORT)]),
        "done": end(),
    }
    return scenario(nodes, start="d0")


def test_strategies_fail_a_scenario_where_the_longest_option_passes(tmp_path: Path) -> None:
    write(tmp_path, _giveaway_case(), "01-giveaway.yaml")
    result = CliRunner().invoke(app, ["--scenarios", str(tmp_path), "test", "factory-case", "--strategies"])
    assert result.exit_code == 1
    assert "FAIL  longest / every-box passes on the officer track: 100.0% (10 of 10)" in result.output
    data = json.loads(CliRunner().invoke(app, ["--scenarios", str(tmp_path), "test", "1", "--strategies", "--json"]).output)
    passed = {(r["decisions"], r["mode"]) for r in data["strategies"]["passed"]}
    assert data["ok"] is False and {("longest", "practice"), ("most-guidance-words", "practice"), ("first", "practice")} <= passed
    assert ("shortest", "practice") not in passed


def test_strategies_pass_a_scenario_built_to_resist_them(tmp_path: Path) -> None:
    write(tmp_path, _resisting_case(), "01-resisting.yaml")
    result = CliRunner().invoke(app, ["--scenarios", str(tmp_path), "test", "factory-case", "--strategies"])
    assert result.exit_code == 0, result.output
    assert "Strategies (decisions / multis): none of" in result.output


def test_strategies_with_no_case_test_every_scenario(tmp_path: Path) -> None:
    write(tmp_path, _resisting_case(), "01-resisting.yaml")
    other = _giveaway_case()
    other["id"] = "giveaway"
    write(tmp_path, other, "02-giveaway.yaml")
    result = CliRunner().invoke(app, ["--scenarios", str(tmp_path), "test", "--strategies"])
    assert result.exit_code == 1
    assert "Testing factory-case" in result.output and "Testing giveaway" in result.output
    assert result.output.count("FAILED") == 1
    assert CliRunner().invoke(app, ["--scenarios", str(tmp_path), "test"]).exit_code == 1  # nothing asked for


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_no_reading_free_strategy_passes_a_shipped_scenario(path: Path) -> None:
    """Fails until the rewritten content lands (issue 10): the output names each strategy that passes."""
    result = CliRunner().invoke(app, ["test", str(path), "--strategies"])
    assert result.exit_code == 0, result.output


# -- the plans keep a run for every real failing ---------------------------------------------------


def runs_missing(s: Any, plan: dict[str, Any]) -> list[str]:
    """Real failings of ``s`` with no plan run that takes them and expects a fail."""
    missing = []
    for node in s.nodes.values():
        for opt in node.options:
            if not is_failing(opt):
                continue
            takes = [r for r in plan["runs"] if opt.id in _as_list(r["answers"].get(node.id))]
            if not any(r["expect"].get("passed") is False for r in takes):
                missing.append(f"real failing {node.id}/{opt.id}")
    return missing


def _as_list(answer: Any) -> list[Any]:
    return answer if isinstance(answer, list) else [answer]


def test_a_plan_without_a_run_for_a_real_failing_is_caught(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, _failing_case(points=0)))
    best = {"name": "best path", "track": "officer", "answers": {"begin": "right", "second": "right-again"}, "expect": {"passed": True}}
    assert runs_missing(s, {"runs": [best]}) == ["real failing begin/as-in-the-real-case"]
    real = {
        "name": "real failing begin/as-in-the-real-case, officer track",
        "track": "officer",
        "answers": {"begin": "as-in-the-real-case", "second": "right-again"},
        "expect": {"passed": False},
    }
    assert runs_missing(s, {"runs": [best, real]}) == []
    assert runs_missing(s, {"runs": [best, {**real, "expect": {"passed": True}}]}) != []


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_real_failing_has_a_plan_run_that_fails(path: Path) -> None:
    """Fails until the rewritten content lands (issue 10): every case marks its real failings."""
    s = load_scenario(path)
    plan = yaml.safe_load((ROOT / "tests" / "plans" / f"{s.id}.yaml").read_text(encoding="utf-8"))
    assert any(is_failing(o) for n in s.nodes.values() for o in n.options), f"{s.id}: no option is marked real_case: failing"
    assert runs_missing(s, plan) == []


# -- the figures agree with every answer played through the engine ----------------------------------


def _every_answer(s: Any, state: Any, key: tuple = (), chosen: frozenset = frozenset()) -> list[tuple]:
    """(decisions taken, result, options chosen) for every way of answering, through the engine."""
    from itertools import combinations

    from ltl_quiz.engine import state_machine as engine

    node = engine.current(s, state)
    if node.type == "end":
        return [(key, engine.result(s, state), chosen)]
    if node.type == "passage":
        return _every_answer(s, engine.answer(s, state, engine.Continue())[0], key, chosen)
    ids = [o.id for o in node.options]
    picks = [[i] for i in ids] if node.type == "decision" else [list(c) for k in range(len(ids) + 1) for c in combinations(ids, k)]
    out = []
    for pick in picks:
        nxt = engine.answer(s, state, engine.Choose(pick))[0]
        step = (node.id, pick[0]) if node.type == "decision" else ()
        out += _every_answer(s, nxt, key + step, chosen | {(node.id, i) for i in pick})
    return out


@st.composite
def flagged_graphs(draw: st.DrawFn) -> dict:
    """A random graph whose options may set one of three flags and whose passages may route on them."""
    doc = _prune(draw(graphs()))
    ids = list(doc["nodes"])
    for i, node in enumerate(doc["nodes"].values()):
        for opt in node.get("options", []):
            if draw(st.booleans()):
                opt["sets"] = [draw(st.sampled_from(["fa", "fb", "fc"]))]
        later = [n for n in ids[i + 1 :] if n in doc["nodes"]]
        if node["type"] == "passage" and later and draw(st.booleans()):
            flag, target = draw(st.sampled_from(["fa", "fb", "fc"])), draw(st.sampled_from(later))
            node["next"] = [{draw(st.sampled_from(["if", "unless"])): [flag], "goto": target}, {"goto": node["next"]}]
    return doc


@settings(max_examples=60, deadline=None)
@given(flagged_graphs(), st.integers(min_value=0, max_value=100))
def test_pass_counts_and_failing_reach_match_every_answer_played(doc: dict, pass_mark: int) -> None:
    from ltl_quiz.engine import state_machine as engine

    doc["pass_mark"] = pass_mark
    for node in doc["nodes"].values():
        for k, opt in enumerate(node.get("options", [])):
            if k == 1:
                opt["real_case"] = dict(FAILING)
            if k == 2:
                opt["critical"] = True
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), doc)
        s = parse_scenario(path)[0]  # the model even when a real failing can pass (an error)
        report = validate_file(path).tracks["officer"]
    every = _every_answer(s, engine.start(s, "officer"))
    paths = {key for key, _, _ in every}
    assert report.max_score == max(r.score for _, r, _ in every) and report.min_score == min(r.score for _, r, _ in every)
    if not any(node.type == "multi" and any(o.sets for o in node.options) for node in s.nodes.values()):
        # a path is the decisions taken (a multi whose ticks set flags would count once per set of flags)
        assert report.paths == len(paths)
        assert report.passing is None or report.passing == len({key for key, r, _ in every if r.passed})
    for reach in report.failings:
        scores = [r.score for _, r, chosen in every if (reach.node, reach.option) in chosen and not r.critical]
        assert reach.score == (max(scores) if scores else None)
        assert reach.can_pass == any(r.passed for _, r, chosen in every if (reach.node, reach.option) in chosen)


def test_validate_sums_the_longest_option_share_over_every_file(tmp_path: Path) -> None:
    first, second = _lengths_case([True, False, False]), _lengths_case([True, True])
    second["id"] = "second-case"
    write(tmp_path, first, "01-first.yaml")
    write(tmp_path, second, "02-second.yaml")
    runner = CliRunner()
    assert "all 2 files: best option longest in 3 of 5 decisions (60%)\n" in runner.invoke(app, ["validate", str(tmp_path)]).output
    data = json.loads(runner.invoke(app, ["validate", "--json", str(tmp_path)]).output)
    assert data["best_is_longest"] == {"decisions": 5, "longest": 3}


# -- each reading-free strategy picks by its surface feature -----------------------------------

SCREEN = Node(type="decision", id="d", title="At the hotel", text="The manager says the girl is upstairs.", prompt="What now?")
TEXTS = {
    "long": "Refer the call to the MASH, record every risk and ensure that each safeguarding check is documented.",
    "second": "Tell the hotel manager to keep the girl upstairs until officers arrive at the hotel.",
    "third": "Run checks on section 47 records for 2 men named by Reception, without delay.",
    "short": "Not now: wait and see.",
}


def _options(*keys: str) -> list[Option]:
    return [Option(id=k, text=TEXTS[k], feedback="") for k in keys]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("second-longest", "second"),
        ("median-length", "third"),
        ("most-specifics", "third"),
        ("fewest-negations", "long"),
        ("most-holding-back", "short"),
        ("most-child-words", "second"),
        ("echoes-the-screen", "second"),
        ("most-long-words", "long"),
        ("action-verb-first", "long"),
        ("most-commas", "long"),
    ],
)
def test_each_pick_goes_by_its_surface_feature(name: str, expected: str) -> None:
    options = _options("short", "third", "long", "second")
    assert PICKS[name](options, SCREEN).id == expected


def test_centroid_and_odd_one_out_go_by_shared_words() -> None:
    texts = {
        "a": "Ask the hotel manager which room the girl is in.",
        "b": "Ask the hotel manager which men booked the room.",
        "c": "Send officers now.",
    }
    options = [Option(id=k, text=t, feedback="") for k, t in texts.items()]
    assert PICKS["centroid"](options, SCREEN).id in {"a", "b"}
    assert PICKS["odd-one-out"](options, SCREEN).id == "c"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("all-but-longest", {"short", "third", "second"}),
        ("two-longest", {"long", "second"}),
        ("longer-than-mean", {"long", "second", "third"}),
        ("shares-screen-words", {"second"}),
        ("child-words", {"second"}),
        ("no-negations", {"long", "second"}),
        ("two-plus-guidance-words", {"long", "third"}),
    ],
)
def test_each_tick_goes_by_its_surface_feature(name: str, expected: set[str]) -> None:
    options = _options("short", "third", "long", "second")
    assert {o.id for o in TICKS[name](options, SCREEN)} == expected
