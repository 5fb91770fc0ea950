"""A live learner at an open (free-text) prompt when the trainer pauses (issue 13), on a pty.

Learners were told of a pause only once they had answered; one writing a reflection saw nothing.
Now the prompt says so while it waits, keeps what they typed, and takes the answer as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from room_steps import room_to_the_reflection
from screen import ENTER, Terminal

from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store, now

PAUSED = r"The trainer has paused the session\. Your answer stays as you left it"


def joined(example_dir: Path, example_path: Path, db_url: str, mode: str) -> tuple[Scenario, SessionStore, str, Terminal]:
    """A live session of the worked example with Robin Reed joined on a pty, waiting in the lobby."""
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat", [], model.first_state(scenario, "officer", "live", now()))
    args = ["--scenarios", str(example_dir), "session", "join", code, "--learner", "R1", "--name", "Robin Reed", mode]
    term = Terminal(args, 80, 24)
    try:
        term.wait_for(r"take part in this case study\?")
        term.settle(0.2)
        term.send("y" + ENTER)
        term.wait_for("Waiting for the trainer to start")
    except BaseException:
        term.close()
        raise
    return scenario, sessions, code, term


@pytest.mark.parametrize("mode", ["--rich", "--plain"])
def test_a_learner_writing_a_reflection_is_told_of_the_pause_and_keeps_what_they_typed(example_dir, example_path, db_url, mode) -> None:
    scenario, sessions, code, term = joined(example_dir, example_path, db_url, mode)
    try:
        room_to_the_reflection(sessions, code, scenario)
        term.wait_for(r"Your reflection, for your own record \(Enter to skip\):")
        term.settle(0.3)
        term.send("Who the m")
        term.wait_for("Who the m")
        sessions.pause(code)  # the trainer presses p, or closes the host's terminal
        term.wait_for(PAUSED)
        term.settle(0.3)
        assert "Who the m" in term.text(), term.text()  # still on screen, in the prompt it was typed in
        sessions.set_host(code, {"pid": 0, "machine": "elsewhere"})  # the trainer carries on
        term.wait_for("The trainer has carried on with the session.")
        term.send("en are" + ENTER)
        term.wait_for("Saved")
        step = model.step_of(scenario, sessions.session(code).state)
        assert step is not None and step.is_discussion
        (mine,) = [a for a in sessions.answers(code, step.seq) if a.learner_id == "R1"]
        assert mine.text == "Who the men are"
    finally:
        term.close()


def test_a_learner_waiting_between_prompts_is_told_when_the_trainer_carries_on(example_dir, example_path, db_url) -> None:
    """Told "the trainer has paused the session. Wait here", a learner who was not at a prompt was
    never told the pause had ended: the screen simply went on. Now it says so, once."""
    scenario, sessions, code, term = joined(example_dir, example_path, db_url, "--plain")
    try:
        sessions.begin(code, scenario, 0)
        sessions.pause(code)
        term.wait_for(r"The trainer has paused the session\. Wait here")
        sessions.set_host(code, {"pid": 0, "machine": "elsewhere"})  # the trainer carries on
        term.wait_for("The trainer has carried on with the session.")
        term.settle(0.5)
        assert term.text().count("The trainer has carried on with the session.") == 1, term.text()
    finally:
        term.close()


def test_the_rejoin_hint_names_the_learner_who_left(example_dir, example_path, db_url) -> None:
    """On a shared account the remembered learner can be a colleague: Robin left, Dee joined from the
    same account, and Robin's printed hint (`session join CODE`) offered to record for Dee. The hint
    names the learner who left, so run as printed it rejoins them."""
    import re
    import shlex

    from screen import CTRL_C

    _, _, code, robin = joined(example_dir, example_path, db_url, "--plain")
    try:
        robin.send(CTRL_C)
        robin.wait_for("To rejoin:")
        robin.wait_exit()
    finally:
        robin.close()
    tail = robin.text().split("To rejoin:", 1)[1]
    hint = re.sub(r"\\\s*\n\s*", " ", tail).strip().splitlines()[0]  # one command again, as the shell reads it
    args = ["--scenarios", str(example_dir), "session", "join", code, "--learner", "D2", "--name", "Dee Khan", "--plain"]
    dee = Terminal(args, 80, 24)  # a colleague on the same account: now the remembered learner
    try:
        dee.wait_for(r"take part in this case study\?")
        dee.send("y" + ENTER)
        dee.wait_for("Waiting for the trainer to start")
        dee.send(CTRL_C)
        dee.wait_exit()
    finally:
        dee.close()
    words_ = shlex.split(hint)
    again = Terminal(words_[words_.index("--scenarios") :], 80, 24)
    try:
        again.wait_for(r"take part in this case study\?")
        again.send("y" + ENTER)
        again.wait_for(r"Welcome back, Robin Reed|Robin Reed \(R1")
        assert "Dee Khan" not in again.text(), again.text()
    finally:
        again.close()
