"""Every command through Typer's CliRunner against a real SQLite file: output and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.locations import redact
from ltl_quiz.store import Store

BEST = {
    "call-grading": "send-officers",
    "welfare-actions": ["speak-to-girl-alone"],
    "officer-reflection": {"text": "Who the men are and how she got there.", "covered": [1, 2]},
}


def answers_file(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def invoke(runner: CliRunner, example_dir: Path, *args: str):
    return runner.invoke(app, ["--scenarios", str(example_dir), *args])


def run_answered(runner: CliRunner, example_dir: Path, tmp_path: Path, answers: dict, *options: str):
    """``run example-welfare-call OPTIONS --answers FILE``, with ``answers`` written to that file."""
    return invoke(runner, example_dir, "run", "example-welfare-call", *options, "--answers", answers_file(tmp_path, answers))


def test_run_from_answers_file_records_a_completed_attempt(runner, example_dir, tmp_path, db_url) -> None:
    result = run_answered(runner, example_dir, tmp_path, BEST, "--learner", "AB1", "--name", "Alex Smith", "--unit", "North")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("== Content note: A welfare call about a child ==") < out.index("== The call ==")
    assert "How do you grade the call?\n> Grade it for attendance and send officers for a welfare check." in out
    assert "Score: 13 of 13 (100%). Pass mark 70%. PASSED." in out
    assert "== What actually happened ==" in out and "ltl-quiz support" in out
    assert "\x1b[" not in out  # plain when not a terminal: no colour codes
    assert "╭" not in out and "─" not in out  # and no box drawing
    store = Store(db_url)
    (row,) = store.attempts("AB1")
    assert (row.status, row.score, row.best_score, row.percentage, row.passed, row.ending) == (
        "completed",
        13,
        13,
        100.0,
        True,
        "girl-safe",
    )
    assert row.learner_name == "Alex Smith" and row.learner_unit == "North"
    assert [a["node_id"] for a in store.answers(row.id)] == ["call-received", "call-grading", "welfare-actions", "officer-reflection"]


def test_the_learner_is_remembered(runner, example_dir, tmp_path, db_url) -> None:
    first = invoke(runner, example_dir, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", answers_file(tmp_path, BEST))
    assert first.exit_code == 0
    again = invoke(runner, example_dir, "run", "1", "--answers", answers_file(tmp_path, BEST))
    assert again.exit_code == 0, again.output
    history = invoke(runner, example_dir, "history", "--json")
    assert [r["learner"] for r in json.loads(history.output)] == ["AB1", "AB1"]


def test_answers_file_missing_an_answer_fails_clearly(runner, example_dir, tmp_path, isolated_home, db_url) -> None:
    result = run_answered(runner, example_dir, tmp_path, {"call-grading": "send-officers"}, "--learner", "AB1", "--name", "A")
    assert result.exit_code == 1
    # every problem at once, before the case starts (issue 13)
    assert result.output.strip().endswith(
        f"error: {tmp_path / 'answers.yaml'}: 2 problems, nothing started:\n"
        "  no answer for 'welfare-actions'; add 'welfare-actions: [speak-to-girl-alone, leave-if-she-says-fine] (any of them)'\n"
        "  no answer for 'officer-reflection'; add 'officer-reflection: your written answer'"
    )
    assert "Traceback" not in result.output


def test_answers_file_with_an_unknown_option(runner, example_dir, tmp_path, db_url) -> None:
    result = run_answered(runner, example_dir, tmp_path, {**BEST, "call-grading": "do-nothing"}, "--learner", "AB1", "--name", "A")
    assert result.exit_code == 1
    assert (
        f"error: {tmp_path / 'answers.yaml'}: 1 problem, nothing started:\n"
        "  'call-grading': 'do-nothing' is not an option; use one of send-officers, tell-caller-101" in result.output
    )


def test_manager_track_and_debrief_key_questions(runner, example_dir, tmp_path, isolated_home, db_url) -> None:
    answers = {"supervisor-review": "review-call-length", "manager-training": {"text": "Training on exploitation.", "covered": [1]}}
    result = run_answered(runner, example_dir, tmp_path, answers, "--track", "manager", "--learner", "M1", "--name", "Sam")
    assert result.exit_code == 0, result.output
    assert "Score: 0 of 5 (0%). Pass mark 70%. NOT PASSED." in result.output
    assert "== Key questions for the manager track ==" in result.output
    assert "What training has your force given call handlers?" in result.output


def test_unknown_case_and_bad_track(runner, example_dir, db_url) -> None:
    missing = invoke(runner, example_dir, "run", "no-such-case", "--learner", "AB1", "--name", "A")
    assert missing.exit_code == 1
    listing = f"ltl-quiz --scenarios {example_dir.resolve()} list"  # the folder given, so that the hint works as printed
    assert f"error: no scenario 'no-such-case' in {example_dir}; known: example-welfare-call (see '{listing}')" in missing.output
    track = invoke(runner, example_dir, "run", "1", "--learner", "AB1", "--name", "A", "--track", "sergeant")
    assert track.exit_code == 2  # a value no case offers is a usage error (issue 13)
    assert "Invalid value for '--track': 'sergeant' is not one of 'officer', 'manager'" in track.output


def test_new_learner_needs_a_name(runner, example_dir, db_url) -> None:
    result = invoke(runner, example_dir, "run", "1", "--learner", "ZZ9")
    assert result.exit_code == 1
    assert result.output.strip() == "error: learner ZZ9 is new here: give --name (and --unit) too"


def test_list_plain_and_json(runner, example_dir) -> None:
    plain = invoke(runner, example_dir, "list")
    assert plain.exit_code == 0
    assert plain.output.splitlines()[0] == "2. example-welfare-call: A welfare call about a child"
    data = json.loads(invoke(runner, example_dir, "list", "--json").output)
    assert data == [
        {
            "id": "example-welfare-call",
            "case_study": 2,
            "title": "A welfare call about a child",
            "themes": ["call handling"],
            "tracks": ["officer", "manager"],
            "minutes": 5,
        }
    ]


def test_show(runner, example_dir) -> None:
    result = invoke(runner, example_dir, "show", "example-welfare-call")
    assert result.exit_code == 0
    assert "What other questions would you have asked the girl to find out if she was vulnerable?" in result.output
    assert "Officer track: You are a call handler." in result.output


def test_validate_reports_paths_and_json(runner, example_dir) -> None:
    result = invoke(runner, example_dir, "validate", str(example_dir))
    assert result.exit_code == 0
    assert "  officer: 2 paths, 2 endings, score 0 to 13" in result.output
    data = json.loads(invoke(runner, example_dir, "validate", "--json", str(example_dir)).output)
    (f,) = data["files"]
    assert data["ok"] is True and f["nodes"] == {"decision": 2, "end": 2, "multi": 1, "passage": 1, "reflection": 1}
    assert f["key_questions"] == {"officer": 1, "manager": 1}
    manager = f["tracks"]["manager"]
    assert {k: manager[k] for k in ("paths", "endings", "min_score", "max_score", "fewest_decisions")} == {
        "paths": 2,
        "endings": ["call-closed"],
        "min_score": 0,
        "max_score": 5,
        "fewest_decisions": 1,
    }
    assert (manager["exact"], manager["pass_score"], manager["passing_paths"]) == (True, 4, 1)
    assert manager["real_failings"] == {"marked": 0, "best_score": None, "best_percentage": None, "can_pass": False, "options": []}
    assert manager["best_is_longest"] == {"decisions": 1, "longest": 1, "share": 1.0, "nodes": ["supervisor-review"]}


def test_validate_strict_turns_warnings_into_errors(runner, example_dir) -> None:
    path = example_dir / "01-example-welfare-call.yaml"
    path.write_text(path.read_text().replace("        sets: [officers-sent]\n", "        sets: [officers-sent, unread]\n"))
    assert invoke(runner, example_dir, "validate", str(path)).exit_code == 0
    strict = invoke(runner, example_dir, "validate", "--strict", str(path))
    assert strict.exit_code == 1
    assert "flag 'unread' is set but never read" in strict.output


def test_validate_a_broken_file_exits_1_without_traceback(runner, example_dir, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nid: y\n")
    result = invoke(runner, example_dir, "validate", str(bad))
    assert result.exit_code == 1
    assert "duplicate key 'id' (first given at line 1); keep one" in result.output
    assert "Traceback" not in result.output


def test_run_refuses_a_broken_scenario(runner, example_dir) -> None:
    path = example_dir / "01-example-welfare-call.yaml"
    path.write_text(path.read_text().replace("goto: call-grading", "goto: nowhere"))
    result = invoke(runner, example_dir, "run", "1", "--learner", "AB1", "--name", "A")
    assert result.exit_code == 1
    assert "goes to 'nowhere', which is not a node; name an existing node" in result.output


def test_history_and_resume_messages(runner, example_dir, db_url) -> None:
    # an empty history names the store it looked in (issue 13)
    assert invoke(runner, example_dir, "history").output.strip() == f"No attempts yet in the store {redact(db_url)}."
    result = invoke(runner, example_dir, "resume")
    assert result.exit_code == 1
    assert result.output.strip() == f"error: no attempt to carry on; start one with 'ltl-quiz --scenarios {example_dir.resolve()} run CASE'"
    assert (
        invoke(runner, example_dir, "resume", "deadbeef").output.strip() == "error: no attempt 'deadbeef'; see 'ltl-quiz history' for ids"
    )


def test_support_lists_the_seed_services(runner, example_dir) -> None:
    result = invoke(runner, example_dir, "support")
    assert result.exit_code == 0
    for name in ("Samaritans: www.samaritans.org", "NAPAC", "Childline: www.childline.org.uk", "Oscar Kilo: https://oscarkilo.org.uk/"):
        assert name in result.output


def test_where_hides_passwords(runner, example_dir, isolated_home) -> None:
    result = runner.invoke(app, ["--db", "postgresql+psycopg://ltl:s3cret@db.local/ltl", "where"])
    assert result.exit_code == 0
    assert "database: postgresql+psycopg://ltl:***@db.local/ltl" in result.output
    assert "s3cret" not in result.output
    assert f"home: {isolated_home}" in result.output


def test_bad_database_url(runner, example_dir) -> None:
    result = runner.invoke(app, ["--scenarios", str(example_dir), "--db", "nonsense", "history"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: 'nonsense' is not a database URL; use e.g. sqlite:///results/ltl-quiz.sqlite3"


def test_a_database_sqlalchemy_does_not_know(runner, example_dir) -> None:
    """Hand play: 'Can't load plugin: sqlalchemy.dialects:foo' named SQLAlchemy's internals and said nothing to do."""
    result = runner.invoke(app, ["--scenarios", str(example_dir), "--db", "foo://bar", "history"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: cannot use foo://bar: 'foo' is not a database SQLAlchemy knows; "
        "use sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
    )


def _commands(group, path: tuple[str, ...] = ()):
    """Every command under ``group`` with the words that name it, sub-commands of groups included
    (asked through the group, as click itself does, so a lazily loaded one is found too)."""
    import typer

    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if hasattr(command, "list_commands"):
            yield from _commands(command, (*path, name))


def test_every_command_has_help() -> None:
    import typer.main

    seen = []
    for words, command in _commands(typer.main.get_group(app)):
        name = " ".join(words)
        assert command.help, f"'{name}' has no help text"
        result = CliRunner().invoke(app, [*words, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, name
        assert f"ltl-quiz {name}" in " ".join(result.output.split()), name  # the help of this command, not its group's
        seen.append(name)
    assert {"session start", "db forget", "lrs push"} <= set(seen)


def test_abandon_an_unfinished_attempt(runner, example_dir, tmp_path, db_url) -> None:
    # a learner who stops at a prompt (input ends); a failing answers file no longer leaves one (issue 13)
    partial = runner.invoke(
        app, ["--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--name", "A", "--plain"], input="y\n\n1\n"
    )
    assert partial.exit_code != 0, partial.output
    (row,) = Store(db_url).attempts("AB1")
    result = invoke(runner, example_dir, "abandon", row.id[:8])
    assert result.exit_code == 0
    assert result.output.strip() == f"Attempt {row.id[:8]} (example-welfare-call) is marked abandoned. Its answers are kept."
    assert Store(db_url).attempt(row.id).status == "abandoned"
    again = invoke(runner, example_dir, "abandon", row.id[:8])
    assert again.exit_code == 1 and "is abandoned; only an in-progress attempt can be abandoned" in again.output


def test_a_learner_known_to_the_store_needs_no_name(runner, example_dir, tmp_path, isolated_home, db_url) -> None:
    invoke(runner, example_dir, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", answers_file(tmp_path, BEST))
    invoke(runner, example_dir, "run", "1", "--learner", "CD2", "--name", "Chris", "--answers", answers_file(tmp_path, BEST))
    result = invoke(runner, example_dir, "run", "1", "--learner", "AB1", "--answers", answers_file(tmp_path, BEST))
    assert result.exit_code == 0, result.output
    assert '"name": "Alex Smith"' in (isolated_home / "config.json").read_text()


def test_config_is_private_and_other_files_follow_the_umask(tmp_path) -> None:
    from ltl_quiz.atomic import write_text
    from ltl_quiz.config import Learner, remember_learner

    remember_learner(tmp_path / "config.json", Learner("AB1", "Alex"))
    write_text(tmp_path / "export.csv", "a,b\n")
    assert (tmp_path / "config.json").stat().st_mode & 0o777 == 0o600
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "export.csv").stat().st_mode & 0o777 == 0o666 & ~mask
