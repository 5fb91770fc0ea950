"""The CLI loads each command's module only when it is needed, and its table of summaries is true."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from ltl_quiz.cli import app
from ltl_quiz.cli_group import load, summary
from ltl_quiz.cli_table import COMMANDS


def test_each_summary_in_the_table_is_the_commands_own() -> None:
    group = typer.main.get_group(app)
    ctx = typer.Context(group)
    assert group.list_commands(ctx) == list(COMMANDS)
    for name, entry in COMMANDS.items():
        assert entry.summary == summary(load(name)), name


def _modules_after(*args: str) -> set[str]:
    code = "import sys\nfrom ltl_quiz.cli import main\nsys.argv = ['ltl-quiz', *sys.argv[1:]]\ntry:\n    main()\nexcept SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return set(done.stderr.split())


def test_help_imports_no_command_module_and_a_command_only_its_own() -> None:
    modules = {f"ltl_quiz.cli.{entry.module}" for entry in COMMANDS.values()}
    assert not modules & _modules_after("--help")
    assert modules & _modules_after("list", "--help") == {"ltl_quiz.cli.cases"}


# What ``ltl-quiz --help`` may import beyond what ``import typer`` does (and typer's own help code):
# the program's group, its table of summaries and its own options, nothing a command needs.
HELP_MODULES = {"__future__", "ltl_quiz", "ltl_quiz.cli", "ltl_quiz.cli.program_options", "ltl_quiz.cli_group", "ltl_quiz.cli_table", "ltl_quiz.pipes"}


def test_help_imports_only_the_group_and_the_programs_own_options_beyond_typer() -> None:
    code = "import sys, typer\nprint(' '.join(sorted(sys.modules)))\n"
    typer_alone = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    beyond = {m for m in _modules_after("--help") - typer_alone if not m.startswith("typer.")}
    assert beyond <= HELP_MODULES, sorted(beyond - HELP_MODULES)
