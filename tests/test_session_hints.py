"""The hints a session prints work as printed (issue 13): with ``--db`` and ``--scenarios`` given,
"ltl-quiz session resume CODE" against the default store found no such session."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ltl_quiz import invocation
from ltl_quiz.cli import app


def test_the_resume_hint_names_the_store_and_the_scenarios_and_works_as_printed(
    runner: CliRunner, example_dir: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LTL_QUIZ_DB")  # the store is named only by --db, as the hand tester did
    places = ["--db", db_url, "--scenarios", str(example_dir)]
    first = runner.invoke(app, [*places, "session", "start", "1", "--trainer", "Pat", "--participant", "PC1,Alex Smith,CID"], input="\n")
    assert first.exit_code == 130, first.output
    hint = re.search(r"To carry on: (ltl-quiz .*)$", first.output.strip()).group(1)  # type: ignore[union-attr]
    assert hint.endswith(" session resume " + re.search(r"Session ([A-Z0-9]{6}) created", first.output).group(1))  # type: ignore[union-attr]
    args = shlex.split(hint)[1:]
    secret = re.match(r"([^:]+://[^:/@]+):([^@/]+)@(.*)", db_url)  # PostgreSQL's user:password@host
    assert args[:4] == ["--db", f"{secret[1]}@{secret[3]}" if secret else db_url, "--scenarios", str(example_dir.resolve())]
    if secret:
        assert secret[2] not in first.output
        monkeypatch.setenv("PGPASSWORD", secret[2])  # a password is never printed in a hint; libpq reads it from here
    again = runner.invoke(app, args, input="\n")
    assert "no session" not in again.output and "Carrying on session" in again.output, again.output
    assert invocation.as_invoked("ltl-quiz session join ABCDEF") == "ltl-quiz session join ABCDEF"  # only while a session command runs


def test_a_password_in_the_store_url_is_never_printed_in_a_hint() -> None:
    with invocation.naming_places("postgresql+psycopg://ltl:s3cret@db.example:5432/ltl", "/srv/cases dir"):
        shown = invocation.as_invoked("To rejoin: ltl-quiz session join ABCDEF. Support: ltl-quiz support")
    assert shown == (
        "To rejoin: ltl-quiz --db postgresql+psycopg://ltl@db.example:5432/ltl --scenarios '/srv/cases dir' session join ABCDEF."
        " Support: ltl-quiz support"
    )


def test_a_quoted_support_hint_names_no_store() -> None:
    """Seen by hand at a live session's end: "'ltl-quiz support' lists…" came out as "'ltl-quiz --db …
    support'": the quote after the command hid it from the list of commands that read no store."""
    with invocation.naming_places("sqlite:////tmp/x.sqlite3", None):
        shown = invocation.as_invoked("'ltl-quiz support' lists the organisations; or ltl-quiz support.")
    assert shown == "'ltl-quiz support' lists the organisations; or ltl-quiz support."


def _host_rows(db_url: str, cols: int) -> tuple[str, list[str]]:
    from screen import Terminal

    term = Terminal(["--db", db_url, "session", "host", "1", "--trainer", "Pat Trainer"], cols, 40)
    try:
        code = term.wait_for(r"Join code ([A-Z0-9]{6})").group(1)
        term.wait_for("start the session")
        term.settle(0.3)
        return code, term.history_rows()
    finally:
        term.close()


def test_the_join_command_on_the_hosts_screen_is_never_split_from_its_label_mid_command(db_url: str) -> None:
    """Seen by hand at 80x24: "On your own terminal type:  ltl-quiz --db sqlite:////tmp/x.sqlite3" and,
    on the next row, "session join CODE": the room read half a command. Where label and command do
    not fit one row together, the command gets a row of its own. The command's length depends on how
    the test runs it (a venv's python), so the width is chosen from it: room for the command, not for both."""
    code, rows = _host_rows(db_url, 300)
    whole = next(row for row in rows if f"session join {code}" in row)
    command = whole[whole.index("type:") + len("type:") :].strip(" │")
    cols = len(command) + 6 + 10  # the panel's borders and padding take 6
    code, rows = _host_rows(db_url, cols)
    shown = next(row for row in rows if f"session join {code}" in row)
    assert command.replace(command[-6:], code) in shown, "\n".join(rows)  # the whole command on one row
    assert any("On your own terminal type:" in row for row in rows)


def test_a_solo_runs_resume_hint_names_the_store_given_with_db(
    runner: CliRunner, example_dir: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen by hand: ``run … --db sqlite:////tmp/x.sqlite3``, then Ctrl-C, printed "To carry on:
    ltl-quiz resume ID", which looks in the default store and finds nothing. Every hint printed under
    ``--db`` names that store."""
    monkeypatch.delenv("LTL_QUIZ_DB")
    stopped = runner.invoke(app, ["--db", db_url, "--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--name", "Al", "--plain"], input="y\n")
    assert stopped.exit_code == 130, stopped.output
    hint = re.search(r"To carry on: (ltl-quiz .*)$", stopped.output.strip()).group(1)  # type: ignore[union-attr]
    args = shlex.split(hint)[1:]
    secret = re.match(r"([^:]+://[^:/@]+):([^@/]+)@(.*)", db_url)
    assert args[:2] == ["--db", f"{secret[1]}@{secret[3]}" if secret else db_url], hint
    if secret:
        monkeypatch.setenv("PGPASSWORD", secret[2])
    again = runner.invoke(app, [*args[:2], "--scenarios", str(example_dir), *args[2:], "--plain"], input="\n")
    attempt = args[-1]
    assert f"Attempt {attempt}, officer track" in again.output and "Carrying on: case study" in again.output, again.output
