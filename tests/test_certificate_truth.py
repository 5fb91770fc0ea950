"""Certificates say what the record says (issue 15): a group session's attendance is attendance
(no score, no verdict, its date and trainer, only for who was present), a failed attempt gets no
certificate, and a certificate issued before these rules verifies for what it really shows."""

from __future__ import annotations

import re
from pathlib import Path

import force_factory as ff
import sqlalchemy as sa
from records_factory import scenario, walk, worst
from test_record_truth import run_facilitated
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.records.certificate_code import CertificateFields, code
from ltl_quiz.records.certificates import fields_for
from ltl_quiz.store import Store
from ltl_quiz.store import certificates as stored
from ltl_quiz.store.settings import certificate_key

ASHA = Learner("K2041", "Asha Patel", "Kent CID")


def _allow_sessions(db_url: str, learner_id: str, case: str, every: int | None) -> None:
    row = {**ff.assignment_row(learner_id, case, "officer", "2099-01-01", "2000-01-01T00:00:00.000Z", every), "allow_sessions": True}
    store = Store(db_url)
    with store.engine.begin() as conn:
        ff.insert(conn, "assignments", [row])
    store.close()


def _issue_as_first_issued(db_url: str, attempt: str) -> str:
    """Record a certificate as the first ``certificate`` command issued it for this attempt (the room's score, 'not passed')."""
    store = Store(db_url)
    try:
        key = certificate_key(store)
        assert key is not None
        cert = code(key, fields_for(store.attempt(attempt), None, as_first_issued=True))
        stored.record(store, cert, attempt, None)
        return cert
    finally:
        store.close()


def test_a_facilitated_participants_certificate_is_of_attendance_with_no_score_or_verdict(
    db_url, example_path, runner: CliRunner, tmp_path: Path
) -> None:
    _code, attempts = run_facilitated(db_url, example_path)
    page = tmp_path / "c.html"
    done = runner.invoke(app, ["certificate", attempts["PC101"], "--out", str(page)])
    assert done.exit_code == 0, done.output
    html = page.read_text(encoding="utf-8")
    assert "Certificate of attendance" in html and "attended a facilitated group session" in html
    assert 'data-field="trainer">Pat Trainer<' in html and "no score, no verdict" in html
    assert 'data-field="score"' not in html and 'data-field="verdict"' not in html and "not passed" not in html
    assert not re.search(r"\d+/\d+ \(\d+%\)", html) and "completed the case study" not in html
    cert = re.search(r"verification code (\w{5}-\w{5})", done.output)
    assert cert
    checked = runner.invoke(app, ["verify", cert.group(1), "--certificate", str(page)])
    # no assignment counts a session here: genuine, but it does not show the case complete
    assert checked.exit_code == 2, checked.output
    text = " ".join(checked.output.split())
    assert "genuine, a record of attendance only" in text and "genuine and current" not in text
    assert "attended a facilitated group session on" in text and "led by Pat Trainer" in text
    assert "score" not in text.replace("no score", "") and "not passed" not in text
    tampered = html.replace('data-field="trainer">Pat Trainer<', 'data-field="trainer">Someone Else<')
    page.write_text(tampered, encoding="utf-8")
    assert runner.invoke(app, ["verify", cert.group(1), "--certificate", str(page)]).exit_code == 1


def test_attendance_is_current_only_where_an_assignment_allowing_sessions_counts_it(db_url, example_path, runner: CliRunner) -> None:
    _code, attempts = run_facilitated(db_url, example_path)
    case = Store(db_url).attempt(attempts["PC102"]).scenario_id
    _allow_sessions(db_url, "PC102", case, 24)
    page = runner.invoke(app, ["certificate", attempts["PC102"]]).output
    assert "Valid until" in page and re.search(r'data-field="expires">\d{4}-\d\d-\d\d<', page)
    cert = re.search(r"ltl-quiz verify (\w{5}-\w{5})", page)
    assert cert
    checked = runner.invoke(app, ["verify", cert.group(1)])
    assert checked.exit_code == 0, checked.output
    assert "genuine and current" in checked.output and "valid until" in checked.output and "0/" not in checked.output


def test_no_certificate_for_a_participant_the_store_does_not_record_as_present(db_url, example_path, runner: CliRunner) -> None:
    _code, attempts = run_facilitated(db_url, example_path)
    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE session_participants SET present = :f WHERE learner_id = 'PC101'"), {"f": False})
    store.close()
    done = runner.invoke(app, ["certificate", attempts["PC101"]])
    assert done.exit_code == 1 and "does not record PC101 as present" in done.output and "Traceback" not in done.output


