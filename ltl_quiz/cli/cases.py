"""The learner's commands: run, resume, list, show, history, abandon, support, where."""

from __future__ import annotations

from typing import Annotated

import typer

from ltl_quiz.cli.edge import errors, learner_terminal, print_json, renderer, where
from ltl_quiz.cli.options import AttemptArg, CaseArg, JsonOpt, LearnerIdOpt, Mode, NameOpt, PlainOpt, Track, UnitOfLearnerOpt
from ltl_quiz.cli_group import command_set

commands = command_set()


@commands.command()
def run(
    ctx: typer.Context,
    case: CaseArg,
    learner: LearnerIdOpt = None,
    name: NameOpt = None,
    unit: UnitOfLearnerOpt = None,
    track: Annotated[Track | None, typer.Option(help="officer or manager (default: the first the case offers).")] = None,
    mode: Annotated[Mode, typer.Option(help="practice (feedback as you go) or assessed (feedback in the debrief).")] = "practice",
    answers: Annotated[str | None, typer.Option(help="Run without prompts from a YAML map of node id to answer.")] = None,
    seed: Annotated[int | None, typer.Option(help="Fix the option order of an assessed attempt.")] = None,
    plain: PlainOpt = None,
) -> None:
    """Work through one case study: content note, decisions, debrief and key questions."""
    from ltl_quiz.app.attempts import run as take

    with errors():
        take(where(ctx), learner_terminal(ctx, plain, answers), case, (learner, name, unit), track, mode, seed)


@commands.command()
def resume(
    ctx: typer.Context,
    attempt: Annotated[str | None, typer.Argument(help="Attempt id or its first 8 characters (default: your latest unfinished).")] = None,
    answers: Annotated[str | None, typer.Option(help="Answer the remaining prompts from a YAML file.")] = None,
    plain: PlainOpt = None,
) -> None:
    """Carry on an attempt where it stopped."""
    from ltl_quiz.app.attempts import resume as carry_on

    with errors():
        carry_on(where(ctx), learner_terminal(ctx, plain, answers), attempt)


@commands.command("list")
def list_cmd(ctx: typer.Context, as_json: JsonOpt = False, plain: PlainOpt = None) -> None:
    """List the case studies: id, title, themes, tracks and minutes."""
    from ltl_quiz.app.listing import list_cases
    from ltl_quiz.ui.cases import warn

    with errors():
        cases = list_cases(where(ctx), warn)
        if as_json:
            print_json(cases.rows)
        else:
            from ltl_quiz.ui.cases import list_cases as draw

            draw(renderer(ctx, plain), cases)


@commands.command()
def show(
    ctx: typer.Context, case: Annotated[str, typer.Argument(help="Scenario id or case-study number.")], plain: PlainOpt = None
) -> None:
    """Describe one case study: summary, roles, content note and key questions."""
    from ltl_quiz.app.opening import load_case
    from ltl_quiz.ui.cases import show_case

    with errors():
        ui = renderer(ctx, plain)
        show_case(ui, load_case(where(ctx), case))


@commands.command()
def history(
    ctx: typer.Context,
    learner: Annotated[str | None, typer.Option(help="Staff number (default: the remembered learner; all learners if none).")] = None,
    as_json: JsonOpt = False,
    plain: PlainOpt = None,
) -> None:
    """List attempts, newest last, with status and score."""
    from ltl_quiz.app.listing import history as attempts

    with errors():
        ui = renderer(ctx, plain)
        done = attempts(where(ctx), learner, with_assignments=not as_json)
        if as_json:
            print_json(done.records)
            return
        for lead, text in done.entries():
            ui.item(lead, text)


@commands.command()
def abandon(
    ctx: typer.Context,
    attempt: AttemptArg,
    plain: PlainOpt = None,
) -> None:
    """Mark an unfinished attempt as abandoned, so it no longer waits to be resumed."""
    from ltl_quiz.app.attempts import abandon as give_up

    with errors():
        ui = renderer(ctx, plain)
        ui.say(give_up(where(ctx), attempt))


@commands.command()
def support(ctx: typer.Context, plain: PlainOpt = None) -> None:
    """Where to find support: the organisations listed in Learning the Lessons issue 39."""
    from ltl_quiz.ui.cases import support as organisations

    with errors():
        organisations(renderer(ctx, plain))


@commands.command("where")
def where_cmd(ctx: typer.Context, plain: PlainOpt = None) -> None:
    """Print the folders and database in use."""
    from ltl_quiz.app.listing import places

    ui = renderer(ctx, plain)
    with errors():
        for line in places(where(ctx)).lines():
            ui.say(line)
