"""Every hint names the places the command was given, so that it runs as printed (issue 13, issue 11).

Session commands named ``--db`` and ``--scenarios`` in their hints, and other commands ``--db`` only:
``ltl-quiz --scenarios DIR run 1 ...`` stopped with "To carry on: ltl-quiz resume ID", which looks
for the case in the default scenarios folder and cannot carry on.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ltl_quiz import invocation
from ltl_quiz.cli import app


def printed_hint(output: str, label: str) -> list[str]:
    """The arguments of the hint after ``label`` in ``output``, as a person would type them back."""
    found = re.search(rf"{re.escape(label)} (ltl-quiz .*)$", output.strip(), re.MULTILINE)
    assert found, output
    words = shlex.split(found.group(1))
    assert words[0] == "ltl-quiz", found.group(1)
    return words[1:]


def test_a_solo_runs_resume_hint_names_the_scenarios_given_and_works_as_printed(
    runner: CliRunner, example_dir: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store comes from LTL_QUIZ_DB (still set on the other terminal); the scenarios only from
    ``--scenarios``: the hint must carry it."""
    monkeypatch.chdir(example_dir.parent)  # a relative folder as typed: the hint names it wherever it is run from
    stopped = runner.invoke(app, ["--scenarios", example_dir.name, "run", "1", "--learner", "AB1", "--name", "Al", "--plain"], input="y\n")
    assert stopped.exit_code == 130, stopped.output
    args = printed_hint(stopped.output, "To carry on:")
    assert args[:2] == ["--scenarios", str(example_dir.resolve())], args
    monkeypatch.chdir(example_dir.parent.parent)  # another terminal, somewhere else
    again = runner.invoke(app, [*args, "--plain"], input="\n")
    assert f"Attempt {args[-1]}, officer track" in again.output and "Carrying on: case study" in again.output, again.output


def test_under_both_places_a_hint_names_the_store_then_the_scenarios() -> None:
    with invocation.naming_places("sqlite:////tmp/x.sqlite3", "/srv/cases"):
        shown = invocation.as_invoked("To carry on: ltl-quiz resume 1a2b3c4d")
        store_only = invocation.as_invoked("sent by 'ltl-quiz sync'; see 'ltl-quiz support'")
        again = invocation.as_invoked(shown)
    assert shown == "To carry on: ltl-quiz --db sqlite:////tmp/x.sqlite3 --scenarios /srv/cases resume 1a2b3c4d"
    assert store_only == "sent by 'ltl-quiz --db sqlite:////tmp/x.sqlite3 sync'; see 'ltl-quiz support'"  # what each command reads
    assert again == shown  # a hint that names its places already is not given them twice


def test_a_hint_with_places_is_one_command_span_however_it_was_invoked(monkeypatch: pytest.MonkeyPatch) -> None:
    """One pattern finds a hint's command name: before the places are put in (``as_invoked``) and after
    (``command_spans``, which keeps a wrapped hint on one line)."""
    monkeypatch.setattr("sys.argv", ["/opt/venv/bin/ltl-quiz"])
    invocation.command.cache_clear()
    try:
        with invocation.naming_places(None, "/srv/cases"):
            shown = invocation.as_invoked("To carry on: ltl-quiz resume 1a2b3c4d.")
        assert shown == "To carry on: /opt/venv/bin/ltl-quiz --scenarios /srv/cases resume 1a2b3c4d."
        (span,) = invocation.command_spans(shown)
        assert shown[slice(*span)] == "/opt/venv/bin/ltl-quiz --scenarios /srv/cases resume 1a2b3c4d"
        assert invocation.command_spans("ltl-quiz is a trainer; ltl-quiz --scenarios") == []  # no command, no hint
    finally:
        invocation.command.cache_clear()
