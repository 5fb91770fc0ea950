"""Make real attempts in a real store, through the engine and the Store API the runner itself uses.

Tests of exports, xAPI, the CPD record and the report need attempts with known choices, times and
sessions. ``walk`` plays one attempt from start to finish (or stops early), then pins its clock
times so figures such as minutes spent and durations are exact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.store import Store

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

Pick = Callable[[Node], list[str]]


def recommended(node: Node) -> list[str]:
    return list(node.recommended)


def worst(node: Node) -> list[str]:
    """The lowest-scoring option (the first of equals); none at all on a multi."""
    if node.type == "multi":
        return [min(node.options, key=lambda o: o.points).id]
    return [min(node.options, key=lambda o: o.points).id]


def choosing(choices: dict[str, Any], default: Pick = recommended) -> Pick:
    """Pick from ``choices`` (node id to option id or list of ids), else by ``default``."""

    def pick(node: Node) -> list[str]:
        if node.id in choices:
            value = choices[node.id]
            return [value] if isinstance(value, str) else list(value)
        return default(node)

    return pick


def first_decision(scenario: Scenario, track: str) -> Node:
    """The first decision a learner on ``track`` meets, so tests need not hard-code a case's node ids."""
    state = engine.start(scenario, track, "practice", seed=7)
    while True:
        node = engine.current(scenario, state)
        if node.type == "decision":
            return node
        response: engine.Response = (
            engine.Continue()
            if node.type == "passage"
            else engine.Reflect("", [])
            if node.type == "reflection"
            else engine.Choose(recommended(node))
        )
        state, _ = engine.answer(scenario, state, response)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def walk(
    store: Store,
    scenario: Scenario,
    learner: Learner,
    track: str | None = None,
    *,
    mode: str = "practice",
    pick: Pick = recommended,
    text: str = "I would ask who the men are and how she got there.",
    covered: tuple[int, ...] = (0, 1),
    start: datetime = datetime(2024, 3, 4, 9, 0, tzinfo=UTC),
    seconds_each: float = 30.0,
    finish: bool = True,
    stop_after: int | None = None,
    session_code: str | None = None,
) -> str:
    """Play one attempt; return its id. Answer i is shown at start + i minutes and answered ``seconds_each`` later."""
    track = track or scenario.audiences[0]
    state = engine.start(scenario, track, mode, seed=7)
    attempt_id = store.start_attempt(learner, scenario, state, engine.result(scenario, state).best, session_code=session_code)
    steps = 0
    while not engine.at_end(scenario, state) and (stop_after is None or steps < stop_after):
        node = engine.current(scenario, state)
        if node.type == "passage":
            response: engine.Response = engine.Continue()
        elif node.type == "reflection":
            response = engine.Reflect(text, list(covered))
        else:
            response = engine.Choose(pick(node))
        state, _ = engine.answer(scenario, state, response)
        store.record(attempt_id, state, state.answers[-1], "2000-01-01T00:00:00.000Z", engine.result(scenario, state))
        steps += 1
    if finish and engine.at_end(scenario, state):
        for kq in engine.pending_key_questions(scenario, state):
            state = engine.reflect(scenario, state, kq.id, engine.Reflect(text, list(covered)))
            store.record(attempt_id, state, state.answers[-1], "2000-01-01T00:00:00.000Z", engine.result(scenario, state))
        store.finish(attempt_id, engine.result(scenario, state))
    _pin_times(store, attempt_id, start, seconds_each)
    return attempt_id


def _pin_times(store: Store, attempt_id: str, start: datetime, seconds_each: float) -> None:
    with store.engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT seq FROM answers WHERE attempt_id = :a ORDER BY seq"), {"a": attempt_id}).all()
        last = start
        for (seq,) in rows:
            shown = start + timedelta(minutes=seq - 1)
            last = shown + timedelta(seconds=seconds_each)
            conn.execute(
                sa.text("UPDATE answers SET shown_at = :s, answered_at = :e WHERE attempt_id = :a AND seq = :q"),
                {"s": stamp(shown), "e": stamp(last), "a": attempt_id, "q": seq},
            )
        end = stamp(last + timedelta(seconds=5))
        conn.execute(
            sa.text("UPDATE attempts SET started_at = :s, updated_at = :e WHERE id = :a"), {"s": stamp(start), "e": end, "a": attempt_id}
        )
        conn.execute(sa.text("UPDATE attempts SET finished_at = :e WHERE id = :a AND finished_at IS NOT NULL"), {"e": end, "a": attempt_id})


def add_session(store: Store, code: str, scenario: Scenario, trainer: str, track: str = "officer") -> None:
    """A group session row as the sessions feature writes it (only the columns exports read matter)."""
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO sessions (code, scenario_id, scenario_sha256, track, kind, trainer, status, created_at, updated_at, state) "
                "VALUES (:c, :s, :h, :t, 'facilitated', :tr, 'closed', '2024-03-04T08:55:00.000Z', '2024-03-04T10:00:00.000Z', '{}')"
            ),
            {"c": code, "s": scenario.id, "h": scenario.sha256, "t": track, "tr": trainer},
        )


def scenario(name: str) -> Scenario:
    """A real case study from the checkout's scenarios/ by file stem, e.g. '02-hotel-welfare-check'."""
    return load_scenario(SCENARIOS / f"{name}.yaml")


def share_reflections(db_url: str, *learner_ids: str) -> None:
    """The learners' own yes to sharing their written reflections with a CPD lead (not shared by default)."""
    from ltl_quiz.store.consent import decide

    store = Store(db_url)
    try:
        for learner_id in learner_ids:
            decide(store, learner_id, True)
    finally:
        store.close()
