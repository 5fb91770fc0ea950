"""`ltl-quiz lrs push` against a small LRS on 127.0.0.1 that can be told to fail: batches, retries, refusals, memory.

The server is real HTTP in a thread, recording every request; it answers as an LRS would, or with
the failure a test asks for. The end-to-end test against Ralph, a full LRS, is test_lrs_ralph.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from lrs_helpers import HOTEL, LocalServer, push_to, walked_store
from records_factory import SCENARIOS, scenario, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

PASSWORD = "s3cret-Pa55"


class FakeLrs(LocalServer):
    """A recording LRS: ``script`` lists the status codes to answer with, in turn, then 200 for ever."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": json.loads(body)}
                )
                status, headers, payload = outer.script.pop(0) if outer.script else (200, {}, b"")
                if status == 200:
                    payload = json.dumps([s["id"] for s in outer.requests[-1]["body"]]).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.serve(Handler)

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [s for r in self.requests for s in r["body"]]


@pytest.fixture
def lrs() -> Iterator[FakeLrs]:
    server = FakeLrs()
    yield server
    server.close()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    yield from walked_store(db_url)


def push(lrs: FakeLrs, *args: str, password: str = PASSWORD) -> Any:
    return push_to(lrs.endpoint, "ltl", password, *args)


def exported() -> list[dict[str, Any]]:
    return json.loads(CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "export", "--format", "xapi"]).stdout)


