"""The ``ltl-quiz`` command line: parse options, make one library call, turn our errors into exits.

Only typer is imported at module level so ``--help`` stays fast; each command imports what it
needs. Business logic lives in the library (``ltl_quiz.*``); nothing here decides anything.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ltl_quiz.cli_group import Group
from ltl_quiz.text import for_stream

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="ltl-quiz",
    cls=Group,
    help="Scenario-based training from the IOPC's Learning the Lessons, issue 39 (child sexual abuse).\n\n"
    "Run with no command for the guided menu.",
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)


# Allowed values as Literal types: usage shows them ([officer|manager]) and a wrong one is a usage error (exit 2).
Track = Literal["officer", "manager"]
Mode = Literal["practice", "assessed"]

ScenariosOpt = Annotated[
    Path | None, typer.Option("--scenarios", help="Folder of scenario files (or LTL_QUIZ_SCENARIOS).", show_default=False)
]
DbOpt = Annotated[str | None, typer.Option("--db", help="Results store URL, any SQLAlchemy URL (or LTL_QUIZ_DB).", show_default=False)]
PlainOpt = Annotated[
    bool | None,
    typer.Option(
        "--plain/--rich",
        help="Plain output: no colour, no boxes, numbered choices. Default: plain when NO_COLOR is set or output is not a terminal.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


FollowLinksOpt = Annotated[
    bool, typer.Option("--follow-links", help="Also use scenario files that are symbolic links to outside the scenarios folder.")
]


class Ctx:
    """Options given before the command name, kept for the command that runs."""

    scenarios: Path | None = None
    db: str | None = None
    follow_links: bool = False
    plain: bool | None = None
    create: bool = False


_ctx = Ctx()


def _where(create: bool = False) -> Any:
    """The places in use; a scenarios folder or a store's folder that does not exist is a usage error."""
    import os

    from ltl_quiz.locations import missing_places, resolve

    where = resolve(_ctx.scenarios, _ctx.db, follow_links=_ctx.follow_links)
    db_given = bool(_ctx.db or os.environ.get("LTL_QUIZ_DB"))
    for option, message in missing_places(where, db_given, create or _ctx.create):
        raise typer.BadParameter(message, param_hint=f"'{option}'")
    return where


def _ui(plain: bool | None) -> Any:
    from ltl_quiz.ui.render import Renderer, make_console, wants_plain

    is_plain = wants_plain(plain if plain is not None else _ctx.plain)
    return Renderer(make_console(is_plain), is_plain)


def _fit(message: str) -> str:
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
def _errors() -> Iterator[None]:
    """Our own exceptions become one clear line on stderr and an exit code; never a traceback."""
    from ltl_quiz.errors import Left, LtlQuizError, ScenarioError

    try:
        yield
    except Left as exc:  # Ctrl-C or a closed terminal: what was kept and how to carry on, not an error
        typer.echo(_fit(str(exc)), err=True)
        raise typer.Exit(exc.exit_code) from None
    except ScenarioError as exc:
        for line in [f"error: {problem}" for problem in exc.problems] or [_fit(f"error: {exc}")]:
            typer.echo(line, err=True)
        raise typer.Exit(exc.exit_code) from None
    except LtlQuizError as exc:
        typer.echo(_fit(f"error: {exc}"), err=True)
        raise typer.Exit(exc.exit_code) from None


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
    _ctx.scenarios, _ctx.db, _ctx.follow_links, _ctx.plain, _ctx.create = scenarios, db, follow_links, plain, create
    if ctx.invoked_subcommand is None:
        from ltl_quiz.ui import actions

        with _errors():
            ui = _ui(plain)
            actions.menu(_where(), ui, actions.prompter_for(ui, None))


