"""A reader that goes away (``ltl-quiz list | head -c 20``) ends the command quietly: status 0, nothing on stderr.

Each command that prints data runs as a real process with its standard output on a real pipe, whose
reader goes away in one of two ways: at once, before the command has written anything (so its
first write, or its flush at exit, meets a closed pipe every time), or after reading a few bytes
through a pipe shrunk to one page (so a command printing more than that is cut off mid-output).
The store behind them holds real attempts, a certificate, an assignment and a session.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from records_factory import SCENARIOS, recommended, scenario, share_reflections, walk, worst

from ltl_quiz.config import Learner
from ltl_quiz.store import Store

LTL_QUIZ = [sys.executable, "-m", "ltl_quiz"]
HOTEL = "02-hotel-welfare-check"
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux: set a pipe's capacity

COMMANDS = [
    ["list", "--plain"],
    ["list", "--json"],
    ["list", "--rich"],
    ["show", HOTEL],
    ["support"],
    ["where"],
    ["validate"],
    ["validate", "--json"],
    ["schema"],
    ["graph", HOTEL],
    ["graph", HOTEL, "--format", "mermaid"],
    ["test", HOTEL, "--walk", "3"],
    ["test", HOTEL, "--walk", "3", "--json"],
    ["history", "--learner", "PC0"],
    ["history", "--learner", "PC0", "--json"],
    ["export", "--format", "csv"],
    ["export", "--format", "csv", "--what", "answers"],
    ["export", "--format", "json"],
    ["export", "--format", "jsonl", "--what", "reflections"],
    ["export", "--format", "xapi"],
    ["cpd", "PC0"],
    ["cpd", "PC0", "--format", "html"],
    ["cpd", "PC0", "--summary"],
    ["report"],
    ["report", "--json"],
    ["compliance"],
    ["compliance", "--format", "csv"],
    ["compliance", "--format", "json"],
    ["compliance", "--format", "ics"],
    ["certificate", "{attempt}"],
    ["verify", "{code}"],
    ["session", "list"],
    ["session", "list", "--json"],
    ["session", "report", "{session}"],
    ["session", "report", "{session}", "--json"],
    ["db", "status"],
    ["db", "status", "--json"],
    ["--help"],
    ["export", "--help"],
    ["--version"],
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store with six attempts (one certified), an assignment and a live session; the environment to reach it."""
    from ltl_quiz.sessions import model
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.store import now

    folder = tmp_path_factory.mktemp("pipes")
    url = f"sqlite:///{folder / 'store.sqlite3'}"
    env = {**os.environ, "LTL_QUIZ_DB": url, "LTL_QUIZ_SCENARIOS": str(SCENARIOS), "LTL_QUIZ_HOME": str(folder / "home")}
    env.pop("NO_COLOR", None)
    store = Store(url)
    hotel = scenario(HOTEL)
    for i in range(6):
        store.save_learner(Learner(f"PC{i}", f"Person {i}", "Kent"))
    # assigned before the attempts: a pass from before its assignment does not count, and verify says so (exit 2)
    subprocess.run([*LTL_QUIZ, "assign", HOTEL, "--due", "2030-01-31", "--unit", "Kent"], env=env, check=True, capture_output=True)
    begun = datetime.now(UTC) + timedelta(seconds=1)
    ids = [
        walk(
            store,
            hotel,
            Learner(f"PC{i}", f"Person {i}", "Kent"),
            "officer",
            pick=worst if i % 2 else recommended,
            start=begun + timedelta(seconds=i),
        )
        for i in range(6)
    ]
    code = SessionStore(store).create(hotel, "live", "Pat Trainer", [], model.first_state(hotel, "officer", "live", now()))
    store.close()
    share_reflections(url, *(f"PC{i}" for i in range(6)))  # else the reflections export says on stderr whose it left out
    issued = subprocess.run(
        [*LTL_QUIZ, "certificate", ids[0], "--out", str(folder / "c.html")], env=env, check=True, capture_output=True, text=True
    )
    cert = re.search(r"verification code (\S+)", issued.stderr)
    assert cert, issued.stderr
    return {"env": env, "fill": {"attempt": ids[0][:8], "code": cert.group(1), "session": code}}


def _run(args: list[str], env: dict[str, str], keep: int) -> tuple[int, bytes, str]:
    """Run ``ltl-quiz ARGS`` into a one-page pipe; read ``keep`` bytes (none: close at once), then close the reader."""
    reader, writer = os.pipe()
    fcntl.fcntl(writer, F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([*LTL_QUIZ, *args], stdin=subprocess.DEVNULL, stdout=writer, stderr=subprocess.PIPE, env=env)
    os.close(writer)
    got = b""
    while len(got) < keep:
        chunk = os.read(reader, keep - len(got))
        if not chunk:
            break
        got += chunk
    os.close(reader)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, got, err.decode("utf-8", "replace")


@pytest.mark.parametrize("keep", [0, 20], ids=["closed-at-once", "after-20-bytes"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_that_goes_away_ends_the_command_quietly(world: dict[str, Any], args: list[str], keep: int) -> None:
    args = [a.format(**world["fill"]) for a in args]
    code, got, err = _run(args, world["env"], keep)
    assert (code, err) == (0, ""), f"ltl-quiz {' '.join(args)} exited {code}: {err[-2000:]}"
    assert keep == 0 or got  # the command did print data before its reader went away


def test_a_whole_output_still_arrives_and_an_error_keeps_its_status(world: dict[str, Any], tmp_path: Path) -> None:
    """The quiet exit is for a reader that went away only: a reader that stays gets everything, and a
    command that fails still fails (with its message) when its reader goes."""
    whole = subprocess.run([*LTL_QUIZ, "export", "--format", "csv"], env=world["env"], capture_output=True, check=True)
    assert whole.stdout.count(b"\n") == 7 and whole.stderr == b""  # the header and six attempts
    code, _, err = _run(["show", "no-such-case"], world["env"], 0)
    assert code == 1 and "no-such-case" in err
