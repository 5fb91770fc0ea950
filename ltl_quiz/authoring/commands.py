"""The authoring commands as library calls: each takes parsed options and returns what to print."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ltl_quiz.errors import InputError, ScenarioError
from ltl_quiz.locations import Locations, checkout_root
from ltl_quiz.scenario.model import Scenario

if TYPE_CHECKING:
    from ltl_quiz.authoring.testing import TestReport

CHECKOUT_SCHEMA = Path("docs") / "scenario.schema.json"


def authors_folder(where: Locations, scenarios_given: bool) -> Path:
    """Where a new scenario goes: the folder given with --scenarios, else ``./scenarios/`` of the
    working folder. Never the installed package's copy, where learners would see a draft at once
    and a reinstall would delete it."""
    return where.scenarios if scenarios_given else Path.cwd() / "scenarios"


def new_scenario(
    where: Locations, scenario_id: str, title: str, case_study: int | None, issue: int, out: Path | None, scenarios_given: bool = False
) -> str:
    from ltl_quiz.authoring.skeleton import new_scenario as write_skeleton

    folder = authors_folder(where, scenarios_given)
    root = checkout_root(folder.resolve().parent) or checkout_root(Path.cwd())
    schema = root / CHECKOUT_SCHEMA if root else None
    if out is None:
        folder.mkdir(parents=True, exist_ok=True)
        _refuse_a_second(folder, scenario_id)
    path = write_skeleton(scenario_id, title, folder, out, case_study, issue, where.home, schema)
    text = f"Wrote {path}. Next: edit it, then 'ltl-quiz validate {path}' and 'ltl-quiz graph {path}'."
    if path.parent.resolve() != where.scenarios.resolve():
        text += (
            f" ltl-quiz reads its cases from {where.scenarios}; to use yours, give"
            f" '--scenarios {path.parent}' (or set LTL_QUIZ_SCENARIOS={path.parent})."
        )
    return text


def _refuse_a_second(folder: Path, scenario_id: str) -> None:
    """A second ``new`` with the same id wrote 02-ID.yaml beside 01-ID.yaml, and the folder then held
    two cases with one id (the second skipped): name the first instead."""
    import re

    for path in sorted(folder.glob("*.yaml")):
        if re.fullmatch(rf"(\d+-)?{re.escape(scenario_id)}", path.stem):
            raise InputError(f"{path} already has the id {scenario_id}; choose another id (ltl-quiz new never overwrites)")


def write_schema(out: Path | None) -> str:
    from ltl_quiz.authoring.skeleton import write_shared
    from ltl_quiz.scenario.json_schema import schema_text

    text = schema_text()
    if out is None:
        return text
    try:
        write_shared(out, text)
    except OSError as exc:
        raise InputError(f"cannot write {out} ({exc.strerror}); choose another --out") from None
    return f"Wrote {out}."


def scenario_graph(where: Locations, case: str, fmt: str, track: str | None) -> str:
    from ltl_quiz.authoring.scenario_map import FORMATS, build_map, render

    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}")
    scenario = _model(where, case)
    if track is not None and track not in scenario.audiences:
        raise InputError(f"track '{track}' is not offered by {scenario.id}; use one of: {', '.join(scenario.audiences)}")
    return render(build_map(scenario, track), fmt)


def test_case(
    where: Locations, case: str | None, plans: list[Path], walks: int | None, seed: int, track: str | None, strategies: bool = False
) -> list[TestReport]:
    """Test one case, or (with no case) every scenario in the folder; a plan belongs to one case."""
    from ltl_quiz.authoring.testing import test_scenario
    from ltl_quiz.scenario.loader import find_scenario, scenario_files

    for plan in plans:
        if not plan.is_file():
            raise InputError(f"{plan}: no such plan file; check the path")
    if case is not None:
        return [test_scenario(find_scenario(where.scenarios, case), plans, walks, seed, track, strategies)]
    if plans:
        raise InputError("a plan tests one case: give the CASE it belongs to")
    if not walks and not strategies:
        raise InputError("give a CASE, or --strategies and/or --walk N to test every scenario")
    files = scenario_files([where.scenarios])
    if not files:
        raise InputError(f"no scenario files in {where.scenarios}; give a CASE or --scenarios")
    return [test_scenario(path, [], walks, seed, track, strategies) for path in files]


def _model(where: Locations, case: str) -> Scenario:
    """The scenario's model even when its graph has errors: the map is how an author finds them."""
    from ltl_quiz.scenario.loader import find_scenario, parse_scenario

    scenario, _, problems = parse_scenario(find_scenario(where.scenarios, case))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ScenarioError(errors)
    return scenario
