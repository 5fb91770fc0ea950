"""The store's transaction helper, its context manager and its row type, on both databases.

A database error inside ``Store.begin`` or ``Store.reading`` reaches the caller as one StoreError
naming the store (never a traceback from the driver), and the transaction it broke leaves nothing
behind. ``with Store(url) as store`` closes the store however the block ends. An attempt read
back as an ``AttemptRow`` gives the columns it was read from (``values``), so a copy of one (the
journal's) reads back the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import StoreError
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.store import AttemptRow, Store, now
from ltl_quiz.store.tables import attempts, learners


def test_a_broken_write_is_a_store_error_and_leaves_nothing(db_url: str) -> None:
    with Store(db_url) as store:
        store.save_learner(Learner("A1", "Ada"))
        with pytest.raises(StoreError, match=r"^cannot write to the results store .*: "), store.begin() as conn:
            conn.execute(sa.insert(learners).values(id="B2", name="Bo", unit="", created_at=now()))
            conn.execute(sa.insert(learners).values(id="A1", name="Ada again", unit="", created_at=now()))  # the key is taken
        assert store.learner("B2") is None  # the row before the error went with the transaction
        assert store.learner("A1") == Learner("A1", "Ada")


def test_a_broken_read_is_a_store_error(db_url: str) -> None:
    with Store(db_url) as store, pytest.raises(StoreError, match=r"^cannot read the results store .*: "), store.reading() as conn:
        conn.execute(sa.text("SELECT * FROM no_such_table"))


def test_other_errors_pass_through_unchanged_and_roll_back(db_url: str) -> None:
    with Store(db_url) as store:
        with pytest.raises(KeyError), store.begin() as conn:
            conn.execute(sa.insert(learners).values(id="C3", name="Cy", unit="", created_at=now()))
            raise KeyError("not a database error")
        assert store.learner("C3") is None


def test_the_store_closes_when_its_block_ends(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[bool] = []
    with pytest.raises(RuntimeError), Store(db_url) as store:
        monkeypatch.setattr(store.engine, "dispose", lambda: closed.append(True))
        raise RuntimeError("the block failed")
    assert closed == [True]


def test_an_attempt_row_gives_back_the_columns_it_was_read_from(db_url: str, example_path: Path) -> None:
    scenario = load_scenario(example_path)
    state = engine.start(scenario, "officer", "assessed", 5)
    with Store(db_url) as store:
        attempt_id = store.start_attempt(Learner("D4", "Dee", "North"), scenario, state, engine.result(scenario, state).best)
        state, _ = engine.answer(scenario, state, engine.Continue())
        store.record(attempt_id, state, state.answers[-1], now(), engine.result(scenario, state))
        row = store.attempt(attempt_id)
        with store.reading() as conn:
            stored = dict(conn.execute(sa.select(attempts).where(attempts.c.id == attempt_id)).one()._mapping)
    assert set(row.values()) == set(stored)
    again = AttemptRow.from_mapping(row.values(), "Dee", "North")
    assert again == row
    assert again.state.node_id == state.node_id and again.learner_unit == "North"
