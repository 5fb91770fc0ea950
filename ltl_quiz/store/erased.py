"""What this store has erased, as a merge or a journal replay needs to know it: so neither brings it back.

``db forget`` leaves an audit line whose subject is a keyed pseudonym of the staff number (an HMAC
under the store's own key, see ``erasure.subject_pseudonym``), and the ids of the erased attempts;
``db purge --before DATE`` leaves the date. None of that is personal data in clear, and it is all a
merge needs: a staff number from the other store is hashed under this store's key and looked up,
so the store never has to keep the number of the person it forgot. (Keeping a pseudonym to make an
erasure stick is the data-minimising way to honour it; the ICO's guidance on suppression lists
makes the same point for marketing.)

The rules, one place:

- a **forgotten person's** records dated up to the moment of their erasure are left out: their
  learner row, attempts (with answers), session records, assignments, certificates and reflection
  decisions. What they do after it (an officer who comes back) is new and is merged as usual;
- an **erased attempt** (forgotten or purged) is left out whatever its date;
- records **older than the latest purge date** (attempts begun, sessions created before it, and
  learners created before it with nothing else kept) are left out, as that purge would have erased
  them: retention applies to what arrives later too. Assignments, which a purge keeps, are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from ltl_quiz.store.db import Store

# table -> (column naming the person, column dating the row); rows dated NULL count as old
PERSONAL = {
    "attempts": ("learner_id", "started_at"),
    "assignments": ("learner_id", "assigned_at"),
    "session_participants": ("learner_id", "joined_at"),
    "session_answers": ("learner_id", "answered_at"),
    "reflection_consents": ("learner_id", "decided_at"),
}
BY_ATTEMPT = ("certificates", "lrs_accepted", "session_participants")
BY_SESSION = ("session_steps", "session_answers", "session_participants")
FORGOTTEN, PURGED = "forgotten", "purged"


@dataclass
class Erased:
    """This store's erasures (ids, pseudonyms and a date only) and, as a merge goes, what it left out."""

    key: bytes | None
    forgotten: dict[str, str]  # pseudonym -> when the latest erasure of that person happened
    attempt_ids: set[str]
    purged_before: str | None  # the latest 'db purge --before' date, YYYY-MM-DD
    skipped_attempts: dict[str, str] = field(default_factory=dict)  # attempt id -> reason, as the merge met them
    old_sessions: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)  # pseudonyms of forgotten people met (counted, never shown)
    _pseudonyms: dict[object, str] = field(default_factory=dict)  # learner id -> its keyed pseudonym

    @classmethod
    def of(cls, conn: sa.Connection) -> Erased:
        """Read from this store: nothing is erased in a store older than migration m007."""
        inspector = sa.inspect(conn)
        if not inspector.has_table("erasures"):
            return cls(None, {}, set(), None)
        row = conn.execute(sa.text("SELECT value FROM store_settings WHERE name = 'certificate_key'")).first()
        forgotten: dict[str, str] = {}
        purged: str | None = None
        for kind, subject, when in conn.execute(sa.text("SELECT kind, subject, erased_at FROM erasures")):
            if kind == "forget":
                forgotten[subject] = max(forgotten.get(subject, ""), str(when))
            elif kind == "purge" and str(subject).startswith("before "):
                purged = max(purged or "", str(subject)[7:])
        ids = {r[0] for r in conn.execute(sa.text("SELECT attempt_id FROM erased_attempts"))}
        return cls(bytes.fromhex(row[0]) if row else None, forgotten, ids, purged)

    @property
    def anything(self) -> bool:
        return bool(self.forgotten or self.attempt_ids or self.purged_before)

    def erased_at(self, learner_id: object) -> str | None:
        """When this person was forgotten here, if they were (looked up by keyed pseudonym only)."""
        from ltl_quiz.store.erasure import subject_pseudonym

        if not self.forgotten or self.key is None or learner_id is None:
            return None
        pseudonym = self._pseudonyms.get(learner_id)
        if pseudonym is None:  # one HMAC a person, not one a row
            pseudonym = self._pseudonyms[learner_id] = subject_pseudonym(self.key, str(learner_id))
        return self.forgotten.get(pseudonym)

    def _forgot(self, learner_id: object) -> str:
        """The reason ``forgotten``, noting the person (by pseudonym) to count them."""
        from ltl_quiz.store.erasure import subject_pseudonym

        if self.key is not None:
            self.people.add(self._pseudonyms.get(learner_id) or subject_pseudonym(self.key, str(learner_id)))
        return FORGOTTEN

    def old(self, stamp: object) -> bool:
        return self.purged_before is not None and (stamp is None or str(stamp) < self.purged_before)

    def attempt(self, row: Mapping[str, object]) -> str | None:
        """Why an attempt from elsewhere is left out (``forgotten`` or ``purged``), or None to merge it."""
        reason = self._attempt(row)
        if reason:
            self.skipped_attempts[str(row["id"])] = reason
        return reason

    def _attempt(self, row: Mapping[str, object]) -> str | None:
        when = self.erased_at(row.get("learner_id"))
        if when is not None and str(row.get("started_at")) <= when:
            return self._forgot(row.get("learner_id"))
        if row["id"] in self.attempt_ids or self.old(row.get("started_at")) or row.get("session_code") in self.old_sessions:
            return PURGED
        return None

    def row(self, table: str, row: Mapping[str, object]) -> str | None:
        """Why a row of another table is left out, or None (attempts must have been met first)."""
        if table == "sessions":
            if self.old(row.get("created_at")):
                self.old_sessions.add(str(row["code"]))
                return PURGED
            return None
        if table in BY_ATTEMPT and row.get("attempt_id") in self.skipped_attempts:
            return self.skipped_attempts[str(row["attempt_id"])]
        if table in BY_SESSION and row.get("session_code") in self.old_sessions:
            return PURGED
        if table in PERSONAL:
            person, dated = PERSONAL[table]
            when = self.erased_at(row.get(person))
            if when is not None and (row.get(dated) is None or str(row.get(dated)) <= when):
                return self._forgot(row.get(person))
        return None

    def learner(self, row: Mapping[str, object], needed: set[str]) -> str | None:
        """A learner row is left out if they were forgotten (or are older than the purge) and nothing of theirs is kept."""
        if row["id"] in needed:
            return None
        if self.erased_at(row["id"]) is not None:
            return self._forgot(row["id"])
        return PURGED if self.old(row.get("created_at")) else None

    def needed(self, conn: sa.Connection, tables: Mapping[str, sa.Table]) -> set[str]:
        """The other store's learners that some kept record names (so their row must come too).

        Reads only the columns the rules look at; sessions, then attempts, then the rest, so each
        rule knows what the earlier ones left out."""
        found: set[str] = set()
        if not self.anything:
            return found
        if "sessions" in tables:
            t = tables["sessions"]
            for r in conn.execute(sa.select(t.c.code, t.c.created_at)):
                self.row("sessions", dict(r._mapping))
        for name, (person, dated) in PERSONAL.items():
            if name not in tables:
                continue
            t = tables[name]
            cols = [t.c[c] for c in dict.fromkeys(("id", person, dated, "session_code", "attempt_id")) if c in t.c]
            for r in conn.execution_options(yield_per=5000).execute(sa.select(*cols)):
                m = dict(r._mapping)
                if not (self.attempt(m) if name == "attempts" else self.row(name, m)):
                    found.add(m[person])
        return found

    def journal_problem(
        self, attempt_id: str, full: bool, start: Mapping[str, object], learner: dict[str, str] | None, path: object
    ) -> str | None:
        """Why a journal must not be sent to this store (one line that names no one), or None.

        A journal that only continues an attempt begun in the store carries no start time: only
        its id is checked (an erased attempt is in ``attempt_ids``)."""
        if not full:
            reason = PURGED if attempt_id in self.attempt_ids else None
        else:
            reason = self.attempt({**start, "id": attempt_id, "learner_id": (learner or {}).get("id", start.get("learner_id"))})
        if reason == FORGOTTEN:
            return f"attempt {attempt_id[:8]} belongs to a person erased from this store (db forget); not sent: delete {path}"
        if reason == PURGED:
            when = f" or began before its retention date ({self.purged_before})" if self.purged_before else ""
            return f"attempt {attempt_id[:8]} was erased from this store (db forget or purge){when}; not sent: delete {path}"
        return None


def erased_here(store: Store) -> Erased:
    """What this store has erased (db forget or purge), read once by a journal sync, which refuses what was erased."""
    with store.reading() as conn:
        return Erased.of(conn)
