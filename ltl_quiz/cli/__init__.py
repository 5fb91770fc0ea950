"""The ``ltl-quiz`` command line: parse options, make one library call, turn our errors into exits.

Only typer and the program's own options are imported at module level so ``--help`` stays
fast (the edge is imported when a command runs); the commands live in the modules
``ltl_quiz.cli_table`` names, each imported only when its command runs or its help is shown
(``cli_group.LazyGroup``), and each command imports what it needs. Behaviour lives in the library
(``ltl_quiz.app`` and the packages beside it); nothing here decides anything.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ltl_quiz.cli.program_options import DbOpt, FollowLinksOpt, PlainOpt, ScenariosOpt
from ltl_quiz.cli_group import LazyGroup

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="ltl-quiz",
    cls=LazyGroup,
    help="Scenario-based training from the IOPC's Learning the Lessons, issue 39 (child sexual abuse).\n\n"
    "Run with no command for the guided menu.",
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)


def _print_version(value: bool) -> None:
    if value:
        from ltl_quiz import __version__

        typer.echo(f"ltl-quiz {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    scenarios: ScenariosOpt = None,
    db: DbOpt = None,
    plain: PlainOpt = None,
    follow_links: FollowLinksOpt = False,
    create: Annotated[bool, typer.Option("--create", help="Create the store given with --db if its folder does not exist yet.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version)] = False,
) -> None:
    """Scenario-based training from the IOPC's Learning the Lessons, issue 39."""
    from ltl_quiz.cli.edge import Globals, errors, learner_terminal, where

    ctx.obj = Globals(scenarios, db, plain, follow_links, create)
    if db or scenarios:  # every hint printed from here on names this store and these scenarios, so that it works as printed (issue 13)
        from ltl_quiz.invocation import naming_places

        ctx.with_resource(naming_places(db, str(scenarios.resolve()) if scenarios else None))
    if ctx.invoked_subcommand is None:
        from ltl_quiz.app.attempts import menu

        with errors():
            menu(where(ctx), learner_terminal(ctx, plain, None))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ltl-quiz")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
