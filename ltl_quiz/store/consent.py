"""Whether a learner shares their written reflections with a CPD lead: theirs to give and to withdraw.

College of Policing CPD guidance keeps a learner's reflections their own; what they share for the
PDR is the summary (``cpd --summary``). So the text of a reflection leaves ltl-quiz for a CPD lead
(``export``, ``lrs push``, a trainer's ``session report``) only for learners who have said yes.
The default, with no decision recorded, is **not shared**.

Each decision is a row of ``reflection_consents`` (migration m008): who recorded it (the account
at the terminal), when, and yes or no. Rows are never updated, only added, so the history of
consent is kept for the learner to see, and a merge of two stores simply brings both histories
together: the latest decision is the one in force, and of two made at the same moment a
withdrawal wins. ``db forget`` erases a person's decisions with the rest of their records.
"""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ltl_quiz.errors import InputError
from ltl_quiz.store.db import Store, now
from ltl_quiz.store.tables import reflection_consents as consents
from ltl_quiz.text import counted

HOW_TO_SHARE = "a learner shares them with 'ltl-quiz cpd STAFF_NUMBER --share-reflections yes'"


@dataclass(frozen=True)
class Decision:
    learner_id: str
    shares: bool
    decided_by: str
    decided_at: str

    def line(self) -> str:
        if self.shares:
            return (
                f"{self.learner_id} shares their written reflections with a CPD lead (recorded {self.decided_at} by {self.decided_by}); "
                "'--share-reflections no' withdraws it."
            )
        return (
            f"{self.learner_id} keeps their written reflections to themselves (recorded {self.decided_at} by {self.decided_by}); "
            "exports for a CPD lead leave their text out."
        )


def decide(store: Store, learner_id: str, shares: bool) -> Decision:
    """Record the learner's own yes or no; the learner must be in the store."""
    if store.learner(learner_id) is None:
        raise InputError(f"no learner '{learner_id}' in the results store; see 'ltl-quiz history' for staff numbers")
    decision = Decision(learner_id, shares, getpass.getuser(), now())
    with store.begin() as conn:
        conn.execute(sa.insert(consents).values(id=str(uuid.uuid4()), **decision.__dict__))
    return decision


def current(store: Store, learner_id: str) -> Decision | None:
    """The decision in force for one learner, or None (never asked: not shared)."""
    with store.reading() as conn:
        rows = conn.execute(
            sa.select(consents.c.shares, consents.c.decided_by, consents.c.decided_at).where(consents.c.learner_id == learner_id)
        ).all()
    if not rows:
        return None
    latest = max(rows, key=_order)
    return Decision(learner_id, bool(latest.shares), latest.decided_by, latest.decided_at)


def sharing(store: Store) -> frozenset[str]:
    """Every learner whose decision in force is yes: one read for a whole export."""
    with store.reading() as conn:
        rows = conn.execute(sa.select(consents.c.learner_id, consents.c.shares, consents.c.decided_at)).all()
    latest: dict[str, Any] = {}
    for row in rows:
        if row.learner_id not in latest or _order(row) > _order(latest[row.learner_id]):
            latest[row.learner_id] = row
    return frozenset(k for k, row in latest.items() if row.shares)


def _order(row: Any) -> tuple[str, int]:
    """Later decisions first; at the same moment a withdrawal (no) outranks a yes."""
    return (str(row.decided_at), 0 if row.shares else 1)


def withheld_line(learners: int, reflections: int) -> str:
    """The stderr line of an export that left some learners' reflections out (counts only, never who)."""
    return (
        f"Left out the written reflections of {counted(learners, 'learner')} "
        f"({counted(reflections, 'reflection')}): they have not chosen to share them "
        f"with a CPD lead ({HOW_TO_SHARE})."
    )
