"""A live session with real processes: a host and a dozen learners answering at once on one store.

Learners are real ``python -m ltl_quiz session join`` processes answering from files; the host is
the real plain-mode host screen, driven by pressing Enter on its standard input when its output
says so. Along the way a learner is killed (SIGKILL) and rejoins, the host is killed and the
session resumed by a new host, and a latecomer joins at the current decision.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from room_steps import room_to_the_reflection

from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.points import reveal_points
from ltl_quiz.store import Store

LEARNERS = 12
WAIT = 60  # seconds: generous for a loaded 2-core CI machine; normally each wait is well under one


class Screen:
    """A process whose output lines are collected as they come, and waited on by pattern."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, timeout: float = WAIT) -> re.Match[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r}; the screen showed:\n" + "\n".join(self.seen[-40:]))

    def type(self, text: str = "") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def read_all_typed(self, timeout: float = WAIT) -> None:
        """Wait until the program has read every line typed so far (its input pipe is empty): "typed
        before the decision opened" is true only once it has the line. Opened at once after typing,
        a loaded machine could let the decision open first, and the line answered it."""
        import fcntl
        import struct
        import termios

        assert self.proc.stdin is not None
        end = time.monotonic() + timeout
        while struct.unpack("i", fcntl.ioctl(self.proc.stdin.fileno(), termios.FIONREAD, b"\0" * 4))[0]:
            assert time.monotonic() < end and self.proc.poll() is None, "the program never read what was typed"
            time.sleep(0.02)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def answers_for(i: int) -> dict[str, Any]:
    """Learner i's answers: 8 send officers and 4 tell the caller to ring 101; every third also ticks the wrong action."""
    return {
        "call-grading": "send-officers" if i < 8 else "tell-caller-101",
        "welfare-actions": ["speak-to-girl-alone", *(["leave-if-she-says-fine"] if i % 3 == 0 else [])],
        "officer-reflection": {"text": f"Reflection from learner {i}", "covered": [1]},
    }


