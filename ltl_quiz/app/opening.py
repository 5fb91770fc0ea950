"""Opening what a command works on: the named case, the results store, the store for attempts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.store import Store
    from ltl_quiz.store.journal import OfflineSafeStore


def load_case(where: Locations, case: str) -> Scenario:
    """The scenario a learner named, fully checked (the loader is imported only when needed)."""
    from ltl_quiz.scenario.loader import find_scenario, load_scenario

    return load_scenario(find_scenario(where.scenarios, case))


def open_store(where: Locations) -> Store:
    from ltl_quiz.store import Store  # SQLAlchemy is heavy: only commands that need it pay for it

    return Store(where.db_url)


def open_attempt_store(where: Locations, say: Callable[[str], None] | None = None) -> OfflineSafeStore:
    """The store for taking attempts: if it cannot be reached, this computer's journal stands in (issue 6)."""
    from ltl_quiz.store.journal import OfflineSafeStore

    return OfflineSafeStore.open(where.db_url, where.journal_dir, say or (lambda _line: None))
