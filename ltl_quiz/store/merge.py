"""Bring another store's records into this one: a laptop used at an off-site training day, a backup.

Rows are matched by their keys: learners by staff number, attempts and answers by their UUIDs,
other tables (group sessions and their records) by primary key. What is missing here is added;
what is here already and the same is left alone, so merging twice changes nothing. What differs is
a conflict: reported, and kept as it is here, never overwritten. The one change to an existing
row that is not a conflict is an attempt still in progress here that was carried on there: every
answer here is also there, unchanged, so the attempt is brought forward with the later answers.

The other store is only read, never migrated or written, and must not be newer than this one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ltl_quiz.errors import InputError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.locations import redact
from ltl_quiz.store import tx
from ltl_quiz.store.connection import open_engine
from ltl_quiz.store.db import Store
from ltl_quiz.store.erased import Erased
from ltl_quiz.store.journal_file import store_label
from ltl_quiz.store.migrations import MIGRATIONS
from ltl_quiz.store.rowcheck import columns_of, row_problem
from ltl_quiz.store.tables import migrations as MIGRATIONS_TABLE
from ltl_quiz.text import counted

CHUNK = 500  # attempts per transaction
SPECIAL = ("learners", "attempts", "answers", MIGRATIONS_TABLE.name)


@dataclass
class MergeReport:
    source: str
    added: dict[str, int] = field(default_factory=dict)
    same: dict[str, int] = field(default_factory=dict)
    carried_forward: int = 0
    newer_here: int = 0
    conflicts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # rows whose values do not fit this store's columns: not merged
    left_out: dict[str, dict[str, int]] = field(default_factory=dict)  # forgotten | purged -> table -> rows erased here
    people_left_out: int = 0  # forgotten people whose records there were left out (a count, never who)
    purged_before: str | None = None

    def count(self, kind: dict[str, int], table: str, n: int = 1) -> None:
        kind[table] = kind.get(table, 0) + n

    def as_dict(self) -> JSONObject:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        out = [f"Merged from {self.source}:"]
        for table in sorted(set(self.added) | set(self.same)):
            out.append(f"  {table}: {self.added.get(table, 0)} added, {self.same.get(table, 0)} already here")
        if self.carried_forward:
            out.append(f"  {counted(self.carried_forward, 'attempt')} in progress here {'was' if self.carried_forward == 1 else 'were'} carried on there: brought forward")
        if self.newer_here:
            out.append(f"  {counted(self.newer_here, 'attempt')} {'is' if self.newer_here == 1 else 'are'} further on here than there: kept as here")
        if len(out) == 1 and not self.left_out:
            out.append("  nothing: the other store holds no records")
        out += self._left_out_lines()
        if self.conflicts:
            out.append(f"{counted(len(self.conflicts), 'conflict')}, each kept as it is here (nothing was overwritten):")
            out += [f"  {c}" for c in self.conflicts]
        if self.refused:
            out.append(f"{counted(len(self.refused), 'record')} there {'is' if len(self.refused) == 1 else 'are'} not fit to keep, so {'was' if len(self.refused) == 1 else 'were'} not merged (the other store is unchanged):")
            out += [f"  {r}" for r in self.refused]
        return out

    def _left_out_lines(self) -> list[str]:
        """What was erased here and so not brought back: counts only, never whose."""
        out = []
        forgot, purged = self.left_out.get("forgotten"), self.left_out.get("purged")
        if forgot:
            who = f"{self.people_left_out} {'person' if self.people_left_out == 1 else 'people'}"
            out.append(
                f"Left out the records of {who} erased from this store (db forget): {_counts(forgot)}. "
                "They stay in the other store until it is erased there too (ltl-quiz --db OTHER db forget STAFF_NUMBER)."
            )
        if purged:
            out.append(
                f"Left out records erased here by db purge, or older than its date ({self.purged_before}): {_counts(purged)}. "
                "Run the same db purge on the other store."
            )
        return out


def _counts(tables: dict[str, int]) -> str:
    return ", ".join(f"{t} {n}" for t, n in sorted(tables.items()))


def merge_into(url: str, other: str) -> MergeReport:
    """``ltl-quiz merge``: open this store (migrated) and bring the other's records into it."""
    with Store(url) as target:
        return merge(target, other)


