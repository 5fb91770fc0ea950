"""Time at a prompt that leaves no answer row is time spent, checked on a real pty (issue 12, hand play).

Time spent was only the steps' times, each written with its answer. A step left with Ctrl-C before
it was answered lost its time (on resume it is timed afresh), and practice mode's feedback, read
between two decisions, was never counted: a hand player's case read 1.2 minutes for 2.3 of play.
Both are now held on the attempt (``attempts.held_ms``) and every record adds them. The waits
below are real seconds at the prompts; the bounds are generous (at least the waits).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import scenario_factory as f
from screen import CTRL_C, ENTER, RESUME_HINT, Terminal, next_prompt, words
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.store import Store
from ltl_quiz.store.queries import time_spent

KEYS = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "pause": ENTER, "text": "Who was at risk" + ENTER}
FEEDBACK_WAIT = 3.0  # seconds reading the practice feedback
LEFT_WAIT = 4.0  # seconds at the first key question before Ctrl-C
AGAIN_WAIT = 2.5  # seconds at it again after the resume, before answering


def one_decision(tmp_path: Path) -> Path:
    """A one-decision case whose officer track asks one key question, in the debrief."""
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}]) for i in range(2)]
    nodes = {"begin": {"type": "decision", "title": "Choose", "prompt": "What do you do first?", "options": options}, "done": f.end()}
    doc = f.numbered_questions(f.scenario(nodes), "officer", 1)
    folder = tmp_path / "one"
    folder.mkdir()
    f.write(folder, doc, "01-one.yaml")
    return folder


def answer_until(term: Terminal, stop: str | None, wait_after: str | None = None, wait: float = 0.0) -> str | None:
    """Answer each prompt (the first option, a short text, yes) until one of kind ``stop`` waits (returned
    unanswered) or the program ends (None); the prompt after one of kind ``wait_after`` waits ``wait`` seconds first."""
    before, last = "", None
    while (kind := next_prompt(term, before)) is not None:
        if kind == stop:
            return kind
        if last == wait_after:
            time.sleep(wait)
        before, last = term.text(), kind
        term.send(KEYS[kind])
    return None


def spent(db_url: str) -> tuple[str, float]:
    """The learner's one attempt, and its time spent as every record computes it (seconds)."""
    with Store(db_url) as store:
        (attempt,) = store.attempts("AB1")
        return attempt.id, time_spent(store, [attempt.id])[attempt.id]


def records(folder: Path, attempt_id: str) -> tuple[float, float, float]:
    """Minutes spent in the JSON export, the xAPI duration's seconds, and the CPD record's minutes."""
    runner = CliRunner()
    exported = runner.invoke(app, ["--scenarios", str(folder), "export", "--format", "json"])
    assert exported.exit_code == 0, exported.output
    (row,) = [r for r in json.loads(exported.stdout) if r["attempt_id"] == attempt_id]
    xapi = runner.invoke(app, ["--scenarios", str(folder), "export", "--format", "xapi"])
    assert xapi.exit_code == 0, xapi.output
    durations = [s["result"]["duration"] for s in json.loads(xapi.stdout) if "duration" in s.get("result", {})]
    seconds = max(_iso_seconds(d) for d in durations)
    cpd = runner.invoke(app, ["--scenarios", str(folder), "cpd", "AB1"])
    assert cpd.exit_code == 0, cpd.output
    found = re.search(r"Time spent:\*\* ([\d.]+) minute", cpd.stdout)
    assert found, cpd.stdout
    return float(row["minutes_spent"]), seconds, float(found.group(1))


def _iso_seconds(duration: str) -> float:
    parts = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?([\d.]+)S", duration)
    assert parts, duration
    return int(parts.group(1) or 0) * 3600 + int(parts.group(2) or 0) * 60 + float(parts.group(3))


def test_reading_the_practice_feedback_is_time_spent(terminal, tmp_path, db_url) -> None:
    """Three seconds at the feedback after the decision: the attempt's time spent holds them."""
    folder = one_decision(tmp_path)
    args = ["--scenarios", str(folder), "run", "factory-case", "--track", "officer", "--mode", "practice"]
    term = terminal([*args, "--learner", "AB1", "--name", "Alex Smith", "--rich"])
    assert answer_until(term, None, wait_after="select", wait=FEEDBACK_WAIT) is None  # the prompt after the decision: its feedback
    assert term.wait_exit() == 0, term.text()
    attempt_id, seconds = spent(db_url)
    assert seconds >= FEEDBACK_WAIT, seconds
    _, xapi_seconds, _ = records(folder, attempt_id)
    assert xapi_seconds >= FEEDBACK_WAIT, xapi_seconds


def test_a_key_question_left_and_resumed_counts_both_sittings(terminal, tmp_path, db_url) -> None:
    """Four seconds at the debrief's first key question, Ctrl-C, resume, two and a half seconds at
    it again, answered: time spent is at least both waits, and the export, xAPI and CPD agree."""
    folder = one_decision(tmp_path)
    args = ["--scenarios", str(folder), "run", "factory-case", "--track", "officer", "--mode", "assessed"]
    term = terminal([*args, "--learner", "AB1", "--name", "Alex Smith", "--rich"])
    assert answer_until(term, "text") == "text"
    assert "Key question 1 of 1" in words(term.text()), term.text()
    time.sleep(LEFT_WAIT)
    term.send(CTRL_C)
    short = term.wait_for(RESUME_HINT).group(1)
    assert term.wait_exit() == 130
    resumed = terminal(["--scenarios", str(folder), "resume", short, "--rich"])
    assert next_prompt(resumed, "") == "confirm", resumed.text()  # see the ending and the debrief again?
    before = resumed.text()
    resumed.send("n" + ENTER)
    assert next_prompt(resumed, before) == "text", resumed.text()
    time.sleep(AGAIN_WAIT)
    assert answer_until(resumed, None) is None
    assert resumed.wait_exit() == 0, resumed.text()
    attempt_id, seconds = spent(db_url)
    assert seconds >= LEFT_WAIT + AGAIN_WAIT, seconds
    minutes, xapi_seconds, cpd_minutes = records(folder, attempt_id)
    assert xapi_seconds >= LEFT_WAIT + AGAIN_WAIT, xapi_seconds
    assert minutes == cpd_minutes == round(seconds / 60, 1) >= 0.1, (minutes, cpd_minutes, seconds)
