"""``ltl-quiz merge OTHER_DB``: another store's attempts come in once, learners matched by staff
number, conflicts reported and never overwritten. ``db_url`` is this store; ``other_db_url`` the
laptop from an off-site training day (a store of the same kind: SQLite and PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.store import Store
from ltl_quiz.store.migrations import MIGRATIONS

BEST = {
    "call-grading": "send-officers",
    "welfare-actions": ["speak-to-girl-alone"],
    "officer-reflection": {"text": "Who the men are and how she got there.", "covered": [1, 2]},
}


class Terminal:
    """Runs the CLI against one store, as a terminal pointed at it would."""

    def __init__(self, runner: CliRunner, scenarios: Path, url: str, tmp_path: Path):
        self.runner, self.scenarios, self.url = runner, scenarios, url
        self.answers = tmp_path / "answers.yaml"
        self.answers.write_text(yaml.safe_dump(BEST))

    def __call__(self, *args: str, typed: str | None = None):
        return self.runner.invoke(app, ["--scenarios", str(self.scenarios), "--db", self.url, *args], input=typed)

    def complete(self, learner: str, name: str) -> None:
        result = self("run", "1", "--learner", learner, "--name", name, "--answers", str(self.answers))
        assert result.exit_code == 0, result.output

    def begin(self, learner: str, name: str) -> str:
        """An attempt left after two answers; returns its id."""
        result = self("run", "1", "--learner", learner, "--name", name, "--plain", typed="y\n\n1\n")
        assert result.exit_code == 130, result.output
        (row,) = [r for r in rows(self.url, "attempts") if r["learner_id"] == learner and r["status"] == "in-progress"]
        return row["id"]

    def carry_on(self, attempt: str, typed: str) -> None:
        """Resume an attempt ``begin`` left at its first feedback: Enter reads on past that feedback, shown again."""
        result = self("resume", attempt, "--plain", typed="\n" + typed)
        assert result.exit_code in (0, 130), result.output


def rows(url: str, table: str) -> list[dict]:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            found = [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]
    finally:
        store.close()
    return [{k: (int(v) if isinstance(v, bool) else v) for k, v in r.items()} for r in found]


def test_attempts_come_in_once_and_learners_match_by_staff_number(runner, example_dir, tmp_path, db_url, other_db_url) -> None:
    here, laptop = Terminal(runner, example_dir, db_url, tmp_path), Terminal(runner, example_dir, other_db_url, tmp_path)
    here.complete("AB1", "Alex Smith")
    laptop.complete("AB1", "Alex Smith")
    laptop.complete("CD2", "Chris Dale")

    first = here("merge", other_db_url)
    assert first.exit_code == 0, first.output
    assert "  attempts: 2 added, 0 already here" in first.output
    assert "  learners: 1 added, 1 already here" in first.output
    assert "  answers: 8 added, 0 already here" in first.output
    assert len(rows(db_url, "attempts")) == 3
    assert [r["id"] for r in rows(db_url, "learners")] == ["AB1", "CD2"]
    laptop_attempts = {r["id"] for r in rows(other_db_url, "attempts")}
    assert laptop_attempts <= {r["id"] for r in rows(db_url, "attempts")}
    before = {t: rows(db_url, t) for t in ("learners", "attempts", "answers")}

    again = here("merge", other_db_url, "--json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report["added"] == {} and report["conflicts"] == []
    assert report["same"] == {"learners": 2, "attempts": 2, "answers": 8}
    assert {t: rows(db_url, t) for t in before} == before


def test_conflicts_are_reported_and_kept_as_here(runner, example_dir, tmp_path, db_url, other_db_url) -> None:
    here, laptop = Terminal(runner, example_dir, db_url, tmp_path), Terminal(runner, example_dir, other_db_url, tmp_path)
    here.complete("AB1", "Alex Smith")
    shared = laptop.begin("EF3", "Eve Fox")
    assert here("merge", other_db_url).exit_code == 0  # the same in-progress attempt is now in both stores
    laptop("run", "1", "--learner", "AB1", "--name", "Alex Smyth", "--answers", str(laptop.answers))
    here.carry_on(shared, "2\n")  # each store carries it on differently
    laptop.carry_on(shared, "1\n")
    ours = {t: rows(db_url, t) for t in ("learners", "attempts", "answers")}

    result = here("merge", other_db_url)
    assert result.exit_code == 1
    assert "2 conflicts, each kept as it is here (nothing was overwritten):" in result.output
    assert "  learner AB1: here 'Alex Smith' (no unit), there 'Alex Smyth' (no unit); kept as here" in result.output
    assert (
        f"  attempt {shared[:8]} (EF3, example-welfare-call): here in-progress with 3 answers, there in-progress with 3; kept as here"
        in result.output
    )
    assert "  attempts: 1 added, 0 already here" in result.output  # Alex's laptop attempt still comes in
    after = {t: rows(db_url, t) for t in ours}
    assert [r for r in after["learners"] if r["id"] == "AB1"] == [r for r in ours["learners"] if r["id"] == "AB1"]
    assert [r for r in after["attempts"] if r["id"] == shared] == [r for r in ours["attempts"] if r["id"] == shared]
    assert [a for a in after["answers"] if a["attempt_id"] == shared] == [a for a in ours["answers"] if a["attempt_id"] == shared]


def test_an_attempt_carried_on_elsewhere_is_brought_forward(runner, example_dir, tmp_path, db_url, other_db_url) -> None:
    here, laptop = Terminal(runner, example_dir, db_url, tmp_path), Terminal(runner, example_dir, other_db_url, tmp_path)
    attempt = laptop.begin("GH4", "Gil Hart")
    assert here("merge", other_db_url).exit_code == 0
    laptop.carry_on(attempt, "1\n\nWho the men are\n1 2\n\n\n\n\n")  # finished on the laptop (then the debrief's four parts)

    result = here("merge", other_db_url)
    assert result.exit_code == 0, result.output
    assert "  1 attempt in progress here was carried on there: brought forward" in result.output
    (row,) = rows(db_url, "attempts")
    assert row == rows(other_db_url, "attempts")[0] and row["status"] == "completed"
    assert rows(db_url, "answers") == rows(other_db_url, "answers")

    older = laptop.begin("IJ5", "Ida Jones")
    assert here("merge", other_db_url).exit_code == 0
    here.carry_on(older, "1\n")  # now further on here than on the laptop
    again = here("merge", other_db_url)
    assert again.exit_code == 0 and "  1 attempt is further on here than there: kept as here" in again.output
    assert len([a for a in rows(db_url, "answers") if a["attempt_id"] == older]) == 3


def test_the_other_store_is_only_read(runner, example_dir, tmp_path, db_url) -> None:
    laptop_file = tmp_path / "laptop" / "ltl-quiz.sqlite3"
    laptop_file.parent.mkdir()  # a store's folder must exist (issue 13)
    laptop = Terminal(runner, example_dir, f"sqlite:///{laptop_file}", tmp_path)
    laptop.complete("AB1", "Alex Smith")
    Store(laptop.url).close()
    before = hashlib.sha256(laptop_file.read_bytes()).hexdigest()
    result = Terminal(runner, example_dir, db_url, tmp_path)("merge", str(laptop_file))  # a plain path will do
    assert result.exit_code == 0 and "  attempts: 1 added" in result.output
    assert hashlib.sha256(laptop_file.read_bytes()).hexdigest() == before


def test_merge_refuses_what_it_cannot_merge(runner, example_dir, tmp_path, db_url, other_db_url) -> None:
    here, laptop = Terminal(runner, example_dir, db_url, tmp_path), Terminal(runner, example_dir, other_db_url, tmp_path)
    here.complete("AB1", "Alex Smith")
    itself = here("merge", db_url)
    assert itself.exit_code == 1 and "is the store in use; merge another store into it" in itself.output
    missing = here("merge", str(tmp_path / "nowhere.sqlite3"))
    assert missing.exit_code == 1 and "nowhere.sqlite3: no such store file" in missing.output
    stranger = tmp_path / "other.sqlite3"
    sa.create_engine(f"sqlite:///{stranger}").connect().execute(sa.text("CREATE TABLE t (x INTEGER)")).close()
    assert "is not an ltl-quiz results store" in here("merge", str(stranger)).output

    laptop.complete("CD2", "Chris Dale")
    store = Store(other_db_url)
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO ltl_migrations (id, name, applied_at) VALUES (:i, 'm999_future', 'x')"), {"i": len(MIGRATIONS) + 1}
        )
    store.close()
    newer = here("merge", other_db_url)
    assert newer.exit_code == 1 and "was written by a newer ltl-quiz" in newer.output
    assert len(rows(db_url, "attempts")) == 1
