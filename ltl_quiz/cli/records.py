"""Completion records: export, cpd, report (issue 4); ``lrs push`` is in ``lrs``."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from ltl_quiz.cli.edge import errors, fit, plain_of, renderer, where
from ltl_quiz.cli.options import (
    IncludeScriptedOpt,
    JsonOpt,
    Outgoing,
    OutOpt,
    PlainOpt,
    filter_options,
    outgoing_options,
)
from ltl_quiz.cli_group import command_set
from ltl_quiz.exporters.formats import FormatName, format_help
from ltl_quiz.locations import redact
from ltl_quiz.text import counted, for_stream

if TYPE_CHECKING:
    from ltl_quiz.store.queries import Filters

commands = command_set()


@commands.command("export")
@outgoing_options
def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[FormatName, typer.Option("--format", "-f", help=format_help())] = "csv",
    what: Annotated[
        Literal["completions", "answers", "reflections"],
        typer.Option("--what", help="completions, answers or reflections (an xlsx workbook has all three)."),
    ] = "completions",
    out: OutOpt = None,
    *,
    sent: Outgoing,
    plain: PlainOpt = None,
) -> None:
    """Export attempts, answers or reflections as csv, xlsx, json, jsonl or xAPI statements."""
    from ltl_quiz.exporters import ExportRequest, check, export
    from ltl_quiz.ui.progress import progress_bar

    with errors():
        request = ExportRequest(fmt, what, sent.filters, out, sent.pseudonymise, sent.home_page)
        check(request)  # every format and destination error before any progress is drawn
        with progress_bar("Exporting", plain_of(ctx, plain)) as ticker:
            done = export(where(ctx), request, ticker)
        if out is not None:
            typer.echo(fit(f"Wrote {counted(done.rows, 'statement' if fmt == 'xapi' else 'row')} to {out}"), err=True)
        if not done.rows:  # run from another folder, the default store is another, empty one: say which was read
            typer.echo(fit(f"No attempts matched in the store {redact(where(ctx).db_url)}."), err=True)
        say_withheld(*done.withheld)


def say_withheld(learners: int, reflections: int) -> None:
    """On stderr, how many learners' reflections were left out of what a CPD lead receives, and why."""
    from ltl_quiz.store.consent import withheld_line

    if learners:
        typer.echo(fit(withheld_line(learners, reflections)), err=True)


@commands.command("cpd")
def cpd_cmd(
    ctx: typer.Context,
    learner: Annotated[str, typer.Argument(help="Staff number.")],
    fmt: Annotated[Literal["md", "html"], typer.Option("--format", "-f", help="md (Markdown) or html (printable page).")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.", show_default=False)
    ] = None,
    include_scripted: IncludeScriptedOpt = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="The shareable summary for a line manager (PDR): no written reflections, CVF competencies.")
    ] = False,
    share: Annotated[
        Literal["yes", "no"] | None,
        typer.Option(
            "--share-reflections",
            help="The learner's own choice: yes lets exports for a CPD lead hold their written reflections, no withdraws it "
            "(the default is not shared). Records who and when; writes no record.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A learner's CPD record of their completed case studies, in reflective style."""
    from ltl_quiz.records.cpd import cpd, share_reflections

    with errors():
        if share is not None:
            typer.echo(fit(share_reflections(where(ctx), learner, share == "yes")), err=True)
            return
        text = cpd(where(ctx), learner, fmt, out, include_scripted, summary)
        if out is None:
            if fmt == "md":  # at a terminal, wrapped at word boundaries (the same Markdown); piped, as built
                from ltl_quiz.ui.reflow import for_terminal

                text = for_terminal(text, sys.stdout)
            typer.echo(for_stream(text, sys.stdout), nl=False)
        else:
            typer.echo(fit(f"Wrote {out}"), err=True)


@commands.command("report")
@filter_options
def report_cmd(
    ctx: typer.Context,
    *,
    filters: Filters,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the report as one self-contained HTML page.", show_default=False)
    ] = None,
    include_scripted: IncludeScriptedOpt = False,
    attempts: Annotated[
        Literal["first", "all"],
        typer.Option(
            "--attempts",
            help="Which completed attempts the item and overall statistics take: 'first' (each learner's first at a scenario, as Moodle does) or 'all'.",
        ),
    ] = "first",
    as_json: JsonOpt = False,
    plain: PlainOpt = None,
) -> None:
    """Completions, pass rates, item analysis, reliability (alpha) and where learners stop."""
    from ltl_quiz.app.reports import learning_report

    with errors():
        filters = replace(filters, include_scripted=include_scripted)
        ui = renderer(ctx, plain)
        result = learning_report(where(ctx), filters, html, attempts)
        if as_json:
            typer.echo(result.to_json())
            return
        from ltl_quiz.ui.report_view import show  # the terminal renderer: rich lives in ui/ only

        show(result, ui)
        if html is not None:
            ui.say(f"Wrote {html}")
