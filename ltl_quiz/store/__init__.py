"""The results store (SQLAlchemy Core), imported only by the commands that need it."""

from ltl_quiz.store.db import STATUSES, AttemptRow, Store, now

__all__ = ["STATUSES", "AttemptRow", "Store", "now"]
