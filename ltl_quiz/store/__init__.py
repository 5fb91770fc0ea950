"""The results store (SQLAlchemy Core), imported only by the commands that need it."""

from ltl_quiz.store.db import Store, now
from ltl_quiz.store.rows import STATUSES, AttemptRow

__all__ = ["STATUSES", "AttemptRow", "Store", "now"]
