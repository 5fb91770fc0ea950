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
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine.state_machine import Answer, Result, State
from ltl_quiz.errors import AttemptNotFound, JournalConflict, JournalDamaged, StoreError
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store.db import (
    SCRIPTED,
    TERMINAL,
    AttemptRow,
    Store,
    answer_values,
    answers,
    attempt_values,
    attempts,
    finish_values,
    learners,
    now,
    progress_values,
)
from ltl_quiz.store.erased import Erased, erased_here
from ltl_quiz.store.rowcheck import Columns, row_problem, table_columns

try:  # POSIX; elsewhere appends and replays go unlocked (one learner a terminal, sync run by hand)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]  # no module here: callers test for None

VERSION = 1
SAFE_LINE = (
    "Your work is safe: the results store cannot be reached, so your answers are being saved on this computer "
    "and will be sent to the store by 'ltl-quiz sync'."
)


def store_label(url: str) -> str:
    """Which store a URL points at, without its password and spelt one way (absolute SQLite paths,
    one name for PostgreSQL's drivers), so a journal knows the store it is meant for."""
    try:
        u = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return "?"
    if u.get_backend_name() == "sqlite":
        return f"sqlite:///{Path(u.database).resolve()}" if u.database and u.database != ":memory:" else "sqlite://"
    user = f"{u.username}@" if u.username else ""
    port = f":{u.port}" if u.port else ""
    return f"{u.get_backend_name()}://{user}{u.host or ''}{port}/{u.database or ''}"


# -- the files ------------------------------------------------------------------------------------
@dataclass
class Entry:
    """One attempt's journal, read back: where it began, every answer, the attempt's latest columns."""

    path: Path
    attempt_id: str
    store: str
    full: bool  # the attempt began in the journal, so the header holds every column of its row
    learner: dict[str, str] | None
    start: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)
    latest: dict[str, Any] = field(default_factory=dict)
    answer_lines: list[int] = field(default_factory=list)  # the line of the file each answer is on

    def row(self) -> AttemptRow:
        """The attempt as the store would hold it now, for resuming while the store is away."""
        if not self.learner or "scenario_id" not in self.start:
            raise AttemptNotFound(f"attempt {self.attempt_id[:8]} began in the results store, which cannot be reached; try again later")
        m = {**self.start, **self.latest}
        return AttemptRow.from_mapping(m, self.learner["name"], self.learner.get("unit", ""))


