"""Who is taking part (issue 13): the remembered learner is shown and can be refused, and a second
terminal on this computer cannot join a live session as a learner already in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ltl_quiz import config
from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.errors import AlreadyJoined
from ltl_quiz.sessions.presence import one_terminal


def test_a_second_terminal_is_refused_and_a_dead_ones_claim_is_taken_over(tmp_path: Path) -> None:
    with one_terminal(tmp_path, "ABC123", "PC1", "taken"):
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "from pathlib import Path; from ltl_quiz.sessions.presence import one_terminal\n"
                f"with one_terminal(Path({str(tmp_path)!r}), 'ABC123', 'PC1', 'taken'): pass",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert other.returncode != 0 and "AlreadyJoined: taken" in other.stderr
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    (tmp_path / "ABC123-PC1.pid").write_text(dead.stdout.strip(), encoding="ascii")  # a killed terminal's claim
    with one_terminal(tmp_path, "ABC123", "PC1", "taken"):
        pass
    assert not (tmp_path / "ABC123-PC1.pid").exists()


def test_same_process_claims_twice_is_refused_by_a_live_holder(tmp_path: Path) -> None:
    path = tmp_path / "S-PC2.pid"
    path.write_text("1", encoding="ascii")  # pid 1 is always alive
    with pytest.raises(AlreadyJoined), one_terminal(tmp_path, "S", "PC2", "taken"):
        pass


def test_the_remembered_learner_is_named_and_not_you_asks_again(
    runner: CliRunner, example_dir: Path, isolated_home: Path, db_url: str
) -> None:
    config.remember_learner(isolated_home / "config.json", Learner("PC1", "Kim Ode", "Response"))
    result = runner.invoke(
        app,
        ["--scenarios", str(example_dir), "run", "1", "--plain"],
        input="n\nPC2\nSam Lee\nCID\nn\n",  # not Kim; Sam's details; then not continuing at the content note
    )
    assert "This will be recorded for Kim Ode (PC1, Response). Is that you?" in result.output
    assert config.remembered_learner(isolated_home / "config.json").id == "PC2"
