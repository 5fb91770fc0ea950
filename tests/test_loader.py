"""Loading and schema checks: every broken or hostile file gets its own exact, located error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ltl_quiz.errors import ScenarioError
from ltl_quiz.scenario.loader import load_scenario, parse_scenario
from tests.conftest import example_text


def errors_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return [str(p).replace(str(path), "broken.yaml") for p in exc.problems]
    return []


def mutate(old: str, new: str) -> str:
    text = example_text()
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_worked_example_loads(example_path: Path) -> None:
    scenario = load_scenario(example_path)
    assert scenario.id == "example-welfare-call"
    assert [kq.id for kq in scenario.key_questions("officer")] == ["officer-questions"]
    assert len(scenario.sha256) == 64


CASES = {
    "duplicate key": (
        mutate("minutes: 5\n", "minutes: 5\nminutes: 6\n"),
        "broken.yaml:13:1: minutes: duplicate key 'minutes' (first given at line 12); keep one",
    ),
    "unknown field": (
        mutate("pass_mark: 70\n", "pass_mark: 70\npassmark: 70\n"),
        "broken.yaml:14:1: passmark: unknown field 'passmark'; expected one of: audiences, case, content_note, id, minutes, "
        "nodes, pass_mark, roles, source, start, summary, themes, title, version",
    ),
    "wrong type": (
        mutate("pass_mark: 70\n", "pass_mark: seventy\n"),
        "broken.yaml:13:1: pass_mark: expected a whole number, got 'seventy'",
    ),
    "bool is not a number": (
        mutate("        points: 10\n", "        points: true\n"),
        "broken.yaml:39:9: nodes.call-grading.options[0].points: expected a whole number, got true",
    ),
    "bad next": (
        mutate("        next: welfare-actions\n", "        next: welfare-action\n"),
        "broken.yaml:46:9: nodes.call-grading.options[0].next: goes to 'welfare-action', which is not a node; name an existing node",
    ),
    "bad node type": (
        mutate("    type: passage\n", "    type: story\n"),
        "broken.yaml:23:5: nodes.call-received.type: 'story' is not a node type; use one of: passage, decision, multi, reflection, end",
    ),
    "missing field": (
        mutate("title: A welfare call about a child\n", ""),
        "broken.yaml:1:1: missing required field 'title'",
    ),
    "bad track": (
        mutate("    track: officer\n    prompt: How", "    track: constable\n    prompt: How"),
        "broken.yaml:34:5: nodes.call-grading.track: 'constable' is not allowed; use one of: officer, manager",
    ),
    "unknown competency": (
        mutate("competencies: {vulnerability: 2}", "competencies: {kindness: 2}"),
        "broken.yaml:40:24: nodes.call-grading.options[0].competencies.kindness: unknown competency 'kindness'; use one of: "
        "vulnerability, professional_curiosity, risk_assessment, evidence, recording, supervision, multi_agency, victim_voice",
    ),
    "cites an unknown reference": (
        mutate("        cites: [working-together]\n        sets:", "        cites: [working-togther]\n        sets:"),
        "broken.yaml:44:17: nodes.call-grading.options[0].cites[0]: 'working-togther' is not in case.references; add it there or fix the id",
    ),
    "last route conditional": (
        mutate("      - goto: call-grading\n", "      - track: officer\n        goto: call-grading\n"),
        "broken.yaml:27:5: nodes.call-received.next: the last route has a condition; end the list with a route that has only 'goto'",
    ),
    "not valid yaml": (
        mutate("title: A welfare call about a child\n", "title: [A welfare call\n"),
        "broken.yaml:3:8: not valid YAML: did not find expected ',' or ']'",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_files_get_exact_errors(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    assert errors_for(tmp_path, text) == [expected]


HOSTILE = {
    "python tag": (
        "id: !!python/object/apply:os.system ['echo hi']\n",
        "broken.yaml:1:5: id: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; use plain values",
    ),
    "alias": ("a: &x [1]\nb: *x\n", "broken.yaml:2:4: anchors and aliases (&name, *name) are not allowed; write the value out"),
    "empty": ("", "broken.yaml:1:1: the file is empty; a scenario is a YAML mapping"),
    "a list": ("- 1\n- 2\n", "broken.yaml:1:1: a scenario is a YAML mapping, got a list"),
    "two documents": (
        "a: 1\n---\nb: 2\n",
        "broken.yaml:2:1: not valid YAML: expected a single document in the stream, but found another document",
    ),
    "not utf-8": ("\udcff", "broken.yaml:1:1: the file is not UTF-8 text (bad byte at offset 0); save it as UTF-8"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_are_refused(tmp_path: Path, name: str) -> None:
    text, expected = HOSTILE[name]
    path = tmp_path / "broken.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(path)
    assert str(info.value.problems[0]).replace(str(path), "broken.yaml") == expected


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    began = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        parse_scenario(path)
    assert time.perf_counter() - began < 2  # refused before expansion, not after
    assert "anchors and aliases" in str(info.value.problems[0])


def test_huge_document_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("a: " + "x" * 1_200_000 + "\n")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(path)
    assert "scenario files are limited to 1,000,000 bytes" in str(info.value.problems[0])


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = mutate("pass_mark: 70\n", "pass_mark: high\n").replace("minutes: 5\n", "minutes: five\n")
    found = errors_for(tmp_path, text)
    assert any("pass_mark" in e for e in found) and any("minutes" in e for e in found)
