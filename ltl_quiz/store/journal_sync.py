"""``ltl-quiz sync``: the journals of this computer replayed into the results store.

Attempt and answer ids are UUIDs made on the terminal, so a replay inserts what is missing and
skips what is there: replaying twice, or replaying an answer whose write did reach the store
before the connection dropped, changes nothing. A replayed journal moves to ``journal/synced/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ltl_quiz.errors import JournalConflict, JournalDamaged, StoreError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.erased import Erased, erased_here
from ltl_quiz.store.journal_file import Entry, Journal, check, lock, read, still_at, store_label
from ltl_quiz.store.rowcheck import Columns, table_columns
from ltl_quiz.store.tables import answers, attempts, learners
from ltl_quiz.text import counted


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
    with store.begin() as conn:
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
            updated_at = str(entry.start["updated_at"])  # a time, as ``check`` made sure
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
        if entry.latest and str(entry.latest.get("updated_at", "")) > updated_at:
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

    def as_dict(self) -> JSONObject:
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
    return counted(count, noun)


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
            lock(handle)  # an answer being written finishes first
            if not still_at(handle, path):
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
