"""The offline journal: an attempt carries on when the results store cannot be reached.

A terminal that loses its connection to the store writes each answer to
``<home>/journal/<attempt id>.jsonl`` instead: one JSON record a line, appended, flushed and
fsync'd before the learner sees the next prompt, so a power cut loses at most the prompt on screen.
``ltl-quiz sync`` replays the journal into the store later. Attempt and answer ids are UUIDs made
on the terminal, so a replay inserts what is missing and skips what is there: replaying twice, or
replaying an answer whose write did reach the store before the connection dropped, changes nothing.
A replayed journal moves to ``journal/synced/`` (kept, as the terminal's own audit trail).

Each append and each replay holds an exclusive lock on the file (POSIX ``flock``). A sync that
replays an attempt still being answered moves the file away; the next answer notices and starts a
new file for the same attempt, so nothing is written to a file that has already been replayed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ltl_quiz.config import Learner
from ltl_quiz.engine.state_machine import Answer, Result, State
from ltl_quiz.errors import StoreError
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.journal_file import Journal
from ltl_quiz.store.journal_sync import SyncReport, sync
from ltl_quiz.store.protocol import AttemptStore
from ltl_quiz.store.rows import TERMINAL, AttemptRow, attempt_values
from ltl_quiz.text import counted

T = TypeVar("T")


def sync_into(url: str, journal_dir: Path, any_store: bool = False) -> SyncReport:
    """``ltl-quiz sync``: open the store (it must be reachable now) and replay this computer's journal."""
    with Store(url) as store:
        return sync(store, Journal(journal_dir), any_store)


class OfflineSafeStore:
    """The store as the runner sees it: writes go to the results store while it answers, and to the
    journal from the first write it refuses (for the rest of that attempt), with one line to the learner.

    Anything else asked of it is passed to the real store, so code written for ``Store`` works.
    """

    def __init__(self, url: str, journal: Journal, say: Callable[[str], None], store: Store | None = None):
        self.url = url
        self.journal = journal.standing_in_for(url, say)
        self.store = store
        self.reason = ""

    @classmethod
    def open(cls, url: str, journal_dir: Path, say: Callable[[str], None]) -> OfflineSafeStore:
        """Open the store if it can be reached (and send it what this terminal journalled meanwhile)."""
        safe = cls(url, Journal(journal_dir), say)
        try:
            safe.store = Store(url)
        except StoreError as exc:
            safe.reason = str(exc)
            return safe
        safe._catch_up()
        return safe

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def __getattr__(self, name: str) -> object:
        store = self.__dict__.get("store")
        if store is None:
            raise StoreError(self.__dict__.get("reason") or "the results store cannot be reached")
        return getattr(store, name)

    # -- writing: the store while it answers, then the journal ---------------------------------
    def start_attempt(self, learner: Learner, scenario: Scenario, state: State, best: int, *, how_answered: str = TERMINAL) -> str:
        attempt_id = str(uuid.uuid4())  # chosen here: the same id whether or not the store took it
        self.journal.expect(attempt_id, learner, attempt_values(learner.id, scenario, state, best, None, attempt_id, now(), how_answered))
        if self.store is not None:
            try:
                return self.store.start_attempt(learner, scenario, state, best, attempt_id=attempt_id, how_answered=how_answered)
            except StoreError as exc:
                self._go_offline(exc)
        return self.journal.begin(attempt_id)

    def record(self, attempt_id: str, state: State, answer: Answer, shown_at: str, result: Result, answer_id: str | None = None) -> None:
        answer_id = answer_id or str(uuid.uuid4())
        self._write(lambda s: s.record(attempt_id, state, answer, shown_at, result, answer_id=answer_id))

    def finish(self, attempt_id: str, result: Result) -> None:
        self._write(lambda s: s.finish(attempt_id, result))

    def mark_scripted(self, attempt_id: str) -> None:
        self._write(lambda s: s.mark_scripted(attempt_id))

    def abandon(self, attempt_id: str) -> None:
        self._write(lambda s: s.abandon(attempt_id))

    def hold(self, attempt_id: str, ms: int) -> None:
        """The journal keeps the attempt's held total either way: offline it writes the total, not
        the addition, so a sync (or a second one) sets it, and a hold whose write reached the store
        before the connection dropped is not counted twice."""
        if self.store is not None:
            try:
                self.store.hold(attempt_id, ms)
                self.journal.held_elsewhere(attempt_id, ms)
                return
            except StoreError as exc:
                self._go_offline(exc)
        self.journal.hold(attempt_id, ms)

    def _write(self, write: Callable[[AttemptStore], T]) -> T:
        """``write`` to the store; from the first time it refuses, to the journal instead."""
        if self.store is not None:
            try:
                return write(self.store)
            except StoreError as exc:
                self._go_offline(exc)
        return write(self.journal)

    # -- reading (resume and the menu work from the journal while the store is away) -------------
    def learner(self, learner_id: str) -> Learner | None:
        return self._read(lambda s: s.learner(learner_id))

    def attempt(self, prefix: str) -> AttemptRow:
        if self.store is not None:
            row = self.store.attempt(prefix)
        else:
            try:
                row = self.journal.attempt(prefix)
            except StoreError as exc:
                raise StoreError(f"{self.reason}; {exc}") from None
        self.journal.remember(row)
        return row

    def attempts(self, learner_id: str | None = None, status: str | None = None) -> list[AttemptRow]:
        return self._read(lambda s: s.attempts(learner_id, status))

    def _read(self, read: Callable[[AttemptStore], T]) -> T:
        """From the store while it can be reached, else from this computer's journal."""
        return read(self.store if self.store is not None else self.journal)

    def _go_offline(self, exc: StoreError) -> None:
        self.reason = str(exc)
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.store = None

    def _catch_up(self) -> None:
        """Send what this terminal journalled while the store was away, before anything reads it."""
        if not self.journal.pending() or self.store is None:
            return
        try:
            report = sync(self.store, self.journal)
        except StoreError:
            return  # left for 'ltl-quiz sync', which will say why
        if report.sent:
            count = len(report.sent)
            self.journal.say(
                f"{counted(count, 'attempt')} saved on this computer while the results store was away now reached it."
            )


def wrap(store: AttemptStore, say: Callable[[str], None], journal_dir: Path | None = None) -> AttemptStore:
    """The runner's hook: the results store becomes one that falls back to the journal (once); any
    other ``AttemptStore`` (an ``OfflineSafeStore`` already, or the journal itself) is used as it is."""
    if not isinstance(store, Store):
        return store
    if journal_dir is None:
        from ltl_quiz.locations import resolve

        journal_dir = resolve(db=store.url).journal_dir
    return OfflineSafeStore(store.url, Journal(journal_dir), say, store=store)