def source_url(other: str) -> str:
    """A URL as given, or a path to a SQLite file (which must exist: we never create the source)."""
    if "://" in other:
        return other
    path = Path(other).expanduser()
    if not path.is_file():
        raise InputError(f"{other}: no such store file; give a SQLite file or a database URL")
    return f"sqlite:///{path.resolve()}"


def merge(target: Store, other: str) -> MergeReport:
    url = source_url(other)
    if store_label(url) == store_label(target.url):
        raise InputError(f"{redact(url)} is the store in use; merge another store into it")
    report = MergeReport(store_label(url))
    source = read_only_engine(url)
    try:
        with tx.translated("cannot merge", url), source.connect() as conn:
            _check_source(conn, url)
            source_meta, target_meta = sa.MetaData(), sa.MetaData()
            source_meta.reflect(conn)
            target_meta.reflect(target.engine)
            with target.reading() as here:
                erased = Erased.of(here)
            pair = _Pair(conn, source_meta, target.engine, target_meta, report, erased)
            pair.learners()
            pair.attempts()
            for table in target_meta.sorted_tables:
                if table.name not in SPECIAL and table.name in source_meta.tables:
                    pair.generic(table.name)
            report.people_left_out = len(erased.people)
    finally:
        source.dispose()
    return report


def read_only_engine(url: str) -> sa.Engine:
    """An engine that cannot change the store it reads: SQLite opened read-only, without our pragmas."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return sa.create_engine(f"sqlite:///file:{Path(parsed.database).resolve()}?mode=ro&uri=true")
    return open_engine(url)


def _check_source(conn: sa.Connection, url: str) -> None:
    inspector = sa.inspect(conn)
    if not inspector.has_table(MIGRATIONS_TABLE.name) or not inspector.has_table("attempts"):
        raise InputError(f"{redact(url)} is not an ltl-quiz results store")
    newest = conn.execute(sa.select(sa.func.max(MIGRATIONS_TABLE.c.id))).scalar() or 0
    if newest > len(MIGRATIONS):
        raise InputError(f"{redact(url)} was written by a newer ltl-quiz (migration {newest}); upgrade this ltl-quiz first")


class _Pair:
    """The source and target of one merge, table by table."""

    def __init__(
        self,
        source: sa.Connection,
        source_meta: sa.MetaData,
        target: sa.Engine,
        target_meta: sa.MetaData,
        report: MergeReport,
        erased: Erased,
    ):
        self.source, self.target, self.report = source, target, report
        self.src = source_meta.tables
        self.dst = target_meta.tables
        self.fits = {name: columns_of(table) for name, table in self.dst.items()}
        self.erased = erased
        self.needed = erased.needed(source, self.src)  # learners a kept record names
        report.purged_before = erased.purged_before

    def keep(self, table: str, rows: list[dict[str, Any]], why: Any) -> list[dict[str, Any]]:
        """The rows this store has not erased; the others counted by reason (forgotten, purged), never shown."""
        if not self.erased.anything:
            return rows
        kept = []
        for row in rows:
            reason = why(row)
            if reason:
                self.report.left_out.setdefault(reason, {})
                self.report.count(self.report.left_out[reason], table)
            else:
                kept.append(row)
        return kept

    def fit(self, name: str, rows: list[dict[str, Any]], label: Any) -> list[dict[str, Any]]:
        """The rows whose values fit this store's columns (types, empties, times); the others reported, not merged."""
        kept = []
        for row in rows:
            problem = row_problem(row, self.fits[name])
            if problem:
                self.report.refused.append(f"{label(row)}: {problem}")
            else:
                kept.append(row)
        return kept

    def columns(self, name: str) -> list[str]:
        return [c.name for c in self.dst[name].columns if c.name in self.src[name].columns]

    # -- learners: matched by staff number ------------------------------------------------------
    def learners(self) -> None:
        src, dst, cols = self.src["learners"], self.dst["learners"], self.columns("learners")
        for batch in _batches(self.source, sa.select(*(src.c[c] for c in cols)).order_by(src.c.id)):
            batch = self.keep("learners", batch, lambda r: self.erased.learner(r, self.needed))
            batch = self.fit("learners", batch, lambda r: f"learner {r.get('id')!r}")
            with self.target.begin() as conn:
                ours = {r.id: r for r in conn.execute(sa.select(dst).where(dst.c.id.in_([r["id"] for r in batch])))}
                new = []
                for row in batch:
                    here = ours.get(row["id"])
                    if here is None:
                        new.append(row)
                    elif (here.name, here.unit) == (row["name"], row["unit"]):
                        self.report.count(self.report.same, "learners")
                    else:
                        self.report.conflicts.append(
                            f"learner {row['id']}: here {here.name!r} ({here.unit or 'no unit'}), "
                            f"there {row['name']!r} ({row['unit'] or 'no unit'}); kept as here"
                        )
                if new:
                    conn.execute(sa.insert(dst), new)
                    self.report.count(self.report.added, "learners", len(new))

    # -- attempts with their answers, a chunk of attempts a transaction ----------------------------
    def attempts(self) -> None:
        src, dst = self.src["attempts"], self.dst["attempts"]
        cols, answer_cols = self.columns("attempts"), self.columns("answers")
        a_src, a_dst = self.src["answers"], self.dst["answers"]
        for batch in _batches(self.source, sa.select(*(src.c[c] for c in cols)).order_by(src.c.id), CHUNK):
            ids = [r["id"] for r in batch]
            theirs_answers = _group(self.source.execute(sa.select(*(a_src.c[c] for c in answer_cols)).where(a_src.c.attempt_id.in_(ids))))
            batch = self.keep("attempts", batch, self.erased.attempt)
            gone = [a for i in set(ids) - {r["id"] for r in batch} for a in theirs_answers.pop(i, [])]
            self.keep("answers", gone, lambda a: self.erased.skipped_attempts[a["attempt_id"]])
            batch = self._fit_attempts(batch, theirs_answers)
            ids = [r["id"] for r in batch]
            with self.target.begin() as conn:
                ours = {
                    r["id"]: r
                    for r in (dict(x._mapping) for x in conn.execute(sa.select(*(dst.c[c] for c in cols)).where(dst.c.id.in_(ids))))
                }
                ours_answers = _group(conn.execute(sa.select(*(a_dst.c[c] for c in answer_cols)).where(a_dst.c.attempt_id.in_(list(ours)))))
                new_attempts = [row for row in batch if row["id"] not in ours]
                new_answers = [a for row in new_attempts for a in theirs_answers.get(row["id"], [])]
                for row in batch:
                    if row["id"] in ours:
                        new_answers += self._existing(
                            conn, row, ours[row["id"]], theirs_answers.get(row["id"], []), ours_answers.get(row["id"], [])
                        )
                if new_attempts:
                    conn.execute(sa.insert(dst), new_attempts)
                    self.report.count(self.report.added, "attempts", len(new_attempts))
                if new_answers:
                    conn.execute(sa.insert(a_dst), new_answers)
                    self.report.count(self.report.added, "answers", len(new_answers))

    def _fit_attempts(self, batch: list[dict[str, Any]], answers: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Attempts whose row and every answer fit this store: an attempt is merged whole or not at all."""
        kept = []
        for row in self.fit("attempts", batch, lambda r: f"attempt {str(r.get('id'))[:8]}"):
            found = [(a.get("seq"), p) for a in answers.get(row["id"], []) if (p := row_problem(a, self.fits["answers"]))]
            if found:  # one line an attempt, however many of its answers are unfit
                more = f" (and {len(found) - 1} more of its answers)" if len(found) > 1 else ""
                self.report.refused.append(f"attempt {row['id'][:8]} answer {found[0][0]}: {found[0][1]}{more}")
            else:
                kept.append(row)
        return kept

    def _existing(
        self,
        conn: sa.Connection,
        theirs: dict[str, Any],
        ours: dict[str, Any],
        their_answers: list[dict[str, Any]],
        our_answers: list[dict],
    ) -> list[dict[str, Any]]:
        """An attempt both stores hold: the same, newer here, carried on there (brought forward), or a conflict."""
        theirs_by_id = {a["id"]: a for a in their_answers}
        ours_by_id = {a["id"]: a for a in our_answers}
        if _same(theirs, ours) and _same_rows(theirs_by_id, ours_by_id):
            self.report.count(self.report.same, "attempts")
            self.report.count(self.report.same, "answers", len(their_answers))
            return []
        if _extends(ours, ours_by_id, theirs, theirs_by_id):
            conn.execute(sa.update(self.dst["attempts"]).where(self.dst["attempts"].c.id == ours["id"]).values(**theirs))
            self.report.carried_forward += 1
            return [a for a in their_answers if a["id"] not in ours_by_id]
        if _extends(theirs, theirs_by_id, ours, ours_by_id):
            self.report.newer_here += 1
            return []
        self.report.conflicts.append(
            f"attempt {ours['id'][:8]} ({ours.get('learner_id')}, {ours.get('scenario_id')}): "
            f"here {ours.get('status')} with {counted(len(our_answers), 'answer')}, there {theirs.get('status')} with {len(their_answers)}; kept as here"
        )
        return []

    # -- any other table: by primary key --------------------------------------------------------
    def generic(self, name: str) -> None:
        src, dst, cols = self.src[name], self.dst[name], self.columns(name)
        keys = [c.name for c in dst.primary_key.columns]
        if not keys or any(k not in cols for k in keys):
            self.report.conflicts.append(f"table {name}: no shared primary key, so its rows were not merged")
            return
        for batch in _batches(self.source, sa.select(*(src.c[c] for c in cols)).order_by(*(src.c[k] for k in keys))):
            batch = self.keep(name, batch, lambda r: self.erased.row(name, r))
            batch = self.fit(name, batch, lambda r: f"{name} {'/'.join(str(r.get(k)) for k in keys)}")
            if not batch:
                continue
            with self.target.begin() as conn:
                key_of = _key_function(keys)
                condition = dst.c[keys[0]].in_([key_of(r)[0] for r in batch])
                if len(keys) > 1:
                    condition = sa.tuple_(*(dst.c[k] for k in keys)).in_([key_of(r) for r in batch])
                ours = {
                    key_of(r): r for r in (dict(x._mapping) for x in conn.execute(sa.select(*(dst.c[c] for c in cols)).where(condition)))
                }
                for row in batch:
                    here = ours.get(key_of(row))
                    if here is None:
                        self._insert_one(conn, dst, row, key_of(row))
                    elif _same(row, here):
                        self.report.count(self.report.same, name)
                    else:
                        self.report.conflicts.append(
                            f"{name} {'/'.join(str(k) for k in key_of(row))}: differs here and there; kept as here"
                        )

    def _insert_one(self, conn: sa.Connection, table: sa.Table, row: dict[str, Any], key: tuple[Any, ...]) -> None:
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(table).values(**row))
            self.report.count(self.report.added, table.name)
        except sa.exc.IntegrityError:
            self.report.conflicts.append(f"{table.name} {'/'.join(str(k) for k in key)}: clashes with a different row here; kept as here")


def _batches(conn: sa.Connection, query: Any, size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    result = conn.execution_options(yield_per=size).execute(query)
    for part in result.partitions():
        yield [dict(r._mapping) for r in part]


def _group(rows: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        m = dict(r._mapping)
        grouped.setdefault(m["attempt_id"], []).append(m)
    return grouped


def _key_function(keys: list[str]) -> Any:
    return lambda row: tuple(row[k] for k in keys)


def _norm(value: Any) -> Any:
    """Values as two databases may hand back the same thing (SQLite has no booleans, floats round-trip)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else value
    return value


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(_norm(a[k]) == _norm(b.get(k)) for k in a)


def _same_rows(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> bool:
    return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)


def _extends(
    behind: dict[str, Any], behind_answers: dict[str, dict[str, Any]], ahead: dict[str, Any], ahead_answers: dict[str, dict[str, Any]]
) -> bool:
    """``ahead`` is ``behind`` carried on: behind was in progress, and every answer it has is in ahead, unchanged."""
    if behind.get("status") != "in-progress" or str(ahead.get("updated_at")) < str(behind.get("updated_at")):
        return False
    if any(k not in ahead_answers or not _same(a, ahead_answers[k]) for k, a in behind_answers.items()):
        return False
    taken = {a["seq"] for a in behind_answers.values()}
    return all(a["seq"] not in taken for k, a in ahead_answers.items() if k not in behind_answers)
