"""Group sessions: session start, resume, host, join, report, list (issue 5)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import typer

from ltl_quiz.cli.edge import errors, given, renderer, where
from ltl_quiz.cli.options import CaseArg, JsonOpt, PlainOpt, Track, options_of
from ltl_quiz.cli_group import command_group

commands = command_group("session")


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


def places(ctx: typer.Context) -> AbstractContextManager[None]:
    """The hints these screens print name the store and scenarios given here (issue 13)."""
    from ltl_quiz.invocation import naming_places

    options = given(ctx)
    return naming_places(options.db, str(options.scenarios.resolve()) if options.scenarios else None)


NewSession = tuple[str, str, Path | None, list[str] | None, str | None, float | None]


def new_session(
    case: CaseArg,
    trainer: TrainerOpt,
    roster: RosterOpt = None,
    participant: ParticipantOpt = None,
    track: SessionTrackOpt = None,
    discussion_minutes: DiscussionOpt = None,
) -> NewSession:
    """What ``session start`` and ``session host`` are both given, in the order the actions take it."""
    return case, trainer, roster, participant, track, discussion_minutes


@commands.command("start")
@options_of(new_session, "new")
def session_start(ctx: typer.Context, new: NewSession, plain: PlainOpt = None) -> None:
    """Run a facilitated session on one screen: you record the room's answers as you go."""
    from ltl_quiz.cli import session_glue as actions

    with places(ctx), errors():
        actions.start(where(ctx), renderer(ctx, plain), *new)


@commands.command("host")
@options_of(new_session, "new")
def session_host(ctx: typer.Context, new: NewSession, plain: PlainOpt = None) -> None:
    """Host a live session: learners join from their own terminals and you control the pace."""
    from ltl_quiz.cli import session_glue as actions

    with places(ctx), errors():
        actions.host(where(ctx), renderer(ctx, plain), *new)


@commands.command("resume")
def session_resume(ctx: typer.Context, code: CodeArg, plain: PlainOpt = None) -> None:
    """Carry on a paused session (facilitated or live) from the step where it stopped."""
    from ltl_quiz.cli import session_glue as actions

    with places(ctx), errors():
        actions.resume(where(ctx), renderer(ctx, plain), code)


@commands.command("join")
def session_join(
    ctx: typer.Context,
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
    from ltl_quiz.cli import session_glue as actions

    with places(ctx), errors():
        actions.join(where(ctx), renderer(ctx, plain), code, learner, name, unit, answers, take_over)


@commands.command("report")
def session_report(ctx: typer.Context, code: CodeArg, as_json: JsonOpt = False, plain: PlainOpt = None) -> None:
    """Show a session's record: who took part, each distribution, branches followed, notes, reflections."""
    from ltl_quiz.cli import session_glue as actions

    with errors():
        actions.report(where(ctx), renderer(ctx, plain), code, as_json)


@commands.command("list")
def session_list(ctx: typer.Context, as_json: JsonOpt = False, plain: PlainOpt = None) -> None:
    """List the group sessions in the store, with their codes and status."""
    from ltl_quiz.cli import session_glue as actions

    with errors():
        actions.list_sessions(where(ctx), renderer(ctx, plain), as_json)
