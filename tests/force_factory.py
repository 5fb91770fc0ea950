"""A scripted force for compliance tests and the bench: learners, assignments and attempts in bulk.

Attempt rows are real: each carries the engine state of a real random walk through its case (the
authoring tools' ``play``), so certificates and exports can read them like any other attempt.
Rows go in with plain multi-row INSERTs, the only way to make half a million in seconds.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@dataclass(frozen=True)
class Template:
    scenario_id: str
    title: str
    version: int
    sha256: str
    track: str
    state: str
    best: int


def templates(seed: int = 15) -> dict[str, Template]:
    """One real finished walk of each case on its first track, keyed by scenario id."""
    from ltl_quiz.authoring.walks import play
    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.scenario.loader import load_scenario

    rng = random.Random(seed)
    found = {}
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        track = scenario.audiences[0]
        state = play(scenario, track, rng)
        found[scenario.id] = Template(
            scenario.id,
            scenario.title,
            scenario.version,
            scenario.sha256,
            track,
            json.dumps(state.to_json()),
            engine.result(scenario, state).best,
        )
    return found


def learner_row(staff: str, name: str, unit: str) -> dict[str, Any]:
    return {"id": staff, "name": name, "unit": unit, "created_at": "2025-01-01T00:00:00.000Z"}


def attempt_row(
    t: Template, learner_id: str, finished_at: str | None, passed: bool | None, mode: str = "practice", **extra: Any
) -> dict[str, Any]:
    started = (finished_at or "2026-01-01T00:00:00.000Z")[:11] + "08:00:00.000Z"
    score = t.best if passed else t.best // 3
    return {
        "id": str(uuid.uuid4()),
        "learner_id": learner_id,
        "scenario_id": t.scenario_id,
        "scenario_title": t.title,
        "scenario_version": t.version,
        "scenario_sha256": t.sha256,
        "track": t.track,
        "mode": mode,
        "seed": 0,
        "status": "completed" if finished_at else "in-progress",
        "started_at": started,
        "updated_at": finished_at or started,
        "finished_at": finished_at,
        "score": score,
        "best_score": t.best,
        "percentage": round(100 * score / t.best, 1) if t.best else 0.0,
        "passed": passed if finished_at else None,
        "critical_failures": "[]",
        "competencies": "{}",
        "ending": None,
        "state": t.state,
        "session_code": None,
        **extra,
    }


def assignment_row(learner_id: str, scenario_id: str, track: str, due_on: str, starts_at: str, every: int | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "learner_id": learner_id,
        "scenario_id": scenario_id,
        "track": track,
        "mode": None,
        "due_on": due_on,
        "every_months": every,
        "allow_sessions": False,
        "starts_at": starts_at,
        "assigned_by": "cpd.lead",
        "assigned_at": starts_at,
    }


def insert(conn: sa.Connection, table: str, rows: list[dict[str, Any]], batch: int = 2000) -> None:
    if not rows:
        return
    target = sa.table(table, *(sa.column(c) for c in rows[0]))
    for start in range(0, len(rows), batch):
        conn.execute(sa.insert(target), rows[start : start + batch])
