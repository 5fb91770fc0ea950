"""The command line behaves like one (issue 13): global options anywhere, -h and --version,
allowed values in usage, usage errors exit 2, places that do not exist refused, near misses named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pty_run import read_until_done
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.cli_group import hoist_globals


def test_global_options_are_moved_in_front_of_the_command() -> None:
    assert hoist_globals(["list", "--plain", "--db", "X", "--scenarios=S"]) == ["--plain", "--db", "X", "--scenarios=S", "list"]
    assert hoist_globals(["run", "c", "--", "--plain"]) == ["run", "c", "--", "--plain"]


def test_global_options_after_the_command(runner: CliRunner, example_dir: Path) -> None:
    after = runner.invoke(app, ["list", "--scenarios", str(example_dir), "--plain"])
    before = runner.invoke(app, ["--plain", "--scenarios", str(example_dir), "list"])
    assert after.exit_code == before.exit_code == 0
    assert after.output == before.output and "example-welfare-call" in after.output


def test_help_and_version(runner: CliRunner) -> None:
    assert runner.invoke(app, ["-h"]).output == runner.invoke(app, ["--help"]).output
    commands = runner.invoke(app, ["-h"]).output.split("Commands:")[1]
    assert "..." not in commands  # each summary whole, never cut at 45 characters
    assert "on one screen or live." in commands
    assert "--install-completion" in runner.invoke(app, ["-h"]).output
    assert runner.invoke(app, ["session", "-h"]).exit_code == 0
    from ltl_quiz import __version__

    assert runner.invoke(app, ["--version"]).output == f"ltl-quiz {__version__}\n"


def test_usage_shows_allowed_values_and_bad_values_exit_2(runner: CliRunner, example_dir: Path) -> None:
    usage = runner.invoke(app, ["run", "-h"]).output
    assert "--track <officer|manager>" in usage and "--mode <practice|assessed>" in usage
    assert "csv|xlsx|json|jsonl|xapi" in runner.invoke(app, ["export", "-h"]).output
    bad = runner.invoke(app, ["--scenarios", str(example_dir), "run", "1", "--mode", "exam"])
    assert bad.exit_code == 2 and "'exam' is not one of 'practice', 'assessed'" in bad.output


def test_places_that_do_not_exist_are_refused(runner: CliRunner, example_dir: Path, tmp_path: Path) -> None:
    nope = runner.invoke(app, ["--scenarios", str(tmp_path / "nope"), "list"])
    assert nope.exit_code == 2 and "the scenarios folder" in nope.output
    url = f"sqlite:///{tmp_path / 'no' / 'dir' / 'x.sqlite3'}"
    store = runner.invoke(app, ["--db", url, "--scenarios", str(example_dir), "history"])
    assert store.exit_code == 2 and "does not exist" in store.output and "db upgrade" in store.output
    assert not (tmp_path / "no").exists()
    made = runner.invoke(app, ["--db", url, "--scenarios", str(example_dir), "history", "--create"])
    assert made.exit_code == 0 and f"No attempts yet in the store {url}." in made.output


def test_a_misspelt_case_id_names_the_nearest(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "hotel-welfare-chek"])
    assert result.exit_code == 1 and "did you mean hotel-welfare-check?" in result.output


def test_a_closed_pipe_ends_quietly() -> None:
    """``ltl-quiz list | head -1``: no traceback, no complaint."""
    cli = subprocess.Popen([sys.executable, "-m", "ltl_quiz", "list", "--plain"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert cli.stdout is not None and cli.stdout.read(10)
    cli.stdout.close()
    _, err = cli.communicate(timeout=60)
    assert err == b""


def test_new_writes_to_the_working_folder_never_the_package(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    import ltl_quiz

    monkeypatch.chdir(tmp_path)
    package = Path(ltl_quiz.__file__).parent
    before = sorted(package.rglob("*.yaml"))
    result = runner.invoke(app, ["new", "my-case", "--title", "My case"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "scenarios" / "01-my-case.yaml").is_file()
    assert f"--scenarios {tmp_path / 'scenarios'}" in result.output
    assert sorted(package.rglob("*.yaml")) == before


def test_answers_file_problems_all_at_once_and_no_attempt_left(runner: CliRunner, example_dir: Path, tmp_path: Path, db_url: str) -> None:
    from ltl_quiz.store import Store

    answers = tmp_path / "answers.yaml"
    answers.write_text("no-such-node: a\n", encoding="utf-8")
    result = runner.invoke(
        app, ["--scenarios", str(example_dir), "--db", db_url, "run", "1", "--learner", "AB1", "--name", "A", "--answers", str(answers)]
    )
    assert result.exit_code == 1
    assert "'no-such-node' is not a prompt of example-welfare-call" in result.output
    assert result.output.count("no answer for '") >= 2  # every missing id, not only the first
    assert "nothing started" in result.output and "Content note" not in result.output
    store = Store(db_url)
    try:
        assert store.attempts("AB1") == []
    finally:
        store.close()


def test_hints_name_the_command_as_it_was_started(monkeypatch, tmp_path: Path) -> None:
    from ltl_quiz import invocation

    exe = tmp_path / "venv" / "bin" / "ltl-quiz"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    # no venv on PATH: "python" may not be there, or not be this one; its short name only where that
    # name on this PATH is this very interpreter (a venv made from /usr/bin/python3, as the README's
    # command makes one on a machine whose first python3 is the system's)
    short = os.path.basename(sys.executable)
    found = shutil.which(short, path="/usr/bin:/bin")
    same = found is not None and os.path.realpath(found) == os.path.realpath(sys.executable)
    interpreter = f"{short if same else sys.executable} -m ltl_quiz"
    for argv0, expected in [(str(exe), str(exe)), ("/x/ltl_quiz/__main__.py", interpreter), ("pytest", "ltl-quiz")]:
        monkeypatch.setattr(sys, "argv", [argv0])
        invocation.command.cache_clear()
        assert invocation.as_invoked("To carry on: ltl-quiz resume 1a2b3c4d; an ltl-quiz store") == (
            f"To carry on: {expected} resume 1a2b3c4d; an ltl-quiz store"
        )
    monkeypatch.setenv("PATH", str(exe.parent))
    monkeypatch.setattr(sys, "argv", [str(exe)])
    invocation.command.cache_clear()
    assert invocation.as_invoked("see 'ltl-quiz list'") == "see 'ltl-quiz list'"
    invocation.command.cache_clear()


def _on_an_80_column_terminal(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Run ``ltl-quiz ARGS`` with standard output and error on a real 80x24 pty; the lines it showed."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "ltl_quiz", *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    code, shown = read_until_done(leader, proc)
    return code, shown.replace("\r", "").splitlines()


def test_a_list_of_problems_at_a_terminal_keeps_one_problem_a_line(example_dir: Path, tmp_path: Path) -> None:
    """At an 80-column terminal the answers file's problems were run together into one paragraph;
    each now starts its own line, its own continuation lines hanging under it, no line past 79."""
    import os

    answers = tmp_path / "a.yaml"
    answers.write_text("not-a-node: x\nalso-not-a-node-with-a-rather-long-name-to-wrap-it: y\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "LTL_QUIZ_PLAIN", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", LTL_QUIZ_HOME=str(tmp_path / "home"))
    args = ["--scenarios", str(example_dir), "run", "1", "--learner", "P1", "--name", "Pat", "--answers", str(answers)]
    code, lines = _on_an_80_column_terminal(args, env)
    assert code == 1 and lines[0].startswith("error: "), lines
    assert [line.split("'")[1] for line in lines if line.startswith("  '")] == [
        "not-a-node",
        "also-not-a-node-with-a-rather-long-name-to-wrap-it",
    ]
    assert any(line.startswith("  no answer for 'call-grading'") for line in lines)
    assert all(len(line) <= 79 for line in lines) and any(line.startswith("    ") for line in lines), lines


def test_values_an_option_cannot_take_exit_2(runner: CliRunner, example_dir: Path, db_url: str) -> None:
    """Not only the values the parser knows: a date that is not one, an interval, a count or a rule
    checked by the command are usage errors too, said in one line."""
    for args, said in [
        (["assign", "1", "--due", "2030-02-30", "--learner", "X"], "--due '2030-02-30' is not a date"),
        (["assign", "1", "--due", "2030-01-01", "--learner", "X", "--every", "weekly"], "--every 'weekly' is not an interval"),
        (["compliance", "--due-within", "soon"], "--due-within 'soon' is not a number of days"),
        (["test", "1", "--walk", "-3"], "--walk -3: give a number of walks from 1"),
        (["session", "host", "1", "--trainer", "Pat", "--discussion-minutes", "500"], "--discussion-minutes 500 is out of range"),
    ]:
        done = runner.invoke(app, ["--scenarios", str(example_dir), *args])
        assert (done.exit_code, done.output.count("\n")) == (2, 1) and said in done.output, (args, done.output)


USAGE_MISTAKES = [
    (["run", "x", "--track", "sergeant"], "error: Invalid value for '--track': 'sergeant' is not one of 'officer', 'manager'. See 'ltl-quiz run -h'."),
    (["export", "--format", "nope"], "error: Invalid value for '--format' / '-f': 'nope' is not one of 'csv', 'xlsx', 'json', 'jsonl', 'xapi'. See 'ltl-quiz export -h'."),
    (["--bogus", "list"], "error: No such option: --bogus. See 'ltl-quiz -h'."),
    (["run"], "error: Missing argument 'CASE'. See 'ltl-quiz run -h'."),
    (["db", "upgrade", "--nope"], "error: No such option: --nope. See 'ltl-quiz db upgrade -h'."),
]


def test_a_usage_mistake_is_one_line_on_standard_error_with_exit_2(tmp_path: Path) -> None:
    """Bad input of every kind is one line that says what and where to look (the brief): Click's
    own form was four lines (the usage, "Try ... for help.", a blank line, then "Error: ...")."""
    from ltl_quiz.invocation import python

    env = {**os.environ, "LTL_QUIZ_DB": f"sqlite:///{tmp_path / 'x.sqlite3'}", "NO_COLOR": "1"}
    for args, line in USAGE_MISTAKES:
        done = subprocess.run([sys.executable, "-m", "ltl_quiz", *args], capture_output=True, text=True, env=env, cwd=tmp_path)
        as_started = line.replace(" See 'ltl-quiz", f" See '{python()} -m ltl_quiz")  # the command as it was started
        assert (done.returncode, done.stdout, done.stderr) == (2, "", as_started + "\n"), args


def test_a_group_given_no_sub_command_still_shows_its_help(runner: CliRunner) -> None:
    shown = runner.invoke(app, ["db"])
    assert shown.exit_code == 2 and "Commands:" in shown.output and "error:" not in shown.output
