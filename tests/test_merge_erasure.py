"""A merge or a journal never brings back what `db forget` or `db purge` erased here.

A laptop used at a training day still holds the attempts of a person this store has since
forgotten, and attempts older than this store's retention date. Merging it (or syncing a journal
from another computer) leaves those out, says how many (never whose), and brings in everything else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from records_factory import scenario, share_reflections, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.store import Store
from ltl_quiz.store.journal import OfflineSafeStore
from ltl_quiz.store.journal_file import Journal

ASHA = Learner("K2041", "Asha Qureshi-Patel", "Kent CID")
BEN = Learner("K3077", "Benedict Oduya", "Kent CID")
TABLES = ("learners", "attempts", "answers", "assignments", "certificates", "reflection_consents", "session_participants")


def everything(url: str) -> str:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            return repr({t: conn.execute(sa.text(f"SELECT * FROM {t}")).all() for t in TABLES})
    finally:
        store.close()


def attempts_of(url: str, learner_id: str) -> int:
    store = Store(url)
    try:
        return len(store.attempts(learner_id))
    finally:
        store.close()


def laptop(url: str) -> None:
    """A laptop's store: Asha's and Ben's attempts from a training day, Asha's yes to sharing reflections."""
    store = Store(url)
    hotel = scenario("02-hotel-welfare-check")
    for n, person in enumerate((ASHA, BEN)):
        walk(store, hotel, person, "officer", text=f"{person.name} wrote this", start=datetime(2024, 3, 4 + n, 9, tzinfo=UTC))
    store.close()
    share_reflections(url, ASHA.id)


def test_a_merge_never_brings_back_a_forgotten_person(db_url: str, other_db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), ASHA, "officer")
    store.close()
    laptop(other_db_url)
    assert runner.invoke(app, ["db", "forget", ASHA.id]).exit_code == 0
    done = runner.invoke(app, ["merge", other_db_url])
    assert done.exit_code == 0, done.output
    held = everything(db_url)
    assert ASHA.id not in held and ASHA.name not in held and "Asha" not in held  # no trace: row, attempt, consent
    assert attempts_of(db_url, BEN.id) == 1  # everyone else merged as usual
    assert "Left out the records of 1 person erased from this store (db forget): " in done.output
    assert "attempts 1" in done.output and "learners 1" in done.output and "reflection_consents 1" in done.output
    assert ASHA.id not in done.output and "Asha" not in done.output  # a count, never whose
    again = runner.invoke(app, ["merge", other_db_url])
    assert again.exit_code == 0 and ASHA.id not in everything(db_url)


def test_what_a_forgotten_person_does_after_coming_back_is_merged(db_url: str, other_db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), ASHA, "officer")
    store.close()
    assert runner.invoke(app, ["db", "forget", ASHA.id]).exit_code == 0
    store = Store(other_db_url)  # rejoined the force: a new attempt, after the erasure
    walk(store, scenario("02-hotel-welfare-check"), ASHA, "officer", start=datetime(2099, 1, 5, 9, tzinfo=UTC))
    store.close()
    done = runner.invoke(app, ["merge", other_db_url])
    assert done.exit_code == 0 and "Left out" not in done.output
    assert attempts_of(db_url, ASHA.id) == 1


def test_a_merge_never_brings_back_records_older_than_the_last_purge(db_url: str, other_db_url: str, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), BEN, "officer", start=datetime(2024, 1, 2, 9, tzinfo=UTC))
    store.close()
    assert runner.invoke(app, ["db", "purge", "--before", "2024-06-01"]).exit_code == 0
    store = Store(other_db_url)
    hotel = scenario("02-hotel-welfare-check")
    walk(store, hotel, ASHA, "officer", start=datetime(2024, 3, 4, 9, tzinfo=UTC))  # older than the retention date
    walk(store, hotel, BEN, "officer", start=datetime(2024, 3, 4, 9, tzinfo=UTC))
    walk(store, hotel, BEN, "officer", start=datetime(2024, 7, 1, 9, tzinfo=UTC))
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE learners SET created_at = '2024-03-04T09:00:00.000Z'"))
    store.close()
    done = runner.invoke(app, ["merge", other_db_url])
    assert done.exit_code == 0, done.output
    assert "Left out records erased here by db purge, or older than its date (2024-06-01): " in done.output
    assert "attempts 2" in done.output
    store = Store(db_url)
    try:
        assert [a.started_at[:10] for a in store.attempts(BEN.id)] == ["2024-07-01"]
        assert store.learner(ASHA.id) is None  # created before the date, with nothing kept: as the purge would have
    finally:
        store.close()


def test_a_journal_from_another_computer_cannot_bring_back_a_forgotten_person(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), ASHA, "officer")
    store.close()
    journal = Journal(isolated_home / "elsewhere")  # another computer's journal, not found by db forget here
    offline(db_url, journal, ASHA)
    assert runner.invoke(app, ["db", "forget", ASHA.id]).exit_code == 0
    (isolated_home / "journal").mkdir(exist_ok=True)
    for path in journal.pending():
        path.rename(isolated_home / "journal" / path.name)
    done = runner.invoke(app, ["sync", "--any-store"])
    assert done.exit_code == 1 and "belongs to a person erased from this store (db forget); not sent" in done.output
    assert ASHA.id not in done.output and ASHA.id not in everything(db_url)
    offline(db_url, Journal(isolated_home / "journal"), ASHA)  # after the erasure: new, so sent (the old one stays refused)
    later = runner.invoke(app, ["sync", "--any-store"])
    assert "Sent 1 attempt" in later.output and attempts_of(db_url, ASHA.id) == 1


def offline(db_url: str, journal: Journal, who: Learner) -> None:
    """An attempt begun with the store out of reach: its first answer goes to ``journal`` only."""
    hotel = scenario("02-hotel-welfare-check")
    safe = OfflineSafeStore(db_url, journal, lambda _line: None)  # never connected: everything goes to the journal
    state = engine.start(hotel, "officer", "practice", 7)
    attempt = safe.start_attempt(who, hotel, state, engine.result(hotel, state).best)
    node = engine.current(hotel, state)
    response = engine.Continue() if node.type == "passage" else engine.Choose(list(node.recommended))
    state, _ = engine.answer(hotel, state, response)
    safe.record(attempt, state, state.answers[-1], "2000-01-01T00:00:00.000Z", engine.result(hotel, state))