@app.command()
def run(
    case: Annotated[str, typer.Argument(help="Scenario id, case-study number or file.")],
    learner: Annotated[str | None, typer.Option(help="Staff number (remembered after first use).")] = None,
    name: Annotated[str | None, typer.Option(help="Learner's name.")] = None,
    unit: Annotated[str | None, typer.Option(help="Force and unit.")] = None,
    track: Annotated[Track | None, typer.Option(help="officer or manager (default: the first the case offers).")] = None,
    mode: Annotated[Mode, typer.Option(help="practice (feedback as you go) or assessed (feedback in the debrief).")] = "practice",
    answers: Annotated[str | None, typer.Option(help="Run without prompts from a YAML map of node id to answer.")] = None,
    seed: Annotated[int | None, typer.Option(help="Fix the option order of an assessed attempt.")] = None,
    plain: PlainOpt = None,
) -> None:
    """Work through one case study: content note, decisions, debrief and key questions."""
    from ltl_quiz.ui import actions

    with _errors():
        ui = _ui(plain)
        where = _where()
        prompter = actions.prompter_for(ui, answers)
        who, say_who = actions.learner_for_run(where, learner, name, unit, prompter)
        actions.run_case(where, ui, case, who, track, mode, prompter, seed, say_who)


@app.command()
def resume(
    attempt: Annotated[str | None, typer.Argument(help="Attempt id or its first 8 characters (default: your latest unfinished).")] = None,
    answers: Annotated[str | None, typer.Option(help="Answer the remaining prompts from a YAML file.")] = None,
    plain: PlainOpt = None,
) -> None:
    """Carry on an attempt where it stopped."""
    from ltl_quiz.ui import actions

    with _errors():
        ui = _ui(plain)
        actions.resume(_where(), ui, attempt, actions.prompter_for(ui, answers))


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Scenario files or folders (default: the scenarios folder).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    as_json: JsonOpt = False,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Check scenario files: schema, graph, flags, key questions; report paths and score ranges."""
    import json

    from ltl_quiz.scenario.validation import longest_overall, summary_lines
    from ltl_quiz.scenario.validation import validate as run_validate

    with _errors():
        reports = run_validate(paths or [_where().scenarios], follow_links or _ctx.follow_links)
        if as_json:
            hits, total = longest_overall(reports)
            data = {"ok": not any(r.errors(strict) for r in reports), "files": [r.as_dict(strict) for r in reports]}
            typer.echo(json.dumps({**data, "best_is_longest": {"decisions": total, "longest": hits}}, indent=2))
        else:
            for r in reports:
                for p in r.problems:
                    typer.echo(f"{p.severity}: {p}", err=True)
                typer.echo("\n".join(r.lines(strict)))
            for line in summary_lines(reports):
                typer.echo(line)
        if any(r.errors(strict) for r in reports):
            raise typer.Exit(1)


@app.command("list")
def list_cmd(as_json: JsonOpt = False, plain: PlainOpt = None) -> None:
    """List the case studies: id, title, themes, tracks and minutes."""
    from ltl_quiz.ui import actions

    with _errors():
        actions.list_cases(_where(), _ui(plain), as_json)


@app.command()
def show(case: Annotated[str, typer.Argument(help="Scenario id or case-study number.")], plain: PlainOpt = None) -> None:
    """Describe one case study: summary, roles, content note and key questions."""
    from ltl_quiz.ui import actions

    with _errors():
        actions.show_case(_where(), _ui(plain), case)


@app.command()
def history(
    learner: Annotated[str | None, typer.Option(help="Staff number (default: the remembered learner; all learners if none).")] = None,
    as_json: JsonOpt = False,
    plain: PlainOpt = None,
) -> None:
    """List attempts, newest last, with status and score."""
    from ltl_quiz.ui import actions

    with _errors():
        actions.history(_where(), _ui(plain), learner, as_json)


@app.command()
def abandon(
    attempt: Annotated[str, typer.Argument(help="Attempt id or its first 8 characters.")],
    plain: PlainOpt = None,
) -> None:
    """Mark an unfinished attempt as abandoned, so it no longer waits to be resumed."""
    from ltl_quiz.ui import actions

    with _errors():
        actions.abandon(_where(), _ui(plain), attempt)


@app.command()
def support(plain: PlainOpt = None) -> None:
    """Where to find support: the organisations listed in Learning the Lessons issue 39."""
    from ltl_quiz.ui import actions

    actions.support(_ui(plain))


@app.command()
def where(plain: PlainOpt = None) -> None:
    """Print the folders and database in use."""
    from ltl_quiz.ui import actions

    actions.where_info(_where(), _ui(plain))


# -- authoring: new, schema, graph, test (issue 7) ------------------------------------------------


@app.command()
def new(
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

    with _errors():
        import os

        given = _ctx.scenarios is not None or bool(os.environ.get("LTL_QUIZ_SCENARIOS"))
        typer.echo(_fit(new_scenario(_where(), scenario_id, title, case_study, issue, out, given)), err=True)  # a message, wrapped


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema to this file (default: print it).", show_default=False)
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of the scenario format, for editors' completion and checks."""
    from ltl_quiz.authoring.commands import write_schema

    with _errors():
        typer.echo(write_schema(out), nl=out is not None)


