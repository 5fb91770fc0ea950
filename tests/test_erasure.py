"""`db forget` and `db purge`: a person's records gone from every table, export, journal, report
and the file's bytes; nothing else changed; an audit line that says how many rows, never whose."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import force_factory as ff
import sqlalchemy as sa
from records_factory import add_session, scenario, share_reflections, walk
from typer.testing import CliRunner

from ltl_quiz import config
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store
from ltl_quiz.store.journal_file import Journal

ASHA = Learner("K2041", "Asha Qureshi-Patel", "Kent CID")
BEN = Learner("K3077", "Benedict Oduya", "Kent CID")
WORDS = "Zanzibar-marmalade reflection only Asha wrote"
TABLES = (
    "learners", "attempts", "answers", "sessions", "session_participants", "session_steps", "session_answers",
    "assignments", "certificates", "lrs_accepted", "lrs_voids", "store_settings", "reflection_consents",
)  # fmt: skip


def dump(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            return {t: sorted(tuple(map(str, r)) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))) for t in TABLES}
    finally:
        store.close()


def people(db_url: str, home: Path, runner: CliRunner) -> dict[str, list[str]]:
    """Asha and Ben: attempts (one in a group session), answers, reflections, assignments, a
    certificate, an LRS acceptance for Asha's, and a journal file for each on this computer."""
    hotel = scenario("02-hotel-welfare-check")
    store = Store(db_url)
    ids: dict[str, list[str]] = {}
    try:
        add_session(store, "ROOM1", hotel, "Trainer Tan")
        for n, person in enumerate((ASHA, BEN)):
            ids[person.id] = [
                walk(
                    store,
                    hotel,
                    person,
                    text=WORDS if person is ASHA else "Ben's own words",
                    start=datetime(2024, 3, 4 + n, 9, 0, tzinfo=UTC),
                ),
                walk(store, hotel, person, session_code="ROOM1", start=datetime(2024, 3, 4, 10, 0, tzinfo=UTC)),
            ]
        with store.engine.begin() as conn:
            for n, person in enumerate((ASHA, BEN)):
                conn.execute(
                    sa.text(
                        "INSERT INTO session_participants (session_code, learner_id, list_no, attempt_id, present) VALUES ('ROOM1', :l, :n, :a, TRUE)"
                    ),
                    {"l": person.id, "n": n + 1, "a": ids[person.id][1]},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO session_answers (id, session_code, seq, learner_id, key, free_text, entered_by, answered_at, recorded_at) "
                        "VALUES (:i, 'ROOM1', 1, :l, 'kq1', :t, 'learner', 'x', 'x')"
                    ),
                    {"i": str(uuid.uuid4()), "l": person.id, "t": f"{person.name} said this in the room"},
                )
                ff.insert(
                    conn, "assignments", [ff.assignment_row(person.id, hotel.id, "officer", "2030-01-01", "2024-01-01T00:00:00.000Z", 12)]
                )
            conn.execute(
                sa.text("INSERT INTO lrs_accepted (endpoint, statement_id, attempt_id, accepted_at) VALUES ('https://lrs', :s, :a, 'x')"),
                {"s": str(uuid.uuid4()), "a": ids[ASHA.id][0]},
            )
    finally:
        store.close()
    assert runner.invoke(app, ["certificate", ids[ASHA.id][0], "--out", str(home.parent / "cert.html")]).exit_code == 0
    journal = Journal(home / "journal")
    for person in (ASHA, BEN):
        attempt = str(uuid.uuid4())
        header = {"type": "attempt", "store": "x", "full": True, "learner": vars(person), "attempt": {"id": attempt}}
        journal.append(attempt, {"answer": {"free_text": f"{person.name} offline"}}, header)
    config.remember_learner(home / "config.json", ASHA)
    share_reflections(db_url, ASHA.id, BEN.id)
    return ids


