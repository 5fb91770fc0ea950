"""Taking a case: run one, carry one on, abandon one, and the guided menu that leads to them.

The rules live here (which attempt is resumed, when a changed scenario refuses a resume, that a
failing answers file leaves no attempt waiting); the terminal that plays the case is passed in.
"""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

from ltl_quiz import config
from ltl_quiz.app.learners import learner_for_run, resolve_learner
from ltl_quiz.app.listing import offered
from ltl_quiz.app.opening import load_case, open_attempt_store, open_store
from ltl_quiz.app.ports import FromFile, Terminal
from ltl_quiz.config import Learner
from ltl_quiz.errors import AnswersError, InputError, ScenarioError
from ltl_quiz.text import counted

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.store.journal import OfflineSafeStore
    from ltl_quiz.store.rows import AttemptRow


def check_answers(scenario: Scenario, track: str, answers: FromFile) -> None:
    """Every problem with an answers file at once, before the case starts and before any record."""
    from ltl_quiz.engine.answers_check import answers_problems

    if track not in scenario.audiences:
        return  # the engine names the track problem itself
    problems = answers_problems(scenario, track, answers.answers)
    if problems:
        listed = "".join(f"\n  {p}" for p in problems)
        raise AnswersError(f"{answers.source}: {counted(len(problems), 'problem')}, nothing started:{listed}")


def run_case(
    where: Locations,
    terminal: Terminal,
    scenario: Scenario,
    learner: Learner,
    track: str | None,
    mode: str,
    seed: int | None = None,
    say_who: bool = False,
) -> object:
    """One attempt; ``say_who`` says whom it is recorded for once the case is sure to start."""
    track = track or scenario.audiences[0]
    if isinstance(terminal.prompter, FromFile):
        check_answers(scenario, track, terminal.prompter)
    if say_who:
        terminal.say(f"Recording for {learner.described}.")
    with closing(open_attempt_store(where, terminal.say)) as store:
        runner = terminal.runner(store, scenario)
        try:
            return runner.start(learner, track, mode, seed)
        except AnswersError:  # a file the check passed that still fails: no attempt left waiting to be resumed
            if runner.attempt_id:
                store.abandon(runner.attempt_id)
            raise


def run(
    where: Locations,
    terminal: Terminal,
    case: str,
    learner: tuple[str | None, str | None, str | None],
    track: str | None,
    mode: str,
    seed: int | None = None,
) -> object:
    """``ltl-quiz run``: who takes part (staff number, name, unit as given, else remembered or
    asked), said back unless just confirmed, then one attempt at ``case``."""
    scenario = load_case(where, case)  # a misspelt id is said before "Is that you?" is asked (issue 13)
    who, say_who = learner_for_run(where, *learner, terminal.prompter)
    return run_case(where, terminal, scenario, who, track, mode, seed, say_who)


def resume(where: Locations, terminal: Terminal, attempt: str | None) -> object:
    """Carry on an attempt where it stopped; refused when its scenario's version has changed since."""
    with closing(open_attempt_store(where, terminal.say)) as store:
        row = _attempt_to_resume(store, where, attempt)
        scenario = load_case(where, row.scenario_id)
        if scenario.sha256 != row.scenario_sha256:
            if scenario.version != row.scenario_version:
                raise InputError(
                    f"{scenario.id} has changed from version {row.scenario_version} to {scenario.version} since attempt {row.id[:8]} began; start a new attempt"
                )
            terminal.say(f"Note: {scenario.id} has been edited since this attempt began (same version {scenario.version}).")
        who = Learner(row.learner_id, row.learner_name, row.learner_unit)
        return terminal.runner(store, scenario).resume(row.id, row.state, who)


def abandon(where: Locations, attempt: str) -> str:
    """Mark an in-progress attempt abandoned; the line that says so."""
    with open_store(where) as store:
        row = store.attempt(attempt)
        if row.status != "in-progress":
            raise InputError(f"attempt {row.id[:8]} is {row.status}; only an in-progress attempt can be abandoned")
        store.abandon(row.id)
    return f"Attempt {row.id[:8]} ({row.scenario_id}) is marked abandoned. Its answers are kept."


def _attempt_to_resume(store: OfflineSafeStore, where: Locations, attempt: str | None) -> AttemptRow:
    if attempt:
        row = store.attempt(attempt)
    else:
        learner = config.remembered_learner(where.config_file, where.db_url)
        rows = [r for r in store.attempts(learner.id if learner else None, status="in-progress") if not r.session_code]
        if not rows:
            raise InputError("no attempt to carry on; start one with 'ltl-quiz run CASE'")
        row = max(rows, key=lambda r: r.updated_at)
    if row.session_code:  # a group session's record follows the room: it is carried on by rejoining (issue 5)
        raise InputError(
            f"attempt {row.id[:8]} is part of group session {row.session_code} and follows the room; a live session is rejoined with 'ltl-quiz session join {row.session_code}'"
        )
    if row.status != "in-progress":
        raise InputError(f"attempt {row.id[:8]} is {row.status}; only an in-progress attempt can be resumed")
    return row


TRACK_LABELS = {
    "officer": "Officer and staff: the decisions as they happened",
    "manager": "Policy makers and managers: supervision, policy and training",
}
MODE_CHOICES = [("practice", "Practice: feedback after each decision"), ("assessed", "Assessed: feedback in the debrief")]


def menu(where: Locations, terminal: Terminal) -> object:
    """The guided menu: who, which case, which track, which mode; or carry on an unfinished attempt."""
    ask = terminal.prompter
    learner = resolve_learner(where, None, None, None, ask)
    terminal.say(f"Welcome, {learner.described}.")
    with closing(open_attempt_store(where, terminal.say)) as store:
        unfinished = [r for r in store.attempts(learner.id, status="in-progress") if not r.session_code]
    if unfinished:
        last = max(unfinished, key=lambda r: r.updated_at)
        label = f"Carry on {last.scenario_title} ({last.track}, started {last.started_at[:10]})"
        pick = ask.select("menu_resume", "You have an unfinished attempt.", [("resume", label), ("new", "Start a case study")])
        if pick == "resume":
            return resume(where, terminal, last.id)
    rows = offered(where, terminal.warn)
    if not rows:
        raise ScenarioError([])
    assigned = _assigned(where, learner.id, terminal)
    choices = [
        (
            r["id"],
            f"{r['title']} (case study {r['case_study']}, about {r['minutes']} min)"
            + (f": {assigned[r['id']]}" if r["id"] in assigned else ""),
        )
        for r in rows
    ]
    case = ask.select("menu_case", "Which case study?", choices)
    tracks = next(r["tracks"] for r in rows if r["id"] == case)
    track = ask.select("menu_track", "Which track?", [(t, TRACK_LABELS.get(t, t)) for t in tracks])
    mode = ask.select("menu_mode", "Which mode?", MODE_CHOICES)
    return run_case(where, terminal, load_case(where, case), learner, track, mode)


def _assigned(where: Locations, learner_id: str, terminal: Terminal) -> dict[str, str]:
    """The learner's assignments by case, said once before the cases are offered."""
    from ltl_quiz.app.compliance import own_assignments

    notes = own_assignments(where, learner_id)
    if notes:
        terminal.say("Assigned to you: " + "; ".join(f"{case} {note}" for case, note in sorted(notes.items())) + ".")
    return notes
