"""The ``ltl-quiz session`` commands' glue: the terminals they run on, passed to the app layer, and
what is printed for people or for ``--json``. ``cli/sessions.py`` parses the options and calls these."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ltl_quiz.app import sessions as app
from ltl_quiz.cli.edge import print_json
from ltl_quiz.locations import Locations

if TYPE_CHECKING:
    from ltl_quiz.sessions.rows import ParticipantRow, SessionRow
    from ltl_quiz.ui.render import Renderer

    # where, ui, case, trainer, roster, participants, track, discussion minutes: as cli.py passes them
    NewSessionCommand = Callable[
        [Locations, Renderer, str, str, Path | None, list[str] | None, str | None, float | None], SessionRow | None
    ]


def _creating(run: Callable[[Locations, app.NewSession, app.TrainerScreens], SessionRow | None], doc: str) -> NewSessionCommand:
    """``session start`` and ``session host`` take the same options and differ in what the app runs."""

    def command(
        where: Locations,
        ui: Renderer,
        case: str,
        trainer: str,
        roster: Path | None,
        participants: list[str] | None,
        track: str | None,
        minutes: float | None,
    ) -> SessionRow | None:
        from ltl_quiz.ui.sessions.screens import TrainerTerminal

        return run(where, app.NewSession(case, trainer, roster, participants, track, minutes), TrainerTerminal(ui))

    command.__doc__ = doc
    return command


start = _creating(app.start, "``session start``: a facilitated session on the trainer's screen.")
host = _creating(app.host, "``session host``: a live session, learners at their own terminals.")


def resume(where: Locations, ui: Renderer, code: str) -> SessionRow | None:
    """``session resume``: carry on a paused session on the trainer's screen."""
    from ltl_quiz.ui.sessions.screens import TrainerTerminal

    return app.resume(where, code, TrainerTerminal(ui))


def join(
    where: Locations,
    ui: Renderer,
    code: str,
    learner_id: str | None,
    name: str | None,
    unit: str | None,
    answers: str | None,
    take_over: bool = False,
) -> ParticipantRow | None:
    """``session join``: a learner follows a live session from their own terminal."""
    from ltl_quiz.ui.sessions.screens import LearnerTerminal

    return app.join(where, app.Joining(code, learner_id, name, unit, take_over), LearnerTerminal(ui, answers))


def report(where: Locations, ui: Renderer, code: str, as_json: bool) -> None:
    """``session report``: the record as JSON, or drawn for people."""
    record = app.report(where, code)
    if as_json:
        print_json(record.as_dict())
    else:
        from ltl_quiz.ui.sessions.record import show
        from ltl_quiz.ui.sessions.view import SessionView

        show(SessionView(ui), record.scenario, record.as_dict())


def list_sessions(where: Locations, ui: Renderer, as_json: bool) -> None:
    """``session list``: the sessions as JSON (a list), or one line each."""
    listed = app.list_sessions(where)
    if as_json:
        print_json(listed.records())
    else:
        for text in listed.lines():
            ui.say(text)
