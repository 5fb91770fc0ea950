"""The JSON Schema of the scenario format: generated from the model, current on disk, accepted by
an independent validator (jsonschema), and in agreement with the loader on good and bad files."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import example_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltl_quiz.authoring.skeleton import skeleton_data
from ltl_quiz.cli import app
from ltl_quiz.errors import ScenarioError
from ltl_quiz.scenario import model
from ltl_quiz.scenario.builder import Builder, field_spec
from ltl_quiz.scenario.field_help import FIELD_HELP
from ltl_quiz.scenario.json_schema import build_schema, schema_text
from ltl_quiz.scenario.kinds import KINDS
from ltl_quiz.scenario.loader import parse_scenario
from ltl_quiz.scenario.paths import analyse
from ltl_quiz.scenario.yaml_source import Located, load_bytes, load_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
VALIDATOR = jsonschema.Draft7Validator(build_schema())
EXAMPLE = load_bytes(example_text().encode(), "example").data


def schema_accepts(data: Any) -> bool:
    return VALIDATOR.is_valid(data)


def typed_layer_problems(data: Any) -> list:
    """Problems from ``schema.Builder``: the loader's check against the model's type hints."""
    builder = Builder(Located("data", data))
    builder.build(model.Scenario, data, ())
    return builder.problems


def loader_rejects(data: Any, folder: Path) -> bool:
    """The whole loader's verdict on ``data`` written as a file: schema, value checks and graph."""
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        scenario, located, problems = parse_scenario(path)
    except ScenarioError:
        return True
    if any(p.severity == "error" for p in problems):
        return True
    return any(p.severity == "error" for p in analyse(scenario, located).problems)


def test_the_schema_is_valid_draft_7() -> None:
    jsonschema.Draft7Validator.check_schema(build_schema())


def test_the_checked_in_schema_is_current(runner) -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "stale: run 'ltl-quiz schema --out docs/scenario.schema.json'"
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0 and json.loads(printed.output) == build_schema()


def test_schema_out_writes_the_file(runner, tmp_path: Path) -> None:
    out = tmp_path / "schemas" / "scenario.schema.json"
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 0 and result.output == f"Wrote {out}.\n"
    assert out.read_text(encoding="utf-8") == schema_text()
    blocked = tmp_path / "file"
    blocked.write_text("x")
    refused = runner.invoke(app, ["schema", "--out", str(blocked / "inside.json")])
    assert refused.exit_code == 1 and refused.output.startswith(f"error: cannot write {blocked / 'inside.json'}")


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_scenario_file_validates_against_the_schema(path: Path) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(load_file(path).data)]
    assert errors == []


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_scenario_file_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/scenario.schema.json"
    assert (path.parent / "../docs/scenario.schema.json").resolve() == SCHEMA_FILE


def test_every_model_field_is_in_the_schema_with_help() -> None:
    definitions = build_schema()["definitions"]
    for cls in (model.Scenario, model.Source, model.Node, model.Option, model.Route, model.Case, model.Reference, model.KeyQuestion):
        keys = {key for key, _ in field_spec(cls).values()}
        assert set(FIELD_HELP[cls]) == keys, cls.__name__
        if cls is model.Scenario:
            assert set(build_schema()["properties"]) == keys
        elif cls is model.Node:
            every = set().union(*(definitions[f"{t}_node"]["properties"] for t in KINDS))
            assert every == keys
        else:
            assert set(definitions[cls.__name__]["properties"]) == keys


# -- agreement with the loader ------------------------------------------------------------------

GOOD = {
    "docs example": EXAMPLE,
    "skeleton": skeleton_data("new-case", "A new case", 11, 40),
    **{p.stem: load_file(p).data for p in SCENARIO_FILES},
}


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return apply


def _delete(path: tuple) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return apply


