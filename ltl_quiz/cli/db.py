"""Looking after the results store: db status, upgrade, backup, forget, purge (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ltl_quiz.cli.edge import errors, print_result, where
from ltl_quiz.cli.options import JsonOpt
from ltl_quiz.cli_group import command_group
from ltl_quiz.text import counted

commands = command_group("db")


@commands.command("status")
def db_status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the store in use (never its password), its migrations, its record counts and the journal. Changes nothing."""
    from ltl_quiz.store import admin

    with errors():
        places = where(ctx)
        print_result(admin.status(places.db_url, places.journal_dir), as_json)


@commands.command("upgrade")
def db_upgrade(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Apply the migrations the store lacks (every command also does this when it opens the store)."""
    import json

    from ltl_quiz.store import admin

    with errors():
        applied = admin.upgrade(where(ctx, create=True).db_url)
        if as_json:
            typer.echo(json.dumps({"applied": applied}))
        else:
            typer.echo(f"Applied {counted(len(applied), 'migration')}: {', '.join(applied)}." if applied else "The store is up to date.")


@commands.command("backup")
def db_backup(
    ctx: typer.Context,
    dest: Annotated[
        Path | None, typer.Argument(help="The backup file to write (default: backups/ltl-quiz-<time>.sqlite3 in the home).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy the whole store, as it is at one moment, into a new SQLite file (safe while terminals write)."""
    from ltl_quiz.store import admin

    with errors():
        places = where(ctx)
        print_result(admin.backup(places.db_url, dest, places.home), as_json)


@commands.command("forget")
def db_forget(
    ctx: typer.Context,
    staff_number: Annotated[str, typer.Argument(metavar="STAFF_NUMBER", help="The person to erase.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be erased; change nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person's records from the store, this computer's journal and config; keep an audit line (not whose)."""
    from ltl_quiz.store import Store
    from ltl_quiz.store.erasure import forget

    with errors():
        places = where(ctx)
        with Store(places.db_url) as store:
            print_result(forget(store, staff_number.strip(), dry_run, places.journal_dir, places.config_file), as_json)


@commands.command("purge")
def db_purge(
    ctx: typer.Context,
    before: Annotated[str, typer.Option("--before", help="Erase attempts begun, and sessions created, before this date (YYYY-MM-DD).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be erased; change nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Apply a retention period: erase every record older than a date (assignments stay); keep an audit line."""
    from ltl_quiz.compliance.periods import parse_date
    from ltl_quiz.store import Store
    from ltl_quiz.store.erasure import purge

    with errors():
        day = parse_date(before, "--before").isoformat()
        places = where(ctx)
        with Store(places.db_url) as store:
            print_result(purge(store, day, dry_run, places.journal_dir), as_json)
