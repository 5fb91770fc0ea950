"""What each terminal command does, as plain functions the thin CLI calls with parsed options."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from ltl_quiz import config
from ltl_quiz.config import Learner
from ltl_quiz.errors import AnswersError, InputError, ScenarioError
from ltl_quiz.locations import Locations, redact
from ltl_quiz.scenario.catalogue import summaries
from ltl_quiz.support import SUPPORT
from ltl_quiz.ui.prompts import PlainPrompter, Prompter, QuestionaryPrompter, ScriptedPrompter, load_answers

if TYPE_CHECKING:
    from collections.abc import Callable

    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.ui.render import Renderer


def prompter_for(ui: Renderer, answers_file: str | None) -> Prompter:
    if answers_file:
        return ScriptedPrompter(load_answers(answers_file), answers_file, ui.say)
    return PlainPrompter(ui.say) if ui.plain else QuestionaryPrompter()


def check_answers(scenario: Scenario, track: str, prompter: ScriptedPrompter) -> None:
    """Every problem with an answers file at once, before the case starts and before any record."""
    from ltl_quiz.engine.answers_check import answers_problems

    if track not in scenario.audiences:
        return  # the engine names the track problem itself
    problems = answers_problems(scenario, track, prompter.answers)
    if problems:
        listed = "".join(f"\n  {p}" for p in problems)
        raise AnswersError(f"{prompter.source}: {len(problems)} problem{'s' if len(problems) > 1 else ''}, nothing started:{listed}")


def load_case(where: Locations, case: str) -> Scenario:
    """The scenario a learner named, fully checked (the loader is imported only when needed)."""
    from ltl_quiz.scenario.loader import find_scenario, load_scenario

    return load_scenario(find_scenario(where.scenarios, case))


def open_store(where: Locations) -> Any:
    from ltl_quiz.store import Store  # SQLAlchemy is heavy: only commands that need it pay for it

    return Store(where.db_url)


def open_attempt_store(where: Locations, say: Any = None) -> Any:
    """The store for taking attempts: if it cannot be reached, this computer's journal stands in (issue 6)."""
    from ltl_quiz.store.journal import OfflineSafeStore

    return OfflineSafeStore.open(where.db_url, where.journal_dir, say or (lambda _line: None))


def resolve_learner(where: Locations, learner_id: str | None, name: str | None, unit: str | None, ask: Prompter | None) -> Learner:
    """The learner from the options, else the remembered one, else asked (and then remembered)."""
    remembered = config.remembered_learner(where.config_file)
    if learner_id:
        learner_id = config.check_learner_id(learner_id)
        if remembered and remembered.id == learner_id:
            learner = Learner(learner_id, name or remembered.name, unit if unit is not None else remembered.unit)
        elif name:
            learner = Learner(learner_id, name, unit or "")
        elif known := _stored_learner(where, learner_id):
            learner = Learner(learner_id, known.name, unit if unit is not None else known.unit)
        else:
            raise InputError(f"learner {learner_id} is new here: give --name (and --unit) too")
    elif remembered and not _someone_else(remembered, ask):
        learner = Learner(remembered.id, name or remembered.name, unit if unit is not None else remembered.unit)
    elif ask is not None and not isinstance(ask, ScriptedPrompter):
        learner = ask_learner(ask, known=lambda staff: _known_learner(where, staff))
    else:
        raise InputError("who is taking part? give --learner STAFF_NUMBER --name NAME (and --unit UNIT)")
    config.remember_learner(where.config_file, learner)
    return learner


def _someone_else(remembered: Learner, ask: Prompter | None) -> bool:
    """On a shared account or PC the remembered learner may be a colleague (issue 13): say whom
    the record is for, and let a person at the terminal say it is not them."""
    if ask is None or isinstance(ask, ScriptedPrompter):
        return False
    who = remembered.described
    return not ask.confirm("learner_is_me", f"This will be recorded for {who}. Is that you? (No: enter your own details)", True)


