"""Seeded random walks: take random choices through a scenario and check each ends cleanly.

A plan tests the paths an author thought of; walks find the ones they did not. Every walk is
reproducible from its seed, and a failing walk is printed as a plan run the author can keep.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import BadOptionValue, InputError
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.text import counted

REFLECTION_TEXT = "An answer written by a random walk."


@dataclass
class Walk:
    """One random walk: where it went, how it ended, and what (if anything) was wrong."""

    index: int
    track: str
    answers: dict[str, Any] = field(default_factory=dict)
    ending: str | None = None
    score: int | None = None
    percentage: float | None = None
    passed: bool | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_run(self) -> dict[str, Any]:
        """The walk as a plan run, so a failure can be replayed and kept as a regression test."""
        expect = {"ending": self.ending, "passed": self.passed, "score": self.score, "percentage": self.percentage}
        return {"name": f"random walk {self.index}, {self.track} track", "track": self.track, "answers": self.answers, "expect": expect}


def random_walks(scenario: Scenario, count: int, seed: int, tracks: list[str]) -> list[Walk]:
    """``count`` walks on each track, each from its own generator seeded by (seed, track, index)."""
    if count < 1:
        raise BadOptionValue(f"--walk {count}: give a number of walks from 1")
    return [walk(scenario, track, random.Random(f"{seed}:{track}:{i}"), i) for track in tracks for i in range(1, count + 1)]


def play(
    scenario: Scenario, track: str, rng: random.Random, answers: dict[str, Any] | None = None, text: str = REFLECTION_TEXT
) -> engine.State:
    """One attempt of random choices, from the start to the last debrief key question.

    Records each choice in ``answers`` (as a plan would write it) and raises InputError when the
    scenario cannot be finished. The benches use it to make realistic records in bulk.
    """
    answers = {} if answers is None else answers
    state = engine.start(scenario, track, "practice", seed=0)
    limit = 4 * len(scenario.nodes) + 10
    for _ in range(limit):
        node = engine.current(scenario, state)
        if not node.on_track(track):
            raise InputError(f"reached '{node.id}', a {node.track}-only node, on the {track} track")
        if kind_of(node.type).ending:
            break
        state = engine.answer(scenario, state, _respond(scenario, node, rng, answers, text))[0]
    else:
        raise InputError(f"no ending after {counted(limit, 'step')}: a route loops back on itself")
    for kq in engine.pending_key_questions(scenario, state):
        response = _reflection(len(kq.model_points), rng, text)
        answers[kq.id] = {"text": response.text, "covered": [i + 1 for i in response.covered]}
        state = engine.reflect(scenario, state, kq.id, response)
    return state


def walk(scenario: Scenario, track: str, rng: random.Random, index: int) -> Walk:
    out = Walk(index, track)
    try:
        state = play(scenario, track, rng, out.answers)
    except InputError as exc:
        out.problem = str(exc)
        return out
    result = engine.result(scenario, state)
    out.ending, out.score, out.percentage, out.passed = result.ending, result.score, result.percentage, result.passed
    out.problem = _check(scenario, state, result)
    return out


def _respond(scenario: Scenario, node: Any, rng: random.Random, answers: dict[str, Any], text: str) -> engine.Response:
    kind = kind_of(node.type)
    if kind.answering == "read":
        return engine.Continue()
    if kind.answering == "write":
        response = _reflection(len(scenario.key_question(node.key_question).model_points), rng, text)
        answers[node.id] = {"text": response.text, "covered": [i + 1 for i in response.covered]}
        return response
    ids = [o.id for o in node.options]
    picked = [i for i in ids if rng.random() < 0.5] if kind.several else [rng.choice(ids)]
    answers[node.id] = picked if kind.several else picked[0]
    return engine.Choose(picked)


def _reflection(points: int, rng: random.Random, text: str) -> engine.Reflect:
    return engine.Reflect(text, sorted(i for i in range(points) if rng.random() < 0.5))


def _check(scenario: Scenario, state: engine.State, result: engine.Result) -> str | None:
    """The figures a learner would see must make sense: the checks a broken scenario or engine fails."""
    if not engine.finished(scenario, state):
        return "the walk ended with key questions unanswered"
    if not 0 <= result.score <= result.best:
        return f"score {result.score} is outside 0 to {result.best}, the best reachable"
    if not 0 <= result.percentage <= 100:
        return f"percentage {result.percentage} is outside 0 to 100"
    chose_critical = any(a.critical for a in state.answers)
    if result.passed and (chose_critical or result.percentage < scenario.pass_mark):
        return "the attempt passed despite a critical option or a score under the pass mark"
    return None