class Journal:
    """The journal folder of one terminal (``Locations.journal_dir``)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, attempt_id: str) -> Path:
        return self.folder / f"{uuid.UUID(attempt_id)}.jsonl"  # a UUID or nothing: never a path of our own choosing

    def pending(self) -> list[Path]:
        return sorted(self.folder.glob("*.jsonl")) if self.folder.is_dir() else []

    def entries(self) -> list[Entry]:
        """Every pending journal that can be read (a file being written is read as far as it goes)."""
        found = []
        for path in self.pending():
            with contextlib.suppress(JournalConflict, OSError):
                found.append(read(path))
        return found

    def find(self, prefix: str) -> Entry | None:
        matches = [e for e in self.entries() if e.attempt_id.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    def append(self, attempt_id: str, record: dict[str, Any] | None, header: dict[str, Any]) -> None:
        """Add one record, on the disk before this returns; a new file begins with ``header``."""
        path = self.path(attempt_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            # Private to the user, like the config: it holds names and what learners wrote.
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as handle:
                _lock(handle)
                if not _still_at(handle, path):
                    continue  # replayed and moved away while we waited: start a new file
                size = os.fstat(handle.fileno()).st_size
                lines = [] if size else [header]
                if size and _last_byte(path) != b"\n":  # a record torn by a crash: ended, marked, never glued to the next
                    handle.write(b"\n")
                    lines.append({"type": "torn"})
                for item in [*lines, *([record] if record else [])]:
                    handle.write((json.dumps({"v": VERSION, **item}, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            if not size:
                _fsync_dir(path.parent)
            return

    def quarantine(self, path: Path) -> Path:
        """Move a damaged journal out of the way of ``sync``, keeping it (never deleted) for a person to read."""
        folder = self.folder / "quarantine"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = folder / path.name
        n = 1
        while target.exists():  # an earlier damaged copy of the same name stays too
            n += 1
            target = folder / f"{path.stem}.{n}{path.suffix}"
        os.replace(path, target)
        _fsync_dir(folder)
        _fsync_dir(self.folder)
        return target

    def mark_synced(self, path: Path) -> None:
        done = self.folder / "synced"
        done.mkdir(parents=True, exist_ok=True)
        os.replace(path, done / path.name)
        _fsync_dir(done)
        _fsync_dir(self.folder)


def read(path: Path) -> Entry:
    """Parse a journal. A record cut short by a crash was never confirmed to the learner: it is
    skipped, whether it is the last line or was followed by the ``torn`` marker a later append wrote.

    Any other damage raises ``JournalDamaged`` naming the file and line: every record must be a
    JSON object, the first the attempt's, headed by the id the file is named for."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")[:-1]  # whatever follows the last newline is a torn record
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number < len(lines) and _is_torn_marker(lines[number])):
            continue  # cut short by a crash, even if what was written happens to parse
        try:
            record = json.loads(line)
        except ValueError:
            raise JournalDamaged(f"{path}:{number}: not a journal record; the file is damaged, keep it and report it") from None
        if not isinstance(record, dict):
            raise JournalDamaged(f"{path}:{number}: a JSON {type(record).__name__} where a journal record belongs")
        records.append((number, record))
    if not records or records[0][1].get("type") != "attempt":
        raise JournalDamaged(f"{path}:1: the journal does not begin with its attempt; keep the file and report it")
    head = records[0][1]
    start, learner = head.get("attempt"), head.get("learner")
    if not isinstance(start, dict) or not isinstance(start.get("id"), str) or path.name != f"{_uuid(start['id'])}.jsonl":
        raise JournalDamaged(f"{path}:{records[0][0]}: the attempt's id is missing or is not the one the file is named for")
    if learner is not None and not (isinstance(learner, dict) and all(isinstance(v, str) for v in learner.values()) and "id" in learner):
        raise JournalDamaged(f"{path}:{records[0][0]}: the learner is not a staff number, name and unit")
    entry = Entry(
        path=path, attempt_id=start["id"], store=str(head.get("store", "?")), full=bool(head.get("full")), learner=learner, start=start
    )
    for number, record in records[1:]:
        answer, latest = record.get("answer"), record.get("attempt")
        if (answer and not isinstance(answer, dict)) or (latest and not isinstance(latest, dict)):
            raise JournalDamaged(f"{path}:{number}: an answer or an attempt that is not a record")
        if answer:
            entry.answers.append(answer)
            entry.answer_lines.append(number)
        entry.latest.update(latest or {})
    return entry


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""


def check(entry: Entry, columns: dict[str, Columns]) -> None:
    """Every column of the journal fits the store it is to be sent to (``rowcheck``), before any is sent.

    WHY before: a record refused half-way through a replay would roll back that journal, and one
    refused before the transaction is simply a damaged journal, moved aside with its reason."""
    where = f"{entry.path}:1"
    required = ("id", "learner_id", "scenario_id", "updated_at", "state") if entry.full else ("id",)
    problem = row_problem(entry.start, columns["attempts"], required)
    if problem is None and entry.learner is not None:
        problem = row_problem({k: v for k, v in entry.learner.items() if k != "id"}, columns["learners"]) or (
            None if entry.learner.get("name") else "the learner has no name"
        )
    for answer, line in zip(entry.answers, entry.answer_lines, strict=True):
        if problem is None:
            where = f"{entry.path}:{line}"
            problem = row_problem(answer, columns["answers"], ("id", "seq", "attempt_id"))
            if problem is None and answer["attempt_id"] != entry.attempt_id:
                problem = "an answer to another attempt"
    if problem is None and entry.latest:
        where = f"{entry.path}"
        problem = row_problem(entry.latest, columns["attempts"])
    if problem:
        raise JournalDamaged(f"{where}: {problem}")


def _is_torn_marker(line: str) -> bool:
    if '"torn"' not in line:
        return False
    try:
        return json.loads(line).get("type") == "torn"
    except (ValueError, AttributeError):
        return False


def _lock(handle: IO[Any]) -> None:
    """Wait for the file's exclusive lock; closing the file releases it."""
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _still_at(handle: IO[bytes], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1)