def learner_for_run(where: Locations, learner_id: str | None, name: str | None, unit: str | None, ask: Prompter) -> tuple[Learner, bool]:
    """The learner for ``run``, and whether to say whom the attempt is recorded for (issue 13: typed
    details were never said back), unless "This will be recorded for ... Is that you?" just did."""
    remembered = config.remembered_learner(where.config_file)
    asked = learner_id is None and remembered is not None and not isinstance(ask, ScriptedPrompter)
    learner = resolve_learner(where, learner_id, name, unit, ask)
    return learner, not (asked and remembered is not None and learner.described == remembered.described)


def _known_learner(where: Locations, learner_id: str) -> Learner | None:
    """The stored learner with this staff number, or None when there is none or the store cannot
    be read just now (then the name is asked, as for anyone new; the store's own error comes when
    the attempt is saved)."""
    try:
        return _stored_learner(where, learner_id)
    except Exception:  # a lookup to confirm who someone is must never stop them
        return None


def _stored_learner(where: Locations, learner_id: str) -> Learner | None:
    """A learner this store already knows, e.g. a colleague who used this terminal before."""
    store = open_attempt_store(where)
    try:
        return store.learner(learner_id)
    finally:
        store.close()


def ask_learner(ask: Prompter, say: Any = print, known: Callable[[str], Learner | None] | None = None) -> Learner:
    """Who is taking part, asked once at the terminal (the answer is remembered by the caller).

    A staff number the store already holds is confirmed by that person's name instead of taking a
    new name: a mistyped number (a colleague's, at the next computer in a live session) used to
    rename the colleague's record and merge the two people into one."""
    while True:
        staff = ask.text("learner_id", "Your staff number (it identifies your records):").strip()
        try:
            staff = config.check_learner_id(staff)
        except InputError as exc:
            say(str(exc))
            continue
        stored = known(staff) if known else None
        if stored is None:
            break
        unit = f" ({stored.unit})" if stored.unit else ""
        if ask.confirm(
            "learner_known", f"{staff} is {stored.name}{unit} in the records. Is that you? (No: type your own staff number)", True
        ):
            return stored
    name = ""
    while not name:
        name = ask.text("learner_name", "Your name:").strip()
    unit = ask.text("learner_unit", "Your force and unit (for example 'North Yorkshire, control room'):").strip()
    return Learner(staff, name, unit)


def run_case(
    where: Locations,
    ui: Renderer,
    case: str,
    learner: Learner,
    track: str | None,
    mode: str,
    prompter: Prompter,
    seed: int | None = None,
    say_who: bool = False,
) -> Any:
    """One attempt; ``say_who`` says whom it is recorded for once the case is sure to start."""
    from ltl_quiz.ui.runner import Runner

    scenario = load_case(where, case)
    track = track or scenario.audiences[0]
    if isinstance(prompter, ScriptedPrompter):
        check_answers(scenario, track, prompter)
    if say_who:
        ui.say(f"Recording for {learner.described}.")
    store = open_attempt_store(where, ui.say)
    runner = Runner(store, scenario, ui, prompter)
    try:
        return runner.start(learner, track, mode, seed)
    except AnswersError:  # a file the check passed that still fails: no attempt left waiting to be resumed
        if getattr(runner, "attempt_id", None):
            store.abandon(runner.attempt_id)
        raise
    finally:
        store.close()


def resume(where: Locations, ui: Renderer, attempt: str | None, prompter: Prompter) -> Any:
    from ltl_quiz.ui.runner import Runner

    store = open_attempt_store(where, ui.say)
    try:
        row = _attempt_to_resume(store, where, attempt)
        scenario = load_case(where, row.scenario_id)
        if scenario.sha256 != row.scenario_sha256:
            if scenario.version != row.scenario_version:
                raise InputError(
                    f"{scenario.id} has changed from version {row.scenario_version} to {scenario.version} since attempt {row.id[:8]} began; start a new attempt"
                )
            ui.say(f"Note: {scenario.id} has been edited since this attempt began (same version {scenario.version}).")
        who = Learner(row.learner_id, row.learner_name, row.learner_unit)
        return Runner(store, scenario, ui, prompter).resume(row.id, row.state, who)
    finally:
        store.close()


