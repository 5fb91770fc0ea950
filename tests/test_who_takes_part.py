"""Who is taking part (issue 13): the remembered learner is shown and can be refused, and a second
terminal cannot join a live session as a learner already in it, from this computer or another one
on the same store (here: another config folder, each terminal a real process), until the first's
lease expires or the learner takes their place over."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from test_session_live import WAIT, Screen
from typer.testing import CliRunner

from ltl_quiz import config
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.presence import HEARTBEAT_SECONDS, LEASE_SECONDS, Lease, Terminal, blocks
from ltl_quiz.store import Store


@pytest.fixture
def room(tmp_path: Path, example_dir: Path, example_path: Path, db_url: str) -> Any:
    """A live session in lobby, and a way to start ``session join`` for Kim Ode from a config folder of its own."""
    from ltl_quiz.scenario.loader import load_scenario
    from ltl_quiz.sessions import model
    from ltl_quiz.store import now

    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat Trainer", [], model.first_state(scenario, "officer", "live", now()))
    base = [
        sys.executable,
        "-m",
        "ltl_quiz",
        "--scenarios",
        str(example_dir),
        "session",
        "join",
        code,
        "--learner",
        "PC1",
        "--name",
        "Kim Ode",
    ]
    env = {**os.environ, "LTL_QUIZ_DB": db_url, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    started: list[Screen] = []

    def terminal(home: str, *more: str) -> Screen:
        """A joining terminal that says yes at the content note; each ``home`` is another config folder."""
        screen = Screen([*base, *more, "--plain"], {**env, "LTL_QUIZ_HOME": str(tmp_path / home)})
        started.append(screen)
        screen.expect(r"Do you want to take part in this case study\? \[y/n\]")
        screen.type("y")
        return screen

    def refused(home: str) -> str:
        """A second join that must be refused: its message (standard error), checked for exit 1."""
        done = subprocess.run(
            base, env={**env, "LTL_QUIZ_HOME": str(tmp_path / home)}, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=WAIT
        )
        assert done.returncode == 1, done.stdout + done.stderr
        return " ".join(done.stderr.split())

    yield SimpleNamespace(code=code, sessions=sessions, scenario=scenario, terminal=terminal, refused=refused)
    for screen in started:
        screen.kill()


def _lease(sessions: SessionStore, code: str) -> dict[str, Any]:
    with sessions.store.reading() as conn:
        row = conn.execute(sa.text("SELECT * FROM session_participants WHERE session_code = :c"), {"c": code}).one()
    return dict(row._mapping)


def _age_lease(sessions: SessionStore, code: str, seconds: float, host: str | None = None) -> None:
    """The lease as it stands ``seconds`` later with no heartbeat (and, given ``host``, as if held on that computer)."""
    old = (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    values = {"s": old, "c": code, "h": host or _lease(sessions, code)["terminal_host"]}
    with sessions.store.begin() as conn:
        conn.execute(sa.text("UPDATE session_participants SET seen_at = :s, terminal_host = :h WHERE session_code = :c"), values)


def test_a_second_terminal_elsewhere_is_refused_and_take_over_moves_the_learner(room: Any) -> None:
    """Two config folders on one store (as two computers would be): the second is refused, naming the
    session and the ways on; ``--take-over`` moves the learner, and the first terminal stops, leaving
    the learner in (its Ctrl-C or its end does not mark them as gone)."""
    first = room.terminal("pc-one")
    first.expect(r"Welcome, Kim Ode\. You have joined Pat Trainer's session")
    first.expect(r"Waiting for the trainer to start\.")
    held = _lease(room.sessions, room.code)
    said = room.refused("pc-two")
    assert f"Kim Ode (PC1) is already in session {room.code} at another terminal on this computer" in said
    assert f"session join {room.code} --learner YOUR_STAFF_NUMBER --name 'YOUR NAME'" in said
    assert f"join again once it has been silent {LEASE_SECONDS} seconds" in said and "--learner PC1 --take-over" in said
    assert _lease(room.sessions, room.code)["terminal"] == held["terminal"]  # the refused join changed nothing
    (me,) = room.sessions.participants(room.code)
    assert me.here

    second = room.terminal("pc-two", "--take-over")
    second.expect(r"Welcome back, Kim Ode\.")
    first.expect(
        rf"Another terminal has joined session {room.code} as Kim Ode \(PC1\), so this one has stopped\.", timeout=HEARTBEAT_SECONDS + WAIT
    )
    assert first.proc.wait(WAIT) == 1
    (me,) = room.sessions.participants(room.code)
    assert me.here and me.attempt_id == held["attempt_id"]  # one learner, one attempt, still taking part
    assert _lease(room.sessions, room.code)["terminal"] != held["terminal"]
    room.sessions.begin(room.code, room.scenario, 0)
    second.expect(r"A hotel worker calls 999")  # the terminal that took over follows the room
    second.proc.send_signal(signal.SIGINT)
    second.expect(rf"You have left session {room.code}\.")
    (me,) = room.sessions.participants(room.code)
    assert not me.here and _lease(room.sessions, room.code)["terminal"] is None  # leaving gives the place up


def test_a_lease_that_expires_frees_the_place_and_the_woken_terminal_stops(room: Any) -> None:
    """A terminal that stops renewing (its computer asleep: SIGSTOP) keeps the place until its lease
    expires; after that another joins, and the first, woken, sees it has been replaced and stops."""
    first = room.terminal("pc-one")
    first.expect(r"Waiting for the trainer to start\.")
    first.proc.send_signal(signal.SIGSTOP)
    try:
        assert "is already in session" in room.refused("pc-two")  # asleep, but its lease is fresh
        _age_lease(room.sessions, room.code, LEASE_SECONDS - 5)
        assert "is already in session" in room.refused("pc-two")  # not yet expired
        _age_lease(room.sessions, room.code, LEASE_SECONDS + 1)
        second = room.terminal("pc-two")
        second.expect(r"Welcome back, Kim Ode\.")
    finally:
        first.proc.send_signal(signal.SIGCONT)
    first.expect(r"Another terminal has joined session .* so this one has stopped\.", timeout=HEARTBEAT_SECONDS + WAIT)
    assert first.proc.wait(WAIT) == 1
    second.expect(r"Waiting for the trainer to start\.")
    assert second.proc.poll() is None


def test_a_killed_terminal_rejoins_at_once_here_but_on_another_computer_waits_for_the_lease(room: Any) -> None:
    """A dead process on this computer frees the place at once (a crashed terminal rejoining); one
    whose lease says another computer cannot be checked from here, so its lease must expire first."""
    first = room.terminal("pc-one")
    first.expect(r"Waiting for the trainer to start\.")
    first.kill()
    again = room.terminal("pc-two")
    again.expect(r"Welcome back, Kim Ode\.")
    again.kill()
    _age_lease(room.sessions, room.code, 1, host="other-pc")  # as if that terminal had run on other-pc
    assert re.search(r"at another terminal on other-pc \(seen \d+ s ago\)", room.refused("pc-three"))
    _age_lease(room.sessions, room.code, LEASE_SECONDS + 1, host="other-pc")
    last = room.terminal("pc-three")
    last.expect(r"Welcome back, Kim Ode\.")
    assert len(room.sessions.participants(room.code)) == 1


def _stamp(seconds_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("host", "pid", "seconds_ago", "kept_out"),
    [
        ("other-pc", 999_999_999, 1, True),  # another computer: its process cannot be asked, the lease stands
        ("other-pc", 999_999_999, LEASE_SECONDS + 1, False),  # ... until it expires
        ("other-pc", 999_999_999, -120, True),  # that computer's clock runs fast: still fresh
        ("here", 1, 1, True),  # a live process here (pid 1 always runs)
        ("here", 999_999_999, 1, False),  # a process here that no longer runs: free at once
        ("here", "mine", 1, False),  # this very process, joining again
    ],
)
def test_which_leases_keep_a_terminal_out(host: str, pid: Any, seconds_ago: float, kept_out: bool) -> None:
    me = Terminal.this_one()
    holder = Terminal("someone-else", me.host if host == "here" else host, me.pid if pid == "mine" else pid)
    assert blocks(Lease(holder, _stamp(seconds_ago)), me, _stamp(0)) is kept_out
    assert not blocks(None, me, _stamp(0)) and not blocks(Lease(me, _stamp(1)), me, _stamp(0))


def test_the_remembered_learner_is_named_and_not_you_asks_again(
    runner: CliRunner, example_dir: Path, isolated_home: Path, db_url: str
) -> None:
    config.remember_learner(isolated_home / "config.json", Learner("PC1", "Kim Ode", "Response"))
    result = runner.invoke(
        app,
        ["--scenarios", str(example_dir), "run", "1", "--plain"],
        input="n\nPC2\nSam Lee\nCID\nn\n",  # not Kim; Sam's details; then not continuing at the content note
    )
    assert "This will be recorded for Kim Ode (PC1, Response). Is that you?" in result.output
    assert config.remembered_learner(isolated_home / "config.json").id == "PC2"
    assert "Recording for Sam Lee (PC2, CID)." in result.output  # the details just typed, said back


@pytest.mark.parametrize(
    ("remembered", "args", "typed", "said"),
    [
        (None, [], "PC7\nAna Cruz\nEast, control room\nn\n", "Recording for Ana Cruz (PC7, East, control room)."),
        (None, ["--learner", "PC8", "--name", "Bo Ray"], "n\n", "Recording for Bo Ray (PC8)."),
        (Learner("PC1", "Kim Ode", "Response"), [], "y\nn\n", None),  # "recorded for Kim Ode ... Is that you?" already said it
    ],
)
def test_run_says_whom_the_attempt_is_recorded_for(
    runner: CliRunner,
    example_dir: Path,
    isolated_home: Path,
    db_url: str,
    remembered: Learner | None,
    args: list[str],
    typed: str,
    said: str | None,
) -> None:
    if remembered:
        config.remember_learner(isolated_home / "config.json", remembered)
    result = runner.invoke(app, ["--scenarios", str(example_dir), "run", "1", *args, "--plain"], input=typed)
    assert "You chose not to continue." in result.output
    if said:
        assert result.output.count(said) == 1
    else:
        assert "Recording for" not in result.output and result.output.count("recorded for Kim Ode (PC1, Response)") == 1


def test_an_unusable_staff_number_is_refused_at_the_prompt_and_asked_again(
    runner: CliRunner, example_dir: Path, isolated_home: Path, db_url: str
) -> None:
    """The refusal is said by the prompts, in order between the questions (the app never prints)."""
    result = runner.invoke(
        app, ["--scenarios", str(example_dir), "run", "1", "--plain"], input="PC 9\nPC9\nAna Cruz\nEast\nn\n"
    )
    refused = result.output.index("learner id 'PC 9' is not usable")
    assert result.output.index("Your staff number", refused) > refused  # asked again after saying why
    assert config.remembered_learner(isolated_home / "config.json").id == "PC9"


def test_a_bare_enter_at_is_that_you_and_the_content_note_answers_neither(
    runner: CliRunner, example_dir: Path, isolated_home: Path, db_url: str
) -> None:
    """Plain mode took a bare Enter as yes at "Is that you?" and at the content note (issue 13: no
    answer pre-selected); now each says what to type and asks again, as the arrow-key prompt does."""
    config.remember_learner(isolated_home / "config.json", Learner("PC1", "Kim Ode", "Response"))
    result = runner.invoke(app, ["--scenarios", str(example_dir), "run", "1", "--plain"], input="\ny\n\nn\n")
    out = result.output
    assert "Is that you? (No: enter your own details) [y/n]" in out and "[Y/n]" not in out, out
    assert out.count("Nothing typed yet. Type y for yes or n for no, then press Enter:") == 2, out
    assert "You chose not to continue." in out and Store(db_url).attempts("PC1") == []


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["run", "example-welfare-cal"], "no scenario 'example-welfare-cal'"),
        (["session", "join", "ABCDEF"], "ABCDEF"),
    ],
)
def test_a_misspelt_case_or_unknown_session_is_said_before_asking_who_you_are(
    runner: CliRunner, example_dir: Path, isolated_home: Path, db_url: str, command: list[str], said: str
) -> None:
    """"Is that you?" came first, and only then "no scenario ..." or "no session ..." (hand play):
    the case and the session are checked before the learner is asked anything."""
    config.remember_learner(isolated_home / "config.json", Learner("PC1", "Kim Ode", "Response"))
    result = runner.invoke(app, ["--scenarios", str(example_dir), *command, "--plain"], input="y\ny\n")
    assert result.exit_code == 1, result.output
    assert said in result.output and "Is that you?" not in result.output, result.output
