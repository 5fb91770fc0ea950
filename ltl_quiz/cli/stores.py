"""Bringing attempts into the store: sync (from this computer's journal) and merge (from another store)."""

from __future__ import annotations

from typing import Annotated

import typer

from ltl_quiz.cli.edge import errors, print_result, where
from ltl_quiz.cli.options import JsonOpt
from ltl_quiz.cli_group import command_set

commands = command_set()


@commands.command()
def sync(
    ctx: typer.Context,
    any_store: Annotated[bool, typer.Option("--any-store", help="Also send attempts journalled for another store to this one.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Send the attempts this computer journalled while the store could not be reached. Safe to run twice."""
    from ltl_quiz.store import journal

    with errors():
        places = where(ctx)
        report = journal.sync_into(places.db_url, places.journal_dir, any_store)
        print_result(report, as_json)
        if report.problems:
            raise typer.Exit(1)


@commands.command()
def merge(
    ctx: typer.Context,
    other_db: Annotated[str, typer.Argument(help="The other store: a SQLite file or a database URL.")],
    as_json: JsonOpt = False,
) -> None:
    """Bring another store's attempts into this one (learners matched by staff number), never what was erased here.
    Conflicts are reported, never overwritten."""
    from ltl_quiz.store import merge as merging

    with errors():
        report = merging.merge_into(where(ctx).db_url, other_db)
        print_result(report, as_json)
        if report.conflicts or report.refused:
            raise typer.Exit(1)
