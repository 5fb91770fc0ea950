"""The edge of the CLI: the global options on the Typer context, the places and the renderer they
choose, our errors turned into one line and an exit code, and results printed (or ``--json``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import typer

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations
    from ltl_quiz.ui.cases import LearnerTerminal
    from ltl_quiz.ui.render import Renderer


@dataclass(frozen=True)
class Globals:
    """Options given before (or after) the command name, carried to the command on ``ctx.obj``."""

    scenarios: Path | None = None
    db: str | None = None
    plain: bool | None = None
    follow_links: bool = False
    create: bool = False


def given(ctx: typer.Context) -> Globals:
    """The global options of this run (their defaults when a command is invoked on its own)."""
    found = ctx.find_object(Globals)
    return found if found is not None else Globals()


def where(ctx: typer.Context, create: bool = False) -> Locations:
    """The places in use; a scenarios folder or a store's folder that does not exist is a usage error."""
    import os

    from ltl_quiz.locations import missing_places, resolve

    options = given(ctx)
    places = resolve(options.scenarios, options.db, follow_links=options.follow_links)
    db_given = bool(options.db or os.environ.get("LTL_QUIZ_DB"))
    for option, message in missing_places(places, db_given, create or options.create):
        raise typer.BadParameter(message, param_hint=f"'{option}'")
    return places


def plain_of(ctx: typer.Context, plain: bool | None) -> bool | None:
    """The command's own --plain/--rich, else the one given before the command name."""
    return plain if plain is not None else given(ctx).plain


def renderer(ctx: typer.Context, plain: bool | None) -> Renderer:
    from ltl_quiz.ui.render import Renderer, make_console, wants_plain

    is_plain = wants_plain(plain_of(ctx, plain))
    return Renderer(make_console(is_plain), is_plain)


def learner_terminal(ctx: typer.Context, plain: bool | None, answers_file: str | None) -> LearnerTerminal:
    """The learner's terminal the app is given: this renderer, and prompts (or an answers file's)."""
    from ltl_quiz.ui.cases import LearnerTerminal

    return LearnerTerminal(renderer(ctx, plain), answers_file)


def fit(message: str) -> str:
    """A message wrapped at word boundaries when a person reads it at a terminal (a pipe gets one line)."""
    import sys

    from ltl_quiz.invocation import as_invoked
    from ltl_quiz.ui.wrap import hang, terminal_width

    message = as_invoked(message)
    columns = terminal_width(sys.stderr)
    if not columns:
        return message
    out = []
    for line in message.split("\n"):  # a list of problems keeps one a line, each one's own lines hanging under it
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(hang(line.lstrip(), columns - 1, indent, indent + "  " if indent else ""))
    return "\n".join(out)


@contextlib.contextmanager
def errors() -> Iterator[None]:
    """Our own exceptions become one clear line on stderr and an exit code; never a traceback."""
    from ltl_quiz.errors import Left, LtlQuizError, ScenarioError

    try:
        yield
    except Left as exc:  # Ctrl-C or a closed terminal: what was kept and how to carry on, not an error
        typer.echo(fit(str(exc)), err=True)
        raise typer.Exit(exc.exit_code) from None
    except ScenarioError as exc:
        for line in [f"error: {problem}" for problem in exc.problems] or [fit(f"error: {exc}")]:
            typer.echo(fit(line), err=True)
        raise typer.Exit(exc.exit_code) from None
    except LtlQuizError as exc:
        typer.echo(fit(f"error: {exc}"), err=True)
        raise typer.Exit(exc.exit_code) from None


class Result(Protocol):
    """What the library's reports offer: lines for people, a dict for ``--json``."""

    def lines(self) -> list[str]: ...
    def as_dict(self) -> object: ...  # whatever json.dumps takes


def print_result(result: Result, as_json: bool) -> None:
    """A result as JSON, or as its lines, wrapped at word boundaries when they go to a terminal."""
    import json

    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    from ltl_quiz.ui.wrap import fit_lines

    typer.echo(fit_lines("\n".join(result.lines())))


def print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, indent=2))
