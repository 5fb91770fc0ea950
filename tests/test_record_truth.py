"""Records a CPD lead can rely on (issue 12): no verdict before the end, a group session said for what
it was, one time spent everywhere, scripted runs marked and kept out, empty reflections said empty.

Every test runs on a real store (SQLite file, or PostgreSQL with --store) through the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from records_factory import SCENARIOS, scenario, share_reflections, walk
from room_steps import walk_room
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.model import Step
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store import Store, now

HOTEL = "02-hotel-welfare-check"
ALEX = Learner("AB1", "Alex Smith", "North")


def cli(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--scenarios", str(folder), *args])
    return result.exit_code, result.stdout, result.stderr


def completions(folder: Path, *args: str) -> dict[str, dict]:
    code, out, err = cli(folder, "export", "--format", "json", *args)
    assert code == 0, err
    return {r["attempt_id"]: r for r in json.loads(out)}


def xapi(folder: Path) -> list[dict]:
    code, out, err = cli(folder, "export", "--format", "xapi")
    assert code == 0, err
    return json.loads(out)


# -- only a completed attempt has a verdict -------------------------------------------------------------
@pytest.fixture
def at_the_debrief(db_url: str) -> dict[str, str]:
    """One attempt stopped at the debrief's key questions (its ending reached, not finished), one passed."""
    store = Store(db_url)
    hotel = scenario(HOTEL)
    ids = {
        "debrief": walk(store, hotel, ALEX, "officer", finish=False),
        "passed": walk(store, hotel, Learner("CD2", "Sam Jones", "Kent"), "officer", start=datetime(2024, 3, 5, 9, tzinfo=UTC)),
    }
    store.close()
    return ids


def test_an_attempt_stopped_at_the_debrief_is_no_pass_in_any_export(at_the_debrief) -> None:
    rows = completions(SCENARIOS)
    stopped = rows[at_the_debrief["debrief"]]
    assert stopped["status"] == "in-progress"
    assert (stopped["passed"], stopped["score"], stopped["percentage"], stopped["ending"]) == (None, None, None, None)
    assert set(completions(SCENARIOS, "--passed")) == {at_the_debrief["passed"]}
    assert set(completions(SCENARIOS, "--failed")) == set()
    _, out, _ = cli(SCENARIOS, "export", "--format", "csv")
    by_id = {r["attempt_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (by_id[at_the_debrief["debrief"]]["passed"], by_id[at_the_debrief["debrief"]]["score"]) == ("", "")
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in xapi(SCENARIOS) if s["context"]["registration"] == at_the_debrief["debrief"]]
    assert "passed" not in verbs and "failed" not in verbs and "completed" not in verbs


def test_an_older_row_holding_passed_for_an_unfinished_attempt_still_shows_no_verdict(at_the_debrief, db_url) -> None:
    """Stores written before the fix hold passed, score and ending on such rows: the readers must not trust them."""
    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE attempts SET passed = :p, ending = 'end-x' WHERE id = :a"), {"p": True, "a": at_the_debrief["debrief"]}
        )
    store.close()
    assert set(completions(SCENARIOS, "--passed")) == {at_the_debrief["passed"]}
    assert completions(SCENARIOS)[at_the_debrief["debrief"]]["ending"] is None
    code, out, _ = cli(SCENARIOS, "history", "--learner", "AB1", "--json")
    (row,) = json.loads(out)
    assert row["status"] == "in-progress" and (row["passed"], row["score"], row["percentage"]) == (None, None, None)
    code, out, _ = cli(SCENARIOS, "--plain", "history", "--learner", "AB1")
    assert "passed" not in out and "%" not in out
    code, out, _ = cli(SCENARIOS, "report", "--json")
    (stats,) = json.loads(out)["scenarios"]
    assert (stats["attempts"], stats["completed"], stats["passed"], stats["pass_rate"]) == (2, 1, 1, 100.0)
    code, _, err = cli(SCENARIOS, "cpd", "AB1")
    assert code == 1 and "has no completed case study yet" in err


