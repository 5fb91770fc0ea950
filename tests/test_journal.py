"""Offline terminals lose nothing: the journal takes over when the store cannot be reached, and
``ltl-quiz sync`` replays it once, however often it is run.

The outage tests stop a real PostgreSQL server of their own (the ``pg_server`` fixture); the
others make a SQLite store unreachable by putting a file where its folder should be, then sync into
the store under test (``db_url``: SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polling import wait_for
from typer.testing import CliRunner

from ltl_quiz import invocation
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import JournalConflict
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.store import Store, now
from ltl_quiz.store.journal import OfflineSafeStore
from ltl_quiz.store.journal_file import SAFE_LINE, Journal, read, store_label
from ltl_quiz.store.journal_sync import replay, sync

BEST = {
    "call-grading": "send-officers",
    "welfare-actions": ["speak-to-girl-alone"],
    "officer-reflection": {"text": "Who the men are and how she got there.", "covered": [1, 2]},
}
NODES = ["call-received", "call-grading", "welfare-actions", "officer-reflection"]


def answers_file(tmp_path: Path) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(BEST))
    return str(path)


def cli(runner: CliRunner, *args: str, scenarios: Path | None = None):
    return runner.invoke(app, [*(["--scenarios", str(scenarios)] if scenarios else []), *args])


def unreachable_sqlite(tmp_path: Path) -> tuple[str, Path]:
    """A SQLite store that cannot be opened (a file stands where its folder should be), and that file."""
    blocker = tmp_path / "share"
    blocker.write_text("not a folder")
    return f"sqlite:///{blocker / 'ltl-quiz.sqlite3'}", blocker


def assert_answers_once(url: str, learner: str) -> None:
    store = Store(url)
    try:
        (row,) = store.attempts(learner)
        given = store.answers(row.id)
        assert row.status == "completed" and row.score == 13 and row.passed is True
        assert [a["node_id"] for a in given] == NODES
        assert [a["seq"] for a in given] == [1, 2, 3, 4]
        assert len({a["id"] for a in given}) == 4
        assert len(row.state.answers) == 4
    finally:
        store.close()


def table_counts(url: str) -> tuple[int, int, int]:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("learners", "attempts", "answers"))  # type: ignore[return-value]
    finally:
        store.close()


# -- a real PostgreSQL server going away ----------------------------------------------------------
def test_server_stopped_mid_attempt_every_answer_arrives_once(pg_server, example_dir, isolated_home, runner, monkeypatch) -> None:
    url = pg_server.create_database("force")
    monkeypatch.setenv("LTL_QUIZ_DB", url)
    env = {**os.environ, "LTL_QUIZ_HOME": str(isolated_home), "LTL_QUIZ_DB": url}
    out = isolated_home.parent / "terminal.txt"
    args = [sys.executable, "-m", "ltl_quiz", "--scenarios", str(example_dir), "run", "1", "--learner", "K1", "--name", "Kim", "--plain"]
    with open(out, "w") as screen:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=screen, stderr=subprocess.STDOUT, env=env, text=True)
        assert proc.stdin
        for line in ("y", "", "1"):  # content note, passage, first decision: two answers in the store
            proc.stdin.write(line + "\n")
            proc.stdin.flush()

        def stored(n: int) -> bool:
            store = Store(url)
            try:
                rows = store.attempts("K1")
                return bool(rows) and len(store.answers(rows[0].id)) == n
            finally:
                store.close()

        wait_for(lambda: stored(2), 30.0)
        pg_server.stop()  # the server goes down with the learner part-way through
        # Enter after each feedback, the multi, the reflection and its ticks, then the debrief's four parts
        for line in ("", "1", "", "Who the men are and how she got there.", "1 2", "", "", "", ""):
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    screen_text = out.read_text()
    started = f"'{invocation.python()} -m ltl_quiz sync'"  # the interpreter as the person could type it again
    assert screen_text.count(SAFE_LINE.replace("'ltl-quiz sync'", started)) == 1  # hints name the command as started
    assert "Score: 13 of 13 (100%)" in screen_text
    assert pg_server.password not in screen_text
    (journalled,) = Journal(isolated_home / "journal").pending()
    assert [a["node_id"] for a in read(journalled).answers] == ["welfare-actions", "officer-reflection"]

    pg_server.start()
    first = cli(runner, "sync")
    assert first.exit_code == 0, first.output
    assert "Sent 1 attempt (2 answers)" in first.output and pg_server.password not in first.output
    assert_answers_once(url, "K1")
    counts = table_counts(url)

    again = cli(runner, "sync")
    assert again.exit_code == 0 and "Nothing to send" in again.output
    (synced,) = (isolated_home / "journal" / "synced").glob("*.jsonl")
    store = Store(url)
    try:
        replayed = replay(store, read(synced))  # the same journal replayed by hand: nothing changes
    finally:
        store.close()
    assert (replayed.created, replayed.added, replayed.present, replayed.updated) == (False, 0, 2, False)
    assert table_counts(url) == counts
    assert_answers_once(url, "K1")


def test_server_down_when_the_attempt_starts(pg_server, example_dir, isolated_home, tmp_path, runner, monkeypatch) -> None:
    url = pg_server.create_database("force")
    monkeypatch.setenv("LTL_QUIZ_DB", url)
    pg_server.stop()
    result = cli(runner, "run", "1", "--learner", "K2", "--name", "Kit", "--answers", answers_file(tmp_path), scenarios=example_dir)
    assert result.exit_code == 0, result.output
    assert result.output.count(SAFE_LINE) == 1 and "PASSED" in result.output
    assert pg_server.password not in result.output
    offline = cli(runner, "sync")
    assert offline.exit_code == 1 and "cannot open the results store" in offline.output
    assert pg_server.password not in offline.output and ":***@" in offline.output

    pg_server.start()
    result = cli(runner, "sync", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["attempts_sent"], report["answers_added"]) == (1, 4)
    assert pg_server.password not in result.output
    assert_answers_once(url, "K2")
    assert json.loads(cli(runner, "sync", "--json").output)["attempts_sent"] == 0


# -- the journal itself, replayed into either store -------------------------------------------------
def test_offline_resume_from_the_journal_then_sync(db_url, example_dir, tmp_path, runner, monkeypatch, isolated_home) -> None:
    away, _ = unreachable_sqlite(tmp_path)
    args = ["run", "1", "--learner", "AB1", "--name", "Alex", "--plain"]
    stopped = runner.invoke(app, ["--scenarios", str(example_dir), "--db", away, *args], input="y\n\n1\n")  # then the input ends
    assert stopped.exit_code == 130, stopped.output
    safe_here = SAFE_LINE.replace("'ltl-quiz sync'", f"'ltl-quiz --db {away} sync'")  # hints name the store given with --db
    assert stopped.output.count(safe_here) == 1 and f"ltl-quiz --db {away} --scenarios {example_dir.resolve()} resume" in stopped.output

    carried = runner.invoke(
        app, ["--scenarios", str(example_dir), "--db", away, "resume", "--plain"], input="\n1\n\nWho the men are\n1 2\n\n\n\n\n"  # Enter first: the feedback shown when it stopped comes again
    )
    assert carried.exit_code == 0, carried.output
    assert "PASSED" in carried.output and carried.output.count(safe_here) == 1
    assert len(Journal(isolated_home / "journal").pending()) == 1  # one attempt, one file

    waiting = cli(runner, "sync")  # db_url is another store: the journal is not meant for it
    assert waiting.exit_code == 0 and f"meant for {store_label(away)}" in waiting.output
    assert table_counts(db_url)[1] == 0
    sent = cli(runner, "sync", "--any-store")
    assert sent.exit_code == 0 and "Sent 1 attempt (4 answers)" in sent.output, sent.output
    assert_answers_once(db_url, "AB1")


def test_back_online_the_next_attempt_sends_the_journal_first(example_dir, tmp_path, runner) -> None:
    away, blocker = unreachable_sqlite(tmp_path)
    result = cli(
        runner, "--db", away, "run", "1", "--learner", "AB1", "--name", "Alex", "--answers", answers_file(tmp_path), scenarios=example_dir
    )
    assert result.exit_code == 0 and SAFE_LINE.replace("'ltl-quiz sync'", f"'ltl-quiz --db {away} sync'") in result.output
    blocker.unlink()  # the share is back: its folder is there again (a missing store folder is refused, issue 13)
    blocker.mkdir()
    resumed = cli(runner, "--db", away, "resume")  # opening the store for an attempt catches up first
    assert "1 attempt saved on this computer while the results store was away now reached it." in resumed.output
    assert "no attempt to carry on" in resumed.output  # the journalled attempt was complete
    assert_answers_once(away, "AB1")


def test_a_torn_last_record_is_ignored_and_never_glued_to_the_next(db_url, example_path, tmp_path) -> None:
    journal = Journal(tmp_path / "journal")
    safe = OfflineSafeStore(db_url, journal, lambda _line: None)  # never connected: everything goes to the journal
    scenario = load_scenario(example_path)
    state = engine.start(scenario, "officer", "practice", 7)
    attempt = safe.start_attempt(Learner("T1", "Tess"), scenario, state, engine.result(scenario, state).best)
    state, _ = engine.answer(scenario, state, engine.Continue())
    safe.record(attempt, state, state.answers[-1], now(), engine.result(scenario, state))
    path = journal.path(attempt)
    assert path.stat().st_mode & 0o777 == 0o600  # names and reflections: private to the user
    with open(path, "ab") as handle:
        handle.write(b'{"v":1,"type":"answer","answ')  # the power went off mid-write
    assert len(read(path).answers) == 1
    state, _ = engine.answer(scenario, state, engine.Choose(["send-officers"]))
    safe.record(attempt, state, state.answers[-1], now(), engine.result(scenario, state))
    assert [a["node_id"] for a in read(path).answers] == ["call-received", "call-grading"]

    store = Store(db_url)
    try:
        report = sync(store, journal)
        assert [(r.created, r.added) for r in report.sent] == [(True, 2)]
        assert [a["node_id"] for a in store.answers(attempt)] == ["call-received", "call-grading"]
        assert store.attempt(attempt).state.node_id == "welfare-actions"
    finally:
        store.close()


def test_a_sync_while_the_attempt_goes_on_starts_a_new_file(db_url, example_path, tmp_path) -> None:
    journal = Journal(tmp_path / "journal")
    said: list[str] = []
    safe = OfflineSafeStore(db_url, journal, said.append)
    scenario = load_scenario(example_path)
    state = engine.start(scenario, "officer", "assessed", 3)
    attempt = safe.start_attempt(Learner("T2", "Toni", "North"), scenario, state, engine.result(scenario, state).best)
    state, _ = engine.answer(scenario, state, engine.Continue())
    safe.record(attempt, state, state.answers[-1], now(), engine.result(scenario, state))
    store = Store(db_url)
    try:
        assert len(sync(store, journal).sent) == 1  # replayed part-way through
        state, _ = engine.answer(scenario, state, engine.Choose(["send-officers"]))
        safe.record(attempt, state, state.answers[-1], now(), engine.result(scenario, state))
        assert len(journal.pending()) == 1  # a fresh file, headed like the first
        report = sync(store, journal)
        assert [(r.created, r.added, r.updated) for r in report.sent] == [(False, 1, True)]
        assert [a["seq"] for a in store.answers(attempt)] == [1, 2]
        assert store.attempt(attempt).learner_unit == "North"
    finally:
        store.close()
    assert said == [SAFE_LINE]


def test_a_conflicting_journal_changes_nothing_and_is_kept(db_url, example_dir, tmp_path, runner, isolated_home) -> None:
    done = cli(runner, "run", "1", "--learner", "AB1", "--name", "Alex", "--answers", answers_file(tmp_path), scenarios=example_dir)
    assert done.exit_code == 0
    store = Store(db_url)
    try:
        (row,) = store.attempts("AB1")
        first = store.answers(row.id)[0]
    finally:
        store.close()
    journal = Journal(isolated_home / "journal")
    header = {"type": "attempt", "store": store_label(db_url), "full": False, "learner": None, "attempt": {"id": row.id}}
    clash = {**first, "id": "00000000-0000-4000-8000-000000000001", "free_text": "another answer at the same place"}
    journal.append(row.id, {"type": "answer", "answer": clash, "attempt": {"updated_at": "2999-01-01T00:00:00.000Z", "score": 0}}, header)
    before = table_counts(db_url)
    result = cli(runner, "sync")
    assert result.exit_code == 1
    assert f"problem: attempt {row.id[:8]}: the store already has a different answer number 1" in result.output
    assert table_counts(db_url) == before
    store = Store(db_url)
    try:
        assert store.attempt(row.id).score == 13  # the newer-looking update was not applied either
    finally:
        store.close()
    assert len(journal.pending()) == 1


def test_a_damaged_journal_is_reported_not_guessed_at(db_url, tmp_path, runner, isolated_home) -> None:
    folder = isolated_home / "journal"
    folder.mkdir(parents=True)
    damaged = folder / "4f0f3c3e-0000-4000-8000-000000000000.jsonl"
    damaged.write_text('{"v":1,"type":"attempt","attempt":{"id":"4f0f3c3e-0000-4000-8000-000000000000"}}\nnot json\n{"v":1}\n')
    result = cli(runner, "sync")
    assert result.exit_code == 1
    assert f"problem: {damaged}:2: not a journal record" in result.output
    kept = folder / "quarantine" / damaged.name  # moved aside, never deleted (issue 14)
    assert f"moved to {kept} (kept, not sent)" in result.output
    assert not damaged.exists() and kept.read_text().endswith('{"v":1}\n')


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.integers(min_value=1, max_value=6), cut=st.floats(min_value=0, max_value=1), data=st.data())
def test_a_crash_at_any_byte_keeps_every_record_written_before_it(tmp_path_factory, answers, cut, data) -> None:
    """Cut a journal anywhere (a crash mid-write): what is read back is the records whole before the
    cut, in order, and the next append after the crash is read back too."""
    journal = Journal(tmp_path_factory.mktemp("journal"))
    attempt = "5a1f0d3e-0000-4000-8000-000000000000"
    header = {"type": "attempt", "store": "sqlite://", "full": True, "learner": None, "attempt": {"id": attempt}}
    texts = [data.draw(st.text(max_size=40), label=f"text {n}") for n in range(answers)]
    for seq, text in enumerate(texts, start=1):
        journal.append(attempt, {"type": "answer", "answer": {"id": f"id-{seq}", "seq": seq, "free_text": text}}, header)
    path = journal.path(attempt)
    whole = path.read_bytes()
    ends = [i + 1 for i, byte in enumerate(whole) if byte == ord("\n")]
    at = int(cut * len(whole))
    path.write_bytes(whole[:at])
    lines_kept = sum(1 for end in ends if end <= at)
    if lines_kept == 0:
        with pytest.raises(JournalConflict):
            read(path)  # not even the header survived: reported, never guessed at
        return
    assert [a["free_text"] for a in read(path).answers] == texts[: lines_kept - 1]
    journal.append(attempt, {"type": "answer", "answer": {"id": "after", "seq": 99, "free_text": "after the crash"}}, header)
    assert [a["free_text"] for a in read(path).answers] == [*texts[: lines_kept - 1], "after the crash"]


def test_journal_paths_are_only_ever_uuids(tmp_path) -> None:
    with pytest.raises(ValueError):
        Journal(tmp_path).path("../../etc/passwd")
