"""Options that several commands share, declared once: the allowed values, the global options
(declared in ``program_options``, which ``--help`` alone imports), ``--json``, and the attempt
filters that ``export``, ``lrs push`` and ``report`` all take."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, TypeVar

import typer
from typer.core import TyperArgument

from ltl_quiz.cli.program_options import DbOpt as DbOpt
from ltl_quiz.cli.program_options import FollowLinksOpt as FollowLinksOpt
from ltl_quiz.cli.program_options import PlainOpt as PlainOpt
from ltl_quiz.cli.program_options import ScenariosOpt as ScenariosOpt

if TYPE_CHECKING:
    from ltl_quiz.store.queries import Filters

# Allowed values as Literal types: usage shows them ([officer|manager]) and a wrong one is a usage error (exit 2).
Track = Literal["officer", "manager"]
Mode = Literal["practice", "assessed"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
CaseArg = Annotated[str, typer.Argument(help="Scenario id, case-study number or file.")]
AttemptArg = Annotated[str, typer.Argument(help="Attempt id or its first 8 characters.")]
LearnerIdOpt = Annotated[str | None, typer.Option(help="Staff number (remembered after first use).")]
NameOpt = Annotated[str | None, typer.Option(help="Learner's name.")]
UnitOfLearnerOpt = Annotated[str | None, typer.Option(help="Force and unit.")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False)
]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="Only learners whose unit contains this text (any case).", show_default=False)]
IncludeScriptedOpt = Annotated[
    bool,
    typer.Option("--include-scripted", help="Count attempts answered from a file (run --answers) too; they are left out by default."),
]
PseudonymiseOpt = Annotated[
    bool,
    typer.Option(
        "--pseudonymise",
        help="Replace staff numbers (and trainers) with keyed pseudonyms and drop names; the key stays in the local config.",
    ),
]
HomePageOpt = Annotated[
    str | None,
    typer.Option(
        "--home-page",
        envvar="LTL_QUIZ_XAPI_HOME_PAGE",
        help="xAPI: homePage of learner accounts and root of activity ids.",
        show_default=False,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


class PlainArgument(TyperArgument):
    """An argument as usage lines conventionally show one: ``CASE``, ``[ATTEMPT]``, ``CASE...``, where
    Typer 0.28 writes ``{case}`` (its mark for a required argument, which reads as a placeholder)."""

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        var = (self.metavar or self.name or "").upper()
        var = var if self.nargs == 1 or var.endswith("...") else f"{var}..."
        return f"[{var}]" if usage and not self.required else var

    def get_error_hint(self, ctx: Any) -> str:
        return f"'{(self.metavar or self.name or '').upper()}'"  # "Missing argument 'CASE'", as usage names it


def plain_arguments(command: Any) -> None:
    """Every argument of ``command`` and of its sub-commands shown as ``PlainArgument`` shows it."""
    for param in getattr(command, "params", []):
        if type(param) is TyperArgument:
            param.__class__ = PlainArgument
    for sub in getattr(command, "commands", {}).values():
        plain_arguments(sub)


def parameters(func: Callable[..., object], skip: str = "") -> list[inspect.Parameter]:
    """``func``'s parameters but ``skip``, their annotations evaluated (not its return type, nor
    ``skip``'s: those may name a type imported for mypy only, which loading would slow start-up)."""
    found = []
    for param in inspect.signature(func).parameters.values():
        if param.name != skip:
            hint = param.annotation
            found.append(param.replace(annotation=eval(hint, func.__globals__) if isinstance(hint, str) else hint))
    return found


def options_of(build: Callable[..., object], into: str) -> Callable[[F], F]:
    """A decorator: the command takes ``build``'s parameters (options declared once, for several
    commands) in place of its own parameter ``into``, which receives what ``build`` makes of them."""
    taken = parameters(build)

    def decorate(func: F) -> F:
        own = {p.name: p for p in parameters(func, into)}
        params: list[inspect.Parameter] = []
        for param in inspect.signature(func).parameters.values():
            params.extend([p.replace(kind=param.kind) for p in taken] if param.name == into else [own[param.name]])

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            given = {p.name: kwargs.pop(p.name) for p in taken}
            return func(*args, **{into: build(**given)}, **kwargs)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}  # what typer reads, already evaluated
        return command  # type: ignore[return-value]

    return decorate


def attempt_filters(
    since: Annotated[
        str | None, typer.Option("--since", help="Only attempts begun on or after this date (YYYY-MM-DD).", show_default=False)
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only attempts begun on or before this date (YYYY-MM-DD).", show_default=False)
    ] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help="Only this scenario id.", show_default=False)] = None,
    learner: Annotated[str | None, typer.Option("--learner", help="Only this staff number.", show_default=False)] = None,
    unit: UnitOpt = None,
    session: Annotated[
        str | None, typer.Option("--session", help="Only attempts made in this group session (its code).", show_default=False)
    ] = None,
    status: Annotated[
        Literal["completed", "in-progress", "abandoned"] | None,
        typer.Option("--status", help="Only attempts that are completed, in-progress or abandoned.", show_default=False),
    ] = None,
    passed: Annotated[
        bool | None, typer.Option("--passed/--failed", help="Only completed attempts that passed (or failed).", show_default=False)
    ] = None,
) -> Filters:
    """The attempt filters ``export``, ``lrs push`` and ``report`` take, parsed; a bad date is a
    usage error (exit 2), said in one line."""
    from ltl_quiz.cli.edge import fit
    from ltl_quiz.errors import InputError
    from ltl_quiz.store.queries import Filters

    try:
        return Filters.parse(
            since=since, until=until, scenario=scenario, learner=learner, unit=unit, session=session, status=status, passed=passed
        )
    except InputError as exc:
        typer.echo(fit(f"error: {exc}"), err=True)
        raise typer.Exit(2) from None


filter_options = options_of(attempt_filters, "filters")


class Outgoing(NamedTuple):
    """Which attempts leave the store and how they name people: what ``export`` and ``lrs push`` share."""

    filters: Filters
    pseudonymise: bool
    home_page: str | None


@filter_options
def outgoing(*, filters: Filters, pseudonymise: PseudonymiseOpt = False, home_page: HomePageOpt = None) -> Outgoing:
    return Outgoing(filters, pseudonymise, home_page)


outgoing_options = options_of(outgoing, "sent")
