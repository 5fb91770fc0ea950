"""The store side of group sessions: one transaction for each thing that happens in the room.

Every change reads the session row and writes it back in one transaction (SQLite: BEGIN
IMMEDIATE; PostgreSQL: the row locked), so two screens can never both move the room on, and an
answer is either in before the reveal, and counted, or refused with a message. Answers are unique
per session, step and learner and carry the learner's own UUID, so a retried write is recognised
rather than counted twice. Polling reads use ``Store.reading`` and never take the write lock.

Participants' attempts are ordinary ``attempts`` rows with ``session_code`` set: a row is added
to each one as the room leaves each step, so the records are complete up to the last step even
if the trainer's terminal is killed, and the session can be resumed from where it stood.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.engine.state_machine import State
from ltl_quiz.errors import RosterError, SessionClosed, SessionMoved, SessionNotFound, StoreError
from ltl_quiz.locations import redact
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import model, records, tally
from ltl_quiz.sessions.codes import new_code
from ltl_quiz.sessions.model import SessionState, Step
from ltl_quiz.sessions.presence import Terminal
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store import leases
from ltl_quiz.store.db import TERMINAL, TRAINER, Store, attempts, learners, now
from ltl_quiz.store.db import answers as attempt_answers
from ltl_quiz.store.session_tables import answers_t, participants_t, sessions_t, steps_t
from ltl_quiz.text import typed

# Namespace for the ids of rows the trainer's screen writes into participants' attempts: the same
# attempt and step always give the same id, so writing a step again after a crash changes nothing.
ROW_NAMESPACE = uuid.UUID("6f1c3a52-8a43-4d0e-9a0e-6b1f0c1e5d21")


@dataclass
class SessionRow:
    """One session as stored."""

    code: str
    scenario_id: str
    scenario_sha256: str
    track: str
    kind: str
    trainer: str
    status: str
    created_at: str
    updated_at: str
    state: SessionState


@dataclass
class ParticipantRow:
    """Someone on the session's list, and whether and when they took part."""

    learner_id: str
    name: str
    unit: str
    list_no: int
    attempt_id: str | None
    present: bool
    joined_at: str | None
    joined_seq: int | None
    left_at: str | None

    @property
    def learner(self) -> Learner:
        return Learner(self.learner_id, self.name, self.unit)

    @property
    def here(self) -> bool:
        """Taking part now: present and not gone."""
        return self.present and self.left_at is None


@dataclass
class AnswerRow:
    """One person's answer at one step of a session."""

    id: str
    seq: int
    learner_id: str
    key: str
    option_ids: list[str]
    text: str | None
    covered: list[int]
    entered_by: str
    answered_at: str

    @property
    def own(self) -> OwnAnswer:
        return OwnAnswer(self.option_ids, self.text, self.covered)


@dataclass
class StepRow:
    """The record of one step the room took."""

    seq: int
    kind: str
    key: str
    method: str | None
    counts: dict[str, int]
    responses: int
    room_choice: list[str]
    followed: list[str]
    reason: str | None
    notes: str | None
    shown_at: str
    opened_at: str | None
    revealed_at: str | None
    closed_at: str | None

    @property
    def distribution(self) -> tally.Distribution:
        return tally.Distribution(dict(self.counts), self.responses)


@dataclass
class Revealed:
    """What a reveal computed: the new state, the distribution and the room's choice."""

    state: SessionState
    distribution: tally.Distribution
    choice: tally.RoomChoice
    method: str


@dataclass
class Submitted:
    """The outcome of a learner's answer: ``saved``, ``already`` (answered before) or ``closed``."""

    outcome: str
    answer: AnswerRow | None = None


