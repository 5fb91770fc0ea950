"""What each ``ltl-quiz session`` command does, as plain functions the thin CLI calls with parsed options.

Everything a command is given is checked (case, track, roster, trainer) before anything is
written, so a bad roster row or a typo in the track creates no session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ltl_quiz.config import Learner
from ltl_quiz.errors import BadOptionValue, InputError, SessionClosed
from ltl_quiz.locations import Locations
from ltl_quiz.sessions.codes import normalise_code
from ltl_quiz.sessions.roster import parse_participant, read_roster
from ltl_quiz.ui.actions import load_case, open_store, resolve_learner

if TYPE_CHECKING:
    from ltl_quiz.model import Scenario
    from ltl_quiz.store.sessions import SessionRow, SessionStore
    from ltl_quiz.ui.render import Renderer


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


def trainer_io(ui: Renderer) -> tuple[Any, Any]:
    """The trainer's prompter and key reader: numbered lines in plain mode, arrow keys and single keys in rich."""
    from ltl_quiz.ui.sessions.terminal import LineSource, SessionPlainPrompter, TtyKeys, WatchedQuestionary

    if ui.plain:
        lines = LineSource()
        return SessionPlainPrompter(ui.say, lines), lines
    return WatchedQuestionary(), (TtyKeys() if TtyKeys.available() else LineSource())


def _check_minutes(minutes: float | None) -> float | None:
    if minutes is not None and not 0 < minutes <= 120:
        raise BadOptionValue(f"--discussion-minutes {minutes:g} is out of range; give a number of minutes above 0 and up to 120")
    return minutes


def _create(
    where: Locations,
    case: str,
    kind: str,
    trainer: str,
    roster: Path | None,
    participants: list[str] | None,
    track: str | None,
    minutes: float | None,
) -> tuple[SessionStore, Scenario, str]:
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now
    from ltl_quiz.store.sessions import SessionStore

    trainer = " ".join(trainer.split())
    if not trainer:
        raise InputError("--trainer is empty; give the trainer's name, as it should appear in the records")
    minutes = _check_minutes(minutes)
    people = people_from(roster, participants)
    scenario = load_case(where, case)
    state = model.first_state(scenario, track or scenario.audiences[0], kind, now(), minutes)  # checks the track
    sessions = SessionStore(open_store(where))
    return sessions, scenario, sessions.create(scenario, kind, trainer, people, state)


def _precheck(where: Locations, case: str, trainer: str, track: str | None, minutes: float | None) -> None:
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now

    if not " ".join(trainer.split()):
        raise InputError("--trainer is empty; give the trainer's name, as it should appear in the records")
    minutes = _check_minutes(minutes)
    scenario = load_case(where, case)
    model.first_state(scenario, track or scenario.audiences[0], "facilitated", now(), minutes)


def ask_for_the_room(ui: Renderer, ask: Any) -> list[str]:
    """A facilitated session with nobody on its list gives nobody a record (issue 13): ask for the
    people in the room, or for the trainer's word that this is a demonstration."""
    from ltl_quiz.errors import Left, RosterError

    ways = [
        ("add", "Add the people in the room now (staff number, name, unit)"),
        ("demo", "Run it as a demonstration: nobody gets a record"),
        ("stop", "Stop here, to start again with --roster or --participant"),
    ]
    way = ask.select("no-roster", "Nobody is on this session's list, so nobody would get a record of it.", ways)
    if way == "stop":
        raise Left("Nothing was started. Give the room with --roster FILE or --participant 'STAFF,NAME,UNIT'.")
    if way == "demo":
        ui.say("A demonstration: the room's answers are shown but nobody gets a record.")
        return []
    people: list[str] = []
    while True:
        value = ask.text("participant", f"Person {len(people) + 1} as STAFF,NAME,UNIT (or an empty line when everyone is in):").strip()
        if not value:
            if people:
                return people
            ui.say("Nobody added yet: add at least one person, or stop with Ctrl-C.")
            continue
        try:
            parse_participant(value, len(people) + 1)
        except RosterError as exc:
            ui.say(f"Not added: {exc}")
            continue
        people.append(value)


def start(
    where: Locations,
    ui: Renderer,
    case: str,
    trainer: str,
    roster: Path | None,
    participants: list[str] | None,
    track: str | None,
    minutes: float | None,
) -> SessionRow | None:
    """A facilitated session: create it, then run the trainer's screen."""
    from ltl_quiz.ui.sessions.trainer import Facilitated
    from ltl_quiz.ui.sessions.view import SessionView

    ask, keys = trainer_io(ui)
    if not people_from(roster, participants):
        _precheck(where, case, trainer, track, minutes)  # a bad option is named before any question
        participants = ask_for_the_room(ui, ask)
    sessions, scenario, code = _create(where, case, "facilitated", trainer, roster, participants, track, minutes)
    try:
        ui.say(f"Session {code} created. If you stop, carry on with: ltl-quiz session resume {code}")
        return Facilitated(sessions, scenario, code, SessionView(ui, projected=True), ask, keys, fresh=True).run()
    finally:
        sessions.store.close()


def host(
    where: Locations,
    ui: Renderer,
    case: str,
    trainer: str,
    roster: Path | None,
    participants: list[str] | None,
    track: str | None,
    minutes: float | None,
) -> SessionRow | None:
    """A live session: create it, show its code, and run the host's screen."""
    from ltl_quiz.ui.sessions.host import LiveHost
    from ltl_quiz.ui.sessions.view import SessionView

    sessions, scenario, code = _create(where, case, "live", trainer, roster, participants, track, minutes)
    try:
        ask, keys = trainer_io(ui)
        return LiveHost(sessions, scenario, code, SessionView(ui, projected=True), ask, keys, fresh=True).run()
    finally:
        sessions.store.close()