def _fsync_dir(folder: Path) -> None:
    """Make a new or moved file's name durable, not only its content (POSIX; a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- replay ---------------------------------------------------------------------------------------
@dataclass
class Replayed:
    """What one journal did to the store."""

    attempt_id: str
    created: bool = False
    added: int = 0
    present: int = 0
    updated: bool = False


def replay(store: Store, entry: Entry) -> Replayed:
    """Bring one journal into the store in one transaction: insert what is missing, skip what is there.

    Raises ``JournalConflict`` (and changes nothing) when the store holds a different answer at the
    same place in the attempt, or lacks an attempt the journal only continues.
    """
    done = Replayed(entry.attempt_id)
    with store._begin() as conn:
        if _erased(conn, entry.attempt_id):
            raise JournalConflict(_erased_message(entry))
        if entry.learner:
            _upsert_learner(conn, entry.learner)
        current = conn.execute(sa.select(attempts.c.updated_at).where(attempts.c.id == entry.attempt_id)).first()
        if current is None:
            if not entry.full:
                raise JournalConflict(
                    f"attempt {entry.attempt_id[:8]} is not in this store, and the journal holds only its later answers; "
                    f"sync it into the store it began in ({entry.store})"
                )
            conn.execute(sa.insert(attempts).values(**entry.start))
            done.created = True
            updated_at = entry.start["updated_at"]
        else:
            updated_at = current.updated_at
        there = {r.seq: r.id for r in conn.execute(sa.select(answers.c.seq, answers.c.id).where(answers.c.attempt_id == entry.attempt_id))}
        for answer in entry.answers:
            if answer["id"] in there.values():
                done.present += 1
            elif answer["seq"] in there:
                raise JournalConflict(
                    f"attempt {entry.attempt_id[:8]}: the store already has a different answer number {answer['seq']} "
                    f"(the attempt was carried on elsewhere); nothing from this journal was applied"
                )
            else:
                conn.execute(sa.insert(answers).values(**answer))
                there[answer["seq"]] = answer["id"]
                done.added += 1
        if entry.latest and entry.latest.get("updated_at", "") > updated_at:
            conn.execute(sa.update(attempts).where(attempts.c.id == entry.attempt_id).values(**entry.latest))
            done.updated = True
    return done


def _erased_message(entry: Entry) -> str:
    return f"attempt {entry.attempt_id[:8]} was erased from this store (db forget or purge); delete {entry.path} rather than sync it"


def _erased(conn: sa.Connection, attempt_id: str) -> bool:
    """Whether ``db forget``/``db purge`` erased this attempt: a journal elsewhere must not bring it back."""
    if not sa.inspect(conn).has_table("erased_attempts"):
        return False
    return conn.execute(sa.text("SELECT 1 FROM erased_attempts WHERE attempt_id = :a"), {"a": attempt_id}).first() is not None


def _upsert_learner(conn: sa.Connection, learner: dict[str, str]) -> None:
    found = conn.execute(sa.select(learners.c.id).where(learners.c.id == learner["id"])).first()
    if found:  # as starting an attempt online would have done
        conn.execute(sa.update(learners).where(learners.c.id == learner["id"]).values(name=learner["name"], unit=learner.get("unit", "")))
    else:
        conn.execute(sa.insert(learners).values(id=learner["id"], name=learner["name"], unit=learner.get("unit", ""), created_at=now()))


@dataclass
class SyncReport:
    """What ``ltl-quiz sync`` did, for people and for ``--json``."""

    store: str
    sent: list[Replayed] = field(default_factory=list)
    elsewhere: dict[str, int] = field(default_factory=dict)  # store label -> attempts meant for it
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "attempts_sent": len(self.sent),
            "answers_added": sum(r.added for r in self.sent),
            "answers_already_there": sum(r.present for r in self.sent),
            "attempts": [r.__dict__ for r in self.sent],
            "waiting_for_other_stores": self.elsewhere,
            "problems": self.problems,
        }

    def lines(self) -> list[str]:
        out = []
        if self.sent:
            added, present = sum(r.added for r in self.sent), sum(r.present for r in self.sent)
            also = f", {present} of them already there" if present else ""
            out.append(
                f"Sent {_n(len(self.sent), 'attempt')} ({_n(added + present, 'answer')}{also}) from this computer's journal to {self.store}."
            )
        for label, count in sorted(self.elsewhere.items()):
            out.append(
                f"{_n(count, 'attempt')} in the journal {'are' if count != 1 else 'is'} meant for {label}: "
                f"run 'ltl-quiz --db URL sync' for that store, or 'ltl-quiz sync --any-store' to send them here."
            )
        out += [f"problem: {p}" for p in self.problems]
        if not self.sent and not self.elsewhere and not self.problems:
            out.append("Nothing to send: this computer's journal is empty.")
        return out


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def sync_into(url: str, journal_dir: Path, any_store: bool = False) -> SyncReport:
    """``ltl-quiz sync``: open the store (it must be reachable now) and replay this computer's journal."""
    store = Store(url)
    try:
        return sync(store, Journal(journal_dir), any_store)
    finally:
        store.close()


