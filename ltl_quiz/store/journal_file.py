"""The journal's files: one attempt a file, appended, flushed and fsync'd record by record.

``Journal`` is one terminal's journal folder. While the results store cannot be reached it is
also the ``AttemptStore`` the runner writes to (``OfflineSafeStore`` in ``journal.py`` hands over
to it); ``read`` parses a file back, ``check`` holds it against the store's columns before a sync.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine.state_machine import Answer, Result, State
from ltl_quiz.errors import AttemptNotFound, JournalConflict, JournalDamaged, StoreError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store.db import now
from ltl_quiz.store.rowcheck import Columns, row_problem
from ltl_quiz.store.rows import SCRIPTED, TERMINAL, AttemptRow, ColumnValue, answer_values, attempt_values, finish_values, progress_values

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
    # As the file holds them: JSON objects, whose columns ``check`` fits to the store before any is sent
    start: JSONObject
    answers: list[JSONObject] = field(default_factory=list)
    latest: JSONObject = field(default_factory=dict)
    answer_lines: list[int] = field(default_factory=list)  # the line of the file each answer is on

    def row(self) -> AttemptRow:
        """The attempt as the store would hold it now, for resuming while the store is away."""
        if not self.learner or "scenario_id" not in self.start:
            raise AttemptNotFound(f"attempt {self.attempt_id[:8]} began in the results store, which cannot be reached; try again later")
        m = {**self.start, **self.latest}
        return AttemptRow.from_mapping(m, self.learner["name"], self.learner.get("unit", ""))


class Journal:
    """The journal folder of one terminal (``Locations.journal_dir``), and the ``AttemptStore`` that
    stands in for the results store while it cannot be reached (see ``standing_in_for``)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.url = ""  # the store the attempts are meant for: each file's header names it
        self.say: Callable[[str], None] = lambda _line: None
        self.told = False
        self._context: dict[str, tuple[dict[str, str] | None, dict[str, ColumnValue]]] = {}
        self._began_here: set[str] = set()
        self._held: dict[str, int] = {}  # each attempt's held_ms as the store holds it (``hold``)

    def standing_in_for(self, url: str, say: Callable[[str], None]) -> Journal:
        """Take attempts meant for the store at ``url``; ``say`` tells the learner, once, that their work is safe."""
        self.url, self.say = url, say
        return self

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

    def append(self, attempt_id: str, record: JSONObject | None, header: JSONObject) -> None:
        """Add one record, on the disk before this returns; a new file begins with ``header``."""
        path = self.path(attempt_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            # Private to the user, like the config: it holds names and what learners wrote.
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as handle:
                lock(handle)
                if not still_at(handle, path):
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

    # -- the attempt store while the results store is away (``store/protocol.py``) -------------------
    def expect(self, attempt_id: str, learner: Learner | None, start: dict[str, ColumnValue]) -> None:
        """Keep what a file's header needs for this attempt, should the store go away while it carries on."""
        who = None if learner is None else {"id": learner.id, "name": learner.name, "unit": learner.unit}
        self._context[attempt_id] = (who, start)
        self._held[attempt_id] = int(start.get("held_ms") or 0)

    def remember(self, row: AttemptRow) -> None:
        """Keep the header of an attempt the store already holds (one being resumed)."""
        start = {f.name: getattr(row, f.name) for f in fields(row) if f.name not in ("learner_name", "learner_unit")}
        start.update(
            critical_failures=json.dumps(row.critical_failures),
            competencies=json.dumps(row.competencies, sort_keys=True),
            state=json.dumps(row.state.to_json()),
        )
        self.expect(row.id, Learner(row.learner_id, row.learner_name, row.learner_unit), start)

    def start_attempt(self, learner: Learner, scenario: Scenario, state: State, best: int, *, how_answered: str = TERMINAL) -> str:
        """Begin an attempt here: its header holds every column of the row, for ``sync`` to create it."""
        attempt_id = str(uuid.uuid4())
        self.expect(attempt_id, learner, attempt_values(learner.id, scenario, state, best, None, attempt_id, now(), how_answered))
        return self.begin(attempt_id)

    def begin(self, attempt_id: str) -> str:
        """Begin here an attempt already ``expect``ed: the store refused its first write."""
        self._began_here.add(attempt_id)
        self._write(attempt_id, None)
        return attempt_id

    def record(self, attempt_id: str, state: State, answer: Answer, shown_at: str, result: Result, answer_id: str | None = None) -> None:
        stamp = now()
        row = answer_values(attempt_id, state, answer, shown_at, answer_id or str(uuid.uuid4()), stamp)
        self._write(attempt_id, {"type": "answer", "answer": row, "attempt": progress_values(state, result, stamp)})

    def finish(self, attempt_id: str, result: Result) -> None:
        self._write(attempt_id, {"type": "finish", "attempt": finish_values(result, now())})

    def mark_scripted(self, attempt_id: str) -> None:
        self._write(attempt_id, {"type": "scripted", "attempt": {"how_answered": SCRIPTED, "updated_at": now()}})

    def abandon(self, attempt_id: str) -> None:
        self._write(attempt_id, {"type": "abandon", "attempt": {"status": "abandoned", "updated_at": now()}})

    def hold(self, attempt_id: str, ms: int) -> None:
        """Time at a prompt that left no answer row, journalled as the attempt's new total: ``sync``
        sets the column to it (as any later column), so replaying twice adds nothing."""
        self.held_elsewhere(attempt_id, ms)
        self._write(attempt_id, {"type": "hold", "attempt": {"held_ms": self._held[attempt_id], "updated_at": now()}})

    def held_elsewhere(self, attempt_id: str, ms: int) -> None:
        """Count a hold the results store took, so a later total written here includes it."""
        self._held[attempt_id] = self._held.get(attempt_id, 0) + max(0, int(ms))

    def learner(self, learner_id: str) -> Learner | None:
        for entry in reversed(self.entries()):
            if entry.learner and entry.learner["id"] == learner_id:
                return Learner(learner_id, entry.learner["name"], entry.learner.get("unit", ""))
        return None

    def attempt(self, prefix: str) -> AttemptRow:
        entry = self.find(prefix)
        if entry is None:
            raise StoreError(f"attempt '{prefix}' is not in this computer's journal either")
        return entry.row()

    def attempts(self, learner_id: str | None = None, status: str | None = None) -> list[AttemptRow]:
        rows = []
        for entry in self.entries():
            with contextlib.suppress(AttemptNotFound):
                row = entry.row()
                if (learner_id is None or row.learner_id == learner_id) and (status is None or row.status == status):
                    rows.append(row)
        return sorted(rows, key=lambda r: (r.started_at, r.id))

    def close(self) -> None:
        """Nothing to close: every record is on the disk when it is written."""

    def _write(self, attempt_id: str, record: JSONObject | None) -> None:
        """Append ``record`` (None: just the header) and tell the learner, once, that their work is safe."""
        learner, start = self._context.get(attempt_id, (None, {"id": attempt_id}))
        header: JSONObject = {
            "type": "attempt",
            "store": store_label(self.url),
            "full": attempt_id in self._began_here,
            "learner": learner,
            "attempt": start,
        }
        self.append(attempt_id, record, header)
        if not self.told:
            self.told = True
            self.say(SAFE_LINE)

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


def lock(handle: IO[bytes]) -> None:
    """Wait for the file's exclusive lock; closing the file releases it."""
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def still_at(handle: IO[bytes], path: Path) -> bool:
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
