"""The live host's board at a real terminal (issue 13), on a pty with pyte at 80x24 in rich mode.

Only the documented keys act on the board: a Space pressed at the lobby or at a key question's
board does nothing but say which keys do; ending a discussion before everyone here has written a
reflection is asked about first; and a skipped reflection is counted as skipped, not as written.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from room_steps import room_to_the_reflection
from screen import ENTER, SPACE, Terminal

from ltl_quiz.config import Learner
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.presence import Terminal as Place
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store import Store, now

KEYS = "Only Enter goes on, and p pauses the session"


def at_the_key_question(example_path: Path, db_url: str) -> tuple[SessionStore, str, object]:
    """A live session with three learners in, walked by the store to the key question's discussion."""
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat", [], model.first_state(scenario, "officer", "live", now()))
    for i, name in enumerate(["Alex Smith", "Jo Bloggs", "Sam Patel"]):
        sessions.join(code, Learner(f"PC30{i}", name), scenario, terminal=Place.this_one())
    room_to_the_reflection(sessions, code, scenario)
    return sessions, code, scenario


def reflect(sessions: SessionStore, code: str, scenario: object, learner_id: str, text: str) -> None:
    step = model.step_of(scenario, sessions.session(code).state)  # type: ignore[arg-type]
    assert step is not None and step.is_discussion
    sessions.submit(code, learner_id, step, OwnAnswer([], text), str(uuid.uuid4()), now())


def test_a_space_does_not_start_the_session(example_dir, db_url) -> None:
    args = ["--scenarios", str(example_dir), "session", "host", "example-welfare-call", "--trainer", "Pat", "--rich"]
    term = Terminal(args, 80, 24)
    try:
        code = term.wait_for(r"Join code ([A-Z0-9]{6})").group(1)
        term.wait_for("Enter: start the session")
        term.settle(0.3)
        term.send(SPACE)
        term.wait_for(KEYS)
        term.settle(0.5)
        assert SessionStore(Store(db_url)).session(code).state.phase == "lobby"
        term.send(ENTER)
        term.wait_for("Continue to the next decision: press Enter")
    finally:
        term.close()


def test_a_space_does_not_end_the_discussion_and_enter_asks_first(example_dir, example_path, db_url) -> None:
    sessions, code, scenario = at_the_key_question(example_path, db_url)
    term = Terminal(["--scenarios", str(example_dir), "session", "resume", code, "--rich"], 80, 24)
    try:
        term.wait_for("0 of 3 have written a reflection")
        reflect(sessions, code, scenario, "PC300", "Who the two men are")
        reflect(sessions, code, scenario, "PC301", "")  # pressed Enter: skipped
        term.wait_for("1 of 3 has written a reflection, 1 skipped")
        assert "Everyone" not in term.text()
        term.settle(0.3)
        term.send(SPACE)
        term.wait_for(KEYS)
        term.settle(0.5)
        assert sessions.session(code).state.phase == "open"  # the points were not sent
        term.send(ENTER)
        term.wait_for(r"Only 1 of 3 has written a reflection \(1 skipped\)\. End the discussion")
        term.settle(0.2)
        term.send("n" + ENTER)
        term.wait_for(r"\? Only 1 of 3 .*\n.*\(y/n\) n")
        term.settle(0.5)
        assert sessions.session(code).state.phase == "open"  # not ended: the board is back
    finally:
        term.close()


def test_a_skipped_reflection_is_not_counted_as_written(example_dir, example_path, db_url) -> None:
    sessions, code, scenario = at_the_key_question(example_path, db_url)
    term = Terminal(["--scenarios", str(example_dir), "session", "resume", code, "--rich"], 80, 24)
    try:
        term.wait_for("0 of 3 have written a reflection")
        reflect(sessions, code, scenario, "PC300", "Who the two men are")
        reflect(sessions, code, scenario, "PC301", "Her age")
        reflect(sessions, code, scenario, "PC302", "")
        term.wait_for("Everyone has answered: 2 written, 1 skipped")
        term.wait_for(r"Sam Patel \(skipped\)")  # the board may still be drawing its rows (seen once under load)
        term.settle(0.3)
        assert "3 of 3 have written" not in term.text()
        term.send(ENTER)
        term.wait_for(r"Only 2 of 3 have written a reflection \(1 skipped\)\. End the discussion")
        term.settle(0.2)
        term.send("y" + ENTER)
        term.wait_for("The learners' screens show these points now")
    finally:
        term.close()


def test_the_join_code_stays_in_view_with_the_lobby_board_at_80x24(example_dir, db_url) -> None:
    args = ["--scenarios", str(example_dir), "session", "host", "example-welfare-call", "--trainer", "Pat", "--rich"]
    term = Terminal(args, 80, 24)
    try:
        term.wait_for("Enter: start the session")
        term.settle(0.5)
        assert re.search(r"Join code [A-Z0-9]{6}", term.text()), term.text()
        assert "On your own terminal type:" in term.text()
    finally:
        term.close()