def resume(where: Locations, ui: Renderer, code: str) -> SessionRow | None:
    """Carry on a paused session (or one whose trainer's terminal was closed) from the step it stood at."""
    from ltl_quiz.store.sessions import SessionStore
    from ltl_quiz.ui.sessions.host import LiveHost
    from ltl_quiz.ui.sessions.trainer import Facilitated
    from ltl_quiz.ui.sessions.view import SessionView

    code = normalise_code(code)
    sessions = SessionStore(open_store(where))
    try:
        row = sessions.session(code)
        if row.status == "closed":
            raise SessionClosed(f"session {code} has ended; see its record: ltl-quiz session report {code}")
        scenario = _scenario_for(where, row, ui)
        screen = Facilitated if row.kind == "facilitated" else LiveHost
        ui.say(f"Carrying on session {code} ({row.kind}) at step {row.state.seq + 1}.")
        ask, keys = trainer_io(ui)
        return screen(sessions, scenario, code, SessionView(ui, projected=True), ask, keys).run()
    finally:
        sessions.store.close()


def join(
    where: Locations,
    ui: Renderer,
    code: str,
    learner_id: str | None,
    name: str | None,
    unit: str | None,
    answers: str | None,
    take_over: bool = False,
) -> Any:
    """A learner joins a live session from their own terminal; one terminal per learner (issue 13),
    unless ``take_over`` moves them here from one that is lost."""
    from ltl_quiz.sessions.presence import Terminal
    from ltl_quiz.store.leases import check
    from ltl_quiz.store.sessions import SessionStore
    from ltl_quiz.ui.prompts import ScriptedPrompter, load_answers
    from ltl_quiz.ui.sessions.learner import LiveLearner
    from ltl_quiz.ui.sessions.terminal import LineSource, SessionPlainPrompter, WatchedQuestionary
    from ltl_quiz.ui.sessions.view import SessionView

    code = normalise_code(code)
    lines = None
    if answers:
        prompter: Any = ScriptedPrompter(load_answers(answers), answers, ui.say)
    elif ui.plain:
        lines = LineSource()
        prompter = SessionPlainPrompter(ui.say, lines)
    else:
        prompter = WatchedQuestionary()
    learner = resolve_learner(where, learner_id, name, unit, prompter)
    sessions = SessionStore(open_store(where))
    try:
        row = sessions.session(code)
        if row.status == "closed":
            raise SessionClosed(f"session {code} has ended; ask your trainer for the code of a new one")
        if row.kind != "live":
            raise InputError(f"session {code} is run from the trainer's screen, so there is nothing to join; follow it in the room")
        scenario = load_case(where, row.scenario_id)
        if scenario.sha256 != row.scenario_sha256:
            raise InputError(
                f"your copy of {scenario.id} differs from the one session {code} uses; update ltl-quiz (or point --scenarios at the trainer's folder)"
            )
        me = Terminal.this_one()
        check(sessions.store, code, learner, me, take_over)  # refused before the content note, not after it
        return LiveLearner(sessions, scenario, code, learner, SessionView(ui), prompter, lines, me, take_over).run()
    finally:
        sessions.store.close()


def report(where: Locations, ui: Renderer, code: str, as_json: bool) -> dict[str, Any]:
    """The session's record: participants, distributions, branches followed, notes and reflections."""
    from ltl_quiz.sessions import report as records
    from ltl_quiz.store.sessions import SessionStore
    from ltl_quiz.ui.sessions.record import show
    from ltl_quiz.ui.sessions.view import SessionView

    code = normalise_code(code)
    store = open_store(where)
    try:
        row = SessionStore(store).session(code)
        scenario = load_case(where, row.scenario_id)
        data = records.build(store, code, scenario)
    finally:
        store.close()
    if as_json:
        print(json.dumps(data, indent=2))
    else:
        show(SessionView(ui), scenario, data)
    return data


def list_sessions(where: Locations, ui: Renderer, as_json: bool) -> list[dict[str, Any]]:
    """Every session in the store, oldest first."""
    from ltl_quiz.store.sessions import SessionStore

    store = open_store(where)
    try:
        sessions = SessionStore(store)
        rows: list[dict[str, Any]] = [
            {
                "code": r.code,
                "kind": r.kind,
                "scenario": r.scenario_id,
                "track": r.track,
                "trainer": r.trainer,
                "status": r.status,
                "step": r.state.seq + 1,
                "participants": sum(1 for p in sessions.participants(r.code) if p.attempt_id),
                "created_at": r.created_at,
            }
            for r in sessions.sessions()
        ]
    finally:
        store.close()
    if as_json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        ui.say("No group sessions yet. Start one with 'ltl-quiz session start CASE --trainer NAME'.")
    for r in [] if as_json else rows:
        when = r["created_at"][:16].replace("T", " ")
        ui.say(
            f"{r['code']}: {r['scenario']} ({r['track']} track, {r['kind']}), trainer {r['trainer']}, {r['status']} at step {r['step']}, {r['participants']} taking part, created {when} UTC"
        )
    return rows


def _scenario_for(where: Locations, row: SessionRow, ui: Renderer) -> Scenario:
    scenario = load_case(where, row.scenario_id)
    if scenario.sha256 != row.scenario_sha256:
        version = row.state.room.scenario_version
        if scenario.version != version:
            raise InputError(
                f"{scenario.id} has changed from version {version} to {scenario.version} since session {row.code} began; start a new session"
            )
        ui.say(f"Note: {scenario.id} has been edited since this session began (same version {scenario.version}).")
    return scenario