@pytest.fixture
def live(tmp_path: Path, example_dir: Path, db_url: str):
    base = [sys.executable, "-m", "ltl_quiz", "--scenarios", str(example_dir)]
    env = {**os.environ, "LTL_QUIZ_DB": db_url, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    started: list[Any] = []

    def host(*args: str) -> Screen:
        screen = Screen([*base, "session", *args, "--plain"], {**env, "LTL_QUIZ_HOME": str(tmp_path / "trainer")})
        started.append(screen.proc)
        return screen

    def learner(code: str, i: int) -> subprocess.Popen[bytes]:
        answers = tmp_path / f"answers-{i}.yaml"
        answers.write_text(yaml.safe_dump(answers_for(i)), encoding="utf-8")
        args = [*base, "session", "join", code, "--learner", f"L{i:02d}", "--name", f"Learner {i:02d}", "--answers", str(answers)]
        with (tmp_path / f"learner-{i}.log").open("ab") as log:
            proc = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, env={**env, "LTL_QUIZ_HOME": str(tmp_path / f"learner-{i}")}
            )
        started.append(proc)
        return proc

    yield host, learner
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def wait_until(check: Any, timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_live_session_with_twelve_learners_a_killed_learner_a_killed_host_and_a_latecomer(live, tmp_path: Path, db_url: str) -> None:
    host_screen, learner = live
    host = host_screen("host", "example-welfare-call", "--trainer", "Pat Trainer")
    code = host.expect(r"Join code: ([A-Z0-9]{6})").group(1)
    learners = {i: learner(code, i) for i in range(LEARNERS)}  # all at once
    host.expect(rf"has joined \({LEARNERS} here\)")
    host.type()  # start
    host.expect(r"Continue to the next decision: press Enter")
    host.type()
    host.expect(r"Press Enter to open this decision")
    host.type()  # open: twelve learners answer at the same moment
    host.expect(rf"Everyone has answered \({LEARNERS} of {LEARNERS}\)\. Press Enter to reveal the answers\.")
    answered = [line for line in host.seen if " has answered (" in line and not line.startswith("Everyone")]
    assert sorted(line.split(" has answered")[0] for line in answered) == [f"Learner {i:02d}" for i in range(LEARNERS)]  # each once
    host.type()  # reveal
    host.expect(r"Type a letter from A to B")
    host.type("1")  # follow the room's choice

    sessions = SessionStore(Store(db_url))
    assert Counter(a.option_ids[0] for a in sessions.answers(code, 1)) == {"send-officers": 8, "tell-caller-101": 4}
    learners[11].send_signal(signal.SIGKILL)  # a learner's terminal dies after answering
    learners[11].wait(10)

    host.expect(r"Press Enter to open this decision")
    host.type()  # open the multi
    wait_until(lambda: len(sessions.answers(code, 2)) == LEARNERS - 1)
    host.expect(rf"has answered \({LEARNERS - 1} of {LEARNERS}\)")
    host.kill()  # the trainer's terminal dies with the multi open
    assert sessions.session(code).status == "open"

    host = host_screen("resume", code)
    host.expect(rf"Carrying on session {code} \(live\) at step 3\.")
    host.expect(rf"has answered \({LEARNERS - 1} of {LEARNERS}\)")
    learners[11] = learner(code, 11)  # the killed learner rejoins ...
    learners[12] = learner(code, 12)  # ... and a latecomer joins at the current decision
    host.expect(rf"Everyone has answered \({LEARNERS + 1} of {LEARNERS + 1}\)")
    host.type()  # reveal
    host.expect(r"Follow the room's selection \(A\)\? \[y/n\]")
    host.type("y")
    host.expect(rf"Everyone has answered \({LEARNERS + 1} of {LEARNERS + 1}\)\. Press Enter to end the discussion\.")
    host.type()  # the discussion is over: the points go up on every screen only now
    host.expect(r"The learners' screens show these points now")
    host.expect(r"Notes from the discussion")
    host.type("The room wanted to know who the men were.")
    host.expect(r"Close the session: press Enter")
    host.type()
    host.expect(rf"{LEARNERS + 1} participants now have a completion record linked to this session\.")
    assert host.proc.wait(WAIT) == 0
    for i, proc in learners.items():
        assert proc.wait(WAIT) == 0, (tmp_path / f"learner-{i}.log").read_text()
    assert "Welcome back, Learner 11." in (tmp_path / "learner-11.log").read_text()

    # The records: nothing lost, nothing counted twice, and every participant's attempt matches what they gave.
    steps = {s.key: s for s in sessions.steps(code)}
    assert (steps["call-grading"].counts, steps["call-grading"].responses) == ({"send-officers": 8, "tell-caller-101": 4}, 12)
    assert (steps["welfare-actions"].counts, steps["welfare-actions"].responses) == (
        {"speak-to-girl-alone": 13, "leave-if-she-says-fine": 5},
        13,
    )
    assert steps["officer-reflection"].notes == "The room wanted to know who the men were."
    for seq, expected in ((1, 12), (2, 13), (3, 13)):
        given = sessions.answers(code, seq)
        assert len(given) == len({a.learner_id for a in given}) == expected
    store = Store(db_url)
    attempts = {a.learner_id: a for a in store.attempts() if a.session_code == code}
    assert sorted(attempts) == [f"L{i:02d}" for i in range(LEARNERS + 1)]
    assert sessions.session(code).trainer == "Pat Trainer"
    for learner_id, attempt in attempts.items():
        i = int(learner_id[1:])
        mine = answers_for(i)
        rows = {r["node_id"]: r for r in store.answers(attempt.id)}
        assert attempt.status == "completed" and attempt.mode == "live" and attempt.ending == "girl-safe"
        if i == 12:  # the latecomer's record starts at the decision they joined at
            assert list(rows) == ["welfare-actions", "officer-reflection"]
        else:
            assert list(rows) == ["call-received", "call-grading", "welfare-actions", "officer-reflection"]
            assert json.loads(rows["call-grading"]["option_ids"]) == [mine["call-grading"]]
        assert json.loads(rows["welfare-actions"]["option_ids"]) == mine["welfare-actions"]
        assert rows["officer-reflection"]["free_text"] == mine["officer-reflection"]["text"]


def test_a_learner_typing_at_a_plain_terminal(example_dir: Path, example_path: Path, tmp_path: Path, db_url: str) -> None:
    """Typed answers; a prompt that gives way when the trainer moves on; Ctrl-C leaves and keeps what was answered."""
    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.scenario.loader import load_scenario
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now

    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat Trainer", [], model.first_state(scenario, "officer", "live", now()))
    args = [
        sys.executable,
        "-m",
        "ltl_quiz",
        "--scenarios",
        str(example_dir),
        "session",
        "join",
        code.lower(),
        "--learner",
        "P1",
        "--name",
        "Pat Learner",
    ]
    env = {**os.environ, "LTL_QUIZ_DB": db_url, "LTL_QUIZ_HOME": str(tmp_path / "learner"), "PYTHONUNBUFFERED": "1"}
    learner = Screen([*args, "--plain"], env)
    try:
        learner.expect(r"Do you want to take part in this case study\? \[y/n\]")
        learner.type("y")
        learner.expect(r"Welcome, Pat Learner\. You have joined Pat Trainer's session \(officer track\)\.")
        learner.expect(r"Waiting for the trainer to start\.")
        sessions.begin(code, scenario, 0)
        learner.expect(r"A hotel worker calls 999")
        sessions.advance(code, scenario, 0, engine.Continue())
        learner.expect(r"Waiting for the trainer to open this decision\.")
        learner.type("1")  # typed before the decision opened: ignored, not taken as the answer
        learner.read_all_typed()  # ... once the program has it, else the decision could open first
        sessions.open(code, scenario, 1)
        learner.expect(r"Type a letter from A to B and press Enter:")
        learner.type("2")
        learner.expect(r"Saved: B\. Waiting for the trainer to reveal the answers\.")
        sessions.reveal(code, scenario, 1)
        learner.expect(r"Critical: one of the most serious mistakes in this case, for the child.s safety")  # no pass to lose (issue 13)
        sessions.advance(code, scenario, 1, engine.Choose(["tell-caller-101"]))
        learner.expect(r"Your reflection, for your own record \(Enter to skip\):")
        sessions.advance(code, scenario, 2, engine.Reflect("Notes"), notes="Notes")  # the trainer moves on first
        learner.expect(r"The trainer moved on before you finished; nothing was recorded for this question\.")
        learner.expect(r"That is the end of the case\. Waiting for the trainer to close the session\.")
        learner.proc.send_signal(signal.SIGINT)
        learner.expect(rf"You have left session {code}\. Everything you answered is saved\. To rejoin: .*ltl[-_]quiz --scenarios \S+ session join {code}")
        assert learner.proc.wait(WAIT) == 130
    finally:
        learner.kill()
    (me,) = sessions.participants(code)
    assert me.left_at is not None and not me.here
    (given,) = sessions.answers(code)
    assert (given.seq, given.option_ids, given.entered_by) == (1, ["tell-caller-101"], "learner")
    sessions.close(code, scenario)
    attempt = Store(db_url).attempt(me.attempt_id)
    assert (attempt.status, attempt.finished_at) == ("completed", me.left_at)
    assert [(a.kind, a.option_ids, a.text) for a in attempt.state.answers] == [
        ("passage", [], None),
        ("decision", ["tell-caller-101"], None),
        ("reflection", [], None),  # present, but the trainer moved on before they wrote anything
    ]


def test_a_learner_still_writing_at_the_reveal_finishes_then_ticks(example_dir: Path, example_path: Path, tmp_path: Path, db_url: str) -> None:
    """The trainer ends the discussion while a learner is still writing: the prompt stays (the text
    is theirs to finish), and the points come straight after it is saved, to tick."""
    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.scenario.loader import load_scenario
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now

    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat Trainer", [], model.first_state(scenario, "officer", "live", now()))
    args = [sys.executable, "-m", "ltl_quiz", "--scenarios", str(example_dir), "session", "join", code, "--learner", "P2", "--name", "Sam"]
    env = {**os.environ, "LTL_QUIZ_DB": db_url, "LTL_QUIZ_HOME": str(tmp_path / "sam"), "PYTHONUNBUFFERED": "1"}
    learner = Screen([*args, "--plain"], env)
    try:
        learner.expect(r"Do you want to take part in this case study\? \[y/n\]")
        learner.type("y")
        learner.expect(r"Waiting for the trainer to start\.")
        room_to_the_reflection(sessions, code, scenario)
        learner.expect(r"Your reflection, for your own record \(Enter to skip\):")
        reveal_points(sessions, code, scenario, 3)  # the trainer ends the discussion first
        time.sleep(1)
        learner.type("Who the men are")
        learner.expect(r"^Saved\.$")
        learner.expect(r"Points a full answer would cover\. Tick those your answer covered:")
        learner.type("1 3")
        learner.expect(r"Saved\. Waiting for the trainer to move on\.")
        assert given_now(sessions, code, 3) == ("Who the men are", [0, 2])
        sessions.advance(code, scenario, 3, engine.Reflect(""))
        sessions.close(code, scenario)
        learner.expect("The session has ended")
        assert learner.proc.wait(WAIT) == 0
    finally:
        learner.kill()
    assert not any("moved on before you finished" in line for line in learner.seen)
    (me,) = sessions.participants(code)
    rows = {r["node_id"]: r for r in Store(db_url).answers(me.attempt_id)}
    assert (rows["officer-reflection"]["free_text"], json.loads(rows["officer-reflection"]["covered"])) == ("Who the men are", [0, 2])


class Terminal:
    """A process on a real pseudo-terminal: what a learner at an SSH session has. Output is read with colour codes stripped."""

    ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r")

    def __init__(self, args: list[str], env: dict[str, str]):
        import fcntl
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.text = ""
        self.lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            for _ in range(data.count(b"\x1b[6n")):  # answer "where is the cursor?" as a real terminal does
                os.write(self.master, b"\x1b[1;1R")
            with self.lock:
                self.text += self.ANSI.sub("", data.decode("utf-8", "replace"))

    def expect(self, words: str, timeout: float = WAIT) -> None:
        """Wait until ``words`` appear (spaces and line breaks between them do not matter)."""
        want = " ".join(words.split())
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if want in " ".join(self.text.split()):
                    return
            time.sleep(0.05)
        raise AssertionError(f"{words!r} never appeared; the terminal showed:\n{self.text[-3000:]}")

    def keys(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        os.close(self.master)


def test_an_arrow_key_prompt_gives_way_when_the_trainer_reveals(example_dir: Path, example_path: Path, tmp_path: Path, db_url: str) -> None:
    """The rich learner screen on a real terminal: arrow-key prompts, and one closing itself when the trainer reveals."""
    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.scenario.loader import load_scenario
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now

    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat Trainer", [], model.first_state(scenario, "officer", "live", now()))
    args = [
        sys.executable,
        "-m",
        "ltl_quiz",
        "--scenarios",
        str(example_dir),
        "session",
        "join",
        code,
        "--learner",
        "R1",
        "--name",
        "Robin",
    ]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"LTL_QUIZ_DB": db_url, "LTL_QUIZ_HOME": str(tmp_path / "robin"), "TERM": "xterm-256color"})
    learner = Terminal(args, env)
    try:
        learner.expect("Do you want to take part in this case study? (y/n)")
        learner.keys("y\r")  # a yes needs its Enter (issue 13)
        learner.expect("Waiting for the trainer to start.")
        sessions.begin(code, scenario, 0)
        sessions.advance(code, scenario, 0, engine.Continue())
        sessions.open(code, scenario, 1)
        learner.expect("Use the arrow keys or type a letter, then press Enter.")  # the arrow-key menu is up (the room's options carry letters)
        sessions.reveal(code, scenario, 1)  # the trainer reveals before Robin answers
        learner.expect("The trainer closed this decision before you answered, so nothing was recorded for it.")
        learner.expect("Waiting for the trainer to move on.")
        sessions.advance(code, scenario, 1, engine.Choose(["send-officers"]))
        sessions.open(code, scenario, 2)
        learner.expect("Space (or the letter) to tick or untick, Enter when done.")
        learner.keys("\x1b[B \r")  # nothing is highlighted at first: move to the first action, tick it, submit
        learner.expect("Saved: A. Waiting for the trainer to reveal the answers.")
        sessions.reveal(code, scenario, 2)
        learner.expect("Recommended You chose:")  # no points: a group session has no score (issue 13)
        assert "of 3 points" not in learner.text, learner.text
        sessions.advance(code, scenario, 2, engine.Choose(["speak-to-girl-alone"]))
        learner.expect("Your reflection, for your own record (Enter to skip):")
        learner.keys("Who the men are\r")
        learner.expect("Saved. The model answer points come when the trainer ends the discussion.")
        time.sleep(1)  # the room is still discussing: the points must not come up on the learner's screen
        assert "Points a full answer would cover" not in learner.text
        assert given_now(sessions, code, 3) == ("Who the men are", [])  # the reflection is saved already
        reveal_points(sessions, code, scenario, 3)  # the trainer ends the discussion
        learner.expect("Points a full answer would cover. Tick those your answer covered:")
        learner.keys("2\r")  # the second model point, by its number
        learner.expect("Saved. Waiting for the trainer to move on.")
        sessions.advance(code, scenario, 3, engine.Reflect("Notes"), notes="Notes")
        sessions.close(code, scenario)
        read_on_to(learner, "The session has ended")
        assert learner.proc.wait(WAIT) == 0
    finally:
        learner.close()
    given = {a.seq: a for a in sessions.answers(code)}
    assert sorted(given) == [2, 3]
    assert given[2].option_ids == ["speak-to-girl-alone"]
    assert (given[3].text, given[3].covered) == ("Who the men are", [1])


