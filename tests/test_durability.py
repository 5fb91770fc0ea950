"""Killing the process (even SIGKILL) loses at most the prompt on screen and never corrupts the store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from polling import wait_for

from ltl_quiz.store import Store


def test_sigkill_mid_attempt_keeps_every_answer_given(example_dir: Path, isolated_home: Path, db_url: str) -> None:
    env = {**os.environ, "LTL_QUIZ_HOME": str(isolated_home), "LTL_QUIZ_DB": db_url}
    args = [sys.executable, "-m", "ltl_quiz", "--scenarios", str(example_dir), "run", "1", "--learner", "K1", "--name", "Kim", "--plain"]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, text=True)
    assert proc.stdin
    for line in ("y", "", "1"):  # content note, passage, decision
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
    store = Store(db_url)

    def answered(n: int) -> bool:
        rows = store.attempts("K1")
        return bool(rows) and len(store.answers(rows[0].id)) == n

    wait_for(lambda: answered(2), 20.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    (row,) = store.attempts("K1")
    assert row.status == "in-progress" and row.state.node_id == "welfare-actions"
    assert [a["node_id"] for a in store.answers(row.id)] == ["call-received", "call-grading"]
    assert len(row.state.answers) == 2  # the saved state and the answer rows agree
