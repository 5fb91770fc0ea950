"""Fifty learner processes answering at once against one store (SQLite and PostgreSQL, via ``db_url``).

Every process is a terminal of its own (its own home, so its own journal) that opens a store nobody
has migrated yet, waits at a barrier with the others, then runs a whole attempt through the CLI.
Nothing may be lost or counted twice, no learner may see "database is locked", and no terminal may
have fallen back to its journal (which would hide a store that refused writes under load).
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.locations import sqlite_folder
from ltl_quiz.store import Store
from ltl_quiz.store.migrations import MIGRATIONS

LEARNERS = 50
ANSWERS = {
    "call-grading": "send-officers",
    "welfare-actions": ["speak-to-girl-alone"],
    "officer-reflection": {"text": "Who the men are and how she got there.", "covered": [1, 2]},
}
NODES = ["call-received", "call-grading", "welfare-actions", "officer-reflection"]


def one_terminal(index: int, url: str, scenarios: str, answers: str, homes: Path, barrier: Any, results: Any) -> None:
    os.environ["LTL_QUIZ_HOME"] = str(homes / f"terminal-{index:02d}")
    os.environ["LTL_QUIZ_DB"] = url
    barrier.wait(timeout=120)
    args = ["--scenarios", scenarios, "run", "example-welfare-call", "--learner", f"C{index:03d}", "--name", f"Learner {index}"]
    result = CliRunner().invoke(app, [*args, "--answers", answers, "--plain"])
    results.put((index, result.exit_code, result.output))


def test_fifty_learners_answering_at_once_lose_and_duplicate_nothing(db_url: str, example_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS))
    homes = tmp_path / "terminals"
    folder = sqlite_folder(db_url)
    if folder is not None:  # the store's folder exists (a missing one is refused, issue 13); the store itself does not yet
        folder.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")  # the children start at once, modules already imported
    barrier, results = context.Barrier(LEARNERS), context.Queue()
    processes = [
        context.Process(target=one_terminal, args=(i, db_url, str(example_dir), str(answers), homes, barrier, results))
        for i in range(LEARNERS)
    ]
    for p in processes:
        p.start()
    outcomes = sorted(results.get(timeout=240) for _ in processes)
    for p in processes:
        p.join(timeout=60)

    for index, code, output in outcomes:
        assert code == 0, f"learner {index}: {output}"
        assert "locked" not in output.lower(), f"learner {index} saw: {output}"
        assert "Your work is safe" not in output, f"learner {index} fell back to the journal: {output}"
    assert [i for i, _, _ in outcomes] == list(range(LEARNERS))
    assert not list(homes.glob("*/journal/*.jsonl"))

    store = Store(db_url)
    try:
        rows = store.attempts()
        assert sorted(r.learner_id for r in rows) == [f"C{i:03d}" for i in range(LEARNERS)]
        assert {(r.status, r.score, r.passed) for r in rows} == {("completed", 13, True)}
        for row in rows:
            given = store.answers(row.id)
            assert [a["node_id"] for a in given] == NODES
            assert [a["seq"] for a in given] == [1, 2, 3, 4]
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*), count(DISTINCT id) FROM answers")).one() == (4 * LEARNERS, 4 * LEARNERS)
            migrations = conn.execute(sa.text("SELECT id FROM ltl_migrations ORDER BY id")).scalars().all()
        assert migrations == list(range(1, len(MIGRATIONS) + 1))  # fifty first openings, each migration once
    finally:
        store.close()
