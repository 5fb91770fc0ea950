"""Compliance: assign, compliance, certificate, verify (issue 15)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from ltl_quiz.cli.edge import errors, fit, print_json, where
from ltl_quiz.cli.options import AttemptArg, JsonOpt, Mode, OutOpt, Track, UnitOpt
from ltl_quiz.cli_group import command_set
from ltl_quiz.text import counted

commands = command_set()


@commands.command()
def assign(
    ctx: typer.Context,
    cases: Annotated[list[str], typer.Argument(metavar="CASE...", help="Scenario ids or case-study numbers.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    unit: Annotated[str | None, typer.Option("--unit", help="Everyone in the store with this unit.", show_default=False)] = None,
    roster: Annotated[
        Path | None, typer.Option("--roster", help="A roster CSV (staff number, name, unit), as for group sessions.", show_default=False)
    ] = None,
    learner: Annotated[
        list[str] | None, typer.Option("--learner", help="A staff number in the store (repeat for more).", show_default=False)
    ] = None,
    track: Annotated[Track | None, typer.Option("--track", help="officer or manager (default: the first the case offers).")] = None,
    mode: Annotated[
        Mode | None, typer.Option("--mode", help="Only attempts in this mode count (assessed or practice).", show_default=False)
    ] = None,
    every: Annotated[str | None, typer.Option("--every", help="Renew at this interval: 12m, 1y, 3y...", show_default=False)] = None,
    allow_sessions: Annotated[bool, typer.Option("--allow-sessions", help="Attendance at a facilitated session also counts.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Assign cases to a unit, a roster or learners, with a due date, track, mode and renewal interval."""
    from ltl_quiz.app.compliance import Who
    from ltl_quiz.app.compliance import assign as do_assign

    with errors():
        done = do_assign(where(ctx), cases, Who(unit, roster, tuple(learner or ())), due, track, mode, every, allow_sessions)
        if (warning := done.warning()) is not None:
            typer.echo(fit(warning), err=True)
        if as_json:
            print_json(done.as_json())
        else:
            typer.echo(fit(done.message()), err=True)


@commands.command()
def compliance(
    ctx: typer.Context,
    unit: UnitOpt = None,
    due_within: Annotated[
        str | None, typer.Option("--due-within", help="Only who is due, overdue or expiring within N days (e.g. 30d).", show_default=False)
    ] = None,
    fmt: Annotated[
        Literal["table", "csv", "json", "xlsx", "html", "ics"],
        typer.Option("--format", "-f", help="table, csv, json, xlsx, html or ics (reminders for your mail system)."),
    ] = "table",
    out: OutOpt = None,
) -> None:
    """Who is complete, due, overdue or expiring on each assigned case, with totals per unit and case."""
    from ltl_quiz.app.compliance import compliance as report

    with errors():
        n = report(where(ctx), unit, due_within, fmt, out, sys.stdout)
        if out is not None:
            typer.echo(fit(f"Wrote {counted(n, 'line')} to {out}"), err=True)


@commands.command()
def certificate(
    ctx: typer.Context,
    attempt: AttemptArg,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="FILE.html (print-ready) or FILE.pdf (needs WeasyPrint).", show_default=False)
    ] = None,
) -> None:
    """A printable certificate for one passed attempt (or attendance at a group session), with a code anyone can verify."""
    from ltl_quiz.records.certificate_page import to_html, write
    from ltl_quiz.records.certificates import issue

    with errors():
        issued = issue(where(ctx), attempt)
        if out is None:
            typer.echo(to_html(issued.fields, issued.code), nl=False)
        else:
            write(issued.fields, issued.code, out)
            typer.echo(fit(f"Wrote the certificate to {out}; verification code {issued.code}"), err=True)


@commands.command()
def verify(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The verification code printed on the certificate.")],
    name: Annotated[str | None, typer.Option("--name", help="The name printed on it.", show_default=False)] = None,
    staff_number: Annotated[str | None, typer.Option("--staff-number", help="The staff number printed on it.", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", help="The completion date printed on it.", show_default=False)] = None,
    score: Annotated[str | None, typer.Option("--score", help="The score printed on it, e.g. '42/50 (84%)'.", show_default=False)] = None,
    cert_file: Annotated[
        Path | None, typer.Option("--certificate", help="Check every field of a certificate's HTML file.", show_default=False)
    ] = None,
) -> None:
    """Say whether a certificate is genuine and current (exit 0), not genuine (1), or genuine but not current: expired, not passed (2)."""
    from ltl_quiz.records.certificates import verify as check

    with errors():
        claimed = {"name": name, "staff_number": staff_number, "date": date, "score": score}
        from ltl_quiz.ui.wrap import fit_lines

        typer.echo(fit_lines("\n".join(check(where(ctx), code, claimed, cert_file).lines())))
