"""The command group behind ``ltl-quiz`` and its sub-commands: the program's own options wherever
they are typed, whole summaries in the help, a quiet end when a pipe's reader goes away, and each
command's module imported only when it is needed (start-up speed).

Kept apart from the command modules so that they hold commands only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, Any

import typer
from typer._click.exceptions import UsageError
from typer._click.utils import echo, get_text_stream
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


class OneLineUsageError(UsageError):
    """A usage error (a bad value, an unknown option) said as all bad input is: one line that
    names the option and its value and says where to look, exit 2. Click's own form took four
    lines (the usage, a hint, a blank, the error) where every other error takes one."""

    def show(self, file: IO[Any] | None = None) -> None:
        where = f" See '{invoked_path(self.ctx.command_path)} -h'." if self.ctx is not None else ""
        message = self.format_message()
        echo(f"error: {message}{'' if message.endswith('.') else '.'}{where}", file=file or get_text_stream("stderr"))


def invoked_path(path: str) -> str:
    """A command's path ("ltl-quiz db upgrade") named as the program was started (``.venv/bin/ltl-quiz``...)."""
    from ltl_quiz.invocation import command

    program, _, rest = path.partition(" ")
    return f"{command()} {rest}".rstrip() if program == "ltl-quiz" else path


@contextlib.contextmanager
def one_line_usage() -> Iterator[None]:
    """Click's usage errors as ``OneLineUsageError``; those that show something else (a group's
    help when it is given no sub-command) are left as they are."""
    try:
        yield
    except UsageError as error:
        if type(error).show is not UsageError.show:
            raise
        raise OneLineUsageError(error.format_message(), error.ctx) from None


def summary(command: typer._click.Command) -> str:
    """A command's summary: the first paragraph of its help, on one line."""
    return " ".join((command.help or "").strip().split("\n\n")[0].split())


class Group(TyperGroup):
    """Typer's group, with global options hoisted and each command's summary given whole.
    (Typer 0.28 carries its own click: ``typer._click`` has the types its methods are declared with.)"""

    def parse_args(self, ctx: typer._click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = hoist_globals(args)
        return super().parse_args(ctx, args)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with reader_may_leave() if parent is None else contextlib.nullcontext(), one_line_usage():  # --help | head
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: typer._click.Context) -> Any:
        with reader_may_leave() if ctx.parent is None else contextlib.nullcontext(), one_line_usage():  # a pipe's reader may go (issue 13)
            return super().invoke(ctx)

    def format_commands(self, ctx: typer._click.Context, formatter: typer._click.HelpFormatter) -> None:
        """Click cuts each summary at 45 characters with '...'; a summary is one sentence, shown whole."""
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.short_help and cmd.help:
                cmd.short_help = summary(cmd)
        super().format_commands(ctx, formatter)


def command_set() -> typer.Typer:
    """The commands of one module of ``ltl_quiz.cli``, as ``LazyGroup`` loads them (plain help)."""
    return typer.Typer(rich_markup_mode=None, add_completion=False)


def command_group(name: str) -> typer.Typer:
    """A group of sub-commands (``db``, ``lrs``, ``session``), its help the table's summary;
    given no sub-command it shows that help."""
    from ltl_quiz.cli_table import COMMANDS

    return typer.Typer(name=name, help=COMMANDS[name].summary, no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=Group)


_built: dict[str, TyperGroup] = {}  # a command module's commands, built once


def load(name: str) -> typer._click.Command:
    """The command ``name`` (a group of sub-commands for ``db``, ``lrs``, ``session``), its module imported now."""
    import importlib

    import typer.main

    from ltl_quiz.cli.options import plain_arguments
    from ltl_quiz.cli_table import COMMANDS

    entry = COMMANDS[name]
    if entry.module not in _built:
        module = importlib.import_module(f"ltl_quiz.cli.{entry.module}")
        _built[entry.module] = typer.main.get_group(module.commands)
        plain_arguments(_built[entry.module])  # usage shows CASE, not {case}
    built = _built[entry.module]
    return built if entry.group else built.commands[name]


class LazyGroup(Group):
    """The program's own group: the commands of ``ltl_quiz.cli_table``, each loaded when it is asked for."""

    def list_commands(self, ctx: typer._click.Context) -> list[str]:
        from ltl_quiz.cli_table import COMMANDS

        return list(dict.fromkeys([*COMMANDS, *self.commands]))

    def get_command(self, ctx: typer._click.Context, cmd_name: str) -> typer._click.Command | None:
        from ltl_quiz.cli_table import COMMANDS

        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = load(cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: typer._click.Context, formatter: typer._click.HelpFormatter) -> None:
        """The summaries from the table, so that ``--help`` imports no command module."""
        from ltl_quiz.cli_table import COMMANDS

        rows = [(name, COMMANDS[name].summary if name in COMMANDS else summary(self.commands[name])) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
