"""What each ``ltl-quiz session`` command does: the rules, with the screens passed in.

Everything a command is given is checked (case, track, roster, trainer, discussion time) before
anything is written, so a bad roster row or a typo in the track creates no session. The trainer's
and the learner's terminals are objects the CLI passes in (``TrainerScreens``, ``LearnerScreen``):
this module decides what happens and in what order, and never draws or prompts itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ltl_quiz.app.opening import load_case, open_store
from ltl_quiz.config import Learner
from ltl_quiz.engine.state_machine import FACILITATED, LIVE
from ltl_quiz.errors import BadOptionValue, InputError, SessionClosed
from ltl_quiz.json_types import JSONObject
from ltl_quiz.locations import Locations
from ltl_quiz.sessions.codes import normalise_code
from ltl_quiz.sessions.room_words import for_room
from ltl_quiz.sessions.roster import parse_participant, read_roster

if TYPE_CHECKING:
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.sessions.model import SessionState
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.sessions.presence import Terminal
    from ltl_quiz.sessions.rows import ParticipantRow, SessionRow


class TrainerScreens(Protocol):
    """The trainer's terminal, as the session commands need it."""

    def say(self, text: str) -> None:
        """A line for the trainer."""

    def ask_for_the_room(self) -> list[str]:
        """The people in the room as 'STAFF,NAME,UNIT' values, [] for a demonstration; raises ``Left`` to stop."""

    def facilitate(self, sessions: SessionStore, scenario: Scenario, code: str, fresh: bool) -> SessionRow | None:
        """Run the facilitated session's screen to its end (or a pause: None)."""

    def host(self, sessions: SessionStore, scenario: Scenario, code: str, fresh: bool) -> SessionRow | None:
        """Run the live host's screen to its end (or a pause: None)."""


class LearnerScreen(Protocol):
    """A learner's terminal in a live session."""

    def who(self, where: Locations, learner_id: str | None, name: str | None, unit: str | None) -> Learner:
        """The learner this terminal records for (from the options, remembered, or asked)."""

    def follow(
        self, sessions: SessionStore, scenario: Scenario, code: str, learner: Learner, terminal: Terminal, take_over: bool
    ) -> ParticipantRow | None:
        """Follow the room to the end of the session, answering as it goes."""


@dataclass(frozen=True)
class NewSession:
    """What ``session start`` and ``session host`` are given."""

    case: str
    trainer: str
    roster: Path | None = None
    participants: list[str] | None = None
    track: str | None = None
    minutes: float | None = None


def people_from(roster: Path | None, participants: list[str] | None) -> list[Learner]:
    """The session's list: a roster file, ``--participant`` values, or both (roster first)."""
    people = read_roster(roster) if roster else []
    seen = {p.id for p in people}
    for index, value in enumerate(participants or [], start=1):
        person = parse_participant(value, index)
        if person.id not in seen:
            seen.add(person.id)
            people.append(person)
    return people


def _trainer(new: NewSession) -> str:
    """The trainer's name as the records show it; the discussion time is checked with it."""
    trainer = " ".join(new.trainer.split())
    if not trainer:
        raise InputError("--trainer is empty; give the trainer's name, as it should appear in the records")
    if new.minutes is not None and not 0 < new.minutes <= 120:
        raise BadOptionValue(f"--discussion-minutes {new.minutes:g} is out of range; give a number of minutes above 0 and up to 120")
    return trainer


def _case(where: Locations, new: NewSession, kind: str) -> tuple[Scenario, SessionState]:
    """The case and the session's first state (which checks the track)."""
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now

    scenario = for_room(load_case(where, new.case))
    return scenario, model.first_state(scenario, new.track or scenario.audiences[0], kind, now(), new.minutes)


@contextlib.contextmanager
def _created(where: Locations, new: NewSession, kind: str) -> Iterator[tuple[SessionStore, Scenario, str]]:
    """The session created, once every option is checked; the store is closed when the block ends."""
    from ltl_quiz.sessions.orchestration import SessionStore

    trainer = _trainer(new)
    people = people_from(new.roster, new.participants)
    scenario, state = _case(where, new, kind)
    with open_store(where) as store:
        sessions = SessionStore(store)
        yield sessions, scenario, sessions.create(scenario, kind, trainer, people, state)


def start(where: Locations, new: NewSession, screens: TrainerScreens) -> SessionRow | None:
    """A facilitated session: with nobody on its list the trainer is asked for the room (issue 13)
    after the options are checked, then it is created and the trainer's screen runs."""
    if not people_from(new.roster, new.participants):
        _trainer(new)  # a bad option is named before any question
        _case(where, new, FACILITATED)
        new = NewSession(new.case, new.trainer, new.roster, screens.ask_for_the_room(), new.track, new.minutes)
    with _created(where, new, FACILITATED) as (sessions, scenario, code):
        screens.say(f"Session {code} created. If you stop, carry on with: ltl-quiz session resume {code}")
        return screens.facilitate(sessions, scenario, code, True)


def host(where: Locations, new: NewSession, screens: TrainerScreens) -> SessionRow | None:
    """A live session: create it, then run the host's screen (which shows its code)."""
    with _created(where, new, LIVE) as (sessions, scenario, code):
        return screens.host(sessions, scenario, code, True)


