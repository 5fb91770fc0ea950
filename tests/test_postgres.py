"""``ltl-quiz db status | upgrade | backup`` on both stores, PostgreSQL URLs, and passwords that
never reach the screen. The rest of the suite runs against PostgreSQL through ``db_url``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pg
import pytest
import sqlalchemy as sa
import yaml
from conftest import stores
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.store import Store
from ltl_quiz.store.migrations import MIGRATIONS

BEST = {
    "call-grading": "send-officers",
    "welfare-actions": ["speak-to-girl-alone"],
    "officer-reflection": {"text": "Who the men are and how she got there.", "covered": [1, 2]},
}
TABLES = ("learners", "attempts", "answers")


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database on the session's server, for tests about PostgreSQL alone."""
    if "postgresql" not in stores(request.config):
        pytest.skip("PostgreSQL tests run with --store=postgresql or --store=both, on a machine with PostgreSQL")
    databases = request.getfixturevalue("pg_databases")
    url = databases.take()
    yield url
    databases.give_back(url)


def password_of(url: str) -> str:
    password = sa.engine.make_url(url).password
    assert password
    return password


def dump(url: str) -> dict[str, list[dict]]:
    store = Store(url, migrate=False)
    try:
        with store.engine.connect() as conn:
            return {
                t: [
                    {k: int(v) if isinstance(v, bool) else v for k, v in r._mapping.items()}
                    for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id"))
                ]
                for t in TABLES
            }
    finally:
        store.close()


def run_attempts(runner: CliRunner, example_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(BEST))
    done = runner.invoke(
        app, ["--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--name", "Alex", "--answers", str(answers)]
    )
    assert done.exit_code == 0, done.output
    left = runner.invoke(app, ["--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--plain"], input="y\n\n")
    assert left.exit_code == 130, left.output


def test_status_changes_nothing_and_upgrade_applies_every_migration(runner, db_url) -> None:
    fresh = runner.invoke(app, ["db", "status"])
    assert fresh.exit_code == 0, fresh.output
    assert f"schema: 0 of {len(MIGRATIONS)} migrations applied; {len(MIGRATIONS)} to apply: run 'ltl-quiz db upgrade'" in fresh.output
    if db_url.startswith("sqlite"):
        assert "does not exist yet" in fresh.output and not Path(db_url.removeprefix("sqlite:///")).exists()
    else:
        engine = sa.create_engine(db_url)
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []  # looking created nothing
        engine.dispose()

    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and upgraded.output.startswith(f"Applied {len(MIGRATIONS)} migrations: m001_learners_attempts_answers")
    assert runner.invoke(app, ["db", "upgrade"]).output == "The store is up to date.\n"
    status = json.loads(runner.invoke(app, ["db", "status", "--json"]).output)
    assert [m["id"] for m in status["applied"]] == list(range(1, len(MIGRATIONS) + 1))
    assert status["up_to_date"] and status["pending"] == [] and status["counts"]["attempts"] == 0
    assert status["backend"] == ("sqlite" if db_url.startswith("sqlite") else "postgresql")


def test_a_store_from_a_newer_ltl_quiz_is_not_upgraded(runner, db_url) -> None:
    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO ltl_migrations (id, name, applied_at) VALUES (:i, 'm999_future', 'x')"), {"i": len(MIGRATIONS) + 1}
        )
    store.close()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1 and "m999_future), which this ltl-quiz does not know; upgrade ltl-quiz instead" in result.output
    assert "m999_future  from a newer ltl-quiz: upgrade ltl-quiz" in runner.invoke(app, ["db", "status"]).output


def test_backup_is_one_sqlite_file_that_restores_by_merge(runner, example_dir, tmp_path, db_url, other_db_url) -> None:
    run_attempts(runner, example_dir, tmp_path)
    status = runner.invoke(app, ["db", "status"]).output
    assert "records: learners 1, attempts 2, answers 5" in status

    target = tmp_path / "backups" / "monday.sqlite3"
    result = runner.invoke(app, ["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up to {target} (learners 1, attempts 2, answers 5, sessions 0).")
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM ltl_migrations").fetchone() == (len(MIGRATIONS),)
    assert dump(f"sqlite:///{target}") == dump(db_url)  # the same rows, whichever store they came from
    assert [p.name for p in target.parent.iterdir()] == ["monday.sqlite3"]  # no temporary file left

    again = runner.invoke(app, ["db", "backup", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output

    restored = runner.invoke(app, ["--db", other_db_url, "merge", str(target)])
    assert restored.exit_code == 0, restored.output
    assert dump(other_db_url) == dump(db_url)

    default = runner.invoke(app, ["db", "backup", "--json"])
    assert default.exit_code == 0
    path = Path(json.loads(default.output)["path"])
    assert path.parent.name == "backups" and path.name.startswith("ltl-quiz-") and path.exists()


def test_no_password_in_any_output(runner, pg_url, example_dir, tmp_path, monkeypatch) -> None:
    secret = password_of(pg_url)
    monkeypatch.setenv("LTL_QUIZ_DB", pg_url)
    run_attempts(runner, example_dir, tmp_path)
    outputs = [runner.invoke(app, args).output for args in (["where"], ["db", "status"], ["db", "status", "--json"], ["sync"], ["history"])]
    outputs.append(runner.invoke(app, ["db", "backup", str(tmp_path / "b.sqlite3")]).output)
    wrong = pg_url.replace(secret, "not-" + secret)
    refused = f"postgresql+psycopg://ltl:{secret}@127.0.0.1:{pg.free_port()}/nowhere"
    for url in (wrong, refused):
        for args in (
            ["db", "status"],
            ["db", "upgrade"],
            ["history"],
            ["sync"],
            ["merge", pg_url],
            ["db", "backup", str(tmp_path / "x.sqlite3")],
        ):
            result = runner.invoke(app, ["--db", url, *args])
            assert result.exit_code == 1, (args, result.output)
            assert "error: cannot" in result.output and "ltl:***@127.0.0.1" in result.output
            outputs.append(result.output)
    merged = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'other.sqlite3'}", "merge", wrong])
    outputs.append(merged.output)
    assert merged.exit_code == 1 and "ltl:***@" in merged.output
    for output in outputs:
        assert secret not in output


def test_plain_postgresql_urls_use_psycopg(runner, pg_url) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    result = runner.invoke(app, ["--db", plain, "db", "upgrade"])
    assert result.exit_code == 0 and result.output.startswith("Applied")
    assert "PostgreSQL 15" in runner.invoke(app, ["--db", plain, "db", "status"]).output


def test_a_database_without_its_driver_says_how_to_get_one(runner) -> None:
    result = runner.invoke(app, ["--db", "mysql://me:hunter2@127.0.0.1/x", "db", "status"])
    assert result.exit_code == 1
    assert result.output == "error: cannot use mysql://me:***@127.0.0.1/x: its database driver is not installed;\n"