class SessionStore:
    """Sessions in one results store."""

    def __init__(self, store: Store):
        self.store = store

    # -- creating -----------------------------------------------------------------------------
    def create(self, scenario: Scenario, kind: str, trainer: str, people: list[Learner], state: SessionState) -> str:
        """A new session with its list of people; returns its join code."""
        at = now()
        with self.store._begin() as conn:
            code = new_code()
            while conn.execute(sa.select(sessions_t.c.code).where(sessions_t.c.code == code)).first():
                code = new_code()
            conn.execute(
                sa.insert(sessions_t).values(
                    code=code,
                    scenario_id=scenario.id,
                    scenario_sha256=scenario.sha256,
                    track=state.room.track,
                    kind=kind,
                    trainer=typed(trainer),  # no control character is kept (NUL would block a PostgreSQL sync)
                    status="open",
                    created_at=at,
                    updated_at=at,
                    state=_dump(state.to_json()),
                )
            )
            for list_no, person in enumerate(_resolve_people(conn, people), start=1):
                _save_learner(conn, person, at)
                conn.execute(sa.insert(participants_t).values(session_code=code, learner_id=person.id, list_no=list_no, present=False))
            if state.phase != "lobby":
                _show_step(conn, code, scenario, state, at)
        return code

    def roll_call(self, code: str, scenario: Scenario, present: Iterable[str]) -> list[ParticipantRow]:
        """Mark who is in the room (facilitated) and give each of them an attempt linked to the session."""
        at = now()
        present = set(present)
        with self.store._begin() as conn:
            row = _locked(conn, code)
            state = SessionState.from_json(json.loads(row.state))
            for p in _participants(conn, code):
                if p.learner_id in present and p.attempt_id is None:
                    attempt_id = _new_attempt(conn, p.learner, scenario, row.kind, state, code, at)
                    conn.execute(
                        _participant(code, p.learner_id).values(
                            present=True, attempt_id=attempt_id, joined_at=at, joined_seq=state.seq, left_at=None
                        )
                    )
        return self.participants(code)

    def join(
        self,
        code: str,
        learner: Learner,
        scenario: Scenario,
        how_answered: str = TERMINAL,
        terminal: Terminal | None = None,
        take_over: bool = False,
    ) -> ParticipantRow:
        """A learner joins (or rejoins) a live session; the first join creates their attempt.

        ``how_answered`` is ``scripted`` when they answer from a file (``session join --answers``);
        ``terminal`` takes the lease on their place, refused while another terminal holds it (issue 13)."""
        at = now()
        with self.store._begin() as conn:
            row = _locked(conn, code)
            if row.status == "closed":
                raise SessionClosed(f"session {code} has ended; ask your trainer for the code of a new one")
            state = SessionState.from_json(json.loads(row.state))
            _save_learner(conn, learner, at)
            mine = next((p for p in _participants(conn, code) if p.learner_id == learner.id), None)
            if mine is None:
                list_no = conn.execute(
                    sa.select(sa.func.max(participants_t.c.list_no)).where(participants_t.c.session_code == code)
                ).scalar()
                conn.execute(
                    sa.insert(participants_t).values(session_code=code, learner_id=learner.id, list_no=(list_no or 0) + 1, present=False)
                )
            if mine is None or mine.attempt_id is None:
                attempt_id = _new_attempt(conn, learner, scenario, row.kind, state, code, at, how_answered)
                conn.execute(
                    _participant(code, learner.id).values(
                        present=True, attempt_id=attempt_id, joined_at=at, joined_seq=state.seq, left_at=None
                    )
                )
            else:
                conn.execute(_participant(code, learner.id).values(present=True, left_at=None))
            if terminal is not None:  # last, with the row there: a refusal rolls the whole join back
                leases.claim(conn, code, learner, terminal, take_over, at)
            return next(p for p in _participants(conn, code) if p.learner_id == learner.id)

    def leave(self, code: str, learner_id: str, terminal: Terminal | None = None) -> None:
        """A learner left on purpose (Ctrl-C): they no longer count as waited for, unless another
        terminal has taken their place, whose learner is still here."""
        with self.store._begin() as conn:
            if terminal is None or leases.holds(conn, code, learner_id, terminal):
                conn.execute(_participant(code, learner_id).values(left_at=now()))
                if terminal is not None:
                    leases.release(conn, code, learner_id, terminal)

    # -- reading ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """A read-only connection, with database errors turned into a StoreError the CLI can print."""
        try:
            with self.store.reading() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot read the results store {redact(self.store.url)}: {str(getattr(exc, 'orig', None) or exc).splitlines()[0]}"
            ) from None

    def session(self, code: str) -> SessionRow:
        with self._reading() as conn:
            row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first()
        if row is None:
            raise SessionNotFound(f"no session '{code}'; check the code on the trainer's screen (or 'ltl-quiz session list')")
        return _session_row(row)

    def sessions(self) -> list[SessionRow]:
        with self._reading() as conn:
            rows = conn.execute(sa.select(sessions_t).order_by(sessions_t.c.created_at)).all()
        return [_session_row(r) for r in rows]

    def participants(self, code: str) -> list[ParticipantRow]:
        with self._reading() as conn:
            return _participants(conn, code)

    def answers(self, code: str, seq: int | None = None) -> list[AnswerRow]:
        with self._reading() as conn:
            return _answers(conn, code, seq)

    def steps(self, code: str) -> list[StepRow]:
        with self._reading() as conn:
            rows = conn.execute(sa.select(steps_t).where(steps_t.c.session_code == code).order_by(steps_t.c.seq)).all()
        return [_step_row(r) for r in rows]

    def step(self, code: str, seq: int) -> StepRow | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(steps_t).where(sa.and_(steps_t.c.session_code == code, steps_t.c.seq == seq))).first()
        return _step_row(row) if row else None

    def poll(self, code: str, seq: int) -> tuple[SessionRow, list[ParticipantRow], list[AnswerRow]]:
        """What the trainer's live screen shows, read in one go: the session, who is here, who has answered."""
        with self._reading() as conn:
            row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first()
            if row is None:
                raise SessionNotFound(f"no session '{code}'")
            return _session_row(row), _participants(conn, code), _answers(conn, code, seq)

    # -- answers ------------------------------------------------------------------------------
    def submit(self, code: str, learner_id: str, step: Step, own: OwnAnswer, answer_id: str, answered_at: str) -> Submitted:
        """A learner's answer at an open step: saved once, whatever happens to their terminal."""
        recorded = now()
        seq = step.seq
        with self.store._begin() as conn:
            row = _locked(conn, code, share=True)
            state = SessionState.from_json(json.loads(row.state))
            existing = _answers(conn, code, seq, learner_id)
            if existing:
                return Submitted("saved" if existing[0].id == answer_id else "already", existing[0])
            if row.status == "closed" or state.seq != seq or state.phase not in ("open", "revealed" if step.is_discussion else "open"):
                return Submitted("closed")
            if not conn.execute(sa.select(participants_t.c.learner_id).where(_participant_match(code, learner_id))).first():
                raise SessionMoved(f"{learner_id} has not joined session {code}; join it first")
            values = _answer_values(answer_id, code, seq, learner_id, step.key, own, "learner", answered_at, recorded)
            try:
                with conn.begin_nested():
                    conn.execute(sa.insert(answers_t).values(**values))
            except sa.exc.IntegrityError:  # the same learner answering from two terminals at once
                return Submitted("already", _answers(conn, code, seq, learner_id)[0])
            return Submitted("saved", _answers(conn, code, seq, learner_id)[0])

    def enter_for(self, code: str, learner_id: str, step: Step, own: OwnAnswer) -> None:
        """The trainer types a participant's answer (facilitated); typing it again corrects it."""
        at = now()
        with self.store._begin() as conn:
            row = _locked(conn, code)
            state = SessionState.from_json(json.loads(row.state))
            if state.seq != step.seq or state.phase != "open":
                raise SessionMoved(f"step {step.seq + 1} is no longer open for answers")
            conn.execute(sa.delete(answers_t).where(_answer_match(code, step.seq, learner_id)))
            values = _answer_values(str(uuid.uuid4()), code, step.seq, learner_id, step.key, own, "trainer", at, at)
            conn.execute(sa.insert(answers_t).values(**values))

    # -- the room moves on --------------------------------------------------------------------
    def begin(self, code: str, scenario: Scenario, expect_seq: int) -> SessionState:
        """Leave the lobby (live): the first step goes on every screen."""
        at = now()
        return self._change(code, lambda conn, state: _shown(conn, code, scenario, model.begin(scenario, state, expect_seq, at), at))

    def open(self, code: str, scenario: Scenario, expect_seq: int) -> SessionState:
        """Open a decision for answers."""
        at = now()

        def change(conn: sa.Connection, state: SessionState) -> SessionState:
            new = model.open_step(scenario, state, expect_seq, at)
            conn.execute(_step(code, expect_seq).values(opened_at=at))
            return new

        return self._change(code, change)

    def reveal(
        self, code: str, scenario: Scenario, expect_seq: int, hands: tally.Distribution | None = None, method: str = "individual"
    ) -> Revealed:
        """Close a decision and fix its distribution: from a show of hands, or from the answers given."""
        at = now()
        out: dict[str, Any] = {}

        def change(conn: sa.Connection, state: SessionState) -> SessionState:
            new = model.reveal(state, expect_seq)
            step = model.step_of(scenario, state)
            assert step is not None and step.is_choice
            node = scenario.nodes[step.key]
            given = [a.option_ids for a in _answers(conn, code, expect_seq)]
            dist = hands if hands is not None else tally.from_choices(node, given)
            choice = tally.room_choice(node, dist)
            conn.execute(
                _step(code, expect_seq).values(
                    method=method,
                    counts=_dump(dist.to_json()),
                    responses=dist.responses,
                    room_choice=_dump(choice.option_ids),
                    revealed_at=at,
                )
            )
            out.update(distribution=dist, choice=choice)
            return new

        state = self._change(code, change)
        return Revealed(state, out["distribution"], out["choice"], method)

    def advance(
        self,
        code: str,
        scenario: Scenario,
        expect_seq: int,
        response: engine.Response,
        reason: str | None = None,
        notes: str | None = None,
    ) -> SessionState:
        """The room moves on: the step's record is closed and a row added to every participant's attempt."""
        at = now()

        def change(conn: sa.Connection, state: SessionState) -> SessionState:
            step = model.step_of(scenario, state)
            new = model.advance(scenario, state, expect_seq, response, at)
            assert step is not None
            followed = response.option_ids if isinstance(response, engine.Choose) else []
            conn.execute(_step(code, expect_seq).values(followed=_dump(followed), reason=reason, notes=notes, closed_at=at))
            kind = conn.execute(sa.select(sessions_t.c.kind).where(sessions_t.c.code == code)).scalar_one()
            record = conn.execute(sa.select(steps_t.c.shown_at, steps_t.c.opened_at).where(_step_match(code, expect_seq))).first()
            shown = (record.opened_at or record.shown_at) if record else at  # an answer's time runs from when it could be given
            _record_step(conn, code, scenario, kind, step, new.room, shown, at)
            return _shown(conn, code, scenario, new, at)

        return self._change(code, change)

    def set_host(self, code: str, host: dict[str, Any]) -> SessionState:
        """Record which process is driving a live session (and mark the session open again)."""

        def change(conn: sa.Connection, state: SessionState) -> SessionState:
            return replace(state, host=host)

        return self._change(code, change, status="open")

    def pause(self, code: str) -> None:
        """The trainer stops for now; ``session resume`` carries on from the same step."""

        def change(conn: sa.Connection, state: SessionState) -> SessionState:
            return replace(state, host={})

        self._change(code, change, status="paused")

    def close(self, code: str, scenario: Scenario) -> list[ParticipantRow]:
        """The case is done: every participant's attempt is completed, and the session closed."""
        at = now()
        with self.store._begin() as conn:
            row = _locked(conn, code)
            state = SessionState.from_json(json.loads(row.state))
            if state.phase != "finished":
                raise SessionMoved(f"session {code} is at step {state.seq + 1}; it can close only when the case is finished")
            for p in _participants(conn, code):
                if p.attempt_id is None:
                    continue
                current = conn.execute(sa.select(attempts.c.state).where(attempts.c.id == p.attempt_id)).scalar_one()
                mine = State.from_json(json.loads(current))
                result = engine.result(scenario, mine)
                conn.execute(
                    sa.update(attempts)
                    .where(attempts.c.id == p.attempt_id)
                    .values(status="completed", finished_at=p.left_at or at, updated_at=at, **_figures(result))
                )
            conn.execute(sa.update(sessions_t).where(sessions_t.c.code == code).values(status="closed", updated_at=at))
        return self.participants(code)

    def _change(self, code: str, change: Any, status: str | None = None) -> SessionState:
        """Read the session under lock, apply ``change(conn, state)``, write the new state: one transaction."""
        with self.store._begin() as conn:
            row = _locked(conn, code)
            if row.status == "closed":
                raise SessionClosed(f"session {code} has ended; see 'ltl-quiz session report {code}'")
            new = change(conn, SessionState.from_json(json.loads(row.state)))
            values: dict[str, Any] = {"state": _dump(new.to_json()), "updated_at": now()}
            if status:
                values["status"] = status
            conn.execute(sa.update(sessions_t).where(sessions_t.c.code == code).values(**values))
            return new


