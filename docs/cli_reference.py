"""Write the command reference into README.md from each command's own ``--help``.

Run ``python docs/cli_reference.py`` after changing a command; ``tests/test_readme.py`` fails when
the README's reference differs from what the commands print, so the two cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer import Context
from typer.core import TyperGroup
from typer.main import get_group
from typer.testing import CliRunner

from ltl_quiz.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def command_paths() -> list[list[str]]:
    """Every command and sub-command, in the order ``--help`` lists them."""
    paths: list[list[str]] = [[]]

    def walk(group: object, prefix: list[str]) -> None:
        if not isinstance(group, TyperGroup):
            return
        ctx = Context(group)
        for name in group.list_commands(ctx):  # asked through the group, so that lazily loaded commands are found
            paths.append([*prefix, name])
            walk(group.get_command(ctx, name), [*prefix, name])

    walk(get_group(app), [])
    return paths


def reference() -> str:
    runner = CliRunner()
    parts = []
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], terminal_width=100, env={"COLUMNS": "100", "NO_COLOR": "1"})
        title = " ".join(["ltl-quiz", *path])
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def render(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{reference()}{END}{tail}"


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        sys.exit(0 if new == text else 1)
    README.write_text(new, encoding="utf-8")
