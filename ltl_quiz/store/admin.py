"""Looking after a results store, SQLite or PostgreSQL: its state, its upgrade, its backup.

``status`` and ``backup`` never change the store they look at (no migration runs), so a backup can
be taken before an upgrade. A backup is always one SQLite file holding the store's rows at one
moment: SQLite's own online backup for a SQLite store; for PostgreSQL, every table read in one
REPEATABLE READ transaction (a consistent snapshot while terminals keep writing). It is restored by
pointing ``--db`` at it, or into a fresh PostgreSQL database with ``ltl-quiz merge BACKUP``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import sqlalchemy as sa

from ltl_quiz.errors import InputError, StoreError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.locations import redact
from ltl_quiz.store.db import Store
from ltl_quiz.store.journal_file import Journal, store_label
from ltl_quiz.store.migrations import MIGRATIONS, migration_name
from ltl_quiz.store.queries import BATCH
from ltl_quiz.store.tables import migrations as MIGRATIONS_TABLE
from ltl_quiz.store.tx import snapshot
from ltl_quiz.text import counted

COUNTED = ("learners", "attempts", "answers", "sessions")


class AppliedMigration(TypedDict):
    """One migration a store records as applied: its number, name and when."""

    id: int
    name: str
    applied_at: str


@dataclass
class Status:
    """A store's state, as ``ltl-quiz db status`` prints it."""

    store: str
    backend: str
    version: str
    applied: list[AppliedMigration] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    unknown: list[AppliedMigration] = field(default_factory=list)  # applied by a newer ltl-quiz
    counts: dict[str, int] = field(default_factory=dict)
    journal_waiting: int = 0
    exists: bool = True

    @property
    def up_to_date(self) -> bool:
        return not self.pending and not self.unknown

    def as_dict(self) -> JSONObject:
        return {**self.__dict__, "up_to_date": self.up_to_date}

    def lines(self) -> list[str]:
        out = [f"store: {self.store} ({self.version})"]
        if not self.exists:
            out.append("The store does not exist yet: the first command that writes to it creates it.")
        known = len(self.applied) + len(self.pending)
        state = "up to date" if self.up_to_date else f"{len(self.pending)} to apply: run 'ltl-quiz db upgrade'"
        out.append(f"schema: {len(self.applied)} of {counted(known, 'migration')} applied; {state}")
        out += [f"  {m['id']:>3} {m['name']}  applied {m['applied_at']}" for m in self.applied]
        out += [f"  {'-':>3} {name}  not applied" for name in self.pending]
        out += [f"  {m['id']:>3} {m['name']}  from a newer ltl-quiz: upgrade ltl-quiz" for m in self.unknown]
        if self.counts:
            out.append("records: " + ", ".join(f"{t} {n}" for t, n in self.counts.items()))
        if self.journal_waiting:
            out.append(f"journal: {counted(self.journal_waiting, 'attempt')} on this computer {'is' if self.journal_waiting == 1 else 'are'} waiting for 'ltl-quiz sync'")
        return out


def status(url: str, journal_dir: Path | None = None) -> Status:
    with Store(url, migrate=False) as store:
        if _missing_file(store):  # looking must not create the file
            found, applied = Status(store_label(url), "sqlite", f"SQLite {sqlite3.sqlite_version}", exists=False), []
        else:
            with snapshot(store.engine, store.url) as conn:
                applied = _applied(conn)
                found = Status(store_label(url), conn.dialect.name, _version(conn))
                for table in COUNTED:
                    if sa.inspect(conn).has_table(table):
                        found.counts[table] = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    known = {index for index in range(1, len(MIGRATIONS) + 1)}
    found.applied = [{"id": i, "name": n, "applied_at": at} for i, n, at in applied if i in known]
    found.unknown = [{"id": i, "name": n, "applied_at": at} for i, n, at in applied if i not in known]
    done = {row["id"] for row in found.applied}
    found.pending = [migration_name(i - 1) for i in sorted(known - done)]
    if journal_dir is not None:
        found.journal_waiting = len(Journal(journal_dir).pending())
    return found


def upgrade(url: str) -> list[str]:
    """Apply the migrations this store lacks; refuse a store already moved on by a newer ltl-quiz."""
    with Store(url, migrate=False) as store:
        newer = [row for row in store.applied() if row[0] > len(MIGRATIONS)]
        if newer:
            raise StoreError(
                f"{redact(url)} has migration {newer[-1][0]} ({newer[-1][1]}), which this ltl-quiz does not know; upgrade ltl-quiz instead"
            )
        return store.migrate()


