"""One POST to an LRS over the standard library's HTTP client: never following a redirect, with an
overall deadline besides the per-read time-out (a server dribbling a byte every few seconds cannot
hold a try), and only a bounded, scrubbed piece of what the LRS answers kept."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ltl_quiz.lrs.endpoint import Credentials, Endpoint
from ltl_quiz.lrs.retry import retry_after

MAX_BODY = 65536  # the most of an LRS's answer ever read


@dataclass(frozen=True)
class Answer:
    """What one POST got back: the status (None if no whole answer came), the reason or the LRS's message, Retry-After."""

    status: int | None
    reason: str
    retry_after: float | None = None
    location: str = ""


def send(endpoint: Endpoint, body: bytes, seconds: float, timeout: float) -> Answer:
    """One POST, never following a redirect, over within ``seconds``; whatever the LRS said is scrubbed."""
    from ltl_quiz.exporters.xapi import VERSION  # the version the statements say they are, sent as the header

    request = urllib.request.Request(
        endpoint.statements_url,
        data=body,
        method="POST",
        headers={
            "Authorization": endpoint.authorisation(),
            "X-Experience-API-Version": VERSION,
            "Content-Type": "application/json; charset=utf-8",
        },
    )
    scrub = Credentials(endpoint).scrub
    with _Watchdog(seconds) as watchdog:
        try:
            with watchdog.opener().open(request, timeout=timeout) as response:
                _read_body(response)
                return Answer(response.status, scrub(response.reason or ""))
        except urllib.error.HTTPError as exc:
            return _answer_from_error(exc, scrub, watchdog)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if watchdog.expired:
                return Answer(None, f"no complete answer within {seconds:g} s")
            return Answer(None, _unreachable(exc))


class _Watchdog:
    """An overall deadline for one try: when it passes, every socket the try opened is shut, so a blocked read ends."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.sockets: list[socket.socket] = []
        self.expired = False
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)

    def opener(self) -> urllib.request.OpenerDirector:
        """An opener (proxies from the environment as usual) whose connections report their sockets, and that never redirects."""
        return urllib.request.build_opener(_NoRedirect(), _WatchedHTTP(self), _WatchedHTTPS(self))


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(base: type[http.client.HTTPConnection], watchdog: _Watchdog) -> Any:
    class Watched(base):  # type: ignore[valid-type, misc]  # mypy cannot check a class whose base is a parameter
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    return Watched


class _WatchedHTTP(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self.connection = _watched(http.client.HTTPConnection, watchdog)

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(self.connection, req)


class _WatchedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self.connection = _watched(http.client.HTTPSConnection, watchdog)

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(self.connection, req, context=self._context)  # type: ignore[attr-defined]  # HTTPSHandler keeps it; typeshed omits it


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is never followed: it comes back as the 3xx it is, and the push stops."""

    def redirect_request(self, *args: Any) -> None:
        return None


def _answer_from_error(exc: urllib.error.HTTPError, scrub: Callable[[str], str], watchdog: _Watchdog) -> Answer:
    try:
        detail = _message(_read_body(exc))
    except (OSError, http.client.HTTPException):
        detail = f"no complete answer within {watchdog.seconds:g} s" if watchdog.expired else "its answer was cut short"
        return Answer(None, detail)
    location = scrub(exc.headers.get("Location", "") or "")
    return Answer(exc.code, scrub(detail or str(exc.reason)), retry_after(exc.headers.get("Retry-After")), location)


def _read_body(response: Any) -> bytes:
    """Up to MAX_BODY bytes of an answer; a body that ends before its Content-Length is cut short, and says so."""
    parts: list[bytes] = []
    size = 0
    while size <= MAX_BODY:
        part = response.read(8192)
        if not part:
            if getattr(response, "length", None):  # bytes still owed when the connection ended
                raise http.client.IncompleteRead(b"".join(parts), response.length)
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)[:MAX_BODY]


def _unreachable(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return "its answer was cut short"
    if isinstance(exc, http.client.HTTPException) and not isinstance(exc, ConnectionError):
        return f"it did not answer in HTTP ({type(exc).__name__})"
    reason = getattr(exc, "reason", exc)
    return f"cannot reach it: {reason}"


def _message(body: bytes) -> str:
    """The LRS's own explanation, shortened: most send JSON with a 'detail' or 'message'."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        text = str(data.get("detail") or data.get("message") or data.get("error") or text)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"
