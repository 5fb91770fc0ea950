"""The ``ltl-quiz`` command line: parse options, make one library call, turn our errors into exits.

Only typer is imported at module level so ``--help`` stays fast; each command imports what it
needs. Business logic lives in the library (``ltl_quiz.*``); nothing here decides anything.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="ltl-quiz",
    help="Scenario-based training from the IOPC's Learning the Lessons, issue 39 (child sexual abuse).\n\n"
    "Run with no command for the guided menu.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

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


class Ctx:
    """Options given before the command name, kept for the command that runs."""

    scenarios: Path | None = None
    db: str | None = None


_ctx = Ctx()


def _where() -> Any:
    from ltl_quiz.locations import resolve

    return resolve(_ctx.scenarios, _ctx.db)


def _ui(plain: bool | None) -> Any:
    from ltl_quiz.ui.render import Renderer, make_console, wants_plain

    is_plain = wants_plain(plain)
    return Renderer(make_console(is_plain), is_plain)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Our own exceptions become one clear line on stderr and an exit code; never a traceback."""
    from ltl_quiz.errors import LtlQuizError, ScenarioError
    from ltl_quiz.ui.prompts import Left

    try:
        yield
    except Left:  # Ctrl-C at a menu prompt, before any attempt exists
        typer.echo("Stopped before a case study began; nothing to save.", err=True)
        raise typer.Exit(130) from None
    except ScenarioError as exc:
        for problem in exc.problems or [exc]:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except LtlQuizError as exc:
        prefix = "" if exc.exit_code == 130 else "error: "
        typer.echo(f"{prefix}{exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    scenarios: ScenariosOpt = None,
    db: DbOpt = None,
    plain: PlainOpt = None,
) -> None:
    """Scenario-based training from the IOPC's Learning the Lessons, issue 39."""
    _ctx.scenarios, _ctx.db = scenarios, db
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
    track: Annotated[str | None, typer.Option(help="officer or manager (default: the first the case offers).")] = None,
    mode: Annotated[str, typer.Option(help="practice (feedback as you go) or assessed (feedback in the debrief).")] = "practice",
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
        who = actions.resolve_learner(where, learner, name, unit, prompter)
        actions.run_case(where, ui, case, who, track, mode, prompter, seed)


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
) -> None:
    """Check scenario files: schema, graph, flags, key questions; report paths and score ranges."""
    import json

    from ltl_quiz.validation import validate as run_validate

    with _errors():
        reports = run_validate(paths or [_where().scenarios])
        if as_json:
            typer.echo(
                json.dumps({"ok": not any(r.errors(strict) for r in reports), "files": [r.as_dict(strict) for r in reports]}, indent=2)
            )
        else:
            for r in reports:
                for p in r.problems:
                    typer.echo(f"{p.severity}: {p}", err=True)
                status = "ok" if not r.errors(strict) else "FAILED"
                typer.echo(f"{r.path}: {status}")
                for name, t in r.tracks.items():
                    typer.echo(f"  {name}: {t.paths} paths, {len(t.endings)} endings, score {t.min_score} to {t.max_score}")
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ltl-quiz")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
