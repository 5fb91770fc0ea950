"""The time held on an attempt (``attempts.held_ms``, m013) in the store, the journal, a merge and the report.

Time at prompts that leave no answer row (a step left with Ctrl-C, practice feedback read) is held
on the attempt and is part of time spent (``tests/test_time_held.py`` plays it at a real terminal).
Here: migration m013 on a store holding attempts, a hold made offline reaching the store exactly
once, a merge carrying it (and a merge of an older store without it), and the learning report's
completed minutes adding it, as every other record does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import StoreError
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.records.report import build
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store import Store, now
from ltl_quiz.store.journal import OfflineSafeStore
from ltl_quiz.store.journal_file import Journal
from ltl_quiz.store.journal_sync import sync
from ltl_quiz.store.merge import merge
from ltl_quiz.store.queries import Filters, minutes, time_spent
from ltl_quiz.store.rows import attempt_values

OLD_ID = "00000000-0000-4000-8000-000000000013"  # an attempt written before m013


def begun(store: Store | OfflineSafeStore, scenario: Scenario, learner_id: str = "H1") -> tuple[str, engine.State]:
    """An attempt begun with its first step answered."""
    state = engine.start(scenario, "officer", "practice", 7)
    attempt = store.start_attempt(Learner(learner_id, "Hana Held"), scenario, state, engine.result(scenario, state).best)
    state, _ = engine.answer(scenario, state, engine.Continue())
    store.record(attempt, state, state.answers[-1], now(), engine.result(scenario, state))
    return attempt, state


def held(url: str, attempt: str) -> int:
    with Store(url) as store:
        return store.attempt(attempt).held_ms


def test_m013_on_a_store_with_attempts_holds_nothing_for_them(db_url: str, example_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store at m012 with an attempt: after m013 it holds 0 (its lost time was never measured),
    its time spent is what it was, and it can hold time from then on."""
    from ltl_quiz.store import db

    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:12])
    scenario = load_scenario(example_path)
    with Store(db_url) as old:
        assert "m013_attempt_held_time" not in [name for _, name, _ in old.applied()]
    with Store(db_url) as old, old.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO learners (id, name, unit, created_at) VALUES ('H1', 'Hana', '', :t)"), {"t": now()})
        row = attempt_values("H1", scenario, engine.start(scenario, "officer", "practice", 7), 0, None, OLD_ID, now())
        del row["held_ms"]  # the row as m012's code wrote it: no held_ms column to name
        conn.execute(sa.text(f"INSERT INTO attempts ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"), row)
    monkeypatch.undo()
    with Store(db_url) as store:
        assert "m013_attempt_held_time" in [name for _, name, _ in store.applied()]
        attempt = OLD_ID
        assert store.attempt(attempt).held_ms == 0
        assert time_spent(store, [attempt]) == {attempt: 0.0}
        store.hold(attempt, 1250)
        assert time_spent(store, [attempt]) == {attempt: 1.25}
        indexes = {i["name"] for i in sa.inspect(store.engine).get_indexes("attempts")}
    assert "ix_attempts_held" in indexes


def test_a_hold_made_offline_reaches_the_store_once(
    db_url: str, example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One hold online, one whose write reached the store just as the connection dropped (so it is
    journalled too), one offline: the store ends with their sum, however many times it is synced."""
    scenario = load_scenario(example_path)
    journal = Journal(tmp_path / "journal")
    store = Store(db_url)
    safe = OfflineSafeStore(db_url, journal, lambda _line: None, store=store)
    attempt, _ = begun(safe, scenario)
    safe.hold(attempt, 1000)
    reached = store.hold

    def reached_then_dropped(attempt_id: str, ms: int) -> None:
        reached(attempt_id, ms)
        raise StoreError("the connection to the results store dropped")

    monkeypatch.setattr(store, "hold", reached_then_dropped)
    safe.hold(attempt, 700)  # in the store already, and journalled
    safe.hold(attempt, 300)  # journalled only
    assert journal.pending(), "the holds after the drop were journalled"
    assert held(db_url, attempt) == 1700
    with Store(db_url) as target:
        first = sync(target, journal)
        assert [r.updated for r in first.sent] == [True]
        assert target.attempt(attempt).held_ms == 2000
        synced = journal.folder / "synced"
        for path in synced.glob("*.jsonl"):  # the same journal again, as a sync interrupted before filing it away would leave it
            shutil.copy(path, journal.folder / path.name)
        assert len(sync(target, journal).sent) == 1
        assert target.attempt(attempt).held_ms == 2000
        assert time_spent(target, [attempt])[attempt] >= 2.0


def test_a_merge_carries_the_held_time(db_url: str, other_db_url: str, example_path: Path) -> None:
    scenario = load_scenario(example_path)
    with Store(other_db_url) as laptop:
        attempt, _ = begun(laptop, scenario, "H2")
        laptop.hold(attempt, 4200)
        there = time_spent(laptop, [attempt])[attempt]
    with Store(db_url) as here:
        report = merge(here, other_db_url)
        assert report.added.get("attempts") == 1 and not report.refused, report.lines()
        assert here.attempt(attempt).held_ms == 4200
        assert time_spent(here, [attempt])[attempt] == there


def test_a_store_from_before_m013_merges_with_nothing_held(
    db_url: str, other_db_url: str, example_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older store (no held_ms column) merges as it always did: its attempts hold nothing."""
    from ltl_quiz.store import db

    scenario = load_scenario(example_path)
    Store(db_url).close()  # this store is the current one
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:12])
    with Store(other_db_url) as older, older.engine.begin() as conn:
        assert "held_ms" not in {c["name"] for c in sa.inspect(conn).get_columns("attempts")}
        conn.execute(sa.text("INSERT INTO learners (id, name, unit, created_at) VALUES ('H3', 'Hal', '', :t)"), {"t": now()})
        row = attempt_values("H3", scenario, engine.start(scenario, "officer", "practice", 7), 0, None, OLD_ID, now())
        del row["held_ms"]  # as the code of m012's day wrote it
        conn.execute(sa.text(f"INSERT INTO attempts ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"), row)
    monkeypatch.undo()
    with Store(db_url) as here:
        report = merge(here, other_db_url)
        assert report.added.get("attempts") == 1 and not report.refused and not report.conflicts, report.lines()
        assert here.attempt(OLD_ID).held_ms == 0
        assert time_spent(here, [OLD_ID]) == {OLD_ID: 0.0}


def test_the_report_adds_the_held_time_to_the_completed_minutes(db_url: str, example_path: Path, example_dir: Path) -> None:
    """A completed attempt held 90 seconds at its prompts: the report's mean minutes say what its
    time spent says (1.5), as the export and the CPD record do; before, the report said 0.0."""
    scenario = load_scenario(example_path)
    with Store(db_url) as store:
        attempt, state = begun(store, scenario)
        store.hold(attempt, 90_000)
        store.finish(attempt, engine.result(scenario, state))
        spent = minutes(time_spent(store, [attempt])[attempt])
        report = build(store, ScenarioLibrary(example_dir), Filters(include_scripted=False))
    (stats,) = report.scenarios
    assert spent >= 1.5 and stats.mean_minutes == spent, (spent, stats.mean_minutes)