def read_on_to(learner: Terminal, words: str, timeout: float = WAIT) -> None:
    """Wait for ``words``, reading on through the ending's parts if they come first: a learner who
    saw the room reach the ending before the session closed reads it a part at a time, each part
    waiting for a key (CI once saw the ending, where the test had expected the close at once)."""
    end, pressed = time.monotonic() + timeout, 0
    while time.monotonic() < end:
        flat = " ".join(learner.text.split())
        if " ".join(words.split()) in flat:
            return
        waiting = re.findall(r"The ending, part (\d) of 4\. Press any key", flat)
        if waiting and int(waiting[-1]) > pressed:
            pressed = int(waiting[-1])
            learner.keys("\r")
        time.sleep(0.1)
    raise AssertionError(f"{words!r} never appeared; the terminal showed:\n{learner.text[-3000:]}")


def given_now(sessions: SessionStore, code: str, seq: int) -> tuple[str | None, list[int]]:
    (answer,) = sessions.answers(code, seq)
    return answer.text, answer.covered


def test_a_reveal_before_everyone_has_answered_is_asked_first(live, db_url: str) -> None:
    """A double Enter once revealed a decision with nobody's answer in: now the trainer is asked, and Enter alone answers nothing."""
    host_screen, _ = live
    host = host_screen("host", "example-welfare-call", "--trainer", "Pat Trainer")
    code = host.expect(r"Join code: ([A-Z0-9]{6})").group(1)
    host.expect(r"Waiting for learners to join")
    host.type()  # start, with nobody in
    host.expect(r"Continue to the next decision: press Enter")
    host.type()
    host.expect(r"Press Enter to open this decision")
    host.type()
    host.expect(r"Open for answers\. Press Enter to reveal them")
    host.type()
    host.type()  # the impatient second Enter does not answer the question (issue 13: nothing pre-selected)
    host.expect(r"Nobody is here to answer\. Reveal the answers now\? \[y/n\]")
    host.type("n")
    host.expect(r"Open for answers\. Press Enter to reveal them")
    sessions = SessionStore(Store(db_url))
    assert sessions.session(code).state.phase == "open"
    host.type()
    host.expect(r"Reveal the answers now\? \[y/n\]")
    host.type("y")
    host.expect(r"Nobody answered\. Which branch does the room follow\?")
    assert sessions.session(code).state.phase == "revealed"