def test_push_sends_every_statement_in_batches_with_the_xapi_headers(lrs, store) -> None:
    result = push(lrs, "--batch-size", "7")
    assert result.exit_code == 0, result.output
    statements = exported()
    batches = -(-len(statements) // 7)
    assert (
        result.stdout.strip()
        == f"Sent {len(statements)} new statements in {batches} batches to {lrs.endpoint.rstrip('/')}; 0 it had already."
    )
    assert lrs.sent == statements
    assert [len(r["body"]) for r in lrs.requests] == [7] * (batches - 1) + [len(statements) - 7 * (batches - 1)]
    for request in lrs.requests:
        assert request["path"] == "/xAPI/statements"
        assert request["headers"]["x-experience-api-version"] == "1.0.3"
        assert request["headers"]["content-type"].startswith("application/json")
        assert request["headers"]["authorization"] == "Basic " + base64.b64encode(f"ltl:{PASSWORD}".encode()).decode()
    assert PASSWORD not in result.output


def test_the_next_push_sends_only_new_statements(lrs, store) -> None:
    assert push(lrs).exit_code == 0
    first = len(lrs.sent)
    again = push(lrs)
    assert again.exit_code == 0 and len(lrs.sent) == first and len(lrs.requests) == 1
    assert again.stdout.strip().startswith("Sent 0 new statements in 0 batches") and again.stdout.strip().endswith(
        f"; {first} it had already."
    )
    walk(store, scenario(HOTEL), Learner("CD2", "Sam Jones", "Kent"), "officer", start=datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    third = push(lrs)
    assert third.exit_code == 0
    new = lrs.requests[-1]["body"]
    assert {s["actor"]["account"]["name"] for s in new} == {"CD2"}
    assert len(lrs.sent) == len(exported())


def test_transient_failures_are_retried_with_back_off(lrs, store) -> None:
    lrs.script = [
        (503, {"Retry-After": "0"}, b'{"detail": "busy"}'),
        (502, {"Retry-After": "0"}, b"bad gateway"),
        (429, {"Retry-After": "0"}, b""),
    ]
    result = push(lrs)
    assert result.exit_code == 0, result.output
    assert len(lrs.requests) == 4
    assert lrs.requests[0]["body"] == lrs.requests[3]["body"]  # the same batch, sent again


def test_a_server_that_keeps_failing_stops_with_a_clear_message(lrs, store) -> None:
    lrs.script = [(500, {"Retry-After": "0"}, b"{}")] * 10
    result = push(lrs, "--retries", "3")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: the LRS at {lrs.endpoint.rstrip('/')} still fails after 4 tries (HTTP 500); try again later"
    assert len(lrs.requests) == 4
    lrs.script = []
    assert push(lrs, "--retries", "0").exit_code == 0
    assert len(lrs.sent) == 5 * len(exported())  # nothing was recorded as accepted, so all of it went again


def test_one_try_is_said_in_the_singular(lrs, store) -> None:
    """Issue 12: a push with --retries 0 that failed said "after 1 tries"."""
    lrs.script = [(500, {}, b"{}")]
    result = push(lrs, "--retries", "0")
    assert result.exit_code == 1 and len(lrs.requests) == 1
    assert result.stderr.strip() == f"error: the LRS at {lrs.endpoint.rstrip('/')} still fails after 1 try (HTTP 500); try again later"


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_stop_at_once_and_never_show_the_password(lrs, store, status) -> None:
    lrs.script = [(status, {}, json.dumps({"detail": f"Invalid credentials: {PASSWORD}"}).encode())]
    result = push(lrs)
    assert result.exit_code == 1 and len(lrs.requests) == 1
    assert result.stderr.strip() == (
        f"error: the LRS at {lrs.endpoint.rstrip('/')} refused user 'ltl' (HTTP {status}: Invalid credentials: ***); "
        "check --user and --password (or LTL_QUIZ_LRS_USER, LTL_QUIZ_LRS_PASSWORD)"
    )
    assert PASSWORD not in result.output


def test_other_client_errors_stop_with_the_lrs_reason(lrs, store) -> None:
    lrs.script = [(400, {}, b'{"detail": "statement 3: verb.id is not an IRI"}')]
    result = push(lrs)
    assert result.exit_code == 1 and len(lrs.requests) == 1
    assert result.stderr.strip().endswith("rejected the statements (HTTP 400: statement 3: verb.id is not an IRI); nothing more was sent")


def test_an_unreachable_lrs_is_reported(store) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        app,
        [
            "--scenarios",
            str(SCENARIOS),
            "lrs",
            "push",
            "--endpoint",
            f"http://127.0.0.1:{port}/xAPI",
            "--user",
            "u",
            "--password",
            PASSWORD,
            "--retries",
            "1",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: the LRS at http://127.0.0.1:{port}/xAPI still fails after 2 tries (cannot reach it:")
    assert PASSWORD not in result.output


def test_credentials_come_from_the_environment(lrs, store, monkeypatch) -> None:
    monkeypatch.setenv("LTL_QUIZ_LRS_ENDPOINT", lrs.endpoint)
    monkeypatch.setenv("LTL_QUIZ_LRS_USER", "ltl")
    monkeypatch.setenv("LTL_QUIZ_LRS_PASSWORD", PASSWORD)
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "lrs", "push"])
    assert result.exit_code == 0, result.output
    assert lrs.requests[0]["headers"]["authorization"].endswith(base64.b64encode(f"ltl:{PASSWORD}".encode()).decode())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: no LRS endpoint: give --endpoint URL (or set LTL_QUIZ_LRS_ENDPOINT)"),
        (
            ["--endpoint", "lrs.local"],
            "error: --endpoint 'lrs.local' is not a web address; give the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/",
        ),
        (
            ["--endpoint", f"https://ltl:{PASSWORD}@lrs.example.org/xAPI"],
            "error: put the LRS user and password in --user and --password (or the environment), not in the endpoint address",
        ),
        (
            ["--endpoint", "https://lrs.example.org/xAPI"],
            "error: no LRS credentials: give --user and --password (or set LTL_QUIZ_LRS_USER and LTL_QUIZ_LRS_PASSWORD)",
        ),
    ],
)
def test_bad_push_options(store, monkeypatch, args, message) -> None:
    for name in ("LTL_QUIZ_LRS_ENDPOINT", "LTL_QUIZ_LRS_USER", "LTL_QUIZ_LRS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "lrs", "push", *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert PASSWORD not in result.output


def test_push_help_never_shows_a_password(monkeypatch) -> None:
    monkeypatch.setenv("LTL_QUIZ_LRS_PASSWORD", PASSWORD)
    result = CliRunner().invoke(app, ["lrs", "push", "--help"])
    assert result.exit_code == 0 and "LTL_QUIZ_LRS_PASSWORD" in result.output and PASSWORD not in result.output
