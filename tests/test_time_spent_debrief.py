"""The time spent on an attempt counts the reading of its ending and debrief.

A hand tester read a four-part debrief for 36 seconds and every record said the sitting took a
minute: the first key question's time started after the debrief, so the reading fell between
steps, where breaks are. It belongs to the first key question's step, which the debrief leads to.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER
from ltl_quiz.store import Store
from ltl_quiz.ui.runner import Runner

READING = 1.5  # seconds spent on the debrief's pages


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_reading_the_debrief_is_part_of_the_first_key_question(db_url: str, example_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paged = Runner._paged_debrief

    def slow_reader(self: Runner, *args: object) -> None:
        paged(self, *args)  # type: ignore[arg-type]
        time.sleep(READING)

    monkeypatch.setattr(Runner, "_paged_debrief", slow_reader)
    typed = "\n".join(["y", "", "1", "", "", "", "", "", "Spotting exploitation", "1", "", ""]) + "\n"
    args = ["--scenarios", str(example_dir), "run", "1", "--track", "manager", "--plain", "--learner", "EF3", "--name", "Terry Typed"]
    result = CliRunner().invoke(app, args, input=typed)  # the manager's key question is asked in the debrief
    assert result.exit_code == 0, result.output
    with Store(db_url) as store:
        (attempt,) = store.attempts("EF3")
        rows = store.answers(attempt.id)
    key_questions = [r for r in rows if r["kind"] == KEY_QUESTION_ANSWER]
    assert key_questions, "the example's debrief asks a key question"
    first = key_questions[0]
    assert (_stamp(first["answered_at"]) - _stamp(first["shown_at"])).total_seconds() >= READING
    last_before = max(r["answered_at"] for r in rows if r["seq"] < first["seq"])
    assert first["shown_at"] >= last_before  # it starts after the case's last answer, never before