# -- a facilitated session, said for what it was --------------------------------------------------------
def drive_room(sessions: SessionStore, code: str, sc: Scenario, own_text: str | None = None, reason: str | None = None) -> None:
    """Take a facilitated room through its case: at every choice PC102 picks the worst option; the
    trainer follows the recommended one, or, given a ``reason``, PC102's to explore it. At a
    reflection PC102 writes ``own_text`` (if given) and the room's notes are kept."""
    while (step := model.step_of(sc, (state := sessions.session(code).state))) is not None:
        if state.phase == "lobby":
            sessions.begin(code, sc, state.seq)
        elif step.is_choice:
            node = sc.nodes[step.key]
            if state.phase != "open":
                sessions.open(code, sc, state.seq)
            worst_option = min(node.options, key=lambda o: o.points).id
            sessions.submit(code, "PC102", step, OwnAnswer([worst_option]), str(uuid.uuid4()), now())
            sessions.reveal(code, sc, state.seq)
            followed = [worst_option] if reason else list(node.recommended)
            sessions.advance(code, sc, state.seq, engine.Choose(followed), **({"reason": reason} if reason else {}))
        elif step.kind in ("reflection", "key_question"):
            if own_text is not None:
                sessions.submit(code, "PC102", step, OwnAnswer(text=own_text, covered=[0]), str(uuid.uuid4()), now())
            notes = "The room's notes" if own_text is not None else "notes"
            sessions.advance(code, sc, state.seq, engine.Reflect(notes), notes=notes)
        else:
            sessions.advance(code, sc, state.seq, engine.Continue())


def run_facilitated(db_url: str, example_path: Path, own_text: str = "My own thought: who are the men?") -> tuple[str, dict[str, str]]:
    """A whole facilitated session through the session store: PC102 gives their own answers, PC101 none."""
    sc = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    people = [Learner("PC101", "Alex Smith", "Response"), Learner("PC102", "Jo Bloggs", "Response")]
    code = sessions.create(sc, "facilitated", "Pat Trainer", people, model.first_state(sc, "officer", "facilitated", now()))
    sessions.roll_call(code, sc, ["PC101", "PC102"])
    drive_room(sessions, code, sc, own_text=own_text)
    rows = sessions.close(code, sc)
    sessions.store.close()
    return code, {p.learner_id: p.attempt_id or "" for p in rows}


def test_a_facilitated_participants_export_row_has_no_score_as_their_cpd_record_says(db_url, example_dir, example_path) -> None:
    """The room's path is not the participant's score: the export agrees with the CPD record and the
    report (no score, no percentage, no competencies, no verdict), and still says it was completed."""
    _code, attempt_ids = run_facilitated(db_url, example_path)
    rows = completions(example_dir)
    for attempt in attempt_ids.values():
        row = rows[attempt]
        assert row["status"] == "completed" and row["mode"] == "facilitated", row
        assert (row["score"], row["percentage"], row["passed"], row["critical_failures"]) == (None, None, None, 0), row
        assert all(row[k] is None for k in row if k.startswith("competency_")), row
        assert row["best_score"] is not None and row["ending"]  # facts of the case the room reached stay


def test_a_facilitated_participants_cpd_record_says_what_the_session_was(db_url, example_dir, example_path) -> None:
    code, attempt_ids = run_facilitated(db_url, example_path)
    status, text, err = cli(example_dir, "cpd", "PC102")
    assert status == 0, err
    today = datetime.now(UTC).strftime("%d %B %Y").lstrip("0")
    assert f"A facilitated group session on {today} led by Pat Trainer (session {code})" in text
    assert "I attended" in text
    assert "assessed" not in text and "not passed" not in text and "I scored" not in text
    assert "not an assessment: it has no score and no pass or fail" in text
    assert "The room's path through the case:" in text and "The room followed: Grade it for attendance" in text
    assert "> My own thought: who are the men?" in text  # their own reflection
    assert "I chose: " in text  # their own (worst) choice, to do differently
    status, text, _ = cli(example_dir, "cpd", "PC101")  # present, but gave no answer of their own
    assert status == 0 and "I gave no individual answer at a decision" in text and "I chose: none of the options" not in text
    assert "I wrote no reflection of my own in this session." in text
    statements = xapi(example_dir)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements if s["context"]["registration"] == attempt_ids["PC102"]]
    assert "completed" in verbs and "failed" not in verbs and "passed" not in verbs and "answered" in verbs
    # PC101 gave no answer of their own: attended and completed, but never 'answered' with a score of 0
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements if s["context"]["registration"] == attempt_ids["PC101"]]
    assert verbs == ["attempted", "completed"]
    _, out, _ = cli(example_dir, "export", "--format", "csv", "--what", "answers", "--learner", "PC101")
    choices = [r for r in csv.DictReader(io.StringIO(out)) if r["kind"] in ("decision", "multi")]
    assert choices and all(r["chosen_option_ids"] == "" and r["points"] == "" for r in choices)  # no mark for the room's step
    _, out, _ = cli(example_dir, "export", "--format", "json", "--what", "answers", "--learner", "PC102")
    assert all(r["points"] is not None for r in json.loads(out) if r["kind"] in ("decision", "multi"))