def sync(store: Store, journal: Journal, any_store: bool = False) -> SyncReport:
    """Replay every pending journal meant for this store (``any_store``: every one) and file it away.

    A journal that cannot be read, or whose records do not fit the store's columns, is moved to
    ``journal/quarantine/`` with one line saying why, and the rest are sent: one bad file never
    holds back the good ones beside it. A conflict with the store keeps the file where it is."""
    report = SyncReport(store_label(store.url))
    columns: dict[str, Columns] | None = None
    erased: Erased | None = None
    for path in journal.pending():
        try:
            handle = open(path, "rb")  # noqa: SIM115 (held for its lock while the journal is replayed)
        except FileNotFoundError:
            continue  # synced meanwhile by another process
        with handle:
            _lock(handle)  # an answer being written finishes first
            if not _still_at(handle, path):
                continue
            try:
                entry = read(path)
                if entry.store != report.store and not any_store:
                    report.elsewhere[entry.store] = report.elsewhere.get(entry.store, 0) + 1
                    continue
                erased = erased or erased_here(store)  # checked first: an erased attempt or person is refused, not quarantined
                problem = erased.journal_problem(entry.attempt_id, entry.full, entry.start, entry.learner, entry.path)
                if problem:
                    report.problems.append(problem)
                    continue
                columns = columns or _store_columns(store)
                check(entry, columns)
            except JournalDamaged as exc:
                report.problems.append(f"{exc}; moved to {journal.quarantine(path)} (kept, not sent)")
                continue
            try:
                report.sent.append(replay(store, entry))
            except (JournalConflict, StoreError) as exc:
                report.problems.append(str(exc))
                continue
            journal.mark_synced(path)
    return report


def _store_columns(store: Store) -> dict[str, Columns]:
    with store.reading() as conn:
        return {name: table_columns(conn, name) for name in ("attempts", "answers", "learners")}