@dataclass
class Backup:
    path: Path
    counts: dict[str, int]

    def lines(self) -> list[str]:
        records = ", ".join(f"{t} {n}" for t, n in self.counts.items())
        return [f"Backed up to {self.path} ({records}).", f"Restore into an empty store with: ltl-quiz --db URL merge {self.path}"]

    def as_dict(self) -> JSONObject:
        return {"path": str(self.path), "counts": self.counts}


def default_backup_path(home: Path) -> Path:
    from ltl_quiz.store.db import now

    stamp = now().replace("-", "").replace(":", "").replace(".", "")[:15]  # 20260101T120000
    return home / "backups" / f"ltl-quiz-{stamp}Z.sqlite3"


def backup(url: str, dest: Path | None = None, home: Path | None = None) -> Backup:
    """Copy the whole store into a new SQLite file at ``dest`` (default: ``home/backups/``, time-stamped),
    written atomically and never over an existing file."""
    if dest is None:
        if home is None:
            raise InputError("give the backup file's name")
        dest = default_backup_path(home)
    if dest.exists():
        raise InputError(f"{dest} already exists; choose another name (a backup never overwrites a file)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with Store(url, migrate=False) as store:
            if store.engine.dialect.name == "sqlite":
                _sqlite_copy(store, tmp)
            else:
                _snapshot_copy(store, tmp)
        counts = _file_counts(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return Backup(dest, counts)


def _missing_file(store: Store) -> bool:
    database = store.engine.url.database
    return store.engine.dialect.name == "sqlite" and bool(database) and database != ":memory:" and not Path(str(database)).exists()


def _sqlite_copy(store: Store, tmp: Path) -> None:
    """SQLite's online backup: a consistent copy even while other terminals write (WAL included)."""
    source_path = store.engine.url.database
    if not source_path or _missing_file(store):
        raise StoreError(f"{redact(store.url)} does not exist yet; there is nothing to back up")
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(tmp)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {redact(store.url)}: {exc}") from None
    finally:
        target.close()
        source.close()


def _snapshot_copy(store: Store, tmp: Path) -> None:
    """Every table of a server store, read in one snapshot, into a SQLite file with the same schema."""
    target = sa.create_engine(f"sqlite:///{tmp}")
    try:
        with snapshot(store.engine, store.url) as source:
            applied = _applied(source)
            if not applied:
                raise StoreError(f"{redact(store.url)} holds no ltl-quiz store yet; there is nothing to back up")
            if applied[-1][0] > len(MIGRATIONS) or [row[0] for row in applied] != list(range(1, len(applied) + 1)):
                raise StoreError(f"{redact(store.url)} was written by a different ltl-quiz (migrations {[r[0] for r in applied]})")
            with target.begin() as out:
                MIGRATIONS_TABLE.create(out)
                for index, name, applied_at in applied:  # the same schema, at the same migration
                    MIGRATIONS[index - 1](out)
                    out.execute(sa.insert(MIGRATIONS_TABLE).values(id=index, name=name, applied_at=applied_at))
            source_meta, target_meta = sa.MetaData(), sa.MetaData()
            source_meta.reflect(source)
            target_meta.reflect(target)
            for table in target_meta.sorted_tables:
                if table.name == MIGRATIONS_TABLE.name or table.name not in source_meta.tables:
                    continue
                _copy_table(source, source_meta.tables[table.name], target, table)
    finally:
        target.dispose()


def _copy_table(source: sa.Connection, from_table: sa.Table, target: sa.Engine, to_table: sa.Table) -> None:
    columns = [c.name for c in to_table.columns if c.name in from_table.columns]
    order = list(from_table.primary_key.columns) or [from_table.columns[columns[0]]]
    rows = source.execution_options(yield_per=BATCH).execute(sa.select(*(from_table.c[c] for c in columns)).order_by(*order))
    insert = sa.insert(to_table)
    for batch in rows.partitions():
        with target.begin() as out:
            out.execute(insert, [dict(r._mapping) for r in batch])


def _file_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED if t in tables}


def _applied(conn: sa.Connection) -> list[tuple[int, str, str]]:
    if not sa.inspect(conn).has_table(MIGRATIONS_TABLE.name):
        return []
    rows = conn.execute(sa.select(MIGRATIONS_TABLE).order_by(MIGRATIONS_TABLE.c.id))
    return [(r.id, r.name, r.applied_at) for r in rows]


def _version(conn: sa.Connection) -> str:
    info = conn.dialect.server_version_info or ()
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(conn.dialect.name, conn.dialect.name)
    return f"{name} {'.'.join(str(part) for part in info)}".strip()
