"""The group-session tables read and written inside a caller's transaction: rows in, rows out.

The rules (who may join, when an answer counts, what a reveal fixes) are the ``sessions``
package's (``sessions/orchestration.py``); this module only reads and writes the rows it is given.
``locked`` takes the session row the way every change needs it (SQLite: BEGIN IMMEDIATE already
holds the write lock; PostgreSQL: the row locked), so two screens can never both move the room on.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine.state_machine import Result, State
from ltl_quiz.errors import SessionNotFound
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store.rows import answer_values as attempt_answer_values
from ltl_quiz.store.rows import attempt_values, progress_values
from ltl_quiz.store.session_rows import AnswerRow, ParticipantRow, SessionRow, StateJSON, StepRow
from ltl_quiz.store.session_tables import answers_t, participants_t, sessions_t, steps_t
from ltl_quiz.store.tables import answers as attempt_answers
from ltl_quiz.store.tables import attempts, learners
from ltl_quiz.text import typed

NOT_FOUND = "no session '{code}'; check the code on the trainer's screen (or 'ltl-quiz session list')"


def dump(value: object) -> str:
    return json.dumps(value, sort_keys=True)


# -- sessions -------------------------------------------------------------------------------------
def locked(conn: sa.Connection, code: str, share: bool = False) -> SessionRow[StateJSON]:
    """The session row, locked for this transaction (shared: others may read and answer too)."""
    query = sa.select(sessions_t).where(sessions_t.c.code == code)
    if conn.dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE already holds the write lock
        query = query.with_for_update(read=share)
    row = conn.execute(query).first()
    if row is None:
        raise SessionNotFound(NOT_FOUND.format(code=code))
    return _session_row(row)


def find(conn: sa.Connection, code: str) -> SessionRow[StateJSON] | None:
    row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first()
    return _session_row(row) if row else None


def all_sessions(conn: sa.Connection) -> list[SessionRow[StateJSON]]:
    return [_session_row(r) for r in conn.execute(sa.select(sessions_t).order_by(sessions_t.c.created_at))]


def code_taken(conn: sa.Connection, code: str) -> bool:
    return conn.execute(sa.select(sessions_t.c.code).where(sessions_t.c.code == code)).first() is not None


def insert_session(
    conn: sa.Connection, code: str, scenario: Scenario, track: str, kind: str, trainer: str, state: StateJSON, at: str
) -> None:
    conn.execute(
        sa.insert(sessions_t).values(
            code=code,
            scenario_id=scenario.id,
            scenario_sha256=scenario.sha256,
            track=track,
            kind=kind,
            trainer=typed(trainer),  # no control character is kept (NUL would block a PostgreSQL sync)
            status="open",
            created_at=at,
            updated_at=at,
            state=dump(state),
        )
    )


def write_session(conn: sa.Connection, code: str, at: str, state: StateJSON | None = None, status: str | None = None) -> None:
    values: dict[str, Any] = {"updated_at": at}
    if state is not None:
        values["state"] = dump(state)
    if status:
        values["status"] = status
    conn.execute(sa.update(sessions_t).where(sessions_t.c.code == code).values(**values))


def _session_row(row: Any) -> SessionRow[StateJSON]:
    m = row._mapping
    names = ("code", "scenario_id", "scenario_sha256", "track", "kind", "trainer", "status", "created_at", "updated_at")
    return SessionRow(**{n: m[n] for n in names}, state=json.loads(m["state"]))


# -- participants ---------------------------------------------------------------------------------
def _participant(code: str, learner_id: str) -> Any:
    return sa.and_(participants_t.c.session_code == code, participants_t.c.learner_id == learner_id)


def participants(conn: sa.Connection, code: str) -> list[ParticipantRow]:
    query = (
        sa.select(participants_t, learners.c.name, learners.c.unit)
        .select_from(participants_t.join(learners, learners.c.id == participants_t.c.learner_id))
        .where(participants_t.c.session_code == code)
        .order_by(participants_t.c.list_no)
    )
    names = ("learner_id", "name", "unit", "list_no", "attempt_id", "joined_at", "joined_seq", "left_at")
    return [ParticipantRow(**{n: m[n] for n in names}, present=bool(m["present"])) for m in (r._mapping for r in conn.execute(query))]


def is_listed(conn: sa.Connection, code: str, learner_id: str) -> bool:
    return conn.execute(sa.select(participants_t.c.learner_id).where(_participant(code, learner_id))).first() is not None


def add_participant(conn: sa.Connection, code: str, learner_id: str, list_no: int | None = None) -> None:
    """Put someone on the list, not yet present; ``list_no`` None: after everyone already on it."""
    if list_no is None:
        last = conn.execute(sa.select(sa.func.max(participants_t.c.list_no)).where(participants_t.c.session_code == code)).scalar()
        list_no = (last or 0) + 1
    conn.execute(sa.insert(participants_t).values(session_code=code, learner_id=learner_id, list_no=list_no, present=False))


def set_participant(conn: sa.Connection, code: str, learner_id: str, **values: object) -> None:
    conn.execute(sa.update(participants_t).where(_participant(code, learner_id)).values(**values))


# -- answers --------------------------------------------------------------------------------------
def _answer(code: str, seq: int, learner_id: str | None = None) -> Any:
    cond = sa.and_(answers_t.c.session_code == code, answers_t.c.seq == seq)
    return sa.and_(cond, answers_t.c.learner_id == learner_id) if learner_id else cond


def answers(conn: sa.Connection, code: str, seq: int | None = None, learner_id: str | None = None) -> list[AnswerRow]:
    cond = answers_t.c.session_code == code if seq is None else _answer(code, seq, learner_id)
    rows = conn.execute(sa.select(answers_t).where(cond).order_by(answers_t.c.seq, answers_t.c.answered_at, answers_t.c.learner_id))
    names = ("id", "seq", "learner_id", "key", "entered_by", "answered_at")
    return [
        AnswerRow(**{n: m[n] for n in names}, option_ids=json.loads(m["option_ids"]), text=m["free_text"], covered=json.loads(m["covered"]))
        for m in (r._mapping for r in rows)
    ]


def insert_answer(conn: sa.Connection, code: str, answer: AnswerRow, recorded_at: str) -> bool:
    """Write an answer; False when that learner already has one at that step (two terminals at once)."""
    insert = sa.insert(answers_t).values(
        id=answer.id,
        session_code=code,
        seq=answer.seq,
        learner_id=answer.learner_id,
        key=answer.key,
        option_ids=json.dumps(list(answer.option_ids)),
        free_text=answer.text,
        covered=json.dumps(sorted(set(answer.covered))),
        entered_by=answer.entered_by,
        answered_at=answer.answered_at,
        recorded_at=recorded_at,
    )
    try:
        with conn.begin_nested():
            conn.execute(insert)
    except sa.exc.IntegrityError:
        return False
    return True


def delete_answers(conn: sa.Connection, code: str, seq: int, learner_id: str) -> None:
    conn.execute(sa.delete(answers_t).where(_answer(code, seq, learner_id)))


def set_covered(conn: sa.Connection, code: str, seq: int, learner_id: str, covered: list[int]) -> bool:
    """Write the points a saved answer covered; False when there is no such answer."""
    done = conn.execute(sa.update(answers_t).where(_answer(code, seq, learner_id)).values(covered=json.dumps(sorted(set(covered)))))
    return bool(done.rowcount)


# -- steps ----------------------------------------------------------------------------------------
def _step(code: str, seq: int) -> Any:
    return sa.and_(steps_t.c.session_code == code, steps_t.c.seq == seq)


def steps(conn: sa.Connection, code: str, seq: int | None = None) -> list[StepRow]:
    cond = steps_t.c.session_code == code if seq is None else _step(code, seq)
    return [_step_row(r) for r in conn.execute(sa.select(steps_t).where(cond).order_by(steps_t.c.seq))]


def add_step(conn: sa.Connection, code: str, seq: int, kind: str, key: str, at: str, opened: bool) -> None:
    """Start the record of a step (once: a resumed session does not add it again)."""
    if not conn.execute(sa.select(steps_t.c.seq).where(_step(code, seq))).first():
        conn.execute(
            sa.insert(steps_t).values(session_code=code, seq=seq, kind=kind, key=key, shown_at=at, opened_at=at if opened else None)
        )


def set_step(conn: sa.Connection, code: str, seq: int, **values: object) -> None:
    """Write some columns of a step's record; lists and counts are stored as JSON."""
    stored = {k: dump(v) if isinstance(v, list | dict) else v for k, v in values.items()}
    conn.execute(sa.update(steps_t).where(_step(code, seq)).values(**stored))


