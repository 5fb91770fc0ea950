"""Group sessions in a results store: one transaction for each thing that happens in the room.

Every change reads the session row and writes it back in one transaction (``store/sessions.py``
locks it), so two screens can never both move the room on, and an answer is either in before the
reveal, and counted, or refused with a message. Answers are unique per session, step and learner
and carry the learner's own UUID, so a retried write is recognised rather than counted twice.
Polling reads use ``Store.reading`` and never take the write lock.

Participants' attempts are ordinary ``attempts`` rows with ``session_code`` set: a row is added
to each one as the room leaves each step, so the records are complete up to the last step even
if the trainer's terminal is killed, and the session can be resumed from where it stood.
This module holds the rules; the store only reads and writes the rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import RosterError, SessionClosed, SessionMoved, SessionNotFound
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import leases, model, records, tally
from ltl_quiz.sessions.codes import new_code
from ltl_quiz.sessions.model import SessionState, Step
from ltl_quiz.sessions.presence import Terminal
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.sessions.rows import AnswerRow, ParticipantRow, Revealed, SessionRow, StepRow, Submitted, session_of
from ltl_quiz.store import sessions as rows
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.rows import TERMINAL, TRAINER

if TYPE_CHECKING:
    import sqlalchemy as sa

# Namespace for the ids of rows the trainer's screen writes into participants' attempts: the same
# attempt and step always give the same id, so writing a step again after a crash changes nothing.
ROW_NAMESPACE = uuid.UUID("6f1c3a52-8a43-4d0e-9a0e-6b1f0c1e5d21")

Change = Callable[["sa.Connection", SessionState], SessionState]


class SessionStore:
    """Sessions in one results store."""

    def __init__(self, store: Store):
        self.store = store

    # -- creating and joining -----------------------------------------------------------------
    def create(self, scenario: Scenario, kind: str, trainer: str, people: list[Learner], state: SessionState) -> str:
        """A new session with its list of people; returns its join code."""
        at = now()
        with self.store.begin() as conn:
            code = new_code()
            while rows.code_taken(conn, code):
                code = new_code()
            rows.insert_session(conn, code, scenario, state.room.track, kind, trainer, state.to_json(), at)
            for list_no, person in enumerate(_resolve_people(conn, people), start=1):
                rows.save_learner(conn, person, at)
                rows.add_participant(conn, code, person.id, list_no)
            if state.phase != "lobby":
                _show_step(conn, code, scenario, state, at)
        return code

    def roll_call(self, code: str, scenario: Scenario, present: Iterable[str]) -> list[ParticipantRow]:
        """Mark who is in the room (facilitated) and give each of them an attempt linked to the session."""
        at = now()
        present = set(present)
        with self.store.begin() as conn:
            row = session_of(rows.locked(conn, code))
            for p in rows.participants(conn, code):
                if p.learner_id in present and p.attempt_id is None:
                    _enrol(conn, row, p.learner, scenario, TERMINAL, at)
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
        with self.store.begin() as conn:
            row = session_of(rows.locked(conn, code))
            if row.status == "closed":
                raise SessionClosed(f"session {code} has ended; ask your trainer for the code of a new one")
            rows.save_learner(conn, learner, at)
            mine = _find(rows.participants(conn, code), learner.id)
            if mine is None:
                rows.add_participant(conn, code, learner.id)
            if mine is None or mine.attempt_id is None:
                _enrol(conn, row, learner, scenario, how_answered, at)
            else:
                rows.set_participant(conn, code, learner.id, present=True, left_at=None)
            if terminal is not None:  # last, with the row there: a refusal rolls the whole join back
                leases.claim(conn, code, learner, terminal, take_over, at)
            joined = _find(rows.participants(conn, code), learner.id)
            assert joined is not None
            return joined

    def leave(self, code: str, learner_id: str, terminal: Terminal | None = None) -> None:
        """A learner left on purpose (Ctrl-C): they no longer count as waited for, unless another
        terminal has taken their place, whose learner is still here."""
        with self.store.begin() as conn:
            if terminal is None or leases.holds(conn, code, learner_id, terminal):
                rows.set_participant(conn, code, learner_id, left_at=now())
                if terminal is not None:
                    leases.release(conn, code, learner_id, terminal)

    # -- reading ------------------------------------------------------------------------------
    def session(self, code: str) -> SessionRow:
        with self.store.reading() as conn:
            row = rows.find(conn, code)
        if row is None:
            raise SessionNotFound(rows.NOT_FOUND.format(code=code))
        return session_of(row)

    def sessions(self) -> list[SessionRow]:
        with self.store.reading() as conn:
            return [session_of(r) for r in rows.all_sessions(conn)]

    def participants(self, code: str) -> list[ParticipantRow]:
        with self.store.reading() as conn:
            return rows.participants(conn, code)

    def answers(self, code: str, seq: int | None = None) -> list[AnswerRow]:
        with self.store.reading() as conn:
            return [AnswerRow.of(a) for a in rows.answers(conn, code, seq)]

    def steps(self, code: str) -> list[StepRow]:
        with self.store.reading() as conn:
            return [StepRow.of(s) for s in rows.steps(conn, code)]

    def step(self, code: str, seq: int) -> StepRow | None:
        with self.store.reading() as conn:
            found = rows.steps(conn, code, seq)
        return StepRow.of(found[0]) if found else None

    def poll(self, code: str, seq: int) -> tuple[SessionRow, list[ParticipantRow], list[AnswerRow]]:
        """What the trainer's live screen shows, read in one go: the session, who is here, who has answered."""
        with self.store.reading() as conn:
            row = rows.find(conn, code)
            if row is None:
                raise SessionNotFound(f"no session '{code}'")
            return session_of(row), rows.participants(conn, code), [AnswerRow.of(a) for a in rows.answers(conn, code, seq)]

    # -- answers ------------------------------------------------------------------------------
    def submit(self, code: str, learner_id: str, step: Step, own: OwnAnswer, answer_id: str, answered_at: str) -> Submitted:
        """A learner's answer at an open step: saved once, whatever happens to their terminal."""
        recorded = now()
        seq = step.seq
        with self.store.begin() as conn:
            row = session_of(rows.locked(conn, code, share=True))
            state = row.state
            existing = rows.answers(conn, code, seq, learner_id)
            if existing:
                return Submitted("saved" if existing[0].id == answer_id else "already", AnswerRow.of(existing[0]))
            if row.status == "closed" or state.seq != seq or state.phase not in ("open", "revealed" if step.is_discussion else "open"):
                return Submitted("closed")
            if not rows.is_listed(conn, code, learner_id):
                raise SessionMoved(f"{learner_id} has not joined session {code}; join it first")
            answer = _answer(answer_id, learner_id, step, own, "learner", answered_at)
            saved = rows.insert_answer(conn, code, answer, recorded)  # False: the same learner from two terminals at once
            return Submitted("saved" if saved else "already", AnswerRow.of(rows.answers(conn, code, seq, learner_id)[0]))

    def enter_for(self, code: str, learner_id: str, step: Step, own: OwnAnswer) -> None:
        """The trainer types a participant's answer (facilitated); typing it again corrects it."""
        at = now()
        with self.store.begin() as conn:
            state = session_of(rows.locked(conn, code)).state
            if state.seq != step.seq or state.phase != "open":
                raise SessionMoved(f"step {step.seq + 1} is no longer open for answers")
            rows.delete_answers(conn, code, step.seq, learner_id)
            rows.insert_answer(conn, code, _answer(str(uuid.uuid4()), learner_id, step, own, "trainer", at), at)

    # -- the room moves on --------------------------------------------------------------------
    def begin(self, code: str, scenario: Scenario, expect_seq: int) -> SessionState:
        """Leave the lobby (live): the first step goes on every screen."""
        at = now()
        return self.change(code, lambda conn, state: _shown(conn, code, scenario, model.begin(scenario, state, expect_seq, at), at))

    def open(self, code: str, scenario: Scenario, expect_seq: int) -> SessionState:
        """Open a decision for answers."""
        at = now()

        def change(conn: sa.Connection, state: SessionState) -> SessionState:
            new = model.open_step(scenario, state, expect_seq, at)
            rows.set_step(conn, code, expect_seq, opened_at=at)
            return new

        return self.change(code, change)

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
            dist = hands if hands is not None else tally.from_choices(node, [a.option_ids for a in rows.answers(conn, code, expect_seq)])
            choice = tally.room_choice(node, dist)
            rows.set_step(
                conn,
                code,
                expect_seq,
                method=method,
                counts=dist.to_json(),
                responses=dist.responses,
                room_choice=choice.option_ids,
                revealed_at=at,
            )
            out.update(distribution=dist, choice=choice)
            return new

        state = self.change(code, change)
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
            rows.set_step(conn, code, expect_seq, followed=followed, reason=reason, notes=notes, closed_at=at)
            record = rows.steps(conn, code, expect_seq)
            shown = (record[0].opened_at or record[0].shown_at) if record else at  # an answer's time runs from when it could be given
            _record_step(conn, code, scenario, step, new.room, shown, at)
            return _shown(conn, code, scenario, new, at)

        return self.change(code, change)

    def set_host(self, code: str, host: JSONObject) -> SessionState:
        """Record which process is driving a live session (and mark the session open again)."""
        return self.change(code, lambda conn, state: replace(state, host=host), status="open")

    def pause(self, code: str) -> None:
        """The trainer stops for now; ``session resume`` carries on from the same step."""
        self.change(code, lambda conn, state: replace(state, host={}), status="paused")

    def close(self, code: str, scenario: Scenario) -> list[ParticipantRow]:
        """The case is done: every participant's attempt is completed, and the session closed."""
        at = now()
        with self.store.begin() as conn:
            state = session_of(rows.locked(conn, code)).state
            if state.phase != "finished":
                raise SessionMoved(f"session {code} is at step {state.seq + 1}; it can close only when the case is finished")
            for p in rows.participants(conn, code):
                if p.attempt_id is not None:
                    mine = rows.attempt_state(conn, p.attempt_id)
                    result = engine.result(scenario, mine)
                    rows.update_attempt(conn, p.attempt_id, mine, result, at, status="completed", finished_at=p.left_at or at)
            rows.write_session(conn, code, at, status="closed")
        return self.participants(code)

    def change(self, code: str, change: Change, status: str | None = None) -> SessionState:
        """Read the session under lock, apply ``change(conn, state)``, write the new state: one transaction."""
        with self.store.begin() as conn:
            row = session_of(rows.locked(conn, code))
            if row.status == "closed":
                raise SessionClosed(f"session {code} has ended; see 'ltl-quiz session report {code}'")
            new = change(conn, row.state)
            rows.write_session(conn, code, now(), new.to_json(), status)
            return new