def abandon(where: Locations, ui: Renderer, attempt: str) -> None:
    store = open_store(where)
    try:
        row = store.attempt(attempt)
        if row.status != "in-progress":
            raise InputError(f"attempt {row.id[:8]} is {row.status}; only an in-progress attempt can be abandoned")
        store.abandon(row.id)
    finally:
        store.close()
    ui.say(f"Attempt {row.id[:8]} ({row.scenario_id}) is marked abandoned. Its answers are kept.")


def _attempt_to_resume(store: Any, where: Locations, attempt: str | None) -> Any:
    if attempt:
        row = store.attempt(attempt)
    else:
        learner = config.remembered_learner(where.config_file)
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


def _offered(where: Locations) -> list[dict[str, Any]]:
    """The cases a learner may be offered; one line on standard error about each file left out."""
    catalogue = summaries(where.scenarios, where.cache_file, where.follow_links)
    for line in catalogue.skipped:
        print(f"warning: {line}", file=sys.stderr)
    return catalogue.rows


def list_cases(where: Locations, ui: Renderer, as_json: bool) -> None:
    rows = _offered(where)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        ui.say(f"No scenarios in {where.scenarios}.")
        return
    if ui.plain:
        for r in rows:
            ui.say(f"{r['case_study']}. {r['id']}: {r['title']}")
            ui.say(f"   tracks: {', '.join(r['tracks'])}; about {r['minutes']} minutes; themes: {', '.join(r['themes'])}")
        return
    from rich.table import Table

    table = Table(title="Learning the Lessons, issue 39: case studies")
    for col in ("#", "id", "title", "themes", "tracks", "min"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["case_study"]), r["id"], r["title"], ", ".join(r["themes"]), ", ".join(r["tracks"]), str(r["minutes"]))
    ui.console.print(table)


def show_case(where: Locations, ui: Renderer, case: str) -> Scenario:
    scenario = load_case(where, case)
    ui.heading(f"Case study {scenario.source.case_study}: {scenario.title}")
    ui.say(scenario.summary.strip())
    ui.say("")
    ui.say(f"id: {scenario.id}  version: {scenario.version}  about {scenario.minutes} minutes  pass mark {scenario.pass_mark}%")
    ui.say(f"Themes: {', '.join(scenario.themes)}")
    for track in scenario.audiences:
        ui.say(f"{track.capitalize()} track: {scenario.roles[track].strip()}")
    ui.say(f"Learning report: {scenario.source.url}")
    ui.block("Content note", scenario.content_note, style="yellow")
    for track in scenario.audiences:
        ui.heading(f"Key questions for the {track} track")
        for kq in scenario.key_questions(track):
            ui.say(f"- {kq.question.strip()}")
    return scenario