# -- an attempt's store that falls back to the journal ----------------------------------------------
class OfflineSafeStore:
    """The store as the runner sees it: writes go to the results store while it answers, and to the
    journal from the first write it refuses (for the rest of that attempt), with one line to the learner.

    Anything else asked of it is passed to the real store, so code written for ``Store`` works.
    """

    def __init__(self, url: str, journal: Journal, say: Callable[[str], None], store: Store | None = None):
        self.url = url
        self.journal = journal
        self.say = say
        self.store = store
        self.reason = ""
        self.told = False
        self._context: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}
        self._began_offline: set[str] = set()

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

    def __getattr__(self, name: str) -> Any:
        store = self.__dict__.get("store")
        if store is None:
            raise StoreError(self.__dict__.get("reason") or "the results store cannot be reached")
        return getattr(store, name)

    # -- writing -------------------------------------------------------------------------------
    def start_attempt(
        self,
        learner: Learner,
        scenario: Scenario,
        state: State,
        best: int,
        session_code: str | None = None,
        attempt_id: str | None = None,
        how_answered: str = TERMINAL,
    ) -> str:
        attempt_id = attempt_id or str(uuid.uuid4())
        values = attempt_values(learner.id, scenario, state, best, session_code, attempt_id, now(), how_answered)
        self._context[attempt_id] = ({"id": learner.id, "name": learner.name, "unit": learner.unit}, values)
        if self.store is not None:
            try:
                return self.store.start_attempt(
                    learner, scenario, state, best, session_code, attempt_id=attempt_id, how_answered=how_answered
                )
            except StoreError as exc:
                self._go_offline(exc)
        self._began_offline.add(attempt_id)
        self._journal(attempt_id, None)
        return attempt_id

    def record(self, attempt_id: str, state: State, answer: Answer, shown_at: str, result: Result, answer_id: str | None = None) -> None:
        answer_id = answer_id or str(uuid.uuid4())
        if self.store is not None:
            try:
                return self.store.record(attempt_id, state, answer, shown_at, result, answer_id=answer_id)
            except StoreError as exc:
                self._go_offline(exc)
        stamp = now()
        self._journal(
            attempt_id,
            {
                "type": "answer",
                "answer": answer_values(attempt_id, state, answer, shown_at, answer_id, stamp),
                "attempt": progress_values(state, result, stamp),
            },
        )

    def finish(self, attempt_id: str, result: Result) -> None:
        if self.store is not None:
            try:
                return self.store.finish(attempt_id, result)
            except StoreError as exc:
                self._go_offline(exc)
        stamp = now()
        columns = finish_values(result, stamp)
        self._journal(attempt_id, {"type": "finish", "attempt": columns})

    def mark_scripted(self, attempt_id: str) -> None:
        if self.store is not None:
            try:
                return self.store.mark_scripted(attempt_id)
            except StoreError as exc:
                self._go_offline(exc)
        self._journal(attempt_id, {"type": "scripted", "attempt": {"how_answered": SCRIPTED, "updated_at": now()}})

    def abandon(self, attempt_id: str) -> None:
        if self.store is not None:
            try:
                return self.store.abandon(attempt_id)
            except StoreError as exc:
                self._go_offline(exc)
        self._journal(attempt_id, {"type": "abandon", "attempt": {"status": "abandoned", "updated_at": now()}})

    # -- reading (resume and the menu work from the journal while the store is away) -------------
    def learner(self, learner_id: str) -> Learner | None:
        if self.store is not None:
            return self.store.learner(learner_id)
        for entry in reversed(self.journal.entries()):
            if entry.learner and entry.learner["id"] == learner_id:
                return Learner(learner_id, entry.learner["name"], entry.learner.get("unit", ""))
        return None

    def attempt(self, prefix: str) -> AttemptRow:
        if self.store is not None:
            row = self.store.attempt(prefix)
        else:
            entry = self.journal.find(prefix)
            if entry is None:
                raise StoreError(f"{self.reason}; attempt '{prefix}' is not in this computer's journal either")
            row = entry.row()
        self._remember(row)
        return row

    def attempts(self, learner_id: str | None = None, status: str | None = None) -> list[AttemptRow]:
        if self.store is not None:
            return self.store.attempts(learner_id, status)
        rows = []
        for entry in self.journal.entries():
            with contextlib.suppress(AttemptNotFound):
                row = entry.row()
                if (learner_id is None or row.learner_id == learner_id) and (status is None or row.status == status):
                    rows.append(row)
        return sorted(rows, key=lambda r: (r.started_at, r.id))

    # -- the journal ---------------------------------------------------------------------------
    def _go_offline(self, exc: StoreError) -> None:
        self.reason = str(exc)
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.store = None

    def _journal(self, attempt_id: str, record: dict[str, Any] | None) -> None:
        """Append ``record`` (None: just the header) and tell the learner, once, that their work is safe."""
        learner, start = self._context.get(attempt_id, (None, {"id": attempt_id}))
        header = {
            "type": "attempt",
            "store": store_label(self.url),
            "full": attempt_id in self._began_offline,
            "learner": learner,
            "attempt": start,
        }
        self.journal.append(attempt_id, record, header)
        if not self.told:
            self.told = True
            self.say(SAFE_LINE)

    def _remember(self, row: AttemptRow) -> None:
        """Keep what a journal header needs, should the store go away while this attempt carries on."""
        learner = {"id": row.learner_id, "name": row.learner_name, "unit": row.learner_unit}
        start = {
            "id": row.id,
            "learner_id": row.learner_id,
            "scenario_id": row.scenario_id,
            "scenario_title": row.scenario_title,
            "scenario_version": row.scenario_version,
            "scenario_sha256": row.scenario_sha256,
            "track": row.track,
            "mode": row.mode,
            "seed": row.seed,
            "status": row.status,
            "session_code": row.session_code,
            "how_answered": row.how_answered,
            "started_at": row.started_at,
            "updated_at": row.updated_at,
            "finished_at": row.finished_at,
            "score": row.score,
            "best_score": row.best_score,
            "percentage": row.percentage,
            "passed": row.passed,
            "critical_failures": json.dumps(row.critical_failures),
            "competencies": json.dumps(row.competencies, sort_keys=True),
            "ending": row.ending,
            "state": json.dumps(row.state.to_json()),
        }
        self._context[row.id] = (learner, start)

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
            self.say(f"{count} attempt{'s' if count != 1 else ''} saved on this computer while the results store was away now reached it.")


def wrap(store: Any, say: Callable[[str], None], journal_dir: Path | None = None) -> Any:
    """The runner's hook: any store becomes one that falls back to the journal (once)."""
    if isinstance(store, OfflineSafeStore):
        return store
    if journal_dir is None:
        from ltl_quiz.locations import resolve

        journal_dir = resolve(db=store.url).journal_dir
    return OfflineSafeStore(store.url, Journal(journal_dir), say, store=store)
