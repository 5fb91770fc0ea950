"""An attempt and its answers as rows of the store: the row type, and the values each write puts in.

``AttemptRow`` is an attempt as read (with its learner's name and unit); ``from_mapping`` makes one
from a row of the attempts table (or a journal's copy of one) and ``values`` gives back that row's
columns. The functions below give the columns each write changes, and the store and the offline
journal both use them, so an attempt is written the same way wherever it is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from ltl_quiz.store.tables import attempts

if TYPE_CHECKING:  # the engine (and its scenario graph) only where an attempt is read whole: not for reports
    from ltl_quiz.engine.state_machine import Answer, Result, State
    from ltl_quiz.scenario.model import Scenario

STATUSES = ("in-progress", "completed", "abandoned")
COMPLETED = "completed"
# How an attempt was answered (migration 5): a person at the prompts, an answers file, or a trainer for the room.
TERMINAL, SCRIPTED, TRAINER = "terminal", "scripted", "trainer"
JSON_COLUMNS = ("critical_failures", "competencies", "state")  # held as JSON text
ADDED = ("held_ms",)  # not null with a default, added since journals were first written: an older copy lacks it
# A value of one column as it is written (the JSON columns as their text) and a row's columns by name.
ColumnValue = str | int | float | bool | None
Columns = dict[str, ColumnValue]


class ColumnsRead(Protocol):
    """A row's columns by name as read back: a row's mapping from the database, or a journal's dict."""

    def __getitem__(self, name: str, /) -> object: ...

    def get(self, name: str, /) -> object: ...


def has_verdict(status: str | None) -> bool:
    """Only a completed attempt has a verdict: passed or not, its score and the ending it reached.

    An attempt stopped at the debrief's key questions already holds running figures (and a store
    written before this rule may even hold ``passed`` for it); nothing may read them as a result.
    ``verdict_holds`` is the same rule in SQL, for the queries behind exports, reports and the CPD record.
    """
    return status == COMPLETED


def verdict_holds() -> sa.ColumnElement[bool]:
    """``has_verdict`` as a SQL condition on the attempts table."""
    return attempts.c.status == COMPLETED


@dataclass
class AttemptRow:
    """One attempt as stored, with its learner: a field for each column of ``tables.attempts``."""

    id: str
    learner_id: str
    learner_name: str
    learner_unit: str
    scenario_id: str
    scenario_title: str
    scenario_version: int
    scenario_sha256: str
    track: str
    mode: str
    seed: int
    status: str
    started_at: str
    updated_at: str
    finished_at: str | None
    score: int
    best_score: int
    percentage: float
    passed: bool | None
    critical_failures: list[list[str]]  # [node id, option id] of each critical option taken
    competencies: dict[str, int]
    ending: str | None
    state: State
    session_code: str | None = None
    how_answered: str | None = None
    held_ms: int = 0  # time at prompts that left no answer row (m013): part of time spent

    @property
    def has_verdict(self) -> bool:
        return has_verdict(self.status)

    @classmethod
    def from_mapping(cls, m: ColumnsRead, learner_name: str, learner_unit: str) -> AttemptRow:
        """An attempt from a row of the attempts table (or a journal's copy of one, which may lack the empty columns)."""
        from ltl_quiz.engine.state_machine import State

        # Each column's value is of its column's type, which only the table knows at run time.
        found: dict[str, Any] = {c.name: m.get(c.name) if c.nullable or c.name in ADDED else m[c.name] for c in attempts.columns}
        found["held_ms"] = int(found["held_ms"] or 0)  # a journal written before m013 holds none
        passed = found["passed"]
        decoded = {
            "passed": None if passed is None else bool(passed),
            "critical_failures": json.loads(found["critical_failures"]),
            "competencies": json.loads(found["competencies"]),
            "state": State.from_json(json.loads(found["state"])),
        }
        return cls(**{**found, **decoded}, learner_name=learner_name, learner_unit=learner_unit)

    def values(self) -> Columns:
        """The attempts table's columns of this attempt, as ``from_mapping`` reads them back."""
        found = {c.name: getattr(self, c.name) for c in attempts.columns if c.name not in JSON_COLUMNS}
        return {
            **found,
            "critical_failures": json.dumps(self.critical_failures),
            "competencies": json.dumps(self.competencies, sort_keys=True),
            "state": json.dumps(self.state.to_json()),
        }


