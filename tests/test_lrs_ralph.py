"""End to end against a real learning record store: Ralph, on 127.0.0.1, with its filesystem backend.

Ralph (PyPI `ralph-malph[lrs]`, in the test extra) runs under uvicorn in a subprocess with a fresh
data folder per test: its filesystem backend writes each accepted POST to one data file that must
not exist yet, so each test pushes in one batch. The statements are read back with GET and
compared with what `ltl-quiz export --format xapi` writes, field by field.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from records_factory import SCENARIOS, add_session, scenario, walk, worst
from test_xapi_rules import problems
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

USER, PASSWORD = "ltl-quiz", "Ralph-s3cret"
HOTEL = "02-hotel-welfare-check"


class Ralph:
    """A Ralph LRS process on a free loopback port, serving a data folder of its own."""

    def __init__(self, folder: Path):
        import bcrypt  # Ralph's own dependency: its Basic auth file holds bcrypt hashes

        folder.mkdir(parents=True)
        auth = folder / "auth.json"
        digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
        auth.write_text(
            json.dumps([{"username": USER, "hash": digest, "scopes": ["all"], "agent": {"mbox": "mailto:ltl-quiz@example.org"}}])
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(auth),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
        }
        (folder / "data").mkdir()
        self.data = folder / "data"
        self.log = (folder / "ralph.log").open("w")
        cmd = [sys.executable, "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(cmd, cwd=folder / "data", env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self._wait(folder)

    def _wait(self, folder: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped: {(folder / 'ralph.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("Ralph did not start within 60 seconds")

    def get(self, url: str) -> dict[str, Any]:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def all_statements(self) -> list[dict[str, Any]]:
        """Every stored statement, following the 'more' links page by page."""
        found: list[dict[str, Any]] = []
        url = f"http://127.0.0.1:{self.port}/xAPI/statements?limit=500"
        while url:
            page = self.get(url)
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[Ralph]:
    server = Ralph(tmp_path / "ralph")
    yield server
    server.stop()


def push(ralph: Ralph, *args: str, password: str = PASSWORD) -> Any:
    return CliRunner().invoke(
        app,
        [
            "--scenarios",
            str(SCENARIOS),
            "lrs",
            "push",
            "--endpoint",
            ralph.endpoint,
            "--user",
            USER,
            "--password",
            password,
            "--batch-size",
            "5000",
            *args,
        ],
    )


def instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_statements_pushed_to_ralph_come_back_as_sent(ralph, db_url) -> None:
    store = Store(db_url)
    hotel = scenario(HOTEL)
    add_session(store, "ABC123", hotel, "Sgt Jo Bloggs")
    walk(store, hotel, Learner("AB1", "Alex Smith", "North"), "officer", session_code="ABC123")
    walk(store, hotel, Learner("CD2", "Sam Jones", "Kent"), "officer", pick=worst, start=datetime(2024, 3, 5, 9, 0, tzinfo=UTC))
    walk(store, hotel, Learner("CD2", "Sam Jones", "Kent"), "manager", stop_after=5, start=datetime(2024, 3, 6, 9, 0, tzinfo=UTC))
    store.close()
    sent = json.loads(CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "export", "--format", "xapi"]).stdout)
    assert all(problems(s) == [] for s in sent)

    result = push(ralph)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Sent {len(sent)} new statements in 1 batch to {ralph.endpoint.rstrip('/')}; 0 it had already."

    stored = {s["id"]: s for s in ralph.all_statements()}
    assert set(stored) == {s["id"] for s in sent}
    for statement in sent:
        back = stored[statement["id"]]
        for key in ("actor", "verb", "object", "result"):
            assert back.get(key) == statement.get(key), (key, statement["id"])
        context = back["context"]
        assert context["registration"] == statement["context"]["registration"]
        assert context["contextActivities"] == statement["context"]["contextActivities"]
        assert context.get("instructor") == statement["context"].get("instructor")
        assert context["extensions"] == statement["context"]["extensions"]
        assert instant(back["timestamp"]) == instant(statement["timestamp"])
        assert "stored" in back and "authority" in back  # the LRS's own additions

    again = push(ralph)
    assert again.exit_code == 0
    assert again.stdout.strip() == f"Sent 0 new statements in 0 batches to {ralph.endpoint.rstrip('/')}; {len(sent)} it had already."
    assert len(ralph.all_statements()) == len(sent)


def test_ralph_refusing_the_password_stops_the_push(ralph, db_url) -> None:
    store = Store(db_url)
    walk(store, scenario(HOTEL), Learner("AB1", "Alex Smith", "North"), "officer")
    store.close()
    result = push(ralph, password="wrong-Pa55word")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: the LRS at {ralph.endpoint.rstrip('/')} refused user '{USER}' (HTTP 401: Invalid authentication credentials); "
        "check --user and --password (or LTL_QUIZ_LRS_USER, LTL_QUIZ_LRS_PASSWORD)"
    )
    assert "wrong-Pa55word" not in result.output
    assert ralph.all_statements() == []


def test_ralph_takes_the_attempts_life_and_voids_an_erased_attempt(ralph, db_url) -> None:
    """Suspended, resumed, abandoned and voided statements, accepted by a real LRS; voided ones disappear from its answers."""
    from test_xapi_life import shift_from

    from ltl_quiz.store.voids import record_voided

    store = Store(db_url)
    hotel = scenario(HOTEL)
    broken = walk(store, hotel, Learner("AB1", "Alex Smith", "North"), "officer")
    shift_from(store, broken, 4, timedelta(hours=6))
    left = walk(store, hotel, Learner("CD2", "Sam Jones", "Kent"), "officer", stop_after=4, start=datetime(2024, 3, 6, 9, 0, tzinfo=UTC))
    store.abandon(left)
    result = push(ralph)
    assert result.exit_code == 0, result.output
    stored = ralph.all_statements()
    life = {s["verb"]["id"].rsplit("/", 1)[1] for s in stored}
    assert {"suspended", "resumed", "abandoned"} <= life

    about_left = {s["id"] for s in stored if s["context"]["registration"] == left}
    with store.engine.begin() as conn:
        record_voided(conn, [left], "erased")
    store.close()
    (ralph.data / "fs_lrs.jsonl").rename(ralph.data / "first-push.jsonl")  # its fs backend writes one file, reads them all
    voided = push(ralph)
    assert voided.exit_code == 0, voided.output
    assert f"{len(about_left)} of them void statements" in voided.stdout
    remaining = ralph.all_statements()
    ids = {s["id"] for s in remaining}
    assert not (ids & about_left)  # an LRS never returns a voided statement in a plain query
    voids = [s for s in remaining if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"]
    assert {s["object"]["id"] for s in voids} == about_left