@app.command()
def graph(
    case: Annotated[str, typer.Argument(help="Scenario id, case-study number or file.")],
    fmt: Annotated[
        Literal["text", "mermaid", "dot"], typer.Option("--format", help="text (for a terminal), mermaid or dot (Graphviz).")
    ] = "text",
    track: Annotated[Track | None, typer.Option(help="Only what this track (officer or manager) can reach.")] = None,
) -> None:
    """Show a scenario's map: nodes by type, options and points on edges, critical options, flags, endings' scores."""
    from ltl_quiz.authoring.commands import scenario_graph

    with _errors():
        typer.echo(scenario_graph(_where(), case, fmt, track), nl=False)


@app.command("test")
def test_cmd(
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

    with _errors():
        reports = test_case(_where(), case, plan or [], walk, seed, track, strategies)
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


# -- completion records: export, lrs push, cpd, report (issue 4) ------------------------------------

SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only attempts begun on or after this date (YYYY-MM-DD).", show_default=False)
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Only attempts begun on or before this date (YYYY-MM-DD).", show_default=False)
]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", help="Only this scenario id.", show_default=False)]
LearnerOpt = Annotated[str | None, typer.Option("--learner", help="Only this staff number.", show_default=False)]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="Only learners whose unit contains this text (any case).", show_default=False)]
SessionOpt = Annotated[
    str | None, typer.Option("--session", help="Only attempts made in this group session (its code).", show_default=False)
]
StatusOpt = Annotated[
    Literal["completed", "in-progress", "abandoned"] | None,
    typer.Option("--status", help="Only attempts that are completed, in-progress or abandoned.", show_default=False),
]
PassedOpt = Annotated[
    bool | None, typer.Option("--passed/--failed", help="Only completed attempts that passed (or failed).", show_default=False)
]
PseudonymiseOpt = Annotated[
    bool,
    typer.Option(
        "--pseudonymise",
        help="Replace staff numbers (and trainers) with keyed pseudonyms and drop names; the key stays in the local config.",
    ),
]
IncludeScriptedOpt = Annotated[
    bool,
    typer.Option("--include-scripted", help="Count attempts answered from a file (run --answers) too; they are left out by default."),
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


def _filters(**options: Any) -> Any:
    """Parsed filters; a bad date is a usage error (exit 2), said in one line."""
    from ltl_quiz.errors import InputError
    from ltl_quiz.store.queries import Filters

    try:
        return Filters.parse(**options)
    except InputError as exc:
        typer.echo(_fit(f"error: {exc}"), err=True)
        raise typer.Exit(2) from None


@app.command("export")
def export_cmd(
    fmt: Annotated[
        Literal["csv", "xlsx", "json", "jsonl", "xapi"],
        typer.Option("--format", "-f", help="csv, xlsx, json, jsonl or xapi."),
    ] = "csv",
    what: Annotated[
        Literal["completions", "answers", "reflections"],
        typer.Option("--what", help="completions, answers or reflections (an xlsx workbook has all three)."),
    ] = "completions",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False)
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    scenario: ScenarioOpt = None,
    learner: LearnerOpt = None,
    unit: UnitOpt = None,
    session: SessionOpt = None,
    status: StatusOpt = None,
    passed: PassedOpt = None,
    pseudonymise: PseudonymiseOpt = False,
    home_page: HomePageOpt = None,
    plain: PlainOpt = None,
) -> None:
    """Export attempts, answers or reflections as csv, xlsx, json, jsonl or xAPI statements."""
    from ltl_quiz.exporters import ExportRequest, export
    from ltl_quiz.ui.progress import progress_bar

    with _errors():
        filters = _filters(
            since=since, until=until, scenario=scenario, learner=learner, unit=unit, session=session, status=status, passed=passed
        )
        request = ExportRequest(fmt, what, filters, out, pseudonymise, home_page)
        with progress_bar("Exporting", plain if plain is not None else _ctx.plain) as ticker:
            done = export(_where(), request, ticker)
        if out is not None:
            typer.echo(f"Wrote {done.rows} {'statements' if fmt == 'xapi' else 'rows'} to {out}", err=True)
        _say_withheld(*done.withheld)