def test_a_certificate_first_issued_with_the_rooms_score_verifies_as_attendance(db_url, example_path, runner: CliRunner) -> None:
    _code, attempts = run_facilitated(db_url, example_path)
    cert = _issue_as_first_issued(db_url, attempts["PC102"])
    checked = runner.invoke(app, ["verify", cert])
    text = " ".join(checked.output.split())
    assert checked.exit_code == 2, checked.output  # genuine, but attendance no assignment counts
    assert "attended a facilitated group session" in text and "not a result" in text
    assert "genuine and current" not in text and "score 0/" not in text and ", not passed" not in text


def test_a_failed_attempt_gets_no_certificate_and_one_issued_before_is_never_current(db_url, runner: CliRunner) -> None:
    store = Store(db_url)
    failed = walk(store, scenario("02-hotel-welfare-check"), ASHA, pick=worst)
    store.close()
    done = runner.invoke(app, ["certificate", failed])
    assert done.exit_code == 1 and "was not passed" in done.output and "none is issued" in done.output
    assert len(done.output.strip().splitlines()) == 1 and "<html" not in done.output
    store = Store(db_url)
    key = certificate_key(store)
    assert key is not None
    cert = code(key, fields_for(store.attempt(failed), None))
    stored.record(store, cert, failed, None)
    store.close()
    checked = runner.invoke(app, ["verify", cert])
    text = " ".join(checked.output.split())
    assert checked.exit_code == 2 and "genuine, but not passed: it does not show the case complete" in text
    assert "current" not in text


def test_individual_certificates_keep_the_codes_they_were_issued_with() -> None:
    """A code computed by the first version of certificate_code for these fields (a genuine one must still verify)."""
    fields = CertificateFields(
        "Asha Patel", "K2041", "02-hotel-welfare-check", "Hotel welfare check", "officer", "assessed", "2024-03-04",
        "38/40 (95%)", "passed", "3", "ab" * 32, "2034-03-03", "0b0e6c1e-7a53-4c65-9f0e-3f0d8d2b8d61",
    )  # fmt: skip
    assert code(b"force-key-" * 4, fields) == "RHKP5-5FKBZ"


def test_history_marks_a_scripted_attempt_in_its_plain_lines(db_url, example_dir, tmp_path: Path, runner: CliRunner) -> None:
    from test_record_truth import _answers_file, _terminal_run

    answers = str(_answers_file(tmp_path))
    done = runner.invoke(app, ["--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", answers])
    assert done.exit_code == 0, done.output
    _terminal_run(example_dir, "AB1")
    lines = [line for line in runner.invoke(app, ["history", "--learner", "AB1", "--plain"]).output.splitlines() if "AB1" in line]
    assert len(lines) == 2, lines
    scripted = [line for line in lines if "scripted: answered from a file" in line]
    assert len(scripted) == 1 and "completed" in scripted[0], lines  # the typed run is not marked


def test_a_certificate_with_no_expiry_prints_no_valid_until_row(db_url, example_path, runner: CliRunner, tmp_path: Path) -> None:
    """Issue 12: an attendance certificate, and an individual one, printed an empty "Valid until"
    row when the case has no expiry: the row is left out, and the page still verifies."""
    import html as markup

    _code, attempts = run_facilitated(db_url, example_path)
    store = Store(db_url)
    alone = walk(store, scenario("02-hotel-welfare-check"), ASHA)
    store.close()
    for attempt, label in ((attempts["PC101"], "Certificate of attendance"), (alone, "Certificate of completion")):
        page = tmp_path / f"{attempt[:8]}.html"
        done = runner.invoke(app, ["certificate", attempt, "--out", str(page)])
        assert done.exit_code == 0, done.output
        body = page.read_text(encoding="utf-8")
        text = " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<style>.*?</style>", "", body))).split())
        assert label in text and "Scenario version" in text and "Valid until" not in text, text
        cert = re.search(r"verification code (\w{5}-\w{5})", done.output)
        assert cert
        checked = runner.invoke(app, ["verify", cert.group(1), "--certificate", str(page)])
        assert "genuine" in checked.output and "NOT genuine" not in checked.output and "not a certificate page" not in checked.output, checked.output
