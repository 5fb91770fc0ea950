"""Send xAPI statements to a learning record store, and remember what it has accepted.

Statements go in batches to ``{endpoint}/statements`` with HTTP Basic authentication and the
``X-Experience-API-Version: 1.0.3`` header. A transient failure (no connection, a time-out, 408,
429 or a 5xx) is retried with exponential back-off, honouring ``Retry-After``; a client error
(401, 403, 409, any other 4xx) stops at once with a message saying what to do, because sending
the same request again cannot fix it. After each accepted batch the statement ids are recorded
for that endpoint in the store, in the same step, so the next push sends only new statements,
and a push stopped half way resumes where it stopped.

The standard library's HTTP client is enough for one POST at a time, so there is no dependency
for it. It is told never to follow a redirect: a 3xx is an error, because following one would
send the Basic credentials to whatever host the answer names, and its 200 would be counted as
acceptance by a server that never stored anything. An answer that breaks the protocol (a garbage
status line, a body cut short) is retried like a 5xx. Each try has an overall deadline as well as
the per-read time-out, so a server that dribbles a byte every few seconds cannot hold a batch.

What the LRS sends back (its error body, a Location header) may echo the credentials: it passes
through ``Credentials.scrub``, which removes the password, ``user:password``, the Basic token and
URL userinfo. Our own text is never scrubbed by substring, so a short password cannot turn the
endpoint's address into ``htt***://``.

Statements the store no longer supports are voided: ones the LRS accepted for an attempt that
are no longer derived from it (a merge replaced the attempt), and ones of attempts erased from
the store (``store.voids.record_voided``, written by the erasure).
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import http.client
import json
import random
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ltl_quiz.errors import InputError, LrsError

XAPI_VERSION = "1.0.3"
TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
MAX_WAIT = 60.0  # the longest back-off or Retry-After wait between two tries, whatever the LRS asks
DEADLINE = 120.0  # seconds a whole try (connect, send, answer) may take, however slowly bytes arrive
BATCH_DEADLINE = 300.0  # seconds one batch may take over all its tries and the waits between them
MAX_BODY = 65536  # the most of an LRS's answer ever read
ATTEMPTS_A_CHECK = 200  # attempts whose accepted statements are looked up in one query


@dataclass(frozen=True)
class Endpoint:
    """An LRS's xAPI endpoint and the credentials for it."""

    base: str
    user: str
    password: str = field(repr=False)

    @classmethod
    def checked(cls, url: str | None, user: str | None, password: str | None) -> Endpoint:
        if not url:
            raise InputError("no LRS endpoint: give --endpoint URL (or set LTL_QUIZ_LRS_ENDPOINT)")
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(
                f"--endpoint {_no_credentials(url)!r} is not a web address; give the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/"
            )
        if parts.username or parts.password:
            raise InputError("put the LRS user and password in --user and --password (or the environment), not in the endpoint address")
        if not user or password is None or password == "":
            raise InputError("no LRS credentials: give --user and --password (or set LTL_QUIZ_LRS_USER and LTL_QUIZ_LRS_PASSWORD)")
        path = parts.path.rstrip("/")
        if path.endswith("/statements"):
            path = path[: -len("/statements")]
        base = urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))
        return cls(base, user, password)

    @property
    def statements_url(self) -> str:
        return self.base + "/statements"

    def authorisation(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return "Basic " + token


@dataclass
class PushReport:
    """What a push did: new statements sent, ones the LRS already had from earlier pushes, batches, retries."""

    sent: int = 0
    already: int = 0
    batches: int = 0
    retries: int = 0
    endpoint: str = ""
    voided: int = 0
    withheld_learners: int = 0  # learners whose written reflections went without their text (not shared)
    withheld_reflections: int = 0


class Pusher:
    """Posts statements to one endpoint in batches, recording each accepted batch in the store."""

    def __init__(
        self,
        store: Any,
        endpoint: Endpoint,
        batch_size: int = 500,
        attempts: int = 6,
        backoff: float = 0.5,
        timeout: float = 60.0,
        deadline: float = DEADLINE,
        batch_deadline: float = BATCH_DEADLINE,
        sleep: Callable[[float], None] = time.sleep,
        settings: Any = None,
    ):
        if batch_size < 1:
            raise InputError(f"--batch-size {batch_size} is too small; use 1 or more")
        self.store = store
        self.endpoint = endpoint
        self.batch_size = batch_size
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
        self.deadline = deadline
        self.batch_deadline = batch_deadline
        if settings is None:
            from ltl_quiz.exporters.xapi import XapiSettings

            settings = XapiSettings()
        self.settings = settings
        self.sleep = sleep
        self.report = PushReport(endpoint=endpoint.base)

    def push(self, statements: Iterable[dict[str, Any]]) -> PushReport:
        """Send what is new, then void what the LRS holds that the store no longer supports."""
        for batch in self._new_batches(self._noting_replaced(statements)):
            self._send_batch(batch)
        for batch in self._new_batches(self._voiding()):
            self._send_batch(batch)
            self.report.voided += len(batch)
        return self.report

    def _send_batch(self, batch: list[dict[str, Any]]) -> None:
        self._post(batch)
        self._remember(batch)
        self.report.sent += len(batch)
        self.report.batches += 1

    def _noting_replaced(self, statements: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The statements as they come, an attempt at a time; on the way, any statement this endpoint
        accepted for one of these attempts that the attempt no longer yields is queued to be voided."""
        group: dict[str, list[dict[str, Any]]] = {}
        for statement in statements:
            attempt = statement["context"]["registration"]
            if attempt not in group and len(group) >= ATTEMPTS_A_CHECK:
                yield from self._check_replaced(group)
                group = {}
            group.setdefault(attempt, []).append(statement)
        if group:
            yield from self._check_replaced(group)

    def _check_replaced(self, group: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        import sqlalchemy as sa

        from ltl_quiz.store import voids

        table = _table()
        current = {s["id"] for batch in group.values() for s in batch}
        with self.store.reading() as conn:
            rows = conn.execute(
                sa.select(table.c.statement_id, table.c.attempt_id).where(
                    table.c.endpoint == self.endpoint.base, table.c.attempt_id.in_(list(group))
                )
            ).all()
        gone = [(self.endpoint.base, r.statement_id, r.attempt_id) for r in rows if r.statement_id not in current]
        if gone:
            with self.store.begin() as conn:
                voids.add(conn, gone, "replaced")  # voiding statements among them are skipped there
        for batch in group.values():
            yield from batch

    def _voiding(self) -> Iterator[dict[str, Any]]:
        from ltl_quiz.exporters.xapi import voiding_statement
        from ltl_quiz.store import voids

        with self.store.reading() as conn:
            waiting = voids.pending(conn, self.endpoint.base)
        for row in waiting:
            yield voiding_statement(row.statement_id, row.attempt_id, row.recorded_at, self.settings)

    def _new_batches(self, statements: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """Statements the endpoint has not accepted yet, ``batch_size`` at a time."""
        batch: list[dict[str, Any]] = []
        for chunk in _chunks(statements, self.batch_size):
            known = self._accepted([s["id"] for s in chunk])
            for statement in chunk:
                if statement["id"] in known:
                    self.report.already += 1
                    continue
                batch.append(statement)
                if len(batch) == self.batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def _accepted(self, ids: list[str]) -> set[str]:
        import sqlalchemy as sa

        table = _table()
        with self.store.reading() as conn:
            rows = conn.execute(
                sa.select(table.c.statement_id).where(table.c.endpoint == self.endpoint.base, table.c.statement_id.in_(ids))
            )
            return {r[0] for r in rows}

    def _remember(self, batch: list[dict[str, Any]]) -> None:
        import sqlalchemy as sa

        from ltl_quiz.store import now

        stamp = now()
        rows = [
            {"endpoint": self.endpoint.base, "statement_id": s["id"], "attempt_id": s["context"]["registration"], "accepted_at": stamp}
            for s in batch
        ]
        with self.store.begin() as conn:
            conn.execute(sa.insert(_table()), rows)

    def _post(self, batch: list[dict[str, Any]]) -> None:
        """Send one batch until it is accepted, refused, out of tries, or out of time (``batch_deadline``, waits included)."""
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        ends = time.monotonic() + self.batch_deadline
        for attempt in range(1, self.attempts + 1):
            answer = self._send(body, min(self.deadline, max(0.0, ends - time.monotonic())))
            if answer.status in (200, 204):
                return
            if answer.status is not None and 300 <= answer.status < 400:
                raise LrsError(_redirected(self.endpoint, answer), self.report)
            if answer.status is not None and answer.status not in TRANSIENT:
                raise LrsError(_refusal(self.endpoint, answer.status, answer.reason), self.report)
            what = f"HTTP {answer.status}" if answer.status else answer.reason
            if attempt == self.attempts:
                raise LrsError(f"the LRS at {self.endpoint.base} still fails after {attempt} tries ({what}); try again later", self.report)
            wait = self._wait(attempt, answer.retry_after)
            if time.monotonic() + wait >= ends:
                raise LrsError(
                    f"the LRS at {self.endpoint.base} did not take a batch of {len(batch)} statement{'s' if len(batch) != 1 else ''} within {self.batch_deadline:g} s "
                    f"({attempt} tries, the last: {what}); try again later, perhaps with a smaller --batch-size",
                    self.report,
                )
            self.report.retries += 1
            self.sleep(wait)

    def _send(self, body: bytes, seconds: float) -> Answer:
        """One POST, never following a redirect, over within ``seconds``; whatever the LRS said is scrubbed."""
        request = urllib.request.Request(
            self.endpoint.statements_url,
            data=body,
            method="POST",
            headers={
                "Authorization": self.endpoint.authorisation(),
                "X-Experience-API-Version": XAPI_VERSION,
                "Content-Type": "application/json; charset=utf-8",
            },
        )
        scrub = Credentials(self.endpoint).scrub
        with _Watchdog(seconds) as watchdog:
            try:
                with watchdog.opener().open(request, timeout=self.timeout) as response:
                    _read_body(response)
                    return Answer(response.status, scrub(response.reason or ""))
            except urllib.error.HTTPError as exc:
                return _answer_from_error(exc, scrub, watchdog)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                if watchdog.expired:
                    return Answer(None, f"no complete answer within {seconds:g} s")
                return Answer(None, _unreachable(exc))

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_WAIT)
        return min(self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4), MAX_WAIT)


@dataclass(frozen=True)
class Answer:
    """What one POST got back: the status (None if no whole answer came), the reason or the LRS's message, Retry-After."""

    status: int | None
    reason: str
    retry_after: float | None = None
    location: str = ""


class Credentials:
    """The forms in which an LRS may echo our credentials, so its text can be cleaned before we print any of it."""

    def __init__(self, endpoint: Endpoint):
        pair = f"{endpoint.user}:{endpoint.password}"
        token = base64.b64encode(pair.encode()).decode("ascii")
        url_token = base64.urlsafe_b64encode(pair.encode()).decode("ascii")
        self.literals = sorted({token, token.rstrip("="), url_token.rstrip("="), pair}, key=len, reverse=True)
        words = {endpoint.password, quote(endpoint.password, safe="")} - {""}
        # The password on its own is taken out as a whole word, not inside longer words: an LRS
        # echoing it writes it as a value, and a short password must not eat into "https".
        self.words = [re.compile(rf"(?<![A-Za-z0-9]){re.escape(w)}(?![A-Za-z0-9])") for w in sorted(words, key=len, reverse=True)]

    def scrub(self, text: str) -> str:
        for literal in self.literals:
            text = text.replace(literal, "***")
        text = _USERINFO.sub(r"\1***@", text)
        for word in self.words:
            text = word.sub("***", text)
        return text


_USERINFO = re.compile(r"(//)[^/?#@\s]*@")


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
    return Answer(exc.code, scrub(detail or str(exc.reason)), _retry_after(exc.headers.get("Retry-After")), location)


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


def push(
    where: Any, endpoint: Endpoint, filters: Any, pseudonymise: bool, home_page: str | None, batch_size: int = 500, retries: int = 5
) -> PushReport:
    """Build the statements for ``filters`` and send the ones ``endpoint`` has not accepted yet."""
    from ltl_quiz.exporters import people_for
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.exporters.xapi import XapiSettings, statements
    from ltl_quiz.store import Store

    settings = XapiSettings.checked(home_page)
    store = Store(where.db_url)
    try:
        if retries < 0:
            raise InputError(f"--retries {retries} is below 0; use 0 or more")
        people = people_for(where, store, pseudonymise)
        pusher = Pusher(store, endpoint, batch_size=batch_size, attempts=retries + 1, settings=settings)
        report = pusher.push(statements(store, filters, ScenarioLibrary(where.scenarios), people, settings))
        report.withheld_learners, report.withheld_reflections = people.withheld_counts()
        return report
    finally:
        store.close()


def _table() -> Any:
    import sqlalchemy as sa

    return sa.table("lrs_accepted", sa.column("endpoint"), sa.column("statement_id"), sa.column("attempt_id"), sa.column("accepted_at"))


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _refusal(endpoint: Endpoint, status: int, detail: str) -> str:
    where = f"the LRS at {endpoint.base}"
    if status in (401, 403):
        return f"{where} refused user '{endpoint.user}' (HTTP {status}: {detail}); check --user and --password (or LTL_QUIZ_LRS_USER, LTL_QUIZ_LRS_PASSWORD)"
    if status == 409:
        return f"{where} already holds statements with these ids but different content (HTTP 409: {detail}); were they pushed once with --pseudonymise and once without, or with another --home-page?"
    if status == 404:
        return f"{where} has no statements resource (HTTP 404); check --endpoint: it is the xAPI base address, e.g. https://lrs.example.org/xAPI/"
    return f"{where} rejected the statements (HTTP {status}: {detail}); nothing more was sent"


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


def _redirected(endpoint: Endpoint, answer: Answer) -> str:
    to = f" to {answer.location}" if answer.location else ""
    return (
        f"the LRS at {endpoint.base} redirects (HTTP {answer.status}){to}; nothing was sent there, because a redirect "
        "would carry the credentials to another address: give the final xAPI address as --endpoint"
    )


def _retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, in either of its forms: delay-seconds or an HTTP-date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _no_credentials(url: str) -> str:
    """``url`` with any password in its userinfo replaced by ***, the rest exactly as typed."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:host_end], rest[host_end:]
    if "@" not in netloc:
        return url
    userinfo, host = netloc.rsplit("@", 1)
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}{tail}"