def _say_withheld(learners: int, reflections: int) -> None:
    """On stderr, how many learners' reflections were left out of what a CPD lead receives, and why."""
    from ltl_quiz.store.consent import withheld_line

    if learners:
        typer.echo(_fit(withheld_line(learners, reflections)), err=True)


lrs_app = typer.Typer(help="Send xAPI statements to a learning record store (LRS).", no_args_is_help=True, add_completion=False, cls=Group)
app.add_typer(lrs_app, name="lrs")


@lrs_app.command("push")
def lrs_push(
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
    since: SinceOpt = None,
    until: UntilOpt = None,
    scenario: ScenarioOpt = None,
    learner: LearnerOpt = None,
    unit: UnitOpt = None,
    session: SessionOpt = None,
    status: StatusOpt = None,
    passed: PassedOpt = None,
    pseudonymise: PseudonymiseOpt = False,
    home_page: HomePageOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Send the statements the LRS has not yet accepted, in batches, retrying transient failures."""
    import json

    from ltl_quiz.errors import LtlQuizError
    from ltl_quiz.lrs import Endpoint, PushReport, push

    with _errors():
        filters = _filters(
            since=since, until=until, scenario=scenario, learner=learner, unit=unit, session=session, status=status, passed=passed
        )
        try:
            done = push(_where(), Endpoint.checked(endpoint, user, password), filters, pseudonymise, home_page, batch_size, retries)
        except LtlQuizError as exc:
            if as_json:  # a machine reading stdout learns of the failure too, with what was sent before it
                typer.echo(json.dumps({"error": str(exc), **vars(getattr(exc, "report", None) or PushReport())}, indent=2))
            raise
        _say_withheld(done.withheld_learners, done.withheld_reflections)
        if as_json:
            typer.echo(json.dumps(vars(done), indent=2))
        else:
            voided = f" {done.voided} of them void statements the store no longer supports." if done.voided else ""
            typer.echo(
                f"Sent {done.sent} new statements in {done.batches} batches to {done.endpoint}; {done.already} it had already.{voided}"
            )


@app.command("cpd")
def cpd_cmd(
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

    with _errors():
        if share is not None:
            typer.echo(_fit(share_reflections(_where(), learner, share == "yes")), err=True)
            return
        text = cpd(_where(), learner, fmt, out, include_scripted, summary)
        if out is None:
            typer.echo(for_stream(text, sys.stdout), nl=False)
        else:
            typer.echo(f"Wrote {out}", err=True)


@app.command("report")
def report_cmd(
    since: SinceOpt = None,
    until: UntilOpt = None,
    scenario: ScenarioOpt = None,
    learner: LearnerOpt = None,
    unit: UnitOpt = None,
    session: SessionOpt = None,
    status: StatusOpt = None,
    passed: PassedOpt = None,
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
    from ltl_quiz.records.report import report

    with _errors():
        filters = _filters(
            since=since,
            until=until,
            scenario=scenario,
            learner=learner,
            unit=unit,
            session=session,
            status=status,
            passed=passed,
            include_scripted=include_scripted,
        )
        report(_where(), filters, _ui(plain), as_json, html, attempts)


# -- group sessions: session start, resume, host, join, report, list (issue 5) ----------------------

session_app = typer.Typer(
    help="Group sessions for trainers: a room works through a case together, on one screen or live.",
    no_args_is_help=True,
    add_completion=False,
    cls=Group,
)
app.add_typer(session_app, name="session")

TrainerOpt = Annotated[str, typer.Option("--trainer", help="The trainer's name, as the records should show it.")]
RosterOpt = Annotated[
    Path | None, typer.Option("--roster", help="CSV of the room: staff number, name, unit (one person a line).", show_default=False)
]
ParticipantOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--participant",
        help="Someone in the room: a staff number already in the store, or 'STAFF,NAME,UNIT'. Repeat for each person.",
        show_default=False,
    ),
]
SessionTrackOpt = Annotated[Track | None, typer.Option("--track", help="officer or manager (default: the first the case offers).")]
DiscussionOpt = Annotated[
    float | None,
    typer.Option("--discussion-minutes", help="A countdown for the room's discussion of each key question.", show_default=False),
]
CodeArg = Annotated[str, typer.Argument(help="The session's join code, as the trainer's screen shows it.")]


@session_app.command("start")
def session_start(
    case: Annotated[str, typer.Argument(help="Scenario id, case-study number or file.")],
    trainer: TrainerOpt,
    roster: RosterOpt = None,
    participant: ParticipantOpt = None,
    track: SessionTrackOpt = None,
    discussion_minutes: DiscussionOpt = None,
    plain: PlainOpt = None,
) -> None:
    """Run a facilitated session on one screen: you record the room's answers as you go."""
    from ltl_quiz import cli_sessions as actions

    with _errors():
        actions.start(_where(), _ui(plain), case, trainer, roster, participant, track, discussion_minutes)


@session_app.command("host")
def session_host(
    case: Annotated[str, typer.Argument(help="Scenario id, case-study number or file.")],
    trainer: TrainerOpt,
    roster: RosterOpt = None,
    participant: ParticipantOpt = None,
    track: SessionTrackOpt = None,
    discussion_minutes: DiscussionOpt = None,
    plain: PlainOpt = None,
) -> None:
    """Host a live session: learners join from their own terminals and you control the pace."""
    from ltl_quiz import cli_sessions as actions

    with _errors():
        actions.host(_where(), _ui(plain), case, trainer, roster, participant, track, discussion_minutes)


@session_app.command("resume")
def session_resume(code: CodeArg, plain: PlainOpt = None) -> None:
    """Carry on a paused session (facilitated or live) from the step where it stopped."""
    from ltl_quiz import cli_sessions as actions

    with _errors():
        actions.resume(_where(), _ui(plain), code)


@session_app.command("join")
def session_join(
    code: CodeArg,
    learner: Annotated[str | None, typer.Option(help="Staff number (remembered after first use).")] = None,
    name: Annotated[str | None, typer.Option(help="Learner's name.")] = None,
    unit: Annotated[str | None, typer.Option(help="Force and unit.")] = None,
    answers: Annotated[str | None, typer.Option(help="Answer from a YAML map of node id to answer instead of prompts.")] = None,
    take_over: Annotated[
        bool,
        typer.Option(
            "--take-over", help="Take your place from another terminal joined as you (one that died, or a computer you left); it stops."
        ),
    ] = False,
    plain: PlainOpt = None,
) -> None:
    """Join a live session from your own terminal, with the code the trainer shows."""
    from ltl_quiz import cli_sessions as actions

    with _errors():
        actions.join(_where(), _ui(plain), code, learner, name, unit, answers, take_over)


@session_app.command("report")
def session_report(code: CodeArg, as_json: JsonOpt = False, plain: PlainOpt = None) -> None:
    """Show a session's record: who took part, each distribution, branches followed, notes, reflections."""
    from ltl_quiz import cli_sessions as actions

    with _errors():
        actions.report(_where(), _ui(plain), code, as_json)


@session_app.command("list")
def session_list(as_json: JsonOpt = False, plain: PlainOpt = None) -> None:
    """List the group sessions in the store, with their codes and status."""
    from ltl_quiz import cli_sessions as actions

    with _errors():
        actions.list_sessions(_where(), _ui(plain), as_json)


# -- the results store: db status, upgrade, backup; sync; merge (issue 6) ---------------------------

db_app = typer.Typer(
    help="Look after the results store (SQLite or PostgreSQL): status, upgrade, backup.",
    no_args_is_help=True,
    add_completion=False,
    cls=Group,
)
app.add_typer(db_app, name="db")


def _print_lines(result: Any, as_json: bool) -> None:
    import json

    typer.echo(json.dumps(result.as_dict(), indent=2, default=str) if as_json else "\n".join(result.lines()))


@db_app.command("status")
def db_status(as_json: JsonOpt = False) -> None:
    """Show the store in use (never its password), its migrations, its record counts and the journal. Changes nothing."""
    from ltl_quiz.store import admin

    with _errors():
        where = _where()
        _print_lines(admin.status(where.db_url, where.journal_dir), as_json)


@db_app.command("upgrade")
def db_upgrade(as_json: JsonOpt = False) -> None:
    """Apply the migrations the store lacks (every command also does this when it opens the store)."""
    import json

    from ltl_quiz.store import admin

    with _errors():
        applied = admin.upgrade(_where(create=True).db_url)
        if as_json:
            typer.echo(json.dumps({"applied": applied}))
        else:
            typer.echo(f"Applied {len(applied)} migrations: {', '.join(applied)}." if applied else "The store is up to date.")


@db_app.command("backup")
def db_backup(
    dest: Annotated[
        Path | None, typer.Argument(help="The backup file to write (default: backups/ltl-quiz-<time>.sqlite3 in the home).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy the whole store, as it is at one moment, into a new SQLite file (safe while terminals write)."""
    from ltl_quiz.store import admin

    with _errors():
        where = _where()
        _print_lines(admin.backup(where.db_url, dest, where.home), as_json)


@db_app.command("forget")
def db_forget(
    staff_number: Annotated[str, typer.Argument(metavar="STAFF_NUMBER", help="The person to erase.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be erased; change nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person's records from the store, this computer's journal and config; keep an audit line (not whose)."""
    from ltl_quiz.store import Store
    from ltl_quiz.store.erasure import forget

    with _errors():
        where = _where()
        store = Store(where.db_url)
        try:
            _print_lines(forget(store, staff_number.strip(), dry_run, where.journal_dir, where.config_file), as_json)
        finally:
            store.close()


@db_app.command("purge")
def db_purge(
    before: Annotated[str, typer.Option("--before", help="Erase attempts begun, and sessions created, before this date (YYYY-MM-DD).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be erased; change nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Apply a retention period: erase every record older than a date (assignments stay); keep an audit line."""
    from ltl_quiz.compliance.periods import parse_date
    from ltl_quiz.store import Store
    from ltl_quiz.store.erasure import purge

    with _errors():
        day = parse_date(before, "--before").isoformat()
        where = _where()
        store = Store(where.db_url)
        try:
            _print_lines(purge(store, day, dry_run, where.journal_dir), as_json)
        finally:
            store.close()


@app.command()
def sync(
    any_store: Annotated[bool, typer.Option("--any-store", help="Also send attempts journalled for another store to this one.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Send the attempts this computer journalled while the store could not be reached. Safe to run twice."""
    from ltl_quiz.store import journal

    with _errors():
        where = _where()
        report = journal.sync_into(where.db_url, where.journal_dir, any_store)
        _print_lines(report, as_json)
        if report.problems:
            raise typer.Exit(1)


@app.command()
def merge(
    other_db: Annotated[str, typer.Argument(help="The other store: a SQLite file or a database URL.")],
    as_json: JsonOpt = False,
) -> None:
    """Bring another store's attempts into this one (learners matched by staff number), never what was erased here.
    Conflicts are reported, never overwritten."""
    from ltl_quiz.store import merge as merging

    with _errors():
        report = merging.merge_into(_where().db_url, other_db)
        _print_lines(report, as_json)
        if report.conflicts or report.refused:
            raise typer.Exit(1)


# -- compliance: assign, compliance, certificate, verify (issue 15) ----------------------------------


@app.command()
def assign(
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
) -> None:
    """Assign cases to a unit, a roster or learners, with a due date, track, mode and renewal interval."""
    from ltl_quiz.compliance.actions import Who
    from ltl_quiz.compliance.actions import assign as do_assign

    with _errors():
        typer.echo(do_assign(_where(), cases, Who(unit, roster, tuple(learner or ())), due, track, mode, every, allow_sessions), err=True)


@app.command()
def compliance(
    unit: UnitOpt = None,
    due_within: Annotated[
        str | None, typer.Option("--due-within", help="Only who is due, overdue or expiring within N days (e.g. 30d).", show_default=False)
    ] = None,
    fmt: Annotated[
        Literal["table", "csv", "json", "xlsx", "html", "ics"],
        typer.Option("--format", "-f", help="table, csv, json, xlsx, html or ics (reminders for your mail system)."),
    ] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False)
    ] = None,
) -> None:
    """Who is complete, due, overdue or expiring on each assigned case, with totals per unit and case."""
    from ltl_quiz.compliance.actions import compliance as report

    with _errors():
        n = report(_where(), unit, due_within, fmt, out)
        if out is not None:
            typer.echo(f"Wrote {n} lines to {out}", err=True)


@app.command()
def certificate(
    attempt: Annotated[str, typer.Argument(help="Attempt id or its first 8 characters.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="FILE.html (print-ready) or FILE.pdf (needs WeasyPrint).", show_default=False)
    ] = None,
) -> None:
    """A printable certificate of completion for one attempt, with a code anyone can verify."""
    from ltl_quiz.records.certificate_page import to_html, write
    from ltl_quiz.records.certificates import issue

    with _errors():
        issued = issue(_where(), attempt)
        if out is None:
            typer.echo(to_html(issued.fields, issued.code), nl=False)
        else:
            write(issued.fields, issued.code, out)
            typer.echo(f"Wrote the certificate to {out}; verification code {issued.code}", err=True)


@app.command()
def verify(
    code: Annotated[str, typer.Argument(help="The verification code printed on the certificate.")],
    name: Annotated[str | None, typer.Option("--name", help="The name printed on it.", show_default=False)] = None,
    staff_number: Annotated[str | None, typer.Option("--staff-number", help="The staff number printed on it.", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", help="The completion date printed on it.", show_default=False)] = None,
    score: Annotated[str | None, typer.Option("--score", help="The score printed on it, e.g. '42/50 (84%)'.", show_default=False)] = None,
    cert_file: Annotated[
        Path | None, typer.Option("--certificate", help="Check every field of a certificate's HTML file.", show_default=False)
    ] = None,
) -> None:
    """Say whether a certificate is genuine and current (exit 0), not genuine (1) or expired (2)."""
    from ltl_quiz.records.certificates import verify as check

    with _errors():
        claimed = {"name": name, "staff_number": staff_number, "date": date, "score": score}
        typer.echo("\n".join(check(_where(), code, claimed, cert_file).lines()))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ltl-quiz")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
