"""Check an ``--answers`` file against a case before the case starts (issue 13).

A scripted run used to stop at the first prompt its file did not answer, after the attempt had
been recorded, leaving an unfinished attempt behind and one problem named per try. Here the file
is walked through the engine first, with no store and no terminal, and every problem is listed.
"""

from __future__ import annotations

from typing import Any

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Scenario

# Keys an answers file may hold that are not node or key-question ids.
PROMPT_KEYS = frozenset({"content_note"})


def answers_problems(scenario: Scenario, track: str, answers: dict[str, Any]) -> list[str]:
    """Every missing, unknown or unusable answer on the path the file takes, in the order met.

    Where a decision has no usable answer the walk goes on with its first option, so that what
    follows is checked too (the problems after it may then belong to a path the author did not mean)."""
    known = set(scenario.nodes) | {kq.id for kqs in scenario.case.key_questions.values() for kq in kqs} | PROMPT_KEYS
    problems = [f"'{key}' is not a prompt of {scenario.id} ({track} track)" for key in answers if str(key) not in known]
    state = engine.start(scenario, track, "practice", seed=0)
    for _ in range(4 * len(scenario.nodes) + 10):
        if engine.at_end(scenario, state):
            break
        node = engine.current(scenario, state)
        answering = kind_of(node.type).answering
        if answering == "read":
            state, _ = engine.answer(scenario, state, engine.Continue())
        elif answering == "write":
            problems += _reflection_problems(node.id, answers.get(node.id))
            state, _ = engine.answer(scenario, state, engine.Reflect("checked", []))
        else:
            state = _choose(scenario, state, node, answers.get(node.id), problems)
    else:
        return [*problems, "the walk found no ending (see 'ltl-quiz validate')"]
    for kq in engine.pending_key_questions(scenario, state):
        problems += _reflection_problems(kq.id, answers.get(kq.id))
    return problems


def _choose(scenario: Scenario, state: engine.State, node: Any, value: Any, problems: list[str]) -> engine.State:
    ids = [o.id for o in node.options]
    one = not kind_of(node.type).several
    picked = [str(v) for v in (value if isinstance(value, list) else [value])] if value is not None else []
    bad = [p for p in picked if p not in ids]
    needs = f"one of {', '.join(ids)}" if one else f"[{', '.join(ids)}] (any of them)"
    if value is None:
        problems.append(f"no answer for '{node.id}'; add '{node.id}: {needs}'")
    elif bad or (one and len(picked) != 1):
        problems.append(f"'{node.id}': {value!r} is not {'an option' if bad else 'one option'}; use {needs}")
    usable = picked if value is not None and not bad and (not one or len(picked) == 1) else ids[:1]
    state, _ = engine.answer(scenario, state, engine.Choose(usable))
    return state


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
