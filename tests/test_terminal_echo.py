"""Keys typed while ltl-quiz draws leave nothing on screen, and answer nothing (issue 13).

Seen by hand: an Enter pressed to read on and a number typed too soon were echoed by the terminal
into the middle of the next panel ("zqx╭────" with its border pushed along the row). The prompts
already threw those keys away; their echo stayed. Here the keys are typed at a moment ltl-quiz is
certainly between two prompts: the test holds the store's write lock, so the program waits to save
the answer it was just given, and the keys go in while it waits.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import scenario_factory as f
import sqlalchemy as sa
from screen import ENTER, Terminal

TYPED = "zqx" + ENTER + "wv"  # letters no passage has, and an Enter among them


def two_passages(tmp_path: Path) -> Path:
    folder = tmp_path / "two"
    folder.mkdir()
    nodes = {
        "begin": {"type": "passage", "title": "First", "text": "A short first passage.", "next": "second"},
        "second": {"type": "passage", "title": "Second", "text": "The second passage, read next.", "next": "done"},
        "done": f.end(),
    }
    f.write(folder, f.scenario(nodes), "01-two.yaml")
    return folder


@contextlib.contextmanager
def store_locked(db_url: str) -> Iterator[None]:
    """Nobody else can write to the store inside the block (ltl-quiz waits for it, as for any writer)."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("LOCK TABLE answers IN EXCLUSIVE MODE"))
        yield
    engine.dispose()


def gone(term: Terminal, text: str) -> None:
    """Wait until ``text`` is no longer on screen (an arrow-key prompt erased once answered)."""
    end = time.monotonic() + 20
    while text in term.text():
        assert time.monotonic() < end, term.text()
        term._pump(0.05)


@pytest.mark.parametrize("mode", ["--rich", "--plain"])
def test_keys_typed_while_the_next_passage_waits_to_be_drawn_leave_no_echo(tmp_path, db_url, mode) -> None:
    args = ["--scenarios", str(two_passages(tmp_path)), "run", "factory-case", "--learner", "AB1", "--name", "Al Smith", mode]
    term = Terminal(args, 80, 24)
    try:
        term.wait_for(r"\(y/n\)|\[y/n\]")
        term.settle(0.1)
        term.send("y" + ENTER)
        go_on = term.wait_for("Press (any key|Enter) to continue").group(0)
        term.settle(0.2)
        with store_locked(db_url):
            term.send(ENTER)  # read on: the answer waits to be saved
            if mode == "--rich":
                gone(term, go_on)  # the prompt has ended: its keys are the terminal's again
            time.sleep(0.8)  # long after the prompt has let the terminal go, even on a busy machine
            term.send(TYPED)
            time.sleep(0.4)
        term.wait_for("Second")
        term.wait_for("Press (any key|Enter) to continue")
        term.settle(0.5)  # time for a typed-ahead Enter to have taken the prompt, had it been kept
        shown = term.history_rows()
        assert not any(k in row for row in shown for k in ("zqx", "wv")), "\n".join(shown)
        second = next(row for row in shown if "Second" in row)
        assert second.startswith("╭" if mode == "--rich" else "== Second"), "\n".join(shown)
        assert "The end" not in term.text()  # the typed Enter did not read on past the second passage
    finally:
        term.close()


@pytest.mark.parametrize(("mode", "leave"), [("--rich", "n" + ENTER), ("--plain", "n" + ENTER), ("--rich", "\x03"), ("--plain", "\x03")])
def test_the_echo_is_back_on_when_ltl_quiz_exits(tmp_path, db_url, mode, leave) -> None:
    """Whether the learner says no at the content note or presses Ctrl-C, the shell they come back
    to shows what they type."""
    import shlex
    import sys

    import pexpect

    folder = two_passages(tmp_path)
    quiz = shlex.join([sys.executable, "-m", "ltl_quiz", "--scenarios", str(folder), "run", "factory-case", "--learner", "AB1", "--name", "Al", mode])
    child = pexpect.spawn("bash", ["--norc", "-c", f"{quiz}; stty -a"], dimensions=(24, 80), timeout=20, encoding="utf-8")
    try:
        child.expect(r"\(y/n\)|\[y/n\]")
        time.sleep(0.3)
        child.send(leave)
        child.expect(r"speed \d+ baud")
        child.expect(pexpect.EOF)
        settings = child.before.split()
        assert "echo" in settings and "-echo" not in settings, child.before
    finally:
        child.close(force=True)


@pytest.mark.parametrize("mode", ["--rich", "--plain"])
def test_the_terminal_is_put_back_when_ltl_quiz_is_killed(tmp_path, db_url, mode) -> None:
    """A terminal window closed (SIGHUP) or a ``kill`` (SIGTERM) skips ``atexit``: the shell must
    still get its echo and line editing back, even from inside an arrow-key prompt's raw mode."""
    import shlex
    import signal
    import subprocess
    import sys

    import pexpect

    folder = two_passages(tmp_path)
    quiz = shlex.join([sys.executable, "-m", "ltl_quiz", "--scenarios", str(folder), "run", "factory-case", "--learner", "AB1", "--name", "Al", mode])
    child = pexpect.spawn("bash", ["--norc", "-c", f"{quiz}; echo status=$?; stty -a"], dimensions=(24, 80), timeout=20, encoding="utf-8")
    try:
        child.expect(r"\(y/n\)|\[y/n\]")
        time.sleep(0.3)
        pids = subprocess.run(["pgrep", "-P", str(child.pid)], capture_output=True, text=True, check=True).stdout.split()
        assert len(pids) == 1, pids
        subprocess.run(["kill", "-TERM", pids[0]], check=True)
        child.expect(r"status=(\d+)")
        assert int(child.match.group(1)) == 128 + signal.SIGTERM  # it died of the signal, as before
        child.expect(r"speed \d+ baud")
        child.expect(pexpect.EOF)
        settings = child.before.split()
        assert "echo" in settings and "-echo" not in settings, child.before
        assert "icanon" in settings and "-icanon" not in settings, child.before
    finally:
        child.close(force=True)