# -- time spent: one definition, one figure everywhere ----------------------------------------------------
def _set_step_times(db_url: str, code: str, seconds_each: int = 40) -> None:
    """Spread the session's steps over known times, as a real session takes: each step shown, then closed."""
    store = Store(db_url)
    with store.engine.begin() as conn:
        seqs = [r[0] for r in conn.execute(sa.text("SELECT seq FROM session_steps WHERE session_code = :c ORDER BY seq"), {"c": code})]
        for seq in seqs:
            shown = f"2024-06-01T10:{seq:02d}:00.000Z"
            closed = f"2024-06-01T10:{seq:02d}:{seconds_each:02d}.000Z"
            conn.execute(
                sa.text("UPDATE session_steps SET shown_at = :s, closed_at = :e WHERE session_code = :c AND seq = :q"),
                {"s": shown, "e": closed, "c": code, "q": seq},
            )
            # the participant answered early; the room discussed on until the close
            conn.execute(
                sa.text(
                    "UPDATE answers SET shown_at = :s, answered_at = :a WHERE seq = :q AND attempt_id IN "
                    "(SELECT id FROM attempts WHERE session_code = :c)"
                ),
                {"s": shown, "a": f"2024-06-01T10:{seq:02d}:05.000Z", "c": code, "q": seq},
            )
        conn.execute(
            sa.text(
                "UPDATE attempts SET started_at = '2024-06-01T09:50:00.000Z', finished_at = '2024-06-01T11:00:00.000Z' WHERE session_code = :c"
            ),
            {"c": code},
        )
    store.close()
    return None


def test_time_spent_is_the_same_figure_in_every_record(db_url, example_dir, example_path) -> None:
    code, attempt_ids = run_facilitated(db_url, example_path)
    _set_step_times(db_url, code, seconds_each=40)
    store = Store(db_url)
    steps = len(store.answers(attempt_ids["PC102"]))
    store.close()
    expected = round(steps * 40 / 60, 1)  # each step from shown to the room moving on: no lobby, no answering early
    rows = completions(example_dir, "--session", code)
    assert {r["minutes_spent"] for r in rows.values()} == {expected}
    _, text, _ = cli(example_dir, "cpd", "PC102")
    assert f"**Time spent:** {expected:g} minutes" in text
    _, out, _ = cli(example_dir, "session", "report", code, "--json")
    assert {p["minutes"] for p in json.loads(out)["participants"]} == {expected}
    completed = [s for s in xapi(example_dir) if s["verb"]["id"].endswith("/completed")]
    from ltl_quiz.exporters.xapi import iso_duration

    assert {s["result"]["duration"] for s in completed} == {iso_duration(steps * 40)}


def test_an_individual_attempts_time_is_the_same_in_export_cpd_and_xapi(db_url) -> None:
    store = Store(db_url)
    attempt_id = walk(store, scenario(HOTEL), ALEX, "officer", seconds_each=53)
    answers = len(store.answers(attempt_id))
    store.close()
    expected = round(answers * 53 / 60, 1)
    assert completions(SCENARIOS)[attempt_id]["minutes_spent"] == expected
    _, text, _ = cli(SCENARIOS, "cpd", "AB1")
    assert f"**Time spent:** {expected:g} minutes" in text


# -- how an attempt was answered -------------------------------------------------------------------------
def _answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "call-grading": "send-officers",
                "welfare-actions": ["speak-to-girl-alone"],
                "officer-reflection": {"text": "Who the men are.", "covered": [1]},
            }
        ),
        encoding="utf-8",
    )
    return path