def attempt_values(
    learner_id: str,
    scenario: Scenario,
    state: State,
    best: int,
    session_code: str | None,
    attempt_id: str,
    stamp: str,
    how_answered: str = TERMINAL,
) -> Columns:
    """The columns of a new attempt row (the store and the offline journal write the same)."""
    return {
        "id": attempt_id,
        "learner_id": learner_id,
        "scenario_id": scenario.id,
        "scenario_title": scenario.title,
        "scenario_version": scenario.version,
        "scenario_sha256": scenario.sha256,
        "track": state.track,
        "mode": state.mode,
        "seed": state.seed,
        "status": "in-progress",
        "session_code": session_code,
        "how_answered": how_answered,
        "held_ms": 0,
        "started_at": stamp,
        "updated_at": stamp,
        "score": 0,
        "best_score": best,
        "percentage": 0.0,
        "critical_failures": "[]",
        "competencies": "{}",
        "state": json.dumps(state.to_json()),
    }


def answer_values(attempt_id: str, state: State, answer: Answer, shown_at: str, answer_id: str, stamp: str) -> Columns:
    """The columns of one answer row."""
    return {
        "id": answer_id,
        "attempt_id": attempt_id,
        "seq": len(state.answers),
        "node_id": answer.node_id,
        "kind": answer.kind,
        "option_ids": json.dumps(answer.option_ids),
        "free_text": answer.text,
        "covered": json.dumps(answer.covered),
        "points": answer.points,
        "critical": bool(answer.critical),
        "shown_at": shown_at,
        "answered_at": stamp,
    }


def progress_values(state: State, result: Result, stamp: str) -> Columns:
    """The attempt columns an answer changes: its state and running figures, never a verdict
    (``passed`` is written only by ``finish``: see ``has_verdict``)."""
    return {"updated_at": stamp, "state": json.dumps(state.to_json()), **figures(result), "passed": None}


def finish_values(result: Result, stamp: str) -> Columns:
    """The attempt columns finishing it writes: completed, when, and its verdict."""
    return {"status": COMPLETED, "finished_at": stamp, "updated_at": stamp, **figures(result)}


def figures(result: Result) -> Columns:
    """An attempt's figures as its columns hold them (``passed`` only once an ending is reached)."""
    return {
        "score": result.score,
        "best_score": result.best,
        "percentage": result.percentage,
        "passed": result.passed if result.ending else None,
        "critical_failures": json.dumps([list(c) for c in result.critical]),
        "competencies": json.dumps(result.competencies, sort_keys=True),
        "ending": result.ending,
    }


class ExportedAttempt(Protocol):
    """One attempt as the export queries read it (``queries.attempts_query``): its columns but the
    seed and state, its learner's name and unit, its session's trainer and kind, and the time spent.
    The verdict's columns are empty unless it is completed (``has_verdict``); JSON columns are text."""

    # the attempt, at which scenario as it then was, and whose
    id: str
    scenario_id: str
    scenario_title: str
    scenario_version: int
    scenario_sha256: str
    learner_id: str
    learner_name: str
    learner_unit: str
    # how it was taken, and how far it went
    track: str
    mode: str
    how_answered: str | None
    status: str
    started_at: str
    updated_at: str
    finished_at: str | None
    active_seconds: float | None
    # its figures: the verdict's are empty unless it is completed
    best_score: int
    critical_failures: str
    score: int | None
    percentage: float | None
    passed: bool | None
    competencies: str | None
    ending: str | None
    # the group session it was part of, if any
    session_code: str | None
    session_kind: str | None
    trainer: str | None


class ExportedAnswer(Protocol):
    """One answer as the export queries read it (``queries.answers_query``): its columns but its id,
    beside its attempt's learner, scenario, track, mode and session, and the seconds it took."""

    attempt_id: str
    learner_id: str
    learner_name: str
    learner_unit: str
    scenario_id: str
    scenario_version: int
    track: str
    mode: str
    session_code: str | None
    trainer: str | None
    how_answered: str | None
    seq: int
    node_id: str
    kind: str
    option_ids: str
    free_text: str | None
    covered: str
    points: int
    critical: bool
    shown_at: str
    answered_at: str
    seconds: float | None
    entered: bool  # the room's record holds their own answer at this step (``queries.entered_in_room``)