def without(rows: dict[str, list[tuple[Any, ...]]], gone: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    return {t: [r for r in rs if not gone & set(r)] for t, rs in rows.items()}


def test_forget_leaves_no_trace_and_changes_nothing_else(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    ids = people(db_url, isolated_home, runner)
    before = dump(db_url)
    pseudonymised = runner.invoke(app, ["export", "--format", "csv", "--pseudonymise"]).output
    dry = runner.invoke(app, ["db", "forget", ASHA.id, "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.output)
    assert planned["dry_run"] and planned["journal_files"] == 1 and planned["config_cleared"] and planned["pushed"] == 1
    assert dump(db_url) == before and len(list((isolated_home / "journal").glob("*.jsonl"))) == 2

    done = runner.invoke(app, ["db", "forget", ASHA.id, "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["counts"] == planned["counts"] and report["counts"]["attempts"] == 2 and report["counts"]["session_answers"] == 1
    after = dump(db_url)
    asha_rows = {ASHA.id, *ids[ASHA.id]}
    # Nothing else changed: every other row is as it was (but the erased certificate's row and Asha's
    # LRS acceptance, kept with the attempt id only so that lrs push can void the statements).
    assert without(after, asha_rows) == without(before, asha_rows)
    assert all(not asha_rows & set(r) for t, rs in after.items() if t not in ("lrs_accepted", "lrs_voids") for r in rs)
    # The LRS acceptance is queued for voiding (ids and a reason only), so the next lrs push voids it.
    queued = {(r[1], r[3], r[4]) for r in after.get("lrs_voids", [])}
    accepted = {(r[1], r[2]) for r in before.get("lrs_accepted", []) if r[2] in ids[ASHA.id]}
    assert accepted and {(statement, attempt) for statement, attempt, _ in queued} == accepted
    assert {reason for _, _, reason in queued} == {"erased"}

    store = Store(db_url)
    with store.engine.connect() as conn:
        audit = conn.execute(sa.text("SELECT kind, subject, rows, counts FROM erasures")).one()
        erased = sorted(tuple(r) for r in conn.execute(sa.text("SELECT attempt_id, pushed FROM erased_attempts")))
    store.close()
    assert audit[0] == "forget" and audit[1].startswith("e-") and ASHA.id not in audit[1] and audit[2] == report["rows"]
    assert erased == sorted([(ids[ASHA.id][0], True), (ids[ASHA.id][1], False)])

    outputs = [
        runner.invoke(app, args).output
        for args in (
            ["export", "--format", "csv"], ["export", "--format", "json", "--what", "answers"], ["export", "--format", "xapi"],
            ["report", "--json"], ["compliance", "--format", "csv"], ["history"], ["session", "report", "ROOM1", "--json"],
        )
    ]  # fmt: skip
    for text in outputs:
        assert ASHA.id not in text and ASHA.name not in text and WORDS not in text
    assert "Benedict Oduya" in outputs[0]
    assert runner.invoke(app, ["export", "--format", "csv", "--pseudonymise"]).output == "\n".join(
        line for line in pseudonymised.split("\n") if not any(a in line for a in ids[ASHA.id])
    )
    journal = "".join(p.read_text() for p in (isolated_home / "journal").rglob("*.jsonl"))
    assert ASHA.name not in journal and BEN.name in journal
    assert config.remembered_learner(isolated_home / "config.json") is None
    if db_url.startswith("sqlite"):
        for path in isolated_home.glob("ltl-quiz.sqlite3*"):
            data = path.read_bytes()
            for needle in (ASHA.id, ASHA.name, WORDS):
                assert needle.encode() not in data, (path.name, needle)
        assert BEN.name.encode() in (isolated_home / "ltl-quiz.sqlite3").read_bytes()


def test_forget_someone_unknown(db_url: str, runner: CliRunner) -> None:
    done = runner.invoke(app, ["db", "forget", "NOBODY"])
    assert done.exit_code == 1 and "no learner 'NOBODY'" in done.output


def test_purge_before_a_date(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    ids = people(db_url, isolated_home, runner)
    before = dump(db_url)
    dry = json.loads(runner.invoke(app, ["db", "purge", "--before", "2024-03-05", "--dry-run", "--json"]).output)
    assert dump(db_url) == before
    done = runner.invoke(app, ["db", "purge", "--before", "2024-03-05", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["counts"] == dry["counts"]
    after = dump(db_url)
    kept = {r[0] for r in after["attempts"]}
    assert kept == {ids[BEN.id][0]}  # Ben's 5 March attempt; everything of 4 March and the session went
    assert after["sessions"] == [] and after["session_answers"] == [] and after["session_participants"] == []
    assert {r[0] for r in after["learners"]} == {ASHA.id, BEN.id}  # Asha has an assignment still: kept
    assert report["counts"]["learners"] == 0
    assert runner.invoke(app, ["db", "purge", "--before", "2024-13-01"]).exit_code == 2  # a date that is not one: a usage error (issue 13)


def test_a_journal_elsewhere_cannot_bring_an_erased_attempt_back(db_url: str, isolated_home: Path, runner: CliRunner) -> None:
    ids = people(db_url, isolated_home, runner)
    assert runner.invoke(app, ["db", "forget", ASHA.id]).exit_code == 0
    erased = ids[ASHA.id][0]
    for path in (isolated_home / "journal").glob("*.jsonl"):
        path.unlink()  # Ben's stand-in journal holds no full attempt to replay
    header = {"type": "attempt", "store": "x", "full": True, "learner": vars(ASHA), "attempt": {"id": erased}}
    Journal(isolated_home / "journal").append(erased, {"answer": None}, header)  # e.g. copied from another laptop
    done = runner.invoke(app, ["sync", "--any-store"])
    assert done.exit_code == 1 and "was erased from this store" in done.output
    assert ASHA.id not in str(dump(db_url))