OPT = ("nodes", "call-grading", "options", 0)
BAD: dict[str, Callable[[dict], None]] = {
    "missing title": _delete(("title",)),
    "unknown top-level field": _set(("author",), "A. Author"),
    "minutes as text": _set(("minutes",), "fifteen"),
    "pass mark as true": _set(("pass_mark",), True),
    "pass mark over 100": _set(("pass_mark",), 101),
    "no minutes": _set(("minutes",), 0),
    "version 0": _set(("version",), 0),
    "id not a slug": _set(("id",), "Example Case"),
    "no audiences": _set(("audiences",), []),
    "a track twice": _set(("audiences",), ["officer", "officer"]),
    "unknown track": _set(("audiences",), ["sergeant"]),
    "url without scheme": _set(("source", "url"), "example.org/report.pdf"),
    "case study 0": _set(("source", "case_study"), 0),
    "blank summary": _set(("summary",), "   "),
    "null summary": _set(("summary",), None),
    "themes as text": _set(("themes",), "call handling"),
    "no nodes": _set(("nodes",), {}),
    "node id not a slug": _set(("nodes", "Call Received"), {"type": "end", "title": "t", "text": "t", "feedback": "f"}),
    "unknown node type": _set(("nodes", "call-received", "type"), "question"),
    "node type as a list": _set(("nodes", "officer-reflection", "type"), []),
    "node without type": _delete(("nodes", "call-received", "type")),
    "passage without text": _delete(("nodes", "call-received", "text")),
    "passage with options": _set(("nodes", "call-received", "options"), []),
    "end with a prompt": _set(("nodes", "girl-safe", "prompt"), "Why?"),
    "decision without prompt": _delete(("nodes", "call-grading", "prompt")),
    "decision with one option": _delete(("nodes", "call-grading", "options", 1)),
    "negative decision points": _set((*OPT, "points"), -1),
    "decision option without next": _delete((*OPT, "next")),
    "multi option with next": _set(("nodes", "welfare-actions", "options", 0, "next"), "girl-safe"),
    "reflection without track": _delete(("nodes", "officer-reflection", "track")),
    "option without feedback": _delete((*OPT, "feedback")),
    "unknown competency": _set((*OPT, "competencies"), {"bravery": 2}),
    "competency points as text": _set((*OPT, "competencies"), {"vulnerability": "two"}),
    "critical as yes-text": _set((*OPT, "critical"), "yes"),
    "option id not a slug": _set((*OPT, "id"), "Send Officers"),
    "flag not a slug": _set((*OPT, "sets"), ["Officers Sent"]),
    "route without goto": _set(("nodes", "call-received", "next", 1), {"if": ["officers-sent"]}),
    "route with unknown field": _set(("nodes", "call-received", "next", 1, "when"), "later"),
    "route on unknown track": _set(("nodes", "call-received", "next", 0, "track"), "sergeant"),
    "next as a number": _set(("nodes", "call-received", "next"), 7),
    "unknown reference kind": _set(("case", "references", 0, "kind"), "book"),
    "key questions for an unknown track": _set(("case", "key_questions", "chief"), []),
    "key question without model points": _delete(("case", "key_questions", "officer", 0, "model_points")),
    "role for an unknown track": _set(("roles", "chief"), "You are the chief."),
    "outcome as a number": _set(("case", "outcomes"), [1]),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_schema_and_loader_both_accept_good_files(name: str, tmp_path: Path) -> None:
    assert schema_accepts(GOOD[name])
    assert not loader_rejects(GOOD[name], tmp_path)


@pytest.mark.parametrize("name", list(BAD))
def test_schema_and_loader_both_reject_bad_files(name: str, tmp_path: Path) -> None:
    doc = copy.deepcopy(EXAMPLE)
    BAD[name](doc)
    assert not schema_accepts(doc), "the schema accepted it"
    assert loader_rejects(doc, tmp_path), "the loader accepted it"


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_ ABC019", max_size=12)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 700),
    WORDS,
    st.sampled_from(["officer", "manager", "decision", "multi", "end", "passage", "reflection", "guidance", "girl-safe", "call-closed"]),
    st.lists(WORDS, max_size=3),
    st.dictionaries(WORDS, st.one_of(st.integers(-3, 5), WORDS), max_size=2),
)
EXAMPLE_PATHS = _paths(EXAMPLE)


@st.composite
def mutated(draw: st.DrawFn) -> dict:
    """The docs example with one or two random edits: a value replaced, a field removed or added."""
    doc = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(EXAMPLE_PATHS))
        try:
            parent = doc
            for part in path[:-1]:
                parent = parent[part]
            kind = draw(st.sampled_from(["replace", "delete", "add"]))
            if kind == "replace":
                parent[path[-1]] = draw(VALUES)
            elif kind == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(WORDS)] = draw(VALUES)
        except (KeyError, IndexError, TypeError):  # an earlier edit removed or replaced the way there
            continue
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=mutated())
def test_schema_and_loader_agree_on_random_edits(doc: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The schema never flags a file the loader accepts, and flags every file the typed layer rejects.

    Between the two sit rules only the whole file can check (a route names a real node, a flag is
    set before it is read): the loader rejects those and the schema, by design, does not.
    """
    data = load_bytes(yaml.safe_dump(doc, sort_keys=False).encode(), "mutated").data  # exactly what a file would give
    accepted = schema_accepts(data)
    if not accepted:
        assert loader_rejects(data, tmp_path_factory.mktemp("case")), "the schema rejects a file the loader accepts"
    if typed_layer_problems(data):
        assert not accepted, f"the loader's typed layer rejects what the schema accepts: {typed_layer_problems(data)[0]}"