def _terminal_run(example_dir: Path, learner: str) -> None:
    """A person at the (plain) prompts: every answer typed."""
    typed = (
        "\n".join(["y", "", "1", "", "1", "", "Who the men are", "1 2", "", "", "", ""]) + "\n"
    )  # Enter after each feedback; the debrief's four parts
    result = CliRunner().invoke(
        app, ["--scenarios", str(example_dir), "run", "1", "--plain", "--learner", learner, "--name", "Terry Typed"], input=typed
    )
    assert result.exit_code == 0, result.output


def test_how_each_attempt_was_answered_is_stored_and_exported(db_url, example_dir, example_path, tmp_path) -> None:
    code, out, err = cli(example_dir, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", str(_answers_file(tmp_path)))
    assert code == 0, err
    _terminal_run(example_dir, "EF3")
    run_facilitated(db_url, example_path)
    rows = completions(example_dir)
    how = {(r["learner_id"], r["how_answered"]) for r in rows.values()}
    assert how == {("AB1", "scripted"), ("EF3", "terminal"), ("PC101", "trainer"), ("PC102", "trainer")}
    share_reflections(db_url, "AB1", "PC102")
    for what in ("answers", "reflections"):
        code, out, _ = cli(example_dir, "export", "--format", "csv", "--what", what)
        found = {(r["learner_id"], r["how_answered"]) for r in csv.DictReader(io.StringIO(out))}
        assert ("AB1", "scripted") in found and ("PC102", "trainer") in found
    extension = "https://ltl-quiz.invalid/xapi/extensions/how-answered"
    assert {s["context"]["extensions"][extension] for s in xapi(example_dir) if s["actor"]["account"]["name"] == "AB1"} == {"scripted"}
    xlsx = tmp_path / "all.xlsx"
    assert cli(example_dir, "export", "--format", "xlsx", "--out", str(xlsx))[0] == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx, read_only=True)["Completions"]
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("How answered")
    assert sorted(r[column] for r in values[1:]) == ["scripted", "terminal", "trainer", "trainer"]


def test_scripted_attempts_stay_out_of_pass_rates_and_cpd_records_unless_asked_for(db_url, example_dir, tmp_path) -> None:
    answers = str(_answers_file(tmp_path))
    for _ in range(2):
        assert cli(example_dir, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", answers)[0] == 0
    _terminal_run(example_dir, "EF3")
    report = json.loads(cli(example_dir, "report", "--json")[1])
    assert report["totals"]["attempts"] == 1 and report["totals"]["completed"] == 1
    assert "scripted runs left out" in report["filters"]
    everything = json.loads(cli(example_dir, "report", "--json", "--include-scripted")[1])
    assert everything["totals"]["attempts"] == 3
    code, _, err = cli(example_dir, "cpd", "AB1")
    assert code == 1 and "2 scripted runs (run --answers) left out; add --include-scripted" in err
    code, text, _ = cli(example_dir, "cpd", "AB1", "--include-scripted")
    assert code == 0 and text.count("Answered from a script (run --answers), not at the prompts") == 2
    code, text, _ = cli(example_dir, "cpd", "EF3")
    assert code == 0 and "script" not in text


def test_the_store_is_upgraded_with_how_answered_for_older_attempts(db_url, monkeypatch) -> None:
    """Migration 5 on a store that stopped at migration 4: facilitated attempts were entered by a trainer; others are not recorded."""
    from ltl_quiz.store import db

    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:4])
    old = Store(db_url)
    hotel = scenario(HOTEL)
    with old.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO learners (id, name, unit, created_at) VALUES ('Z1', 'Zed', '', '2024-01-01T00:00:00.000Z')"))
        for attempt_id, mode in (("a-practice", "practice"), ("a-room", "facilitated"), ("a-live", "live")):
            conn.execute(
                sa.text(
                    "INSERT INTO attempts (id, learner_id, scenario_id, scenario_title, scenario_version, scenario_sha256, track, mode, seed, "
                    "status, started_at, updated_at, state) VALUES (:i, 'Z1', :s, :t, 1, :h, 'officer', :m, 0, 'completed', "
                    "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '{}')"
                ),
                {"i": attempt_id, "s": hotel.id, "t": hotel.title, "h": hotel.sha256, "m": mode},
            )
    old.close()
    monkeypatch.undo()
    store = Store(db_url)
    assert "m005_how_answered" in [name for _, name, _ in store.applied()]
    with store.engine.connect() as conn:
        found = dict(conn.execute(sa.text("SELECT id, how_answered FROM attempts")).all())
    store.close()
    assert found == {"a-practice": None, "a-room": "trainer", "a-live": None}