# -- helpers (each runs inside the caller's transaction) ---------------------------------------
def _find(people: list[ParticipantRow], learner_id: str) -> ParticipantRow | None:
    return next((p for p in people if p.learner_id == learner_id), None)


def _answer(answer_id: str, learner_id: str, step: Step, own: OwnAnswer, by: str, answered_at: str) -> AnswerRow:
    return AnswerRow(answer_id, step.seq, learner_id, step.key, list(own.option_ids), own.text, sorted(set(own.covered)), by, answered_at)


def _show_step(conn: sa.Connection, code: str, scenario: Scenario, state: SessionState, at: str) -> None:
    """Start the record of the step now on screen (once: a resumed session does not add it again)."""
    step = model.step_of(scenario, state)
    if step is not None:
        rows.add_step(conn, code, step.seq, step.kind, step.key, at, opened=state.phase == "open")


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
        known = rows.known_learner(conn, person.id)
        if known is None:
            raise RosterError(f"participant {person.id} is new here; give their name too, as --participant '{person.id},NAME,UNIT'")
        out.append(Learner(person.id, known.name, person.unit or known.unit))
    return out


def _enrol(conn: sa.Connection, row: SessionRow, learner: Learner, scenario: Scenario, how: str, at: str) -> None:
    """A participant's attempt, and them marked present from this step; in a facilitated session the
    trainer enters the room's answers, so the attempt says so."""
    attempt_id = str(uuid.uuid4())
    mine = records.participant_state(row.state.room, row.kind, [])
    how = TRAINER if row.kind == engine.FACILITATED else how
    rows.insert_attempt(conn, attempt_id, learner, scenario, mine, engine.result(scenario, mine).best, row.code, how, at)
    rows.set_participant(
        conn, row.code, learner.id, present=True, attempt_id=attempt_id, joined_at=at, joined_seq=row.state.seq, left_at=None
    )


def _record_step(conn: sa.Connection, code: str, scenario: Scenario, step: Step, room: engine.State, shown_at: str, at: str) -> None:
    """Add this step to the attempt of everyone taking part: their own answer where they gave one."""
    session = rows.find(conn, code)
    assert session is not None  # locked by the caller
    kind = session.kind
    own = {a.learner_id: AnswerRow.of(a) for a in rows.answers(conn, code, step.seq)}
    for p in rows.participants(conn, code):
        if not p.here or p.attempt_id is None:
            continue
        row_id = str(uuid.uuid5(ROW_NAMESPACE, f"{p.attempt_id}:{step.seq}"))
        if rows.has_attempt_answer(conn, row_id):
            continue
        mine = own.get(p.learner_id)
        answer = records.participant_answer(scenario, step, mine.own if mine else None)
        state = records.participant_state(room, kind, [*rows.attempt_state(conn, p.attempt_id).answers, answer])
        rows.insert_attempt_answer(conn, row_id, p.attempt_id, step.seq, state, shown_at, mine.answered_at if mine else at)
        rows.update_attempt(conn, p.attempt_id, state, engine.result(scenario, state), at)