def _step_row(row: Any) -> StepRow:
    m = row._mapping
    names = ("seq", "kind", "key", "method", "responses", "reason", "notes", "shown_at", "opened_at", "revealed_at", "closed_at")
    decoded = {n: json.loads(m[n]) for n in ("counts", "room_choice", "followed")}
    return StepRow(**{n: m[n] for n in names}, **decoded)


# -- learners and their attempts ------------------------------------------------------------------
def known_learner(conn: sa.Connection, learner_id: str) -> Learner | None:
    row = conn.execute(sa.select(learners.c.name, learners.c.unit).where(learners.c.id == learner_id)).first()
    return Learner(learner_id, row.name, row.unit) if row else None


def save_learner(conn: sa.Connection, learner: Learner, at: str) -> None:
    if known_learner(conn, learner.id) is not None:
        conn.execute(sa.update(learners).where(learners.c.id == learner.id).values(name=learner.name, unit=learner.unit))
    else:
        conn.execute(sa.insert(learners).values(id=learner.id, name=learner.name, unit=learner.unit, created_at=at))


def insert_attempt(
    conn: sa.Connection, attempt_id: str, learner: Learner, scenario: Scenario, state: State, best: int, code: str, how: str, at: str
) -> None:
    """A participant's attempt row, linked to the session."""
    values = attempt_values(learner.id, scenario, state, best, code, attempt_id, at, how)
    conn.execute(sa.insert(attempts).values(**{**values, "state": dump(state.to_json())}))


def attempt_state(conn: sa.Connection, attempt_id: str) -> State:
    return State.from_json(json.loads(conn.execute(sa.select(attempts.c.state).where(attempts.c.id == attempt_id)).scalar_one()))


def has_attempt_answer(conn: sa.Connection, row_id: str) -> bool:
    return conn.execute(sa.select(attempt_answers.c.id).where(attempt_answers.c.id == row_id)).first() is not None


def insert_attempt_answer(
    conn: sa.Connection, row_id: str, attempt_id: str, seq: int, state: State, shown_at: str, answered_at: str
) -> None:
    """The last answer of ``state`` as a row of the participant's attempt, numbered by the room's step
    (``seq``), not by their own count: someone who joined late has fewer answers than the room."""
    values = attempt_answer_values(attempt_id, state, state.answers[-1], shown_at, row_id, answered_at)
    conn.execute(sa.insert(attempt_answers).values(**{**values, "seq": seq}))


def update_attempt(conn: sa.Connection, attempt_id: str, state: State, result: Result, at: str, **more: object) -> None:
    """An attempt's state and figures; ``passed`` stays empty, since a group session is not an assessment."""
    values = {**progress_values(state, result, at), "state": dump(state.to_json()), **more}
    conn.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(**values))
