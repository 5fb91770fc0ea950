"""Send xAPI statements to a learning record store, and remember what it has accepted.

Statements go in batches to ``{endpoint}/statements`` with HTTP Basic authentication and the
``X-Experience-API-Version: 1.0.3`` header. A transient failure (no connection, a time-out, 408,
429 or a 5xx) is retried with exponential back-off, honouring ``Retry-After``; a client error
(401, 403, 409, any other 4xx) stops at once with a message saying what to do, because sending
the same request again cannot fix it. After each accepted batch the statement ids are recorded
for that endpoint in the store, in the same step, so the next push sends only new statements,
and a push stopped half way resumes where it stopped.

The standard library's HTTP client is enough for one POST at a time, so there is no dependency
for it. The password is never printed: every message passes through ``_redact``.
"""

from __future__ import annotations

import base64
import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ltl_quiz.errors import InputError, LtlQuizError

XAPI_VERSION = "1.0.3"
TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
MAX_WAIT = 60.0


class LrsError(LtlQuizError):
    """The LRS refused the statements, or could not be reached after every retry."""


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
        sleep: Callable[[float], None] = time.sleep,
    ):
        if batch_size < 1:
            raise InputError(f"--batch-size {batch_size} is too small; use 1 or more")
        self.store = store
        self.endpoint = endpoint
        self.batch_size = batch_size
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.report = PushReport(endpoint=endpoint.base)

    def push(self, statements: Iterable[dict[str, Any]]) -> PushReport:
        for batch in self._new_batches(statements):
            self._post(batch)
            self._remember(batch)
            self.report.sent += len(batch)
            self.report.batches += 1
        return self.report

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
        with self.store._begin() as conn:
            conn.execute(sa.insert(_table()), rows)

    def _post(self, batch: list[dict[str, Any]]) -> None:
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        for attempt in range(1, self.attempts + 1):
            status, reason, retry_after = self._send(body)
            if status in (200, 204):
                return
            if status is not None and status not in TRANSIENT:
                raise LrsError(self._redact(_refusal(self.endpoint, status, reason)))
            if attempt == self.attempts:
                what = f"HTTP {status}" if status else reason
                raise LrsError(self._redact(f"the LRS at {self.endpoint.base} still fails after {attempt} tries ({what}); try again later"))
            self.report.retries += 1
            self.sleep(self._wait(attempt, retry_after))

    def _send(self, body: bytes) -> tuple[int | None, str, float | None]:
        """One POST: (status, reason or the LRS's message, Retry-After seconds); status None if no answer came."""
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
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
                return response.status, response.reason, None
        except urllib.error.HTTPError as exc:
            detail = _message(exc.read())
            return exc.code, detail or str(exc.reason), _retry_after(exc.headers.get("Retry-After"))
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            return None, f"cannot reach it: {reason}", None

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_WAIT)
        return min(self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4), MAX_WAIT)

    def _redact(self, text: str) -> str:
        secret = self.endpoint.password
        return text.replace(secret, "***") if secret else text


def push(
    where: Any, endpoint: Endpoint, filters: Any, pseudonymise: bool, home_page: str | None, batch_size: int = 500, retries: int = 5
) -> PushReport:
    """Build the statements for ``filters`` and send the ones ``endpoint`` has not accepted yet."""
    from ltl_quiz.exporters.rows import People
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.exporters.xapi import XapiSettings, statements
    from ltl_quiz.store import Store

    settings = XapiSettings.checked(home_page)
    people = People(None)
    if pseudonymise:
        from ltl_quiz.pseudonym import Pseudonymiser, load_key

        people = People(Pseudonymiser(load_key(where.config_file)))
    store = Store(where.db_url)
    try:
        if retries < 0:
            raise InputError(f"--retries {retries} is below 0; use 0 or more")
        pusher = Pusher(store, endpoint, batch_size=batch_size, attempts=retries + 1)
        return pusher.push(statements(store, filters, ScenarioLibrary(where.scenarios), people, settings))
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


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _no_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url
