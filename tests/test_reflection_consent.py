"""A learner's written reflections reach a CPD lead only if the learner chose to share them.

`ltl-quiz cpd STAFF --share-reflections yes|no` records the learner's own decision (who, when);
with none recorded, nothing is shared. Every export format, and `lrs push`, leaves out the text of
learners who have not said yes, and says on stderr how many were left out and why (never who).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook
from records_factory import scenario, walk
from test_lrs import FakeLrs, push
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store
from ltl_quiz.store.consent import current

ALEX = Learner("AB1", "Alex Smith", "North Yorkshire, control room")
SAM = Learner("CD2", "Sam Jones", "Kent, safeguarding hub")
ALEX_WORDS = "Alex-kumquat words Alex chose to share"
SAM_WORDS = "Sam-persimmon words Sam keeps to himself"


def two_learners(db_url: str) -> None:
    store = Store(db_url)
    hotel = scenario("02-hotel-welfare-check")
    walk(store, hotel, ALEX, "officer", text=ALEX_WORDS)
    walk(store, hotel, SAM, "officer", text=SAM_WORDS)
    store.close()


def test_nothing_is_shared_until_the_learner_says_yes_and_no_withdraws_it(db_url: str, runner: CliRunner) -> None:
    two_learners(db_url)
    before = runner.invoke(app, ["export", "--what", "reflections", "--format", "json"])
    assert before.exit_code == 0 and json.loads(before.stdout) == []  # the default: not shared
    assert "Left out the written reflections of 2 learners" in before.stderr
    said = runner.invoke(app, ["cpd", "AB1", "--share-reflections", "yes"])
    assert said.exit_code == 0 and said.stdout == "" and "AB1 shares their written reflections" in said.stderr
    shared = runner.invoke(app, ["export", "--what", "reflections", "--format", "json"])
    rows = json.loads(shared.stdout)
    assert {r["learner_id"] for r in rows} == {"AB1"} and {r["answer"] for r in rows} == {ALEX_WORDS}
    assert "of 1 learner (" in shared.stderr and "--share-reflections yes" in shared.stderr and "CD2" not in shared.stderr
    withdrawn = runner.invoke(app, ["cpd", "AB1", "--share-reflections", "no"])
    assert withdrawn.exit_code == 0 and "keeps their written reflections to themselves" in withdrawn.stderr
    after = runner.invoke(app, ["export", "--what", "reflections", "--format", "json"])
    assert json.loads(after.stdout) == [] and ALEX_WORDS not in after.stdout
    store = Store(db_url)
    try:
        decision = current(store, "AB1")
        with store.engine.connect() as conn:
            history = conn.execute(sa.text("SELECT shares, decided_by, decided_at FROM reflection_consents ORDER BY decided_at")).all()
    finally:
        store.close()
    assert decision is not None and decision.shares is False and decision.decided_by
    assert [bool(h.shares) for h in history] == [True, False] and all(h.decided_at.endswith("Z") for h in history)


def test_every_format_leaves_out_the_text_of_learners_who_have_not_opted_in(db_url: str, runner: CliRunner, tmp_path: Path) -> None:
    two_learners(db_url)
    assert runner.invoke(app, ["cpd", "AB1", "--share-reflections", "yes"]).exit_code == 0
    outputs = {}
    for fmt in ("csv", "json", "jsonl", "xapi", "xlsx"):
        for what in ("reflections", "answers"):
            out = tmp_path / f"{what}.{fmt}"
            done = runner.invoke(app, ["export", "--format", fmt, "--what", what, "--out", str(out)])
            assert done.exit_code == 0, done.output
            assert "Left out the written reflections of 1 learner" in done.stderr, (fmt, what)
            outputs[(fmt, what)] = _text(out)
    for key, text in outputs.items():
        assert ALEX_WORDS in text and SAM_WORDS not in text, key
    rows = list(csv.DictReader(io.StringIO(outputs[("csv", "answers")])))
    assert {r["learner_id"] for r in rows} == {"AB1", "CD2"}  # Sam's choices are there; only his written words are not
    assert not [r for r in rows if r["learner_id"] == "CD2" and r["written_answer"]]


def test_lrs_push_sends_no_response_text_for_a_learner_who_has_not_opted_in(db_url: str, runner: CliRunner, tmp_path: Path) -> None:
    two_learners(db_url)
    runner.invoke(app, ["cpd", "CD2", "--share-reflections", "yes"])
    lrs = FakeLrs()
    try:
        done = push(lrs)
    finally:
        lrs.close()
    assert done.exit_code == 0, done.output
    sent = json.dumps([r["body"] for r in lrs.requests])
    assert SAM_WORDS in sent and ALEX_WORDS not in sent
    assert "Left out the written reflections of 1 learner" in done.stderr


def test_only_a_learner_in_the_store_can_decide(db_url: str, runner: CliRunner) -> None:
    two_learners(db_url)
    done = runner.invoke(app, ["cpd", "ZZ9", "--share-reflections", "yes"])
    assert done.exit_code == 1 and "no learner 'ZZ9'" in done.stderr and "Traceback" not in done.output
    bad = runner.invoke(app, ["cpd", "AB1", "--share-reflections", "maybe"])
    assert bad.exit_code == 2


def _text(path: Path) -> str:
    if path.suffix != ".xlsx":
        return path.read_text(encoding="utf-8")
    book = load_workbook(path, read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def test_a_trainers_session_report_holds_a_reflection_only_if_its_writer_shares_it(db_url, example_dir, example_path) -> None:
    from test_record_truth import run_facilitated

    code, _ = run_facilitated(db_url, example_path, own_text="Jo-quince thought kept for my own record")
    trainer = CliRunner()
    private = trainer.invoke(app, ["--scenarios", str(example_dir), "session", "report", code])
    assert private.exit_code == 0, private.output
    assert "Jo-quince" not in private.output and "written here is kept by its writer: not shared." in private.output
    steps = json.loads(trainer.invoke(app, ["--scenarios", str(example_dir), "session", "report", code, "--json"]).stdout)["steps"]
    assert "Jo-quince" not in json.dumps(steps) and sum(s.get("reflections_not_shared", 0) for s in steps) >= 1
    assert trainer.invoke(app, ["cpd", "PC102", "--share-reflections", "yes"]).exit_code == 0
    shared = trainer.invoke(app, ["--scenarios", str(example_dir), "session", "report", code])
    assert "Jo Bloggs: Jo-quince thought kept for my own record" in shared.output and "not shared" not in shared.output


def decided(url: str, learner_id: str, shares: bool, at: str) -> None:
    import uuid

    store = Store(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO reflection_consents (id, learner_id, shares, decided_by, decided_at) VALUES (:i, :l, :s, 'someone', :t)"
                ),
                {"i": str(uuid.uuid4()), "l": learner_id, "s": shares, "t": at},
            )
    finally:
        store.close()


def in_force(url: str, learner_id: str) -> bool | None:
    store = Store(url)
    try:
        decision = current(store, learner_id)
        return None if decision is None else decision.shares
    finally:
        store.close()


def test_a_merge_brings_both_histories_and_the_latest_decision_is_in_force(db_url: str, other_db_url: str, runner: CliRunner) -> None:
    two_learners(db_url)
    two_learners(other_db_url)
    decided(db_url, "AB1", True, "2026-01-01T09:00:00.000Z")
    decided(other_db_url, "AB1", False, "2026-02-01T09:00:00.000Z")  # withdrawn later, on the laptop
    decided(db_url, "CD2", False, "2026-01-01T09:00:00.000Z")
    decided(other_db_url, "CD2", True, "2026-03-01T09:00:00.000Z")  # given later, on the laptop
    decided(db_url, "CD2", True, "2026-04-01T09:00:00.000Z")
    decided(other_db_url, "CD2", False, "2026-04-01T09:00:00.000Z")  # the same moment: the withdrawal wins
    done = runner.invoke(app, ["merge", other_db_url])
    assert done.exit_code == 0, done.output
    assert "reflection_consents: 3 added" in done.output
    assert in_force(db_url, "AB1") is False and in_force(db_url, "CD2") is False
    export = runner.invoke(app, ["export", "--what", "reflections", "--format", "json"])
    assert json.loads(export.stdout) == []
    again = runner.invoke(app, ["merge", other_db_url])
    assert "reflection_consents: 0 added, 3 already here" in again.output


def test_the_learners_own_record_says_whether_they_share_their_reflections(db_url: str, runner: CliRunner) -> None:
    two_learners(db_url)
    assert "My reflections: kept to myself, not shared with a CPD lead (the default)" in runner.invoke(app, ["cpd", "AB1"]).stdout
    runner.invoke(app, ["cpd", "AB1", "--share-reflections", "yes"])
    page = runner.invoke(app, ["cpd", "AB1", "--format", "html"]).stdout
    assert "<dt>My reflections</dt><dd>shared with a CPD lead since " in page
    assert "My reflections" not in runner.invoke(app, ["cpd", "AB1", "--summary"]).stdout  # the summary is for the line manager
