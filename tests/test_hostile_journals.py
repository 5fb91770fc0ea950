"""One damaged journal never holds the others back, and what cannot be read is kept, not sent.

Each case in ``tests/hostile/journal_damage.yaml`` damages one of two journals written by real
offline attempts; ``ltl-quiz sync`` must send the good one, move the damaged one to
``journal/quarantine/`` naming it in one line, and never print a traceback, on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.store import Store, now
from ltl_quiz.store.journal import OfflineSafeStore
from ltl_quiz.store.journal_file import Journal

CASES = yaml.safe_load((Path(__file__).parent / "hostile" / "journal_damage.yaml").read_text(encoding="utf-8"))


def offline_attempt(db_url: str, journal: Journal, scenario_path: Path, learner: Learner, text: str = "Who the men are.") -> str:
    """A whole attempt made while the store is away: every record is in the journal."""
    safe = OfflineSafeStore(db_url, journal, lambda _line: None)
    scenario = load_scenario(scenario_path)
    state = engine.start(scenario, "officer", "practice", 7)
    attempt = safe.start_attempt(learner, scenario, state, engine.result(scenario, state).best)
    while not engine.at_end(scenario, state):
        node = engine.current(scenario, state)
        response: engine.Response = (
            engine.Continue()
            if node.type == "passage"
            else engine.Reflect(text, [0])
            if node.type == "reflection"
            else engine.Choose(list(node.recommended))
        )
        state, _ = engine.answer(scenario, state, response)
        safe.record(attempt, state, state.answers[-1], now(), engine.result(scenario, state))
    safe.finish(attempt, engine.result(scenario, state))
    return attempt


def damage(path: Path, case: dict[str, Any]) -> None:
    lines = path.read_bytes().decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    first_answer = next(i for i, r in enumerate(records) if r.get("answer"))
    if "replace_in_first_line" in case:
        old, new = case["replace_in_first_line"]
        assert old in lines[0]
        lines[0] = lines[0].replace(old, new, 1)
    elif "raw_first_line" in case:
        lines[0] = case["raw_first_line"]
    else:
        head = records[0]
        if "attempt" in case:
            head["attempt"].update(case["attempt"])
        if "record" in case:
            head.update(case["record"])
        if "learner" in case:
            head["learner"].update(case["learner"])
        if "drop_attempt_key" in case:
            del head["attempt"][case["drop_attempt_key"]]
        if "later_attempt" in case:
            last = next(r for r in reversed(records) if r.get("attempt"))
            last["attempt"].update(case["later_attempt"])
        if "answer" in case:
            records[first_answer]["answer"].update(case["answer"])
        if "answer_record" in case:
            records[first_answer].update(case["answer_record"])
        lines = [json.dumps(r, sort_keys=True) for r in records]
    text = "\n".join(lines) + "\n"
    path.write_bytes(text.encode("latin-1" if case.get("latin1") else "utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_damaged_journal_is_quarantined_and_the_good_one_sent(
    db_url: str, example_path: Path, isolated_home: Path, case: dict[str, Any]
) -> None:
    journal = Journal(isolated_home / "journal")
    good = offline_attempt(db_url, journal, example_path, Learner("GOOD1", "Gale Good"))
    bad = offline_attempt(db_url, journal, example_path, Learner("BAD1", "Bea Bad"))
    damaged = journal.path(bad)
    damage(damaged, case)
    before = damaged.read_bytes()

    result = CliRunner().invoke(app, ["sync"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.exit_code == 1, result.output
    problems = [line for line in result.output.splitlines() if line.startswith("problem:")]
    kept = isolated_home / "journal" / "quarantine" / damaged.name
    assert len(problems) == 1 and str(damaged) in problems[0] and f"moved to {kept} (kept, not sent)" in problems[0], result.output
    assert kept.read_bytes() == before and not damaged.exists()  # moved aside whole, never deleted
    assert "Sent 1 attempt" in result.output
    store = Store(db_url)
    try:
        assert store.attempt(good).status == "completed"
        assert store.attempts("BAD1") == []  # nothing of the damaged journal was half-sent
    finally:
        store.close()
    again = CliRunner().invoke(app, ["sync"])  # the quarantine is out of the way of later syncs
    assert again.exit_code == 0 and "Nothing to send" in again.output, again.output


def test_a_store_that_refuses_one_journal_does_not_stop_the_rest(db_url: str, example_path: Path, isolated_home: Path) -> None:
    """A conflict with the store keeps that file in place (it is not damaged) and the next is still sent."""
    journal = Journal(isolated_home / "journal")
    first = offline_attempt(db_url, journal, example_path, Learner("A1", "Ann"))
    second = offline_attempt(db_url, journal, example_path, Learner("B1", "Ben"))
    path = journal.path(first)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    records[0]["full"] = False  # only continues an attempt this store does not have: a conflict
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = CliRunner().invoke(app, ["sync"])
    assert result.exit_code == 1 and "Sent 1 attempt" in result.output and "is not in this store" in result.output, result.output
    assert path.exists()
    store = Store(db_url)
    try:
        assert store.attempt(second).status == "completed"
    finally:
        store.close()


def test_a_reflection_with_nul_is_journalled_without_it_and_syncs(db_url: str, example_path: Path, isolated_home: Path) -> None:
    """PostgreSQL refuses NUL in text: it is dropped at input, so such a journal can be sent at all."""
    journal = Journal(isolated_home / "journal")
    attempt = offline_attempt(db_url, journal, example_path, Learner("N\x00UL1", "Nu\x00ll", "U\x00nit"), text="Who\x00 the men are.")
    result = CliRunner().invoke(app, ["sync"])
    assert result.exit_code == 0 and "Sent 1 attempt" in result.output, result.output
    store = Store(db_url)
    try:
        row = store.attempt(attempt)
        assert (row.learner_id, row.learner_name, row.learner_unit) == ("NUL1", "Null", "Unit")
        assert "Who the men are." in [a["free_text"] for a in store.answers(attempt)]
    finally:
        store.close()
