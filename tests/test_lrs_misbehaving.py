"""`lrs push` against an LRS that misbehaves on purpose, one way per mode, over real HTTP on 127.0.0.1.

Each mode is something a broken or hostile server really does: redirect elsewhere, echo the
Authorization header back, answer with a garbage status line, cut its body short, dribble a byte
every so often, ask to be retried at an HTTP-date. The server runs in a thread on a free port and
records every request, so a test can say both what ltl-quiz printed and what reached the wire.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from lrs_helpers import LocalServer, push_to, walked_store
from records_factory import SCENARIOS
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.errors import LrsError
from ltl_quiz.lrs import Credentials, Endpoint, Pusher, PushPolicy
from ltl_quiz.lrs.endpoint import _no_credentials
from ltl_quiz.lrs.retry import retry_after as _retry_after
from ltl_quiz.store import Store

USER, PASSWORD = "ltl", "s3cret-Pa55"
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class Misbehaving(LocalServer):
    """An LRS whose ``modes`` list says how to answer each POST in turn (then "ok" for ever)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.modes: list[str] = []
        self.redirect_to = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append(
                    {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )

            def do_GET(self) -> None:
                self._record()
                self._send(200, b"[]")

            def do_POST(self) -> None:
                self._record()
                mode = outer.modes.pop(0) if outer.modes else "ok"
                getattr(self, "mode_" + mode.replace("-", "_"))()

            def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def mode_ok(self) -> None:
                ids = [s["id"] for s in json.loads(outer.requests[-1]["body"])]
                self._send(200, json.dumps(ids).encode())

            def mode_redirect(self) -> None:
                self._send(302, b"", {"Location": outer.redirect_to})

            def mode_echo_auth(self) -> None:
                auth = self.headers["Authorization"]
                body = json.dumps({"detail": f"bad credentials in header Authorization: {auth} ({TOKEN}) for {USER}:{PASSWORD}"})
                self._send(401, body.encode())

            def mode_echo_500(self) -> None:
                body = f"upstream refused {self.headers['Authorization']} password={PASSWORD}"
                self._send(400, body.encode(), {"Content-Type": "text/plain"})

            def mode_garbage(self) -> None:
                self.wfile.write(b"NONSENSE\r\n\r\n")
                self.close_connection = True

            def mode_cut_short(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "500")
                self.end_headers()
                self.wfile.write(b'["abc"')
                self.wfile.flush()
                self.close_connection = True

            def mode_dribble(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "200")
                self.end_headers()
                self.wfile.flush()
                for _ in range(200):
                    time.sleep(0.2)
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        return
                self.close_connection = True

            def mode_busy_until(self) -> None:
                when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
                self._send(503, b'{"detail": "busy"}', {"Retry-After": when})

            def log_message(self, *args: Any) -> None:
                pass

        self.serve(Handler, daemon_threads=True)

    @property
    def posts(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST"]


@pytest.fixture
def lrs() -> Iterator[Misbehaving]:
    server = Misbehaving()
    yield server
    server.close()


@pytest.fixture
def elsewhere() -> Iterator[Misbehaving]:
    """A second host, the target of a redirect: it must never see a request."""
    server = Misbehaving()
    yield server
    server.close()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    yield from walked_store(db_url)


def push(lrs: Misbehaving, *args: str, password: str = PASSWORD) -> Any:
    return push_to(lrs.endpoint, USER, password, *args)


def accepted(store: Store) -> int:
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM lrs_accepted")).scalar_one())


def test_a_redirect_is_an_error_and_never_carries_the_credentials_elsewhere(lrs, elsewhere, store) -> None:
    elsewhere_url = elsewhere.endpoint + "statements"
    lrs.redirect_to, lrs.modes = elsewhere_url, ["redirect"]
    result = push(lrs, "--retries", "3")
    assert result.exit_code == 1
    assert elsewhere.requests == []  # not followed: no GET, no POST, no Basic credentials to another host
    assert len(lrs.posts) == 1  # and not retried: sending it again cannot make it not a redirect
    assert result.stderr.strip() == (
        f"error: the LRS at {lrs.endpoint.rstrip('/')} redirects (HTTP 302) to {elsewhere_url}; nothing was sent there, "
        "because a redirect would carry the credentials to another address: give the final xAPI address as --endpoint"
    )
    assert accepted(store) == 0  # nothing counted as accepted


@pytest.mark.parametrize("mode", ["echo-auth", "echo-500"])
def test_an_echo_of_the_credentials_is_redacted_in_every_form(lrs, store, mode) -> None:
    lrs.modes = [mode]
    result = push(lrs)
    assert result.exit_code == 1
    for secret in (PASSWORD, TOKEN, TOKEN.rstrip("="), f"{USER}:{PASSWORD}"):
        assert secret not in result.output
    assert "***" in result.stderr


def test_a_short_password_is_not_redacted_out_of_our_own_words(lrs, store) -> None:
    """The old substring redaction printed http://127.0.0.1:9/***API and htt***://."""
    for password in ("p", "x", "API", "127"):
        lrs.modes = ["busy_until"]  # fails: the message names the endpoint
        result = push(lrs, "--retries", "0", password=password)
        assert result.exit_code == 1
        assert (
            result.stderr.strip() == f"error: the LRS at {lrs.endpoint.rstrip('/')} still fails after 1 try (HTTP 503); try again later"
        )


@pytest.mark.parametrize("mode", ["garbage", "cut_short"])
def test_a_broken_answer_is_retried_like_a_5xx(lrs, store, mode) -> None:
    lrs.modes = [mode, mode]
    result = push(lrs, "--retries", "3")
    assert result.exit_code == 0, result.output
    assert len(lrs.posts) == 3 and lrs.posts[0]["body"] == lrs.posts[2]["body"]


@pytest.mark.parametrize(("mode", "why"), [("garbage", "it did not answer in HTTP"), ("cut_short", "its answer was cut short")])
def test_a_broken_answer_every_time_ends_in_one_line(lrs, store, mode, why) -> None:
    lrs.modes = [mode] * 3
    result = push(lrs, "--retries", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: the LRS at {lrs.endpoint.rstrip('/')} still fails after 2 tries ({why}")
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert accepted(store) == 0


def test_each_try_has_an_overall_deadline_whatever_the_per_read_time_out(lrs, store) -> None:
    lrs.modes = ["dribble"]
    pusher = Pusher(
        store, Endpoint.checked(lrs.endpoint, USER, PASSWORD), PushPolicy(attempts=1, timeout=5.0, deadline=1.5), sleep=lambda s: None
    )
    began = time.monotonic()
    with pytest.raises(LrsError) as caught:
        pusher.push([{"id": "5f0e7a3c-0000-4000-8000-000000000001", "context": {"registration": "r"}}])
    took = time.monotonic() - began
    assert took < 4.0  # a byte every 0.2 s would have held it for 40 s
    assert "no complete answer within 1.5 s" in str(caught.value)


def test_a_batch_has_an_overall_deadline_over_all_its_tries(lrs, store) -> None:
    lrs.modes = ["dribble"] * 6
    endpoint = Endpoint.checked(lrs.endpoint, USER, PASSWORD)
    pusher = Pusher(store, endpoint, PushPolicy(attempts=6, timeout=5.0, deadline=1.0, batch_deadline=2.5, backoff=0.01))
    began = time.monotonic()
    with pytest.raises(LrsError) as caught:
        pusher.push([{"id": "5f0e7a3c-0000-4000-8000-000000000003", "context": {"registration": "r"}}])
    assert time.monotonic() - began < 4.0  # six tries of a second each would have taken six
    assert str(caught.value).startswith(f"the LRS at {endpoint.base} did not take a batch of 1 statement within 2.5 s (")
    assert len(lrs.posts) < 6


def test_retry_after_as_an_http_date_is_honoured_and_capped(lrs, store) -> None:
    waits: list[float] = []
    lrs.modes = ["busy_until"]
    pusher = Pusher(store, Endpoint.checked(lrs.endpoint, USER, PASSWORD), sleep=waits.append)
    pusher.push([{"id": "5f0e7a3c-0000-4000-8000-000000000002", "context": {"registration": "r"}}])
    assert len(waits) == 1 and 25 <= waits[0] <= 30  # the date was 30 s ahead when sent


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wednesday, 21-Oct-15 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past: no wait
        ("soon", None),
        ("-5", None),
        ("", None),
    ],
)
def test_retry_after_in_both_forms(value: str, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert _retry_after(value, now) == seconds


def test_a_far_retry_after_is_capped() -> None:
    from ltl_quiz.lrs.retry import MAX_WAIT

    pusher = Pusher(None, Endpoint.checked("http://127.0.0.1:9/xAPI", USER, PASSWORD))
    assert pusher._wait(1, 86400.0) == MAX_WAIT


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ltl:p@lrs.example.org/xAPI", "https://ltl:***@lrs.example.org/xAPI"),
        ("ftp://ltl:pass@word@lrs.example.org/p", "ftp://ltl:***@lrs.example.org/p"),
        ("http://127.0.0.1:9/xAPI", "http://127.0.0.1:9/xAPI"),
        ("lrs.local", "lrs.local"),
    ],
)
def test_userinfo_passwords_are_redacted_and_nothing_else(url: str, shown: str) -> None:
    assert _no_credentials(url) == shown


def test_scrub_takes_out_credentials_not_words() -> None:
    scrub = Credentials(Endpoint("http://127.0.0.1:9/xAPI", "ltl", "API")).scrub
    token = base64.b64encode(b"ltl:API").decode()
    assert scrub("http://127.0.0.1:9/xAPI refused API") == "http://127.0.0.1:9/xAPI refused ***"
    assert scrub(f"Authorization: Basic {token}") == "Authorization: Basic ***"
    assert scrub("see https://ltl:API@host/x") == "see https://***@host/x"


def test_push_json_prints_an_error_object_when_it_fails(lrs, store) -> None:
    lrs.modes = ["echo-auth"]
    result = push(lrs, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["error"].startswith(f"the LRS at {lrs.endpoint.rstrip('/')} refused user 'ltl' (HTTP 401")
    assert (report["sent"], report["batches"], report["endpoint"]) == (0, 0, lrs.endpoint.rstrip("/"))
    assert PASSWORD not in result.output and TOKEN not in result.output


def test_push_json_reports_an_input_error_too(store, monkeypatch) -> None:
    monkeypatch.delenv("LTL_QUIZ_LRS_ENDPOINT", raising=False)
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "lrs", "push", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "no LRS endpoint: give --endpoint URL (or set LTL_QUIZ_LRS_ENDPOINT)"


PRINTABLE = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)


@given(password=PRINTABLE, user=st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=8), form=st.integers(0, 4))
def test_no_echoed_form_of_the_credentials_survives_scrubbing(password: str, user: str, form: int) -> None:
    assume(set(password) != {"*"})  # a password of stars would look like its own redaction
    pair = f"{user}:{password}"
    token = base64.b64encode(pair.encode()).decode()
    echo = [f"password {password} refused", f"Basic {token}", token.rstrip("="), f"got {pair}", f"https://{pair}@lrs.example.org/x"][form]
    cleaned = Credentials(Endpoint("https://lrs.example.org/xAPI", user, password)).scrub(f"error: {echo}.")
    for secret in (token, token.rstrip("="), pair):
        assert secret not in cleaned
    if form == 0:
        assert f" {password} " not in cleaned


@given(seconds=st.integers(0, 10**6))
def test_retry_after_seconds_round_trip(seconds: int) -> None:
    assert _retry_after(str(seconds)) == float(seconds)
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    assert _retry_after(format_datetime(moment + timedelta(seconds=seconds), usegmt=True), moment) == float(seconds)
