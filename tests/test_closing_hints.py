"""The commands at a case's end can be copied whole and run (issue 13, hand play at tmux 80x24).

They were quoted inside sentences with a full stop after ("Your record of it: 'ltl-quiz history
--learner PC401'."), so a line copied and pasted ran with a quote and a full stop in it and failed.
Each now stands on a line of its own, indented, with nothing before or after it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from ltl_quiz.cli import app

ENTERS = ["y", "", "1", "", "1", "", "Who the men are", "1 2", "", "", "", ""]  # the example case, plain, to its end


def commands_at_the_end(output: str) -> list[str]:
    """The indented lines after the closing heading that start with the command's name."""
    closing = output.split("== Support and your record ==")[1]
    return [line.strip() for line in closing.splitlines() if line.startswith("    ") and "ltl-quiz" in line]


def test_each_command_at_the_end_is_a_line_that_runs_as_copied(runner: CliRunner, example_dir: Path, db_url: str) -> None:
    played = runner.invoke(app, ["--scenarios", str(example_dir), "run", "1", "--plain", "--learner", "CD2", "--name", "Sam"], input="\n".join(ENTERS) + "\n")
    assert played.exit_code == 0, played.output
    lines = commands_at_the_end(played.stdout)
    folder = str(example_dir.resolve())
    assert lines == [
        "ltl-quiz support",
        "ltl-quiz history --learner CD2",  # the store is the default one; the scenarios folder is not read by history
        f"ltl-quiz --scenarios {folder} cpd CD2 --format html --out cpd.html",
    ], played.stdout
    for line in lines[:2]:  # copied as a whole line, each runs
        words = shlex.split(line)
        assert words[0] == "ltl-quiz"
        ran = runner.invoke(app, words[1:])
        assert ran.exit_code == 0, (line, ran.output)
    assert "'ltl-quiz" not in played.stdout.split("== Support and your record ==")[1], played.stdout
