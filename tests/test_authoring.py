"""Authoring commands through the CLI: new (skeleton), graph (the map) and test (plans, walks,
coverage), against the worked example from the docs and small scenarios built for the purpose."""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from pathlib import Path

import yaml
from scenario_factory import end, option, scenario, write

from ltl_quiz.authoring.scenario_map import build_map
from ltl_quiz.cli import app
from ltl_quiz.scenario import model
from ltl_quiz.scenario.builder import field_spec
from ltl_quiz.scenario.loader import load_scenario, parse_scenario
from ltl_quiz.scenario.paths import analyse

ROOT = Path(__file__).resolve().parent.parent


def invoke(runner, folder: Path, *args: str):
    return runner.invoke(app, ["--scenarios", str(folder), *args])


# -- new ----------------------------------------------------------------------------------------


def test_new_writes_a_skeleton_that_validates_strictly(runner, tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "03-existing.yaml").write_text("id: x\n")
    result = invoke(runner, folder, "new", "girl-at-the-station", "--title", "A girl at the station: late night", "--issue", "40")
    path = folder / "04-girl-at-the-station.yaml"  # the next free number
    assert result.exit_code == 0, result.output
    here = f"ltl-quiz --scenarios {folder.resolve()}"  # hints name the folder given, so that they work as printed
    assert result.output == f"Wrote {path}. Next: edit it, then '{here} validate {path}' and '{here} graph {path}'.\n"
    checked = runner.invoke(app, ["validate", "--strict", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "warning" not in checked.output
    s = load_scenario(path)
    assert (s.id, s.title, s.source.issue, s.source.case_study) == ("girl-at-the-station", "A girl at the station: late night", 40, 4)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # readable like any file the author makes


def test_the_skeleton_has_every_field_each_with_a_comment(runner, tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    assert invoke(runner, tmp_path, "new", "case-one", "--title", "Case one", "--out", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    keys_seen: dict[str, bool] = {}
    for i, line in enumerate(lines):
        m = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        if not m or line.lstrip().startswith("#"):
            continue
        key = m.group(1)
        above = lines[i - 1].lstrip()
        commented = above.startswith("#") or (line.lstrip().startswith("- ") and above.startswith("#"))
        keys_seen[key] = keys_seen.get(key, False) or commented
    every_field = {
        key
        for cls in (model.Scenario, model.Source, model.Node, model.Option, model.Route, model.Case, model.Reference, model.KeyQuestion)
        for key, _ in field_spec(cls).values()
    }
    missing = every_field - set(keys_seen)
    uncommented = {k for k, ok in keys_seen.items() if not ok and k in every_field}
    assert missing == set(), "fields the skeleton does not show"
    assert uncommented == set(), "fields never introduced by a comment"


def test_the_skeleton_names_the_checkout_schema_relatively(runner, tmp_path: Path) -> None:
    out = ROOT / "scenarios" / "skeleton-under-test.yaml"  # inside the checkout, removed below
    try:
        assert invoke(runner, tmp_path, "new", "case-one", "--title", "Case one", "--out", str(out)).exit_code == 0
        first = out.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../docs/scenario.schema.json"
    finally:
        out.unlink(missing_ok=True)


def test_outside_a_checkout_the_schema_is_written_to_the_home(runner, tmp_path: Path, isolated_home: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    import ltl_quiz.authoring.commands as commands

    monkeypatch.setattr(commands, "checkout_root", lambda _: None)
    assert invoke(runner, folder, "new", "case-one", "--title", "Case one").exit_code == 0
    written = isolated_home / "scenario.schema.json"
    first = (folder / "01-case-one.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={written.resolve().as_uri()}"
    assert json.loads(written.read_text())["title"] == "ltl-quiz scenario"


def test_new_refuses_bad_ids_and_never_overwrites(runner, tmp_path: Path) -> None:
    bad = invoke(runner, tmp_path, "new", "Girl At Station", "--title", "T")
    assert bad.exit_code == 1
    assert (
        bad.output == "error: 'Girl At Station' is not a valid id; use lower-case letters, digits and hyphens, e.g. hotel-welfare-check\n"
    )
    out = tmp_path / "taken.yaml"
    out.write_text("keep me")
    taken = invoke(runner, tmp_path, "new", "case-one", "--title", "T", "--out", str(out))
    assert taken.exit_code == 1 and "already exists" in taken.output
    assert out.read_text() == "keep me"


def test_new_refuses_an_id_its_folder_already_has(runner, tmp_path: Path) -> None:
    """A second ``new`` with one id once wrote 02-ID.yaml beside 01-ID.yaml: two cases, one id."""
    folder = tmp_path / "mine"
    folder.mkdir()
    assert invoke(runner, folder, "new", "case-one", "--title", "T").exit_code == 0
    again = invoke(runner, folder, "new", "case-one", "--title", "T")
    assert again.exit_code == 1 and f"{folder / '01-case-one.yaml'} already has the id case-one; choose another id" in again.output
    assert [p.name for p in folder.iterdir()] == ["01-case-one.yaml"]


# -- graph --------------------------------------------------------------------------------------

EXAMPLE_MAP = """\
Map of example-welfare-call: A welfare call about a child
Track: all (officer, manager). Start: call-received.
Key: -> leads to; (+N) points; CRITICAL leaves a child unsafeguarded; [if/unless flags] a conditional route.

PASSAGE call-received: The call
  -> supervisor-review [on the manager track]
  -> call-grading

DECISION call-grading (officer track)
  asks: How do you grade the call?
  send-officers (+10) -> welfare-actions  (sets officers-sent)
  tell-caller-101 (0) CRITICAL -> officer-reflection

MULTI welfare-actions (officer track)
  asks: What do the attending officers need to do? Choose all that apply.
  options (any of): speak-to-girl-alone (+3), leave-if-she-says-fine (-3)
  -> officer-reflection

REFLECTION officer-reflection (officer track)
  key question: officer-questions
  -> girl-safe [if officers-sent]
  -> call-closed

DECISION supervisor-review (manager track)
  asks: What do you review first?
  review-systems-checks (+5) -> call-closed
  review-call-length (0) -> call-closed

END girl-safe: The girl is safeguarded
  ending: officer score 10 to 13

END call-closed: The call is closed
  ending: officer score 0; manager score 0 to 5; matches the real case
"""


def test_graph_text_reads_as_a_map(runner, example_dir: Path) -> None:
    result = invoke(runner, example_dir, "graph", "example-welfare-call")
    assert result.exit_code == 0
    assert result.output == EXAMPLE_MAP


def test_graph_for_one_track_shows_only_what_it_reaches(runner, example_dir: Path) -> None:
    result = invoke(runner, example_dir, "graph", "1", "--track", "manager")
    assert result.exit_code == 0
    assert "call-grading" not in result.output and "officer-reflection" not in result.output
    assert "PASSAGE call-received: The call\n  -> supervisor-review\n" in result.output
    assert "END call-closed: The call is closed\n  ending: score 0 to 5; matches the real case" in result.output


def test_graph_mermaid(runner, example_dir: Path) -> None:
    out = invoke(runner, example_dir, "graph", "1", "--format", "mermaid").output
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  n1{"decision: call-grading<br/>officer track"}' in lines
    assert '  n2{{"multi: welfare-actions<br/>officer track<br/>any of: speak-to-girl-alone (+3), leave-if-she-says-fine (-3)"}}' in lines
    assert '  n6(["end: call-closed<br/>The call is closed<br/>officer score 0; manager score 0 to 5 (the real case)"])' in lines
    assert '  n1 -->|"tell-caller-101 (0) CRITICAL"| n3' in lines
    assert '  n3 -.->|"[if officers-sent]"| n5' in lines  # conditional routes are dotted
    edges = [line for line in lines if "-->" in line or "-.->" in line]
    critical = [i for i, line in enumerate(edges) if "CRITICAL" in line]
    assert f"  linkStyle {','.join(map(str, critical))} stroke:#c00,stroke-width:3px,color:#c00" in lines
    assert not any(re.search(r"\bclass(Def)? .*\bend\b", line) for line in lines), "'end' is a Mermaid keyword"


def test_graph_dot(runner, example_dir: Path) -> None:
    out = invoke(runner, example_dir, "graph", "1", "--format", "dot").output
    assert out.startswith('digraph "example-welfare-call" {\n') and out.endswith("}\n")
    assert '"call-grading" [shape=diamond, label="decision: call-grading\\nofficer track"];' in out
    assert '"call-grading" -> "officer-reflection" [label="tell-caller-101 (0) CRITICAL", color=red, fontcolor=red, penwidth=2];' in out
    assert '"officer-reflection" -> "girl-safe" [label="[if officers-sent]", style=dashed];' in out
    assert out.count(" -> ") == 9  # one per option or route, as in the text map


def test_graph_ending_ranges_agree_with_the_validator() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        s, located, _ = parse_scenario(path)
        analysis = analyse(s, located)
        for track in s.audiences:
            spans = [span for per in build_map(s, track).ranges.values() for t, span in per.items() if t == track]
            report = analysis.tracks[track]
            assert min(lo for lo, _ in spans) == report.min_score and max(hi for _, hi in spans) == report.max_score, (s.id, track)
            assert sorted(build_map(s, track).ranges) == report.endings


def test_graph_errors(runner, example_dir: Path) -> None:
    png = invoke(runner, example_dir, "graph", "1", "--format", "png")  # a usage error now (issue 13): exit 2
    assert png.exit_code == 2 and "Invalid value for '--format': 'png' is not one of 'text', 'mermaid', 'dot'." in png.output
    track = invoke(runner, example_dir, "graph", "1", "--track", "sergeant")
    assert track.exit_code == 2 and "Invalid value for '--track'" in track.output


# -- test: plans, walks, coverage ---------------------------------------------------------------

PLAN = {
    "scenario": "example-welfare-call",
    "runs": [
        {
            "name": "best path",
            "track": "officer",
            "answers": {
                "call-grading": "send-officers",
                "welfare-actions": ["speak-to-girl-alone"],
                "officer-reflection": {"text": "Who the men are.", "covered": [2]},
            },
            "expect": {"ending": "girl-safe", "passed": True, "score": 13, "percentage": 100},
        },
        {
            "name": "manager review",
            "track": "manager",
            "answers": {"supervisor-review": "review-call-length", "manager-training": "Training on exploitation."},
            "expect": {"ending": "call-closed", "passed": False, "score": 0},
        },
    ],
}


def plan_file(tmp_path: Path, plan: dict, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return str(path)


def test_a_passing_plan_with_coverage(runner, example_dir: Path, tmp_path: Path) -> None:
    result = invoke(runner, example_dir, "test", "1", "--plan", plan_file(tmp_path, PLAN))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "ok    best path (girl-safe, score 13)",
        "ok    manager review (call-closed, score 0)",
        "Plans: 2 of 2 runs as expected.",
        "Coverage: 3 of 6 options exercised by the plans.",
        "  not exercised by any plan:",
        "    call-grading: tell-caller-101",
        "    welfare-actions: leave-if-she-says-fine",
        "    supervisor-review: review-systems-checks",
        "OK",
    ]


def test_a_failing_plan_prints_a_diff_and_exits_1(runner, example_dir: Path, tmp_path: Path) -> None:
    plan = copy.deepcopy(PLAN)
    plan["runs"][0]["expect"] = {"ending": "call-closed", "passed": True, "score": 10, "percentage": 100}
    path = plan_file(tmp_path, plan)
    result = invoke(runner, example_dir, "test", "1", "--plan", path)
    assert result.exit_code == 1
    assert f"FAIL  best path ({path}:3)" in result.output
    assert (
        "      --- expected\n"
        "      +++ actual\n"
        "      -ending: call-closed\n"
        "      +ending: girl-safe\n"
        "       passed: true\n"
        "      -score: 10\n"
        "      +score: 13\n"
        "       percentage: 100\n"
        "      path: call-grading=send-officers, welfare-actions=speak-to-girl-alone\n"
    ) in result.output
    assert "Plans: 1 of 2 runs as expected." in result.output and result.output.endswith("FAILED\n")


def test_a_plan_run_that_cannot_finish_or_strays(runner, example_dir: Path, tmp_path: Path) -> None:
    plan = copy.deepcopy(PLAN)
    del plan["runs"][0]["answers"]["welfare-actions"]
    plan["runs"][1]["answers"]["call-grading"] = "send-officers"  # the manager never sees it
    result = invoke(runner, example_dir, "test", "1", "--plan", plan_file(tmp_path, plan))
    assert result.exit_code == 1
    assert "      no answer for 'welfare-actions' (a multi: any of speak-to-girl-alone, leave-if-she-says-fine)" in result.output
    assert "      answers for prompts this run never reached: call-grading (the path went another way)" in result.output


def test_a_plan_for_another_scenario_or_malformed(runner, example_dir: Path, tmp_path: Path) -> None:
    other = invoke(runner, example_dir, "test", "1", "--plan", plan_file(tmp_path, {**PLAN, "scenario": "hotel-welfare-check"}))
    assert other.exit_code == 1 and "the plan is for 'hotel-welfare-check', not 'example-welfare-call'" in other.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: example-welfare-call\nruns:\n  - name: x\n    track: officer\n    answers: {}\n", encoding="utf-8")
    malformed = invoke(runner, example_dir, "test", "1", "--plan", str(bad))
    assert malformed.exit_code == 1 and malformed.output == f"error: {bad}:3:5: the run needs 'expect'\n"
    missing = invoke(runner, example_dir, "test", "1", "--plan", str(tmp_path / "none.yaml"))
    assert missing.output == f"error: {tmp_path / 'none.yaml'}: no such plan file; check the path\n"
    nothing = invoke(runner, example_dir, "test", "1")
    assert nothing.exit_code == 1 and "give --plan PLAN.yaml (any number) and/or --walk N" in nothing.output


def test_walks_are_seeded_and_end_cleanly(runner, example_dir: Path) -> None:
    first = invoke(runner, example_dir, "test", "1", "--walk", "6", "--seed", "7", "--json")
    again = invoke(runner, example_dir, "test", "1", "--walk", "6", "--seed", "7", "--json")
    other = invoke(runner, example_dir, "test", "1", "--walk", "6", "--seed", "8", "--json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["ok"] is True and len(data["walks"]["results"]) == 12  # 6 on each track
    assert first.output == again.output and first.output != other.output
    assert {w["expect"]["ending"] for w in data["walks"]["results"]} == {"girl-safe", "call-closed"}
    text = invoke(runner, example_dir, "test", "1", "--walk", "3", "--track", "manager")
    assert "Walks: 3 of 3 random walks (seed 0) ended cleanly." in text.output


def test_a_walk_that_hits_a_dead_end_fails_and_can_be_replayed(runner, tmp_path: Path) -> None:
    """A graph the validator rejects can still be walked, which is how an author finds the path."""
    nodes = {
        "begin": {"type": "decision", "prompt": "Which?", "options": [option("fine", 1, "done"), option("stray", 0, "managers-only")]},
        "managers-only": {"type": "passage", "track": "manager", "text": "Not for officers.", "next": "done"},
        "done": end(),
    }
    folder = tmp_path / "scenarios"
    folder.mkdir()
    write(folder, scenario(nodes), "01-factory-case.yaml")
    result = invoke(runner, folder, "test", "factory-case", "--walk", "8", "--seed", "1")
    assert result.exit_code == 1
    assert "note: validate reports:" in result.output and "a manager-only node; route by track first" in result.output
    assert "reached 'managers-only', a manager-only node, on the officer track" in result.output
    replay = result.output.split("replay it as a plan run:\n", 1)[1].split("\nFAIL", 1)[0].split("\nWalks", 1)[0]
    run = yaml.safe_load("\n".join(line[8:] for line in replay.splitlines() if line.startswith("        ")))[0]
    assert run["answers"] == {"begin": "stray"} and run["track"] == "officer"


def test_plans_for_every_scenario_pass_with_the_test_command(runner) -> None:
    """The plans in tests/plans/ run in CI through 'ltl-quiz test', as authors run them."""
    plans = sorted((ROOT / "tests" / "plans").glob("*.yaml"))
    assert len(plans) == 10
    for plan in plans:
        scenario_id = yaml.safe_load(plan.read_text(encoding="utf-8"))["scenario"]
        result = runner.invoke(app, ["--scenarios", str(ROOT / "scenarios"), "test", scenario_id, "--plan", str(plan), "--walk", "5"])
        assert result.exit_code == 0, result.output
        assert "Coverage:" in result.output


def test_the_plan_in_the_authoring_guide_passes_against_a_fresh_skeleton(runner, tmp_path: Path) -> None:
    """docs/authoring.md walks a trainer through new, then test: its example must work as printed."""
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    plan = guide.split("```yaml\nscenario: girl-at-the-station\n", 1)[1].split("```", 1)[0]
    (tmp_path / "plan.yaml").write_text("scenario: girl-at-the-station\n" + plan, encoding="utf-8")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    assert (
        invoke(runner, folder, "new", "girl-at-the-station", "--title", "Girl at the railway station", "--case-study", "1").exit_code == 0
    )
    result = invoke(runner, folder, "test", "girl-at-the-station", "--plan", str(tmp_path / "plan.yaml"))
    assert result.exit_code == 0, result.output
    assert "ok    best path, officer track (child-safeguarded, score 16)" in result.output


def test_coverage_for_one_track_counts_only_its_options(runner, example_dir: Path, tmp_path: Path) -> None:
    result = invoke(runner, example_dir, "test", "1", "--plan", plan_file(tmp_path, PLAN), "--track", "manager")
    assert result.exit_code == 0
    assert "ok    manager review (call-closed, score 0)" in result.output and "best path" not in result.output
    assert (
        "Coverage: 1 of 2 options exercised by the plans.\n  not exercised by any plan:\n    supervisor-review: review-systems-checks\n"
        in result.output
    )
