"""A certificate prints the score as every other record does (issue 12): history, debrief and CPD
record read '35/40 (87%)' (``text.percent``, rounded down), and a certificate read '87.5%'.
A certificate issued with the old figure still verifies; a changed one still does not."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from test_certificates import issue, passed_attempt
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.records.certificate_code import code
from ltl_quiz.records.certificates import fields_for
from ltl_quiz.store import Store
from ltl_quiz.store import certificates as stored
from ltl_quiz.store.settings import certificate_key


def _scored(db_url: str, score: int, best: int) -> str:
    """A real passed attempt whose stored score is ``score`` of ``best`` (a percentage with a fraction)."""
    attempt = passed_attempt(db_url)
    store = Store(db_url)
    with store.engine.begin() as conn:
        values = {"s": score, "b": best, "p": 100.0 * score / best, "a": attempt}
        conn.execute(sa.text("UPDATE attempts SET score = :s, best_score = :b, percentage = :p WHERE id = :a"), values)
    store.close()
    return attempt


def test_the_certificate_and_verify_print_the_percentage_history_prints(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    attempt = _scored(db_url, 35, 40)
    page = tmp_path / "c.html"
    cert = issue(runner, attempt, page)
    html = page.read_text(encoding="utf-8")
    assert 'data-field="score">35/40 (87%)<' in html and "87.5" not in html
    history = runner.invoke(app, ["history", "--learner", "K2041"]).output
    assert "87%" in history and "87.5" not in history
    checked = runner.invoke(app, ["verify", cert, "--certificate", str(page)])
    assert checked.exit_code == 0, checked.output
    assert "score 35/40 (87%)" in checked.output and "87.5" not in checked.output


def test_a_certificate_issued_with_the_exact_percentage_still_verifies(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    attempt = _scored(db_url, 35, 40)
    store = Store(db_url)
    key = certificate_key(store)
    assert key is not None
    row = store.attempt(attempt)
    old = fields_for(row, None)
    old = type(old)(**{**old.as_dict(), "score": "35/40 (87.5%)", "expires": "2034-03-03"})  # as certificates printed it
    cert = code(key, old)
    stored.record(store, cert, attempt, old.expires)
    store.close()
    done = runner.invoke(app, ["verify", cert, "--score", "35/40 (87.5%)", "--name", "Asha Patel"])
    assert done.exit_code == 0 and "genuine and current" in done.output, done.output
    typed_wrong = runner.invoke(app, ["verify", cert, "--score", "35/40 (88%)"])
    assert typed_wrong.exit_code == 1 and "NOT genuine" in typed_wrong.output
    page = tmp_path / "old.html"  # the old page: the new one re-issued for this attempt, with the old figure
    new = issue(runner, attempt, page)
    html = page.read_text(encoding="utf-8").replace(">35/40 (87%)<", ">35/40 (87.5%)<").replace(new, cert)
    page.write_text(html, encoding="utf-8")
    again = runner.invoke(app, ["verify", cert, "--certificate", str(page)])
    assert again.exit_code == 0, again.output
    page.write_text(html.replace(">35/40 (87.5%)<", ">36/40 (87.5%)<"), encoding="utf-8")
    tampered = runner.invoke(app, ["verify", cert, "--certificate", str(page)])
    assert tampered.exit_code == 1 and "NOT genuine" in tampered.output


def test_a_record_changed_after_an_old_certificate_was_issued_fails(db_url: str, runner: CliRunner) -> None:
    attempt = _scored(db_url, 35, 40)
    store = Store(db_url)
    key = certificate_key(store)
    assert key is not None
    cert = code(key, fields_for(store.attempt(attempt), None, exact_percent=True))
    stored.record(store, cert, attempt, None)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE attempts SET percentage = 88.5 WHERE id = :a"), {"a": attempt})
    store.close()
    done = runner.invoke(app, ["verify", cert])
    assert done.exit_code == 1 and "has changed since" in done.output
