"""The store's guarantees for sessions: each answer once, none after the reveal, one screen driving, clear refusals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import SessionClosed, SessionMoved
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store import Store, now


def live_session(db_url: str, example_path: Path, people: int) -> tuple[SessionStore, object, str]:
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat Trainer", [], model.first_state(scenario, "officer", "live", now()))
    for i in range(people):
        sessions.join(code, Learner(f"L{i:02d}", f"Learner {i:02d}"), scenario)
    sessions.begin(code, scenario, 0)
    sessions.advance(code, scenario, 0, engine.Continue())
    sessions.open(code, scenario, 1)
    return sessions, scenario, code


def test_answers_given_at_the_same_moment_are_each_counted_once(db_url: str, example_path: Path) -> None:
    sessions, scenario, code = live_session(db_url, example_path, 16)
    step = model.step_of(scenario, sessions.session(code).state)
    start = threading.Barrier(16)
    outcomes: dict[str, list[str]] = {}

    def answer(i: int) -> None:
        mine = SessionStore(Store(db_url))  # a connection of its own, as a learner's process has
        learner_id, answer_id = f"L{i:02d}", str(uuid.uuid4())
        choice = OwnAnswer(["send-officers" if i % 4 else "tell-caller-101"])
        start.wait()
        first = mine.submit(code, learner_id, step, choice, answer_id, now())
        retried = mine.submit(code, learner_id, step, choice, answer_id, now())  # the reply was lost: the same id again
        another = mine.submit(code, learner_id, step, OwnAnswer(["tell-caller-101"]), str(uuid.uuid4()), now())
        outcomes[learner_id] = [first.outcome, retried.outcome, another.outcome]
        mine.store.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes == {f"L{i:02d}": ["saved", "saved", "already"] for i in range(16)}
    revealed = sessions.reveal(code, scenario, 1)
    assert revealed.distribution.counts == {"send-officers": 12, "tell-caller-101": 4} and revealed.distribution.responses == 16
    late = sessions.submit(code, "L99", step, OwnAnswer(["send-officers"]), str(uuid.uuid4()), now())
    assert late.outcome == "closed"
    assert len(sessions.answers(code, 1)) == 16


def test_two_screens_cannot_both_move_the_room_on(db_url: str, example_path: Path) -> None:
    sessions, scenario, code = live_session(db_url, example_path, 1)
    other = SessionStore(Store(db_url))
    sessions.reveal(code, scenario, 1)
    with pytest.raises(SessionMoved, match=r"the session is at step 2 \(revealed\), not step 2 \(open\); is another screen driving it\?"):
        other.reveal(code, scenario, 1)
    sessions.advance(code, scenario, 1, engine.Choose(["send-officers"]))
    with pytest.raises(SessionMoved):
        other.advance(code, scenario, 1, engine.Choose(["tell-caller-101"]))
    assert [a.node_id for a in sessions.session(code).state.room.answers] == ["call-received", "call-grading"]


def test_rejoining_keeps_the_same_record(db_url: str, example_path: Path) -> None:
    sessions, scenario, code = live_session(db_url, example_path, 1)
    first = sessions.participants(code)[0]
    sessions.leave(code, "L00")
    assert not sessions.participants(code)[0].here
    again = sessions.join(code, Learner("L00", "Learner 00"), scenario)
    assert (again.attempt_id, again.joined_seq, again.here) == (first.attempt_id, 0, True)
    with pytest.raises(SessionMoved, match=r"can close only when the case is finished"):
        sessions.close(code, scenario)


def test_a_closed_session_takes_nothing_more(db_url: str, example_path: Path) -> None:
    sessions, scenario, code = live_session(db_url, example_path, 1)
    sessions.reveal(code, scenario, 1)
    sessions.advance(code, scenario, 1, engine.Choose(["tell-caller-101"]))
    sessions.advance(code, scenario, 2, engine.Reflect("notes"), notes="notes")
    sessions.close(code, scenario)
    with pytest.raises(SessionClosed, match=f"session {code} has ended; ask your trainer for the code of a new one"):
        sessions.join(code, Learner("L01", "Learner 01"), scenario)
    with pytest.raises(SessionClosed):
        sessions.pause(code)


def invoke(runner: CliRunner, example_dir: Path, *args: str):
    return runner.invoke(app, ["--scenarios", str(example_dir), "session", *args])


def test_joining_needs_a_live_open_session(runner: CliRunner, example_dir: Path, example_path: Path, db_url: str) -> None:
    who = ["--learner", "L01", "--name", "Learner 01"]
    assert invoke(runner, example_dir, "join", "ABC", *who).output.strip() == (
        "error: 'ABC' is not a session code: a code is 6 letters and digits (it never uses I, L, O, S, 0, 1 or 5); type it as the trainer's screen shows it"
    )
    assert invoke(runner, example_dir, "join", "abcdef", *who).output.strip() == (
        f"error: no session 'ABCDEF'; check the code on the trainer's screen (or 'ltl-quiz --scenarios {example_dir.resolve()} session list')"
    )
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "facilitated", "Pat", [], model.first_state(scenario, "officer", "facilitated", now()))
    result = invoke(runner, example_dir, "join", code, *who)
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"error: session {code} is run from the trainer's screen, so there is nothing to join; follow it in the room"
    )
    assert invoke(runner, example_dir, "report", "ABCDEF").output.strip().startswith("error: no session 'ABCDEF'")
    assert invoke(runner, example_dir, "list").output.startswith(
        f"{code}: example-welfare-call (officer track, facilitated), trainer Pat, open at step 1, 0 taking part, created "
    )


def test_a_session_still_open_on_this_machine_is_not_taken_over(runner, example_dir, example_path, db_url) -> None:
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "facilitated", "Pat", [], model.first_state(scenario, "officer", "facilitated", now()))
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        sessions.set_host(code, {"pid": other.pid, "machine": socket.gethostname()})
        result = invoke(runner, example_dir, "resume", code)
        assert result.exit_code == 1
        assert f"error: session {code} is already open on this machine (process {other.pid}); close that screen first" in result.output
    finally:
        other.kill()
        other.wait()
    again = invoke(runner, example_dir, "resume", code, "--plain")  # its process has gone: the session can be taken over
    assert again.exit_code == 130 and f"ltl-quiz --scenarios {example_dir.resolve()} session resume {code}" in again.output
    assert sessions.session(code).state.host == {} and sessions.session(code).status == "paused"
    assert os.getpid() != other.pid


def test_a_session_record_is_not_resumed_as_a_solo_attempt(runner, example_dir, example_path, db_url) -> None:
    sessions, _, code = live_session(db_url, example_path, 1)
    attempt = sessions.participants(code)[0].attempt_id
    result = runner.invoke(app, ["--scenarios", str(example_dir), "resume", attempt[:8]])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: attempt {attempt[:8]} is part of group session {code} and follows the room; a live session is rejoined with 'ltl-quiz --scenarios {example_dir.resolve()} session join {code}'"
    )
    assert runner.invoke(app, ["--scenarios", str(example_dir), "session", "list", "--plain"]).exit_code == 0


def test_no_sessions_yet(runner, example_dir, db_url) -> None:
    result = invoke(runner, example_dir, "list")
    assert result.output.strip() == f"No group sessions yet. Start one with 'ltl-quiz --scenarios {example_dir.resolve()} session start CASE --trainer NAME'."
    assert invoke(runner, example_dir, "list", "--json").output.strip() == "[]"