def history(where: Locations, ui: Renderer, learner_id: str | None, as_json: bool) -> None:
    store = open_store(where)
    try:
        if learner_id is None:
            remembered = config.remembered_learner(where.config_file)
            learner_id = remembered.id if remembered else None
        rows = store.attempts(learner_id)
    finally:
        store.close()
    records = [
        {
            "attempt": r.id,
            "learner": r.learner_id,
            "name": r.learner_name,
            "scenario": r.scenario_id,
            "track": r.track,
            "mode": r.mode,
            "status": r.status,
            "started": r.started_at,
            "finished": r.finished_at,
            "how_answered": r.how_answered,
            # only a completed attempt has a verdict: an unfinished one shows no score and no pass
            "score": r.score if r.has_verdict else None,
            "best": r.best_score,
            "percentage": r.percentage if r.has_verdict else None,
            "passed": r.passed if r.has_verdict else None,
        }
        for r in rows
    ]
    if as_json:
        print(json.dumps(records, indent=2))
        return
    if learner_id is not None:
        from ltl_quiz.compliance.actions import own_assignments

        for case, note in sorted(own_assignments(where, learner_id).items()):
            ui.say(f"Assigned: {case}: {note}")
    if not records:
        whose = "" if learner_id is None else f" for {learner_id}"
        ui.say(f"No attempts yet{whose} in the store {redact(where.db_url)}.")
        return
    for r in records:
        outcome = "passed" if r["passed"] else ("not passed" if r["passed"] is False else "")
        score = f"{r['score']}/{r['best']} ({r['percentage']:g}%) {outcome}".strip() if r["passed"] is not None else ""
        ui.say(
            f"{r['attempt'][:8]}  {r['started'][:16].replace('T', ' ')}  {r['learner']}  {r['scenario']} ({r['track']}, {r['mode']})  {r['status']}  {score}".rstrip()
        )


def support(ui: Renderer) -> None:
    ui.heading("Support and information (Learning the Lessons, issue 39)")
    ui.say("If anything in these cases has affected you, you are not alone. These organisations can help.")
    for group, services in SUPPORT.items():
        ui.heading(group)
        for s in services:
            ui.say(f"{s.name}: {s.url}", "bold")
            ui.say(f"  {s.about}")


def where_info(where: Locations, ui: Renderer) -> dict[str, str]:
    info = {"home": str(where.home), "scenarios": str(where.scenarios), "database": redact(where.db_url), "config": str(where.config_file)}
    for key, value in info.items():
        ui.say(f"{key}: {value}")
    return info


def _assigned(where: Locations, learner_id: str, ui: Renderer) -> dict[str, str]:
    """The learner's assignments by case, said once before the cases are offered."""
    from ltl_quiz.compliance.actions import own_assignments

    notes = own_assignments(where, learner_id)
    if notes:
        ui.say("Assigned to you: " + "; ".join(f"{case} {note}" for case, note in sorted(notes.items())) + ".")
    return notes


def menu(where: Locations, ui: Renderer, prompter: Prompter) -> Any:
    """The guided menu: who, which case, which track, which mode; or carry on an unfinished attempt."""
    learner = resolve_learner(where, None, None, None, prompter)
    ui.say(f"Welcome, {learner.described}.")
    store = open_attempt_store(where, ui.say)
    try:
        unfinished = [r for r in store.attempts(learner.id, status="in-progress") if not r.session_code]
    finally:
        store.close()
    if unfinished:
        last = max(unfinished, key=lambda r: r.updated_at)
        label = f"Carry on {last.scenario_title} ({last.track}, started {last.started_at[:10]})"
        pick = prompter.select("menu_resume", "You have an unfinished attempt.", [("resume", label), ("new", "Start a case study")])
        if pick == "resume":
            return resume(where, ui, last.id, prompter)
    rows = _offered(where)
    if not rows:
        raise ScenarioError([])
    assigned = _assigned(where, learner.id, ui)
    case = prompter.select(
        "menu_case",
        "Which case study?",
        [
            (
                r["id"],
                f"{r['title']} (case study {r['case_study']}, about {r['minutes']} min)"
                + (f": {assigned[r['id']]}" if r["id"] in assigned else ""),
            )
            for r in rows
        ],
    )
    tracks = next(r["tracks"] for r in rows if r["id"] == case)
    labels = {
        "officer": "Officer and staff: the decisions as they happened",
        "manager": "Policy makers and managers: supervision, policy and training",
    }
    track = prompter.select("menu_track", "Which track?", [(t, labels.get(t, t)) for t in tracks])
    mode = prompter.select(
        "menu_mode",
        "Which mode?",
        [("practice", "Practice: feedback after each decision"), ("assessed", "Assessed: feedback in the debrief")],
    )
    return run_case(where, ui, case, learner, track, mode, prompter)
