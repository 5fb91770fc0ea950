"""``Store`` and ``Journal`` are one ``AttemptStore``: the same calls give the same record.

An attempt taken straight into the results store, and the same attempt taken into this computer's
journal and synced later, must end up as the same row with the same answers; while it is only in
the journal, the journal answers the reads a resume makes.
"""

from __future__ import annotations

from pathlib import Path

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store import AttemptRow, Store, now
from ltl_quiz.store.journal_file import Journal
from ltl_quiz.store.journal_sync import sync
from ltl_quiz.store.protocol import AttemptStore

KEPT = ("learner_id", "scenario_id", "track", "mode", "seed", "status", "score", "best_score", "percentage", "passed", "ending")


def take(store: AttemptStore, scenario: Scenario, learner: Learner) -> str:
    """Three answers and the end, then a scripted mark: every write the runner makes."""
    state = engine.start(scenario, "officer", "assessed", 5)
    attempt_id = store.start_attempt(learner, scenario, state, engine.result(scenario, state).best, how_answered="terminal")
    for response in (engine.Continue(), engine.Choose(["send-officers"]), engine.Choose(["speak-to-girl-alone"])):
        state, _ = engine.answer(scenario, state, response)
        store.record(attempt_id, state, state.answers[-1], now(), engine.result(scenario, state))
    store.mark_scripted(attempt_id)
    store.finish(attempt_id, engine.result(scenario, state))
    return attempt_id


def kept(row: AttemptRow) -> dict[str, object]:
    return {name: getattr(row, name) for name in KEPT} | {"node": row.state.node_id, "how": row.how_answered}


def test_the_journal_and_the_store_record_an_attempt_alike(db_url, example_path, tmp_path: Path) -> None:
    scenario = load_scenario(example_path)
    journal = Journal(tmp_path / "journal").standing_in_for(db_url, lambda _line: None)
    store = Store(db_url)
    try:
        direct = take(store, scenario, Learner("AS1", "Ada", "North"))
        offline = take(journal, scenario, Learner("AS2", "Bo", "North"))
        assert journal.learner("AS2") == Learner("AS2", "Bo", "North")
        assert [r.id for r in journal.attempts("AS2", "completed")] == [offline]
        assert kept(journal.attempt(offline[:12])) | {"learner_id": "AS1"} == kept(store.attempt(direct))
        assert [(r.created, r.added) for r in sync(store, journal).sent] == [(True, 3)]
        assert kept(store.attempt(offline)) | {"learner_id": "AS1"} == kept(store.attempt(direct))
        same = ("seq", "node_id", "kind", "option_ids", "free_text", "covered", "points", "critical")
        answers = [[{k: a[k] for k in same} for a in store.answers(i)] for i in (direct, offline)]
        assert answers[0] == answers[1] and len(answers[0]) == 3
    finally:
        store.close()