def test_scripted_attempts_are_marked_in_the_offline_journal_too(db_url, example_dir, tmp_path) -> None:
    """A scripted run while the store is unreachable is journalled with how it was answered, and synced so."""
    blocker = tmp_path / "share"
    blocker.write_text("not a folder", encoding="utf-8")
    away = f"sqlite:///{blocker / 'ltl-quiz.sqlite3'}"
    answers = str(_answers_file(tmp_path))
    code, _, err = cli(example_dir, "--db", away, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", answers)
    assert code == 0, err
    code, out, err = cli(example_dir, "sync", "--any-store")
    assert code == 0 and "Sent 1 attempt" in out, out + err
    store = Store(db_url)
    (row,) = store.attempts("AB1")
    store.close()
    assert row.how_answered == "scripted" and row.status == "completed"


# -- the CPD record: empty reflections, and learner text in Markdown ---------------------------------------
HOSTILE = '<img src=x onerror="alert(1)"> and <script>alert(2)</script>\n# Not a heading\n1. not a list\n[link](javascript:alert(3)) **bold** &amp;'


def test_an_empty_reflection_is_said_to_be_empty_with_no_points_covered(db_url) -> None:
    store = Store(db_url)
    walk(store, scenario(HOTEL), ALEX, "officer", text="", covered=(0, 1))  # points ticked, nothing written
    store.close()
    for fmt in ("md", "html"):
        code, text, err = cli(SCENARIOS, "cpd", "AB1", "--format", fmt)
        assert code == 0, err
        assert "No answer was written to this question." in text
        assert "(no answer written)" not in text and "Points my answer covered" not in text
        assert "Points a full answer would cover" in text


def test_learner_text_in_the_markdown_record_renders_exactly_as_typed(db_url) -> None:
    from markdown_it import MarkdownIt

    store = Store(db_url)
    walk(store, scenario(HOTEL), Learner("AB1", "Alex <b>Smith</b> # 1", "Unit *one*"), "officer", text=HOSTILE)
    store.close()
    code, text, err = cli(SCENARIOS, "cpd", "AB1")
    assert code == 0, err
    page = MarkdownIt("commonmark").render(text)  # html allowed, as GitHub-style renderers do
    assert "<img" not in page and "<script" not in page and "<b>" not in page
    assert 'href="javascript' not in page and "<strong>bold</strong>" not in page and "<ol>" not in page.split("<blockquote>", 1)[1]
    headings = [line for line in page.splitlines() if line.startswith(("<h1", "<h2", "<h3"))]
    assert not any("Not a heading" in h for h in headings)
    assert headings[0] == "<h1>CPD record: Alex &lt;b&gt;Smith&lt;/b&gt; # 1</h1>"
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page and "# Not a heading" in page
    assert "&amp;amp;" in page  # an entity the learner typed stays the characters they typed
    assert "Unit *one*" in page


def test_jinja2_is_imported_only_by_the_commands_that_write_html(db_url) -> None:
    """``ltl-quiz --help`` and the Markdown record start as fast as before: no template engine loaded."""
    import subprocess
    import sys

    store = Store(db_url)
    walk(store, scenario(HOTEL), ALEX, "officer")
    store.close()
    probe = (
        "import sys\nfrom ltl_quiz.cli import app\n"
        "try:\n    app(sys.argv[1:], prog_name='ltl-quiz')\nexcept SystemExit:\n    pass\n"
        "print('jinja2' in sys.modules, file=sys.stderr)"
    )
    env = {
        "LTL_QUIZ_DB": db_url,
        "LTL_QUIZ_SCENARIOS": str(SCENARIOS),
        "LTL_QUIZ_HOME": os.environ["LTL_QUIZ_HOME"],
        "PATH": "/usr/bin:/bin",
    }
    for args, loaded in ((["--help"], "False"), (["cpd", "AB1"], "False"), (["cpd", "AB1", "--format", "html"], "True")):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.stderr.strip().splitlines()[-1] == loaded, (args, done.stderr)


def test_an_attempt_finished_from_an_answers_file_is_scripted_however_it_began(db_url, example_dir, tmp_path) -> None:
    started = CliRunner().invoke(
        app, ["--scenarios", str(example_dir), "run", "1", "--plain", "--learner", "AB1", "--name", "Alex Smith"], input="y\n\n1\n"
    )
    assert started.exit_code == 130, started.output  # typed the first decision, then stopped
    store = Store(db_url)
    (row,) = store.attempts("AB1")
    assert row.how_answered == "terminal"
    code, out, err = cli(example_dir, "resume", "--answers", str(_answers_file(tmp_path)))
    assert code == 0, out + err
    (row,) = store.attempts("AB1")
    store.close()
    assert row.status == "completed" and row.how_answered == "scripted"


def test_a_live_sessions_time_spent_is_the_same_in_the_session_report_and_the_export(db_url, example_dir, example_path) -> None:
    """Live: a learner who answers early still spends the step in the room; export, report and CPD agree."""
    sc = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(sc, "live", "Pat Trainer", [], model.first_state(sc, "officer", "live", now()))
    sessions.join(code, Learner("L01", "Lee One"), sc)
    sessions.begin(code, sc, 0)
    while (step := model.step_of(sc, (state := sessions.session(code).state))) is not None:
        if step.is_choice:
            if state.phase != "open":
                sessions.open(code, sc, state.seq)
            sessions.submit(code, "L01", step, OwnAnswer(list(sc.nodes[step.key].recommended)), str(uuid.uuid4()), now())
            sessions.reveal(code, sc, state.seq)
            sessions.advance(code, sc, state.seq, engine.Choose(list(sc.nodes[step.key].recommended)))
        elif step.kind in ("reflection", "key_question"):
            sessions.submit(code, "L01", step, OwnAnswer(text="Mine", covered=[0]), str(uuid.uuid4()), now())
            sessions.advance(code, sc, state.seq, engine.Reflect("notes"), notes="notes")
        else:
            sessions.advance(code, sc, state.seq, engine.Continue())
    sessions.close(code, sc)
    sessions.store.close()
    _set_step_times(db_url, code, seconds_each=50)
    store = Store(db_url)
    (attempt,) = store.attempts("L01")
    steps = len(store.answers(attempt.id))
    store.close()
    expected = round(steps * 50 / 60, 1)
    assert completions(example_dir, "--session", code)[attempt.id]["minutes_spent"] == expected
    _, out, _ = cli(example_dir, "session", "report", code, "--json")
    assert [p["minutes"] for p in json.loads(out)["participants"]] == [expected]
    _, text, _ = cli(example_dir, "cpd", "L01")
    assert f"**Time spent:** {expected:g} minutes" in text and "A live group session" in text


def test_how_answered_comes_across_in_a_merge(db_url, other_db_url, example_dir, tmp_path) -> None:
    answers = str(_answers_file(tmp_path))
    code, _, err = cli(example_dir, "--db", other_db_url, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", answers)
    assert code == 0, err
    code, out, err = cli(example_dir, "merge", other_db_url)
    assert code == 0, out + err
    store = Store(db_url)
    (row,) = store.attempts("AB1")
    store.close()
    assert row.how_answered == "scripted"


def test_a_none_entered_at_a_multi_is_the_persons_own_answer_in_the_report_and_the_cpd_record(db_url, example_dir, example_path) -> None:
    """The trainer entered "none" for Jo at the multi: the session report counted it as Jo's answer
    and the CPD record did not (report 2, CPD 1). Both now say the same true thing."""
    sc = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    jo = Learner("PC102", "Jo Bloggs", "Response")
    code = sessions.create(sc, "facilitated", "Pat Trainer", [jo], model.first_state(sc, "officer", "facilitated", now()))
    sessions.roll_call(code, sc, [jo.id])
    kinds = []

    def give(step: Step, node: Node) -> None:
        kinds.append(node.type)
        sessions.enter_for(code, jo.id, step, OwnAnswer([node.options[0].id] if node.type == "decision" else []))  # "2 -": none

    walk_room(sessions, code, sc, give)
    sessions.close(code, sc)
    sessions.store.close()
    assert kinds == ["decision", "multi"]
    status, report, err = cli(example_dir, "session", "report", code)
    assert status == 0, err
    assert "Jo Bloggs (PC102, Response): present" in report and "2 answers given individually" in report
    status, text, err = cli(example_dir, "cpd", "PC102")
    assert status == 0, err
    assert "I gave my own answer at 2 decisions" in text
    assert "I chose: none of the options" in text  # the "none" is compared with the recommended actions like any answer
