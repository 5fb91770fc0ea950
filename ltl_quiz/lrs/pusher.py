"""A push: statements in batches to one endpoint, each batch tried until it is accepted, refused or
out of tries and time; each accepted batch recorded in the store in the same step, so the next
push sends only what is new, and statements the store no longer supports are voided."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ltl_quiz.errors import InputError, LrsError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.lrs.endpoint import Endpoint
from ltl_quiz.lrs.retry import BATCH_DEADLINE, DEADLINE, TRANSIENT, backoff_wait, redirected, refusal
from ltl_quiz.lrs.transport import Answer, send
from ltl_quiz.text import counted

if TYPE_CHECKING:
    from sqlalchemy import TableClause

    from ltl_quiz.exporters.xapi import XapiSettings
    from ltl_quiz.locations import Locations
    from ltl_quiz.store import Store
    from ltl_quiz.store.queries import Filters

ATTEMPTS_A_CHECK = 200  # attempts whose accepted statements are looked up in one query


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


@dataclass(frozen=True)
class PushPolicy:
    """How a push sends: statements a POST, tries a batch, and how long each wait and limit may be (seconds)."""

    batch_size: int = 500
    attempts: int = 6  # tries a batch gets: the first and the retries
    backoff: float = 0.5  # the first wait between tries, doubled at each (unless the LRS asks for its own)
    timeout: float = 60.0  # one read of the answer
    deadline: float = DEADLINE  # one whole try
    batch_deadline: float = BATCH_DEADLINE  # all a batch's tries and the waits between them

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise InputError(f"--batch-size {self.batch_size} is too small; use 1 or more")


def _default_settings() -> XapiSettings:
    from ltl_quiz.exporters.xapi import XapiSettings

    return XapiSettings()


@dataclass
class Pusher:
    """Posts statements to one endpoint in batches, recording each accepted batch in the store."""

    store: Store
    endpoint: Endpoint
    policy: PushPolicy = field(default_factory=PushPolicy)
    sleep: Callable[[float], None] = time.sleep
    settings: XapiSettings = field(default_factory=_default_settings)
    report: PushReport = field(init=False)

    def __post_init__(self) -> None:
        self.report = PushReport(endpoint=self.endpoint.base)

    def push(self, statements: Iterable[JSONObject]) -> PushReport:
        """Send what is new, then void what the LRS holds that the store no longer supports."""
        for batch in self._new_batches(self._noting_replaced(statements)):
            self._send_batch(batch)
        for batch in self._new_batches(self._voiding()):
            self._send_batch(batch)
            self.report.voided += len(batch)
        return self.report

    def _send_batch(self, batch: list[JSONObject]) -> None:
        self._post(batch)
        self._remember(batch)
        self.report.sent += len(batch)
        self.report.batches += 1

    def _noting_replaced(self, statements: Iterable[JSONObject]) -> Iterator[JSONObject]:
        """The statements as they come, an attempt at a time; on the way, any statement this endpoint
        accepted for one of these attempts that the attempt no longer yields is queued to be voided."""
        group: dict[str, list[JSONObject]] = {}
        for statement in statements:
            attempt = _registration(statement)
            if attempt not in group and len(group) >= ATTEMPTS_A_CHECK:
                yield from self._check_replaced(group)
                group = {}
            group.setdefault(attempt, []).append(statement)
        if group:
            yield from self._check_replaced(group)

    def _check_replaced(self, group: dict[str, list[JSONObject]]) -> Iterator[JSONObject]:
        import sqlalchemy as sa

        from ltl_quiz.store import voids

        table = _table()
        current = {_statement_id(s) for batch in group.values() for s in batch}
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

    def _voiding(self) -> Iterator[JSONObject]:
        from ltl_quiz.exporters.xapi import voiding_statement
        from ltl_quiz.store import voids

        with self.store.reading() as conn:
            waiting = voids.pending(conn, self.endpoint.base)
        for row in waiting:
            yield voiding_statement(row.statement_id, row.attempt_id, row.recorded_at, self.settings)

    def _new_batches(self, statements: Iterable[JSONObject]) -> Iterator[list[JSONObject]]:
        """Statements the endpoint has not accepted yet, ``batch_size`` at a time."""
        batch: list[JSONObject] = []
        for chunk in _chunks(statements, self.policy.batch_size):
            known = self._accepted([_statement_id(s) for s in chunk])
            for statement in chunk:
                if _statement_id(statement) in known:
                    self.report.already += 1
                    continue
                batch.append(statement)
                if len(batch) == self.policy.batch_size:
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

    def _remember(self, batch: list[JSONObject]) -> None:
        import sqlalchemy as sa

        from ltl_quiz.store import now

        stamp = now()
        rows = [
            {"endpoint": self.endpoint.base, "statement_id": _statement_id(s), "attempt_id": _registration(s), "accepted_at": stamp}
            for s in batch
        ]
        with self.store.begin() as conn:
            conn.execute(sa.insert(_table()), rows)

    def _post(self, batch: list[JSONObject]) -> None:
        """Send one batch until it is accepted, refused, out of tries, or out of time (``batch_deadline``, waits included)."""
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        policy = self.policy
        ends = time.monotonic() + policy.batch_deadline
        for attempt in range(1, policy.attempts + 1):
            answer = self._send(body, min(policy.deadline, max(0.0, ends - time.monotonic())))
            if answer.status in (200, 204):
                return
            if answer.status is not None and 300 <= answer.status < 400:
                raise LrsError(redirected(self.endpoint, answer), self.report)
            if answer.status is not None and answer.status not in TRANSIENT:
                raise LrsError(refusal(self.endpoint, answer.status, answer.reason), self.report)
            what = f"HTTP {answer.status}" if answer.status else answer.reason
            if attempt == policy.attempts:
                raise LrsError(f"the LRS at {self.endpoint.base} still fails after {counted(attempt, 'try')} ({what}); try again later", self.report)
            wait = self._wait(attempt, answer.retry_after)
            if time.monotonic() + wait >= ends:
                raise LrsError(
                    f"the LRS at {self.endpoint.base} did not take a batch of {counted(len(batch), 'statement')} within {policy.batch_deadline:g} s "
                    f"({counted(attempt, 'try')}, the last: {what}); try again later, perhaps with a smaller --batch-size",
                    self.report,
                )
            self.report.retries += 1
            self.sleep(wait)

    def _send(self, body: bytes, seconds: float) -> Answer:
        return send(self.endpoint, body, seconds, self.policy.timeout)

    def _wait(self, attempt: int, asked: float | None) -> float:
        return backoff_wait(attempt, asked, self.policy.backoff)


def push(
    where: Locations,
    endpoint: Endpoint,
    filters: Filters,
    pseudonymise: bool,
    home_page: str | None,
    batch_size: int = 500,
    retries: int = 5,
) -> PushReport:
    """Build the statements for ``filters`` and send the ones ``endpoint`` has not accepted yet."""
    from ltl_quiz.exporters import people_for
    from ltl_quiz.exporters.scenarios import ScenarioLibrary
    from ltl_quiz.exporters.xapi import XapiSettings, statements
    from ltl_quiz.store import Store

    settings = XapiSettings.checked(home_page)
    with Store(where.db_url) as store:
        if retries < 0:
            raise InputError(f"--retries {retries} is below 0; use 0 or more")
        people = people_for(where, store, pseudonymise)
        pusher = Pusher(store, endpoint, PushPolicy(batch_size=batch_size, attempts=retries + 1), settings=settings)
        report = pusher.push(statements(store, filters, ScenarioLibrary(where.scenarios), people, settings))
        report.withheld_learners, report.withheld_reflections = people.withheld_counts()
        return report


def _table() -> TableClause:
    import sqlalchemy as sa

    return sa.table("lrs_accepted", sa.column("endpoint"), sa.column("statement_id"), sa.column("attempt_id"), sa.column("accepted_at"))


def _statement_id(statement: JSONObject) -> str:
    """The statement's id: every statement ltl-quiz builds has one (exporters/xapi.py)."""
    value = statement["id"]
    if not isinstance(value, str):
        raise TypeError(f"an xAPI statement's id must be text, not {value!r}")
    return value


def _registration(statement: JSONObject) -> str:
    """The attempt a statement belongs to: its context's registration (the attempt's id)."""
    context = statement["context"]
    value = context.get("registration") if isinstance(context, Mapping) else None
    if not isinstance(value, str):
        raise TypeError(f"an xAPI statement's context must name its registration, not {context!r}")
    return value


def _chunks(items: Iterable[JSONObject], size: int) -> Iterator[list[JSONObject]]:
    chunk: list[JSONObject] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