# -- helpers (each runs inside the caller's transaction) ---------------------------------------
def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _locked(conn: sa.Connection, code: str, share: bool = False) -> Any:
    query = sa.select(sessions_t).where(sessions_t.c.code == code)
    if conn.dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE already holds the write lock
        query = query.with_for_update(read=share)
    row = conn.execute(query).first()
    if row is None:
        raise SessionNotFound(f"no session '{code}'; check the code on the trainer's screen (or 'ltl-quiz session list')")
    return row


def _session_row(row: Any) -> SessionRow:
    m = row._mapping
    return SessionRow(
        code=m["code"],
        scenario_id=m["scenario_id"],
        scenario_sha256=m["scenario_sha256"],
        track=m["track"],
        kind=m["kind"],
        trainer=m["trainer"],
        status=m["status"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        state=SessionState.from_json(json.loads(m["state"])),
    )


def _participant_match(code: str, learner_id: str) -> Any:
    return sa.and_(participants_t.c.session_code == code, participants_t.c.learner_id == learner_id)


def _participant(code: str, learner_id: str) -> Any:
    return sa.update(participants_t).where(_participant_match(code, learner_id))


def _participants(conn: sa.Connection, code: str) -> list[ParticipantRow]:
    query = (
        sa.select(participants_t, learners.c.name, learners.c.unit)
        .select_from(participants_t.join(learners, learners.c.id == participants_t.c.learner_id))
        .where(participants_t.c.session_code == code)
        .order_by(participants_t.c.list_no)
    )
    return [
        ParticipantRow(
            learner_id=m["learner_id"],
            name=m["name"],
            unit=m["unit"],
            list_no=m["list_no"],
            attempt_id=m["attempt_id"],
            present=bool(m["present"]),
            joined_at=m["joined_at"],
            joined_seq=m["joined_seq"],
            left_at=m["left_at"],
        )
        for m in (r._mapping for r in conn.execute(query))
    ]


def _answer_match(code: str, seq: int, learner_id: str | None = None) -> Any:
    cond = sa.and_(answers_t.c.session_code == code, answers_t.c.seq == seq)
    return sa.and_(cond, answers_t.c.learner_id == learner_id) if learner_id else cond


def _answers(conn: sa.Connection, code: str, seq: int | None, learner_id: str | None = None) -> list[AnswerRow]:
    cond = answers_t.c.session_code == code if seq is None else _answer_match(code, seq, learner_id)
    rows = conn.execute(sa.select(answers_t).where(cond).order_by(answers_t.c.seq, answers_t.c.answered_at, answers_t.c.learner_id))
    return [
        AnswerRow(
            id=m["id"],
            seq=m["seq"],
            learner_id=m["learner_id"],
            key=m["key"],
            option_ids=json.loads(m["option_ids"]),
            text=m["free_text"],
            covered=json.loads(m["covered"]),
            entered_by=m["entered_by"],
            answered_at=m["answered_at"],
        )
        for m in (r._mapping for r in rows)
    ]


def _answer_values(
    answer_id: str, code: str, seq: int, learner_id: str, key: str, own: OwnAnswer, by: str, answered_at: str, recorded_at: str
) -> dict[str, Any]:
    return {
        "id": answer_id,
        "session_code": code,
        "seq": seq,
        "learner_id": learner_id,
        "key": key,
        "option_ids": json.dumps(list(own.option_ids)),
        "free_text": own.text,
        "covered": json.dumps(sorted(set(own.covered))),
        "entered_by": by,
        "answered_at": answered_at,
        "recorded_at": recorded_at,
    }


def _step_match(code: str, seq: int) -> Any:
    return sa.and_(steps_t.c.session_code == code, steps_t.c.seq == seq)


def _step(code: str, seq: int) -> Any:
    return sa.update(steps_t).where(_step_match(code, seq))


def _step_row(row: Any) -> StepRow:
    m = row._mapping
    return StepRow(
        seq=m["seq"],
        kind=m["kind"],
        key=m["key"],
        method=m["method"],
        counts=json.loads(m["counts"]),
        responses=m["responses"],
        room_choice=json.loads(m["room_choice"]),
        followed=json.loads(m["followed"]),
        reason=m["reason"],
        notes=m["notes"],
        shown_at=m["shown_at"],
        opened_at=m["opened_at"],
        revealed_at=m["revealed_at"],
        closed_at=m["closed_at"],
    )


def _show_step(conn: sa.Connection, code: str, scenario: Scenario, state: SessionState, at: str) -> None:
    """Start the record of the step now on screen (once: a resumed session does not add it again)."""
    step = model.step_of(scenario, state)
    if step is None:
        return
    exists = conn.execute(sa.select(steps_t.c.seq).where(sa.and_(steps_t.c.session_code == code, steps_t.c.seq == step.seq))).first()
    if not exists:
        conn.execute(
            sa.insert(steps_t).values(
                session_code=code, seq=step.seq, kind=step.kind, key=step.key, shown_at=at, opened_at=at if state.phase == "open" else None
            )
        )


def _shown(conn: sa.Connection, code: str, scenario: Scenario, state: SessionState, at: str) -> SessionState:
    _show_step(conn, code, scenario, state, at)
    return state


def _resolve_people(conn: sa.Connection, people: list[Learner]) -> list[Learner]:
    """Fill in names given only as staff numbers from the store; a stranger needs a name."""
    out = []
    for person in people:
        if person.name:
            out.append(person)
            continue
        known = conn.execute(sa.select(learners.c.name, learners.c.unit).where(learners.c.id == person.id)).first()
        if known is None:
            raise RosterError(f"participant {person.id} is new here; give their name too, as --participant '{person.id},NAME,UNIT'")
        out.append(Learner(person.id, known.name, person.unit or known.unit))
    return out


def _save_learner(conn: sa.Connection, learner: Learner, at: str) -> None:
    found = conn.execute(sa.select(learners.c.id).where(learners.c.id == learner.id)).first()
    if found:
        conn.execute(sa.update(learners).where(learners.c.id == learner.id).values(name=learner.name, unit=learner.unit))
    else:
        conn.execute(sa.insert(learners).values(id=learner.id, name=learner.name, unit=learner.unit, created_at=at))


def _new_attempt(
    conn: sa.Connection, learner: Learner, scenario: Scenario, kind: str, state: SessionState, code: str, at: str, how: str = TERMINAL
) -> str:
    """A participant's attempt; in a facilitated session the trainer enters the room's answers, so it says so."""
    attempt_id = str(uuid.uuid4())
    mine = records.participant_state(state.room, kind, [])
    conn.execute(
        sa.insert(attempts).values(
            id=attempt_id,
            learner_id=learner.id,
            scenario_id=scenario.id,
            scenario_title=scenario.title,
            scenario_version=scenario.version,
            scenario_sha256=scenario.sha256,
            track=state.room.track,
            mode=kind,
            seed=0,
            status="in-progress",
            session_code=code,
            how_answered=TRAINER if kind == "facilitated" else how,
            started_at=at,
            updated_at=at,
            score=0,
            best_score=engine.result(scenario, mine).best,
            percentage=0.0,
            critical_failures="[]",
            competencies="{}",
            state=_dump(mine.to_json()),
        )
    )
    return attempt_id


def _record_step(conn: sa.Connection, code: str, scenario: Scenario, kind: str, step: Step, room: State, shown_at: str, at: str) -> None:
    """Add this step to the attempt of everyone taking part: their own answer where they gave one."""
    own = {a.learner_id: a for a in _answers(conn, code, step.seq)}
    for p in _participants(conn, code):
        if not p.here or p.attempt_id is None:
            continue
        row_id = str(uuid.uuid5(ROW_NAMESPACE, f"{p.attempt_id}:{step.seq}"))
        if conn.execute(sa.select(attempt_answers.c.id).where(attempt_answers.c.id == row_id)).first():
            continue
        mine = own.get(p.learner_id)
        answer = records.participant_answer(scenario, step, mine.own if mine else None)
        current = State.from_json(json.loads(conn.execute(sa.select(attempts.c.state).where(attempts.c.id == p.attempt_id)).scalar_one()))
        state = records.participant_state(room, kind, [*current.answers, answer])
        conn.execute(
            sa.insert(attempt_answers).values(
                id=row_id,
                attempt_id=p.attempt_id,
                seq=step.seq,
                node_id=answer.node_id,
                kind=answer.kind,
                option_ids=json.dumps(answer.option_ids),
                free_text=answer.text,
                covered=json.dumps(answer.covered),
                points=answer.points,
                critical=bool(answer.critical),
                shown_at=shown_at,
                answered_at=mine.answered_at if mine else at,
            )
        )
        result = engine.result(scenario, state)
        conn.execute(
            sa.update(attempts).where(attempts.c.id == p.attempt_id).values(updated_at=at, state=_dump(state.to_json()), **_figures(result))
        )


def _figures(result: engine.Result) -> dict[str, Any]:
    """An attempt's figures; ``passed`` stays empty, since a group session is not an assessment."""
    return {
        "score": result.score,
        "best_score": result.best,
        "percentage": result.percentage,
        "passed": None,
        "critical_failures": json.dumps([list(c) for c in result.critical]),
        "competencies": json.dumps(result.competencies, sort_keys=True),
        "ending": result.ending,
    }
