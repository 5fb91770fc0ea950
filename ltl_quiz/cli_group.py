"""The command group behind ``ltl-quiz`` and its sub-commands: the program's own options wherever
they are typed, whole summaries in the help, and a quiet end when a pipe's reader goes away.

Kept apart from ``cli.py`` so that the commands' module holds commands only.
"""

from __future__ import annotations

import contextlib
from typing import Any

import typer
from typer.core import TyperGroup

from ltl_quiz.pipes import reader_may_leave

# Options of the whole program, honoured before or after the command name (issue 13).
GLOBAL_FLAGS = frozenset({"--plain", "--rich", "--follow-links", "--create"})
GLOBAL_VALUED = frozenset({"--db", "--scenarios"})


def hoist_globals(args: list[str]) -> list[str]:
    """Move the program's own options to the front, wherever they were typed, so that
    ``ltl-quiz list --db X`` means what ``ltl-quiz --db X list`` means. Stops at ``--``."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS or (name in GLOBAL_VALUED and "=" in arg):
            front.append(arg)
        elif arg in GLOBAL_VALUED and i + 1 < len(args):
            front.extend(args[i : i + 2])
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


class Group(TyperGroup):
    """Typer's group, with global options hoisted and each command's summary given whole.
    (Typer 0.28 carries its own click: ``typer._click`` has the types its methods are declared with.)"""

    def parse_args(self, ctx: typer._click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = hoist_globals(args)
        return super().parse_args(ctx, args)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with reader_may_leave() if parent is None else contextlib.nullcontext():  # --help | head
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: typer._click.Context) -> Any:
        with reader_may_leave() if ctx.parent is None else contextlib.nullcontext():  # a pipe's reader may go (issue 13)
            return super().invoke(ctx)

    def format_commands(self, ctx: typer._click.Context, formatter: typer._click.HelpFormatter) -> None:
        """Click cuts each summary at 45 characters with '...'; a summary is one sentence, shown whole."""
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.short_help and cmd.help:
                cmd.short_help = cmd.help.strip().split("\n\n")[0].replace("\n", " ")
        super().format_commands(ctx, formatter)
