"""Records and messages that say exactly what is so (issue 15): one count of the reflections an
export left out, whatever the format; a due date in the past said on standard error; verify's
sentences name each field as a person would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from records_factory import scenario, walk
from test_record_truth import run_facilitated
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

LEFT_OUT = re.compile(r"Left out the written reflections of (\d+) learners? \((\d+) reflections?\)")


def _left_out(runner: CliRunner, example_dir: Path, *args: str) -> tuple[int, int]:
    done = runner.invoke(app, ["--scenarios", str(example_dir), "export", *args])
    assert done.exit_code == 0, done.stderr
    found = LEFT_OUT.search(" ".join(done.stderr.split()))
    assert found, done.stderr
    return int(found.group(1)), int(found.group(2))


def test_every_export_counts_only_the_reflections_actually_written(db_url, example_dir, example_path, tmp_path: Path) -> None:
    """PC102 wrote their own reflections in the session; PC101 wrote none: only PC102's are left out."""
    run_facilitated(db_url, example_path)
    runner = CliRunner()
    counts = {
        "json answers": _left_out(runner, example_dir, "--format", "json", "--what", "answers"),
        "jsonl answers": _left_out(runner, example_dir, "--format", "jsonl", "--what", "answers"),
        "csv reflections": _left_out(runner, example_dir, "--format", "csv", "--what", "reflections"),
        "xlsx": _left_out(runner, example_dir, "--format", "xlsx", "--out", str(tmp_path / "all.xlsx")),
        "xapi": _left_out(runner, example_dir, "--format", "xapi"),
    }
    learners, reflections = counts["json answers"]
    assert learners == 1 and reflections >= 1, counts
    assert set(counts.values()) == {(1, reflections)}, counts


def test_assigning_with_a_due_date_in_the_past_warns_on_standard_error(db_url, runner: CliRunner) -> None:
    roster_free = ["assign", "2", "--unit", "Kent CID"]
    store = Store(db_url)
    walk(store, scenario("02-hotel-welfare-check"), Learner("K2041", "Asha Patel", "Kent CID"))
    store.close()
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    done = runner.invoke(app, [*roster_free, "--due", yesterday])
    assert done.exit_code == 0, done.output
    assert f"warning: --due {yesterday} is in the past" in " ".join(done.stderr.split()) and done.stdout == ""
    later = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    done = runner.invoke(app, [*roster_free, "--due", later])
    assert done.exit_code == 0 and "warning" not in done.stderr


def test_verify_names_a_mistyped_expiry_date_in_a_sentence(db_url, tmp_path: Path, runner: CliRunner) -> None:
    from test_certificates import issue, passed_attempt

    path = tmp_path / "c.html"
    cert = issue(runner, passed_attempt(db_url), path)
    page = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(data-field="expires">)([^<]*)<', r"\g<1>2099-01-01<", page), encoding="utf-8")
    done = runner.invoke(app, ["verify", cert, "--certificate", str(path)])
    text = " ".join(done.output.split())
    assert done.exit_code == 1 and "the expiry date ('valid until') on the certificate ('2099-01-01')" in text, text
    assert "the expires on" not in text


def _session_following_the_room(db_url: str, example_path: Path) -> str:
    """A facilitated session where the room (PC102's answer) chooses the worst option at every choice,
    and the trainer follows that branch to explore it, giving a reason."""
    from test_record_truth import drive_room

    from ltl_quiz.scenario.loader import load_scenario
    from ltl_quiz.sessions import model
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.store import now

    sc = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(
        sc,
        "facilitated",
        "Pat Trainer",
        [Learner("PC102", "Jo Bloggs", "Response")],
        model.first_state(sc, "officer", "facilitated", now()),
    )
    sessions.roll_call(code, sc, ["PC102"])
    drive_room(sessions, code, sc, reason="To see where it leads.")
    sessions.close(code, sc)
    sessions.store.close()
    return code


def test_the_cpd_record_says_what_the_room_chose_and_what_the_trainer_followed(db_url, example_dir, example_path) -> None:
    runner = CliRunner()
    run_facilitated(db_url, example_path)  # the room chooses the worst option; the trainer follows the recommended one
    text = " ".join(runner.invoke(app, ["--scenarios", str(example_dir), "cpd", "PC102"]).stdout.split())
    assert re.search(
        r"The room chose: Tell the caller [^.]+ \(critical\)\. The room followed: Grade it for attendance[^.]*, the trainer's call\.", text
    ), text
    _session_following_the_room(db_url, example_path)
    done = runner.invoke(app, ["--scenarios", str(example_dir), "cpd", "PC102"])
    text = " ".join(done.stdout.split())
    assert re.search(
        r"The room followed: Tell the caller [^.]+ \(critical\), the room's own choice\. The trainer's reason: To see where it leads\.", text
    ), text
    html = runner.invoke(app, ["--scenarios", str(example_dir), "cpd", "PC102", "--format", "html"]).stdout
    assert "the room&#39;s own choice. The trainer&#39;s reason: To see where it leads." in html


def test_a_session_of_one_says_one_participant_has_a_record(db_url, example_dir, tmp_path: Path) -> None:
    roster = tmp_path / "room.csv"
    roster.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\n", encoding="utf-8")
    typed = ["y", "", "1", "1 a", "", "a", "1", "1 a", "", "y", "", "The room's notes", "", ""]  # everyone here; A at both; close
    start = [
        "--scenarios",
        str(example_dir),
        "session",
        "start",
        "example-welfare-call",
        "--trainer",
        "Pat Trainer",
        "--roster",
        str(roster),
    ]
    done = CliRunner().invoke(app, [*start, "--discussion-minutes", "1"], input="".join(f"{line}\n" for line in typed))
    assert done.exit_code == 0, done.output
    assert "1 participant now has a completion record linked to this session." in done.output, done.output[-800:]
