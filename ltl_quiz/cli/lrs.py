"""Sending xAPI statements to a learning record store: lrs push (issue 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ltl_quiz.cli.edge import errors, where
from ltl_quiz.cli.options import JsonOpt, Outgoing, outgoing_options
from ltl_quiz.cli.records import say_withheld
from ltl_quiz.cli_group import command_group
from ltl_quiz.text import counted

if TYPE_CHECKING:
    pass

commands = command_group("lrs")


@commands.command("push")
@outgoing_options
def lrs_push(
    ctx: typer.Context,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", envvar="LTL_QUIZ_LRS_ENDPOINT", help="The LRS's xAPI endpoint.", show_default=False)
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", envvar="LTL_QUIZ_LRS_USER", help="LRS user (Basic authentication).", show_default=False)
    ] = None,
    password: Annotated[
        str | None, typer.Option("--password", envvar="LTL_QUIZ_LRS_PASSWORD", help="LRS password (never printed).", show_default=False)
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Statements per request.")] = 500,
    retries: Annotated[int, typer.Option("--retries", help="Retries of a transient failure, with back-off.")] = 5,
    *,
    sent: Outgoing,
    as_json: JsonOpt = False,
) -> None:
    """Send the statements the LRS has not yet accepted, in batches, retrying transient failures."""
    import json

    from ltl_quiz.errors import LtlQuizError
    from ltl_quiz.lrs import Endpoint, PushReport, push

    with errors():
        try:
            done = push(
                where(ctx), Endpoint.checked(endpoint, user, password), sent.filters, sent.pseudonymise, sent.home_page, batch_size, retries
            )
        except LtlQuizError as exc:
            if as_json:  # a machine reading stdout learns of the failure too, with what was sent before it
                typer.echo(json.dumps({"error": str(exc), **vars(getattr(exc, "report", None) or PushReport())}, indent=2))
            raise
        say_withheld(done.withheld_learners, done.withheld_reflections)
        if as_json:
            typer.echo(json.dumps(vars(done), indent=2))
        else:
            voided = f" {done.voided} of them void statements the store no longer supports." if done.voided else ""
            typer.echo(
                f"Sent {counted(done.sent, 'new statement')} in {counted(done.batches, 'batch')} to {done.endpoint}; {done.already} it had already.{voided}"
            )
