"""Check an ``--answers`` file against a case before the case starts (issue 13).

A scripted run used to stop at the first prompt its file did not answer, after the attempt had
been recorded, leaving an unfinished attempt behind and one problem named per try. Here the file
is walked through the engine first, with no store and no terminal, and every problem is listed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Scenario

# Keys an answers file may hold that are not node or key-question ids.
PROMPT_KEYS = frozenset({"content_note"})


def step_limit(scenario: Scenario) -> int:
    """More steps than any route without a loop can take (each node at most a few times)."""
    return 4 * len(scenario.nodes) + 10


def walk(scenario: Scenario, track: str, answer_to: Callable[[Node], engine.Response]) -> engine.State | None:
    """Play ``track`` from its start with no store and no terminal: passages are read on, every
    other prompt is answered by ``answer_to``. The state at the ending (key questions still to
    answer), or None when no ending comes within ``step_limit`` (a route loops back on itself).

    Both an answers file's check (every problem listed) and a test plan's run (the first problem
    stops it) walk this way, so the two cannot disagree about which prompts a file must answer."""
    state = engine.start(scenario, track, "practice", seed=0)
    for _ in range(step_limit(scenario)):
        if engine.at_end(scenario, state):
            return state
        node = engine.current(scenario, state)
        step = engine.Continue() if kind_of(node.type).answering == "read" else answer_to(node)
        state, _ = engine.answer(scenario, state, step)
    return None


def answers_problems(scenario: Scenario, track: str, answers: Mapping[str, object]) -> list[str]:
    """Every missing, unknown or unusable answer on the path the file takes, in the order met.

    Where a decision has no usable answer the walk goes on with its first option, so that what
    follows is checked too (the problems after it may then belong to a path the author did not mean)."""
    known = set(scenario.nodes) | {kq.id for kqs in scenario.case.key_questions.values() for kq in kqs} | PROMPT_KEYS
    problems = [f"'{key}' is not a prompt of {scenario.id} ({track} track)" for key in answers if str(key) not in known]

    def answer_to(node: Node) -> engine.Response:
        if kind_of(node.type).answering == "write":
            problems.extend(_reflection_problems(node.id, answers.get(node.id)))
            return engine.Reflect("checked", [])
        return engine.Choose(_usable(node, answers.get(node.id), problems))

    state = walk(scenario, track, answer_to)
    if state is None:
        return [*problems, "the walk found no ending (see 'ltl-quiz validate')"]
    for kq in engine.pending_key_questions(scenario, state):
        problems += _reflection_problems(kq.id, answers.get(kq.id))
    return problems


def _usable(node: Node, value: Any, problems: list[str]) -> list[str]:
    """The options the file picks at ``node``, or its first option (with the problem noted) when
    the file's answer is missing or unusable, so that the walk goes on."""
    ids = [o.id for o in node.options]
    one = not kind_of(node.type).several
    picked = [str(v) for v in (value if isinstance(value, list) else [value])] if value is not None else []
    bad = [p for p in picked if p not in ids]
    needs = f"one of {', '.join(ids)}" if one else f"[{', '.join(ids)}] (any of them)"
    if value is None:
        problems.append(f"no answer for '{node.id}'; add '{node.id}: {needs}'")
    elif bad or (one and len(picked) != 1):
        problems.append(f"'{node.id}': {value!r} is not {'an option' if bad else 'one option'}; use {needs}")
    return picked if value is not None and not bad and (not one or len(picked) == 1) else ids[:1]


def _reflection_problems(key: str, value: Any) -> list[str]:
    if value is None:
        return [f"no answer for '{key}'; add '{key}: your written answer'"]
    text = value.get("text") if isinstance(value, dict) else value
    if not isinstance(text, str) or not text.strip():
        return [f"'{key}': give the reflection as text"]
    covered = value.get("covered", []) if isinstance(value, dict) else []
    if not isinstance(covered, list) or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 1 for i in covered):
        return [f"'{key}': 'covered' lists model point numbers from 1"]
    return []
