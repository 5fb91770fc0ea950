"""The scenario author's commands: validate, new, schema, graph, test (issue 7)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from ltl_quiz.cli.edge import errors, fit, given, where
from ltl_quiz.cli.options import CaseArg, FollowLinksOpt, JsonOpt, Track
from ltl_quiz.cli_group import command_set
from ltl_quiz.text import for_stream

commands = command_set()


@commands.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Scenario files or folders (default: the scenarios folder).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    as_json: JsonOpt = False,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Check scenario files: schema, graph, flags, key questions; report paths and score ranges."""
    import json

    from ltl_quiz.language.scenario_text import language_warnings  # the lexicon loads only for validate
    from ltl_quiz.scenario.validation import longest_overall, summary_lines
    from ltl_quiz.scenario.validation import validate as run_validate

    with errors():
        folders = paths or [where(ctx).scenarios]
        reports = run_validate(folders, follow_links or given(ctx).follow_links, text_checks=[language_warnings])
        if as_json:
            hits, total = longest_overall(reports)
            data = {"ok": not any(r.errors(strict) for r in reports), "files": [r.as_dict(strict) for r in reports]}
            typer.echo(json.dumps({**data, "best_is_longest": {"decisions": total, "longest": hits}}, indent=2))
        else:
            for r in reports:
                for p in r.problems:
                    typer.echo(fit(f"{p.severity}: {p}"), err=True)
                typer.echo("\n".join(r.lines(strict)))
            for line in summary_lines(reports):
                typer.echo(line)
        if any(r.errors(strict) for r in reports):
            raise typer.Exit(1)


@commands.command()
def new(
    ctx: typer.Context,
    scenario_id: Annotated[str, typer.Argument(metavar="ID", help="The new scenario's id, e.g. hotel-welfare-check.")],
    title: Annotated[str, typer.Option("--title", help="The case study's title as the learning report gives it.")],
    case_study: Annotated[
        int | None, typer.Option("--case-study", help="Its number in the issue (default: the next free file number).")
    ] = None,
    issue: Annotated[int, typer.Option("--issue", help="The Learning the Lessons issue number.")] = 39,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write here (default: NN-ID.yaml in --scenarios if given, else ./scenarios/).", show_default=False),
    ] = None,
) -> None:
    """Write a new scenario skeleton that validates, with a comment on every field."""
    from ltl_quiz.authoring.commands import new_scenario

    with errors():
        import os

        named = given(ctx).scenarios is not None or bool(os.environ.get("LTL_QUIZ_SCENARIOS"))
        typer.echo(fit(new_scenario(where(ctx), scenario_id, title, case_study, issue, out, named)), err=True)  # a message, wrapped


@commands.command()
def schema(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema to this file (default: print it).", show_default=False)
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of the scenario format, for editors' completion and checks."""
    from ltl_quiz.authoring.commands import write_schema

    with errors():
        typer.echo(write_schema(out), nl=out is not None)


@commands.command()
def graph(
    ctx: typer.Context,
    case: CaseArg,
    fmt: Annotated[
        Literal["text", "mermaid", "dot"], typer.Option("--format", help="text (for a terminal), mermaid or dot (Graphviz).")
    ] = "text",
    track: Annotated[Track | None, typer.Option(help="Only what this track (officer or manager) can reach.")] = None,
) -> None:
    """Show a scenario's map: nodes by type, options and points on edges, critical options, flags, endings' scores."""
    from ltl_quiz.authoring.commands import scenario_graph

    with errors():
        typer.echo(scenario_graph(where(ctx), case, fmt, track), nl=False)


@commands.command("test")
def test_cmd(
    ctx: typer.Context,
    case: Annotated[
        str | None, typer.Argument(help="Scenario id, case-study number or file (default with --strategies or --walk: every scenario).")
    ] = None,
    plan: Annotated[
        list[Path] | None, typer.Option("--plan", help="A test plan file (repeat for more); coverage is reported across them.")
    ] = None,
    walk: Annotated[
        int | None, typer.Option("--walk", help="Take N seeded random walks on each track and check each ends cleanly.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for --walk; the same seed takes the same walks.")] = 0,
    strategies: Annotated[
        bool, typer.Option("--strategies", help="Play the reading-free strategies (longest option, every box...); fail if any passes.")
    ] = False,
    track: Annotated[Track | None, typer.Option(help="Only runs and walks on this track.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run test plans (expected ending, score, pass), random walks and reading-free strategies; exit 1 on failure."""
    import json

    from ltl_quiz.authoring.commands import test_case

    with errors():
        reports = test_case(where(ctx), case, plan or [], walk, seed, track, strategies)
        if as_json:
            data = (
                reports[0].as_dict()
                if case is not None
                else {"ok": all(r.ok for r in reports), "scenarios": [r.as_dict() for r in reports]}
            )
            typer.echo(json.dumps(data, indent=2))
        else:
            typer.echo(for_stream("".join(r.text() for r in reports), sys.stdout), nl=False)
        if not all(r.ok for r in reports):
            raise typer.Exit(1)
