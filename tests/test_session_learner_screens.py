"""A live learner's screen at a real terminal (issue 13), on a pty with pyte at 80x24 in rich mode.

The ending comes a part at a time, as in a learner's own debrief, and closes with their own
decisions beside the room's and the recommended ones; a critical choice is told by what it means
for the child and the case (a group session has no pass to lose); and a reflection gets the same
language note the learner's own run gives.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from screen import ENTER, TIMEOUT, Terminal, words

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store, now

PART = r"The ending, part (\d) of 4"
MORE = r"Press any key for more"


def joined(example_dir: Path, example_path: Path, db_url: str) -> tuple[Terminal, SessionStore, str, object]:
    """A learner in a live session, at its first decision, having chosen B (the critical choice)."""
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat", [], model.first_state(scenario, "officer", "live", now()))
    args = ["--scenarios", str(example_dir), "session", "join", code, "--learner", "PC301", "--name", "Robin", "--rich"]
    term = Terminal(args, 80, 24)
    term.wait_for(r"Do you want to take part in this case study\? \(y/n\)")
    term.settle(0.1)
    term.send("y" + ENTER)
    term.wait_for("Waiting for the trainer to start.")
    sessions.begin(code, scenario, 0)
    sessions.advance(code, scenario, 0, engine.Continue())
    term.wait_for("Waiting for the trainer to open this decision.")
    sessions.open(code, scenario, 1)
    term.wait_for(r"\? How do you grade the call")
    term.settle(0.5)
    term.send("2")
    term.wait_for(r"» B\. Tell the caller")
    term.settle(0.2)
    term.send(ENTER)
    term.wait_for(r"Saved: B\.")
    return term, sessions, code, scenario


def press_on(term: Terminal) -> None:
    before = term.text()
    term.send(ENTER)
    end = time.monotonic() + TIMEOUT
    while term.text() == before and time.monotonic() < end:
        term.settle(0.1)


def walk(term: Terminal, sessions: SessionStore, code: str, scenario: object, reflection: str = "Who the two men are") -> None:
    """The trainer takes the room the recommended way to the end; the learner writes at the key question."""
    while (step := model.step_of(scenario, (state := sessions.session(code).state))) is not None:  # type: ignore[arg-type]
        if step.is_choice:
            if state.phase == "reading":
                sessions.open(code, scenario, step.seq)
            sessions.reveal(code, scenario, step.seq)
            sessions.advance(code, scenario, step.seq, engine.Choose(list(scenario.nodes[step.key].recommended)))  # type: ignore[attr-defined]
        elif step.is_discussion:
            term.wait_for(r"Your reflection")
            term.settle(0.2)
            term.send(reflection + ENTER)
            term.wait_for("The model answer points come when the trainer ends the discussion")
            sessions.advance(code, scenario, step.seq, engine.Reflect(""))
        else:
            sessions.advance(code, scenario, step.seq, engine.Continue())
        time.sleep(0.3)


def test_the_ending_comes_a_part_at_a_time_then_the_learners_decisions_beside_the_rooms(example_dir, example_path, db_url) -> None:
    term, sessions, code, scenario = joined(example_dir, example_path, db_url)
    try:
        sessions.reveal(code, scenario, 1)
        term.wait_for("Waiting for the trainer to move on.")
        term.settle(0.2)
        seen = words(" ".join(term.history_rows()))
        assert "cannot pass" not in seen  # a group session has no pass to lose
        assert "Critical: one of the most serious mistakes in this case, for the child's safety" in seen
        sessions.advance(code, scenario, 1, engine.Choose(["send-officers"]))  # the trainer explores A
        walk(term, sessions, code, scenario)
        parts = []
        while len(parts) < 4:
            found = term.wait_for(rf"{PART}|{MORE}")
            term.settle(0.3)
            part = re.search(PART, term.text())
            if part and not re.search(MORE, term.text()):
                parts.append(int(part.group(1)))
                if parts == [1]:
                    assert "Ending:" in term.text() and "What actually happened" not in " ".join(term.history_rows())
                if parts[-1] == 4:
                    break
            assert found
            press_on(term)
        assert parts == [1, 2, 3, 4]
        screen = words(term.text())
        assert "Your decisions beside the room's and the recommended ones" in " ".join(term.history_rows())
        assert "You chose: B. Tell the caller it is not an emergency and to ring 101." in screen
        assert "The room followed: A. Grade it for attendance and send officers for a welfare check." in screen
        assert "Recommended: A. Grade it for attendance and send officers for a welfare check." in screen
        assert "That is the end of the case" not in screen  # not until the learner has read on
        press_on(term)
        term.wait_for("That is the end of the case. Waiting for the trainer to close the session.")
    finally:
        term.close()


def test_a_live_reflection_gets_the_language_note_the_learners_own_run_gives(example_dir, example_path, db_url) -> None:
    term, sessions, code, scenario = joined(example_dir, example_path, db_url)
    try:
        sessions.reveal(code, scenario, 1)
        sessions.advance(code, scenario, 1, engine.Choose(["send-officers"]))
        walk(term, sessions, code, scenario, "the girl put herself at risk and was promiscuous")
        term.wait_for(PART)
        seen = words(" ".join(term.history_rows()))
        assert "A note on language" in seen
        assert "You wrote “put herself at risk”." in seen and "You wrote “promiscuous”." in seen
        assert "your score" not in seen  # a group session has no score to speak of
        assert seen.index("A note on language") < seen.index("The model answer points come when the trainer ends the discussion")
    finally:
        term.close()


def test_ctrl_c_while_waiting_leaves_on_a_line_of_its_own(example_dir, example_path, db_url) -> None:
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat", [], model.first_state(scenario, "officer", "live", now()))
    term = Terminal(["--scenarios", str(example_dir), "session", "join", code, "--learner", "PC301", "--name", "Robin", "--rich"], 80, 24)
    try:
        term.wait_for(r"Do you want to take part in this case study\? \(y/n\)")
        term.settle(0.1)
        term.send("y" + ENTER)
        term.wait_for("Waiting for the trainer to start.")
        term.settle(0.3)
        term.send("\x03")
        term.wait_for("You have left session")
        term.settle(0.3)
        row = next(r for r in term.rows() if "You have left session" in r)
        assert row.startswith("You have left session"), term.text()
    finally:
        term.close()