def resume(where: Locations, code: str, screens: TrainerScreens) -> SessionRow | None:
    """Carry on a paused session (or one whose trainer's terminal was closed) from the step it stood at."""
    from ltl_quiz.sessions.orchestration import SessionStore

    code = normalise_code(code)
    with open_store(where) as store:
        sessions = SessionStore(store)
        row = sessions.session(code)
        if row.status == "closed":
            raise SessionClosed(f"session {code} has ended; see its record: ltl-quiz session report {code}")
        scenario = _scenario_for(where, row, screens)
        screens.say(f"Carrying on session {code} ({row.kind}) at step {row.state.seq + 1}.")
        run = screens.facilitate if row.kind == FACILITATED else screens.host
        return run(sessions, scenario, code, False)


@dataclass(frozen=True)
class Joining:
    """What ``session join`` is given."""

    code: str
    learner_id: str | None = None
    name: str | None = None
    unit: str | None = None
    take_over: bool = False


def join(where: Locations, given: Joining, screen: LearnerScreen) -> ParticipantRow | None:
    """A learner joins a live session from their own terminal; one terminal per learner (issue 13),
    unless ``take_over`` moves them here from one that is lost."""
    from ltl_quiz.sessions.leases import check
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.sessions.presence import Terminal

    code = normalise_code(given.code)
    with open_store(where) as store:
        scenario = _joinable(where, SessionStore(store), code)  # an unknown code is said before "Is that you?" (issue 13)
    learner = screen.who(where, given.learner_id, given.name, given.unit)
    with open_store(where) as store:
        sessions = SessionStore(store)
        me = Terminal.this_one()
        check(store, code, learner, me, given.take_over)  # refused before the content note, not after it
        return screen.follow(sessions, for_room(scenario), code, learner, me, given.take_over)


def _joinable(where: Locations, sessions: SessionStore, code: str) -> Scenario:
    """The case of the live session ``code``, refused in one line when there is none to join."""
    row = sessions.session(code)
    if row.status == "closed":
        raise SessionClosed(f"session {code} has ended; ask your trainer for the code of a new one")
    if row.kind != LIVE:
        raise InputError(f"session {code} is run from the trainer's screen, so there is nothing to join; follow it in the room")
    scenario = load_case(where, row.scenario_id)
    if scenario.sha256 != row.scenario_sha256:
        raise InputError(
            f"your copy of {scenario.id} differs from the one session {code} uses; update ltl-quiz (or point --scenarios at the trainer's folder)"
        )
    return scenario


@dataclass(frozen=True)
class SessionRecord:
    """``session report``: the record as data (``sessions.report.build``) and the case it is read against."""

    scenario: Scenario
    data: JSONObject

    def as_dict(self) -> JSONObject:
        return self.data


def report(where: Locations, code: str) -> SessionRecord:
    """The session's record: participants, distributions, branches followed, notes and reflections."""
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.sessions.report import build

    code = normalise_code(code)
    with open_store(where) as store:
        row = SessionStore(store).session(code)
        scenario = load_case(where, row.scenario_id)
        return SessionRecord(scenario, build(store, code, scenario))


@dataclass(frozen=True)
class SessionSummary:
    """One session as ``session list`` shows it (and ``--json`` prints it)."""

    code: str
    kind: str
    scenario: str
    track: str
    trainer: str
    status: str
    step: int  # the step the room is at, from 1
    participants: int  # who have taken part so far
    created_at: str

    def as_dict(self) -> JSONObject:
        return asdict(self)


@dataclass(frozen=True)
class SessionList:
    """``session list``: every session in the store, oldest first; ``records()`` is what ``--json`` prints."""

    rows: list[SessionSummary]

    def records(self) -> list[JSONObject]:
        return [r.as_dict() for r in self.rows]

    def as_dict(self) -> JSONObject:
        return {"sessions": self.records()}

    def lines(self) -> list[str]:
        if not self.rows:
            return ["No group sessions yet. Start one with 'ltl-quiz session start CASE --trainer NAME'."]
        return [
            f"{r.code}: {r.scenario} ({r.track} track, {r.kind}), trainer {r.trainer}, {r.status} at step {r.step}, "
            f"{r.participants} taking part, created {r.created_at[:16].replace('T', ' ')} UTC"
            for r in self.rows
        ]


def list_sessions(where: Locations) -> SessionList:
    """Every session in the store, with who took part so far."""
    from ltl_quiz.sessions.orchestration import SessionStore

    with open_store(where) as store:
        sessions = SessionStore(store)
        return SessionList(
            [
                SessionSummary(
                    code=r.code,
                    kind=r.kind,
                    scenario=r.scenario_id,
                    track=r.track,
                    trainer=r.trainer,
                    status=r.status,
                    step=r.state.seq + 1,
                    participants=sum(1 for p in sessions.participants(r.code) if p.attempt_id),
                    created_at=r.created_at,
                )
                for r in sessions.sessions()
            ]
        )


def _scenario_for(where: Locations, row: SessionRow, screens: TrainerScreens) -> Scenario:
    """The case as the session began it: a new version refuses, an edit of the same version is noted."""
    scenario = load_case(where, row.scenario_id)
    if scenario.sha256 != row.scenario_sha256:
        version = row.state.room.scenario_version
        if scenario.version != version:
            raise InputError(
                f"{scenario.id} has changed from version {version} to {scenario.version} since session {row.code} began; start a new session"
            )
        screens.say(f"Note: {scenario.id} has been edited since this session began (same version {scenario.version}).")
    return for_room(scenario)
