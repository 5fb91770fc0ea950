"""Certificates: issued only for what is true, verified by code from any terminal on the store,
failing when any printed field or the stored record is changed, surviving backup and restore."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import force_factory as ff
import pytest
import sqlalchemy as sa
from programs import needs_program
from records_factory import scenario, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.errors import Expired
from ltl_quiz.locations import resolve
from ltl_quiz.records.certificate_code import CertificateFields, code, normalise
from ltl_quiz.records.certificates import verify
from ltl_quiz.store import Store

ASHA = Learner("K2041", "Asha Patel", "Kent CID")


def passed_attempt(db_url: str, every: int | None = 120) -> str:
    """A real passed attempt of case 2, finished 2024-03-04, assigned with renewal every ``every`` months."""
    case = scenario("02-hotel-welfare-check")
    store = Store(db_url)
    try:
        attempt = walk(store, case, ASHA)
        with store.engine.begin() as conn:
            ff.insert(
                conn,
                "assignments",
                [ff.assignment_row(ASHA.id, case.id, case.audiences[0], "2024-04-01", "2024-01-01T00:00:00.000Z", every)],
            )
        return attempt
    finally:
        store.close()


def issue(runner: CliRunner, attempt: str, out: Path) -> str:
    done = runner.invoke(app, ["certificate", attempt[:8], "--out", str(out)])
    assert done.exit_code == 0, done.output
    found = re.search(r"verification code (\w{5}-\w{5})", done.output)
    assert found
    return found.group(1)


def test_a_genuine_certificate_verifies_and_says_what_it_certifies(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    attempt = passed_attempt(db_url)
    cert = issue(runner, attempt, tmp_path / "c.html")
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "Asha Patel" in page and "K2041" in page and cert in page and "2034-03-03" in page  # valid until the day before ten years on
    done = runner.invoke(app, ["verify", cert.lower().replace("-", " "), "--name", "Asha Patel", "--date", "2024-03-04"])
    assert done.exit_code == 0, done.output
    assert f"{cert}: genuine" in done.output and "Asha Patel (K2041)" in done.output
    assert runner.invoke(app, ["verify", cert, "--certificate", str(tmp_path / "c.html")]).exit_code == 0
    assert issue(runner, attempt, tmp_path / "again.html") == cert  # the same record, the same code


@pytest.mark.parametrize("option", ["--name", "--staff-number", "--date", "--score"])
def test_a_changed_field_typed_from_paper_fails(db_url: str, tmp_path: Path, runner: CliRunner, option: str) -> None:
    cert = issue(runner, passed_attempt(db_url), tmp_path / "c.html")
    done = runner.invoke(app, ["verify", cert, option, "Altered 99"])
    assert done.exit_code == 1 and "NOT genuine" in done.output


@pytest.mark.parametrize("field", CertificateFields.names())
def test_a_certificate_tampered_in_each_field_fails(db_url: str, tmp_path: Path, runner: CliRunner, field: str) -> None:
    path = tmp_path / "c.html"
    cert = issue(runner, passed_attempt(db_url), path)
    page = path.read_text(encoding="utf-8")
    tampered, n = re.subn(rf'(data-field="{field}">)([^<]*)<', lambda m: f"{m.group(1)}{m.group(2)}9<", page)
    assert n == 1
    path.write_text(tampered, encoding="utf-8")
    done = runner.invoke(app, ["verify", cert, "--certificate", str(path)])
    assert done.exit_code == 1 and "NOT genuine" in done.output, done.output


def test_a_record_changed_in_the_store_after_issue_fails(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    attempt = passed_attempt(db_url)
    cert = issue(runner, attempt, tmp_path / "c.html")
    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE attempts SET score = score + 1 WHERE id = :a"), {"a": attempt})
    store.close()
    done = runner.invoke(app, ["verify", cert])
    assert done.exit_code == 1 and "has changed since" in done.output


def test_unknown_and_malformed_codes(db_url: str, runner: CliRunner) -> None:
    passed_attempt(db_url)
    assert "no certificate with this code" in runner.invoke(app, ["verify", "00000-00000"]).output
    bad = runner.invoke(app, ["verify", "12345"])
    assert bad.exit_code == 1 and "is not a verification code" in bad.output


def test_expired_certificates_are_genuine_but_not_current(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    cert = issue(runner, passed_attempt(db_url, every=12), tmp_path / "c.html")
    assert verify(resolve(db=db_url), cert, {}, today=date(2025, 3, 3)).current
    with pytest.raises(Expired, match="expired on 2025-03-03"):
        verify(resolve(db=db_url), cert, {}, today=date(2025, 3, 4))
    assert runner.invoke(app, ["verify", cert]).exit_code == 2  # today is long after March 2025


def test_a_genuine_certificate_passes_after_backup_and_restore(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    cert = issue(runner, passed_attempt(db_url, every=None), tmp_path / "c.html")
    backup = tmp_path / "backup.sqlite3"
    assert runner.invoke(app, ["db", "backup", str(backup)]).exit_code == 0
    restored = runner.invoke(app, ["--db", f"sqlite:///{backup}", "verify", cert, "--certificate", str(tmp_path / "c.html")])
    assert restored.exit_code == 0 and "genuine and current" in restored.output


def test_the_key_is_never_printed(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    cert = issue(runner, passed_attempt(db_url), tmp_path / "c.html")
    store = Store(db_url)
    with store.engine.connect() as conn:
        key = conn.execute(sa.text("SELECT value FROM store_settings WHERE name = 'certificate_key'")).scalar_one()
    store.close()
    outputs = [
        runner.invoke(app, args).output
        for args in (
            ["verify", cert],
            ["db", "status"],
            ["db", "status", "--json"],
            ["export", "--format", "json"],
            ["compliance", "--format", "json"],
        )
    ]
    assert all(key not in out for out in outputs) and key not in (tmp_path / "c.html").read_text(encoding="utf-8")


def test_only_completed_attempts_the_learner_answered_are_certified(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    store = Store(db_url)
    unfinished = walk(store, scenario("02-hotel-welfare-check"), ASHA, stop_after=1, finish=False)
    failed = walk(store, scenario("02-hotel-welfare-check"), ASHA, pick=worst)
    store.close()
    done = runner.invoke(app, ["certificate", unfinished])
    assert done.exit_code == 1 and "is in-progress: only a completed attempt" in done.output
    refused = runner.invoke(app, ["certificate", failed])  # a certificate shows a case complete: none for a failed attempt
    assert refused.exit_code == 1 and "was not passed" in refused.output and 'data-field="verdict"' not in refused.output


def test_a_scripted_attempt_is_never_certified(db_url: str, runner: CliRunner) -> None:
    attempt = passed_attempt(db_url)
    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE attempts SET how_answered = 'scripted' WHERE id = :a"), {"a": attempt})
    store.close()
    done = runner.invoke(app, ["certificate", attempt])
    assert done.exit_code == 1 and "answered from a script file" in done.output


def test_pdf_certificate_reads_back(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    cert = issue(runner, passed_attempt(db_url), tmp_path / "c.pdf")
    reader = pypdf.PdfReader(tmp_path / "c.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1 and cert in text and "Asha Patel" in text and "K2041" in text


def test_codes_are_short_unambiguous_and_depend_on_every_field() -> None:
    base = CertificateFields("A", "1", "c", "t", "officer", "practice", "2024-01-01", "1/2 (50%)", "passed", "1", "ab", "", "x")
    key = b"k" * 32
    first = code(key, base)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", first)
    assert normalise(first.lower().replace("0", "o")) == first
    for name in CertificateFields.names():
        assert code(key, CertificateFields(**{**base.as_dict(), name: base.as_dict()[name] + "9"})) != first
    assert code(b"j" * 32, base) != first


@needs_program("chromium", "chromium")
def test_the_html_certificate_prints_on_one_page_in_a_real_browser(db_url: str, tmp_path: Path, runner: CliRunner) -> None:
    import shutil
    import subprocess

    browser = shutil.which("chromium") or "chromium"
    pypdf = pytest.importorskip("pypdf")
    cert = issue(runner, passed_attempt(db_url), tmp_path / "c.html")
    pdf = tmp_path / "printed.pdf"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            (tmp_path / "c.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    reader = pypdf.PdfReader(pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1 and cert in text and "Asha Patel" in text and "2034-03-03" in text
