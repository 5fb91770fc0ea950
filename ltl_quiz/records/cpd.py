"""A learner's CPD record of the case studies they completed, in the College of Policing's reflective style.

The College's CPD model rests on reflective practice: what the activity was, what I learned,
how I reflected on it and what I will do differently. Each completed attempt becomes one entry:
the activity, date and time spent, what the case was about, the learning outcomes, the learner's
own answers to the key questions, and the decisions they would make differently next time. The
record is data (``CpdRecord``), built here by ``build``; it is rendered as Markdown (for a CPD
portfolio or an e-mail, ``cpd_markdown.py``) or as a printable HTML page (``cpd_html.py``).

Every entry says only what is true of it. A group session is attendance and the learner's own
contributions, not an assessment: it has no score and no pass. A scripted run (``run --answers``)
is nobody's own work and stays out unless asked for, and is then marked. An empty reflection is
said to be empty, and no point is ever shown as covered by it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ltl_quiz.engine.state_machine import FACILITATED, GROUP_MODES
from ltl_quiz.errors import InputError
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.scenario.kinds import answer_kinds, kind_of, written_kinds
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.text import counted, one_line, percent

if TYPE_CHECKING:
    from pathlib import Path

    from ltl_quiz.locations import Locations
    from ltl_quiz.store import Store
    from ltl_quiz.store.rows import ExportedAnswer, ExportedAttempt

FORMATS = ("md", "html")
NO_ANSWER = "No answer was written to this question."
NOT_NEEDED = "I chose, but it was not needed"  # a chosen option said once, not as both chosen and not needed
# The scenario briefs the learner in the second person ("You are a call handler..."): the first-person
# record quotes that brief as the scenario's words rather than presenting it as the learner's own.
ROLE_LABEL = "My role, in the scenario's words"
UNCOVERED = "Points from the model answer I did not cover"  # model points are often case facts, not skills to develop
SCRIPTED_NOTE = "Answered from a script (run --answers), not at the prompts: this is not a record of the learner's own work."


@dataclass
class Reflection:
    question: str
    answer: str  # empty: no answer was written
    covered: list[str]
    missed: list[str]

    @property
    def written(self) -> bool:
        return bool(self.answer)


@dataclass
class Different:
    """A decision the learner would make differently: what they chose, what was recommended, and why."""

    prompt: str
    critical: bool
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, option text, why)


@dataclass
class Entry:
    attempt_id: str
    title: str
    kind: str  # individual | facilitated | live
    activity: str
    role: str
    date: str
    minutes: float
    about: list[str]
    real_case: str
    outcomes: list[str]
    guidance: list[str]
    force_lessons: list[str]
    reflections: list[Reflection]
    differently: list[Different]
    source_url: str | None
    note: str | None = None
    room_path: list[tuple[str, str]] = field(default_factory=list)  # group sessions: (decision, what the room chose, followed and why)
    scripted: bool = False
    competencies: dict[str, int] = field(default_factory=dict)
    track: str = ""
    passed: bool | None = None

    @property
    def in_group(self) -> bool:
        return self.kind in GROUP_MODES


@dataclass
class CpdRecord:
    learner_id: str
    name: str
    unit: str
    produced: str
    entries: list[Entry]
    total_minutes: float = 0.0
    scripted_left_out: int = 0
    sharing: str = ""  # whether the learner shares their reflections with a CPD lead, in words (the full record only)

    @property
    def completed(self) -> str:
        """How many case studies the record holds, saying how many of them were scripted (``--include-scripted``):
        "2", or "2, of which 1 scripted", so a header never counts a scripted run as the learner's own work."""
        return f"{len(self.entries)}{self.of_which_scripted}"

    @property
    def of_which_scripted(self) -> str:
        """", of which 1 scripted" after the count of entries, or nothing when none is scripted."""
        scripted = sum(1 for e in self.entries if e.scripted)
        return f", of which {scripted} scripted" if scripted else ""


def build(store: Store, library: ScenarioLibrary, learner_id: str, include_scripted: bool = False) -> CpdRecord:
    """The record of every completed attempt of ``learner_id``, oldest first (scripted runs only if asked)."""
    from ltl_quiz.store.queries import Filters, attempts_with_answers, minutes

    entries: list[Entry] = []
    name = unit = None
    seconds = 0.0
    chosen = Filters(learner=learner_id, status="completed", include_scripted=include_scripted)
    for attempt, answer_rows in attempts_with_answers(store, chosen):
        name, unit = attempt.learner_name, attempt.learner_unit
        seconds += attempt.active_seconds or 0.0
        entries.append(_entry(store, attempt, answer_rows, library))
    left_out = 0 if include_scripted else _scripted_count(store, learner_id)
    if not entries:
        if not store.attempts(learner_id):
            raise InputError(f"no learner '{learner_id}' in the results store; see 'ltl-quiz history' for staff numbers")
        if left_out:
            raise InputError(
                f"{learner_id} has no completed case study answered in person; {counted(left_out, 'scripted run')} "
                "(run --answers) left out; add --include-scripted to list them, marked as scripted"
            )
        raise InputError(f"{learner_id} has no completed case study yet; finish one (see 'ltl-quiz resume') and try again")
    produced = datetime.now().strftime("%d %B %Y").lstrip("0")
    return CpdRecord(learner_id, name or learner_id, unit or "", produced, entries, minutes(seconds), left_out)


def _scripted_count(store: Store, learner_id: str) -> int:
    from ltl_quiz.store.rows import SCRIPTED

    return sum(1 for a in store.attempts(learner_id, "completed") if a.how_answered == SCRIPTED)


def _entry(store: Store, attempt: ExportedAttempt, answer_rows: Sequence[ExportedAnswer], library: ScenarioLibrary) -> Entry:
    from ltl_quiz.exporters.rows import their_own
    from ltl_quiz.store.queries import minutes
    from ltl_quiz.store.rows import SCRIPTED

    scenario = library.get(attempt.scenario_id)
    kind = attempt.mode if attempt.mode in GROUP_MODES else "individual"
    note = None
    if scenario is None:
        note = f"The scenario file for '{attempt.scenario_id}' is no longer available, so this entry shows ids where wording would be."
    elif scenario.sha256 != attempt.scenario_sha256:
        note = f"The scenario has been edited since this attempt (version {attempt.scenario_version} then, {scenario.version} now); wording is today's."
    scripted = attempt.how_answered == SCRIPTED
    if scripted:
        note = " ".join(filter(None, [SCRIPTED_NOTE, note]))
    # only what the learner gave themselves is theirs to reflect on ("none" at a multi is theirs too)
    own = [r for r in answer_rows if their_own(r.mode, r.kind, r.option_ids, r.free_text, r.entered)]
    reflections = [_reflection(library, attempt.scenario_id, r) for r in own if r.kind in written_kinds()]
    choices = [r for r in own if r.kind in answer_kinds(answering="choose")]
    return Entry(
        attempt_id=attempt.id,
        title=attempt.scenario_title,
        kind=kind,
        activity=_activity(scenario, attempt, kind),
        role=one_line(scenario.role(attempt.track)) if scenario else "",
        date=_date(attempt.finished_at or attempt.started_at),
        minutes=minutes(attempt.active_seconds),
        about=[one_line(scenario.summary)] if scenario else [],
        real_case=one_line(scenario.case.what_happened) if scenario else "",
        outcomes=_outcomes(scenario, attempt, kind, len(choices)),
        guidance=[r.title for r in scenario.case.references if r.kind in ("legislation", "guidance", "policy", "research")]
        if scenario
        else [],
        force_lessons=[one_line(a) for a in scenario.case.force_actions] if scenario else [],
        reflections=reflections,
        differently=[d for r in choices for d in _different(scenario, r)],
        source_url=scenario.source.url if scenario else None,
        note=note,
        room_path=_room_path(store, attempt.session_code, scenario) if kind != "individual" else [],
        scripted=scripted,
        competencies=json.loads(attempt.competencies or "{}"),
        track=attempt.track,
        passed=None if kind != "individual" or attempt.passed is None else bool(attempt.passed),  # a group session has no verdict
    )


def _activity(scenario: Scenario | None, attempt: ExportedAttempt, kind: str) -> str:
    track = "officer and staff" if attempt.track == "officer" else "policy makers and managers"
    case = (
        f"{scenario.source.publication}, issue {scenario.source.issue} (IOPC), case study {scenario.source.case_study}"
        if scenario
        else attempt.scenario_title
    )
    if kind != "individual":
        when = _date(attempt.started_at)
        trainer = f" led by {attempt.trainer}" if attempt.trainer else ""
        how = (
            "I attended; the trainer recorded the room's answers."
            if kind == FACILITATED
            else "I took part from my own terminal while the trainer led the room."
        )
        return f"A {kind} group session on {when}{trainer} (session {attempt.session_code}): {case}, {track} track. {how}"
    mode = "practice (feedback after each decision)" if attempt.mode == "practice" else "assessed (feedback in the debrief)"
    return f"Scenario-based learning from {case}: {track} track, {mode}."


def _outcomes(scenario: Scenario | None, attempt: ExportedAttempt, kind: str, own_choices: int) -> list[str]:
    if kind != "individual":
        out = ["A group session is a record of attendance and discussion, not an assessment: it has no score and no pass or fail."]
        out.append(
            f"I gave my own answer at {counted(own_choices, 'decision')}; what I would do differently below comes from those answers only."
            if own_choices
            else "I gave no individual answer at a decision; the room decided together."
        )
        return out
    if attempt.passed is None:  # not completed: no verdict (the query leaves it empty)
        return ["This attempt has no verdict."]
    verdict = "passed" if attempt.passed else "not passed"
    pass_mark = f" against a pass mark of {percent(scenario.pass_mark)}" if scenario else ""
    share = f" ({percent(attempt.percentage)})" if attempt.percentage is not None else ""
    out = [f"I scored {attempt.score} of {attempt.best_score}{share}{pass_mark}: {verdict}."]
    critical = json.loads(attempt.critical_failures or "[]")
    if critical:
        out.append(
            "One or more of my choices was a critical safeguarding failure, which means the attempt could not pass whatever the score."
        )
    competencies = json.loads(attempt.competencies or "{}")
    shown = sorted((k, v) for k, v in competencies.items() if v > 0)
    weak = sorted(k for k, v in competencies.items() if v < 0)
    if shown:
        out.append("Competencies I demonstrated (points): " + ", ".join(f"{k.replace('_', ' ')} ({v})" for k, v in shown) + ".")
    if weak:
        out.append("Competencies to develop, where my choices lost points: " + ", ".join(k.replace("_", " ") for k in weak) + ".")
    return out


def _room_path(store: Store, session_code: str | None, scenario: Scenario | None) -> list[tuple[str, str]]:
    """Each decision the room took in the session: what the room chose, the branch the trainer followed, and why."""
    import sqlalchemy as sa

    if not session_code:
        return []
    steps = sa.table("session_steps", *(sa.column(c) for c in ("session_code", "seq", "kind", "key", "room_choice", "followed", "reason")))
    query = (
        sa.select(steps.c.key, steps.c.room_choice, steps.c.followed, steps.c.reason)
        .where(steps.c.session_code == session_code, steps.c.kind.in_(answer_kinds(answering="choose")))
        .order_by(steps.c.seq)
    )
    with store.reading() as conn:
        rows = conn.execute(query).all()
    path = []
    for key, choice, followed, reason in rows:
        node = scenario.nodes.get(key) if scenario else None
        chose, took = json.loads(choice or "[]"), json.loads(followed or "[]")
        said = f"The room followed: {_options(node, took)}"
        if chose and set(chose) != set(took):
            said = f"The room chose: {_options(node, chose)}. {said}, the trainer's call"
        elif chose:
            said += ", the room's own choice"
        said += f". The trainer's reason: {one_line(reason).rstrip(' .')}." if reason else "."
        path.append((one_line(node.prompt or key) if node else key, said))
    return path


def _options(node: Node | None, ids: list[str]) -> str:
    """Options in the case's words, a critical one marked: 'Tell the caller to ring 101 (critical)'."""
    by_id = {o.id: o for o in node.options} if node else {}
    said = [f"{one_line(by_id[i].text).rstrip(' .')}{' (critical)' if by_id[i].critical else ''}" if i in by_id else i for i in ids]
    return "; ".join(said) or "no option recorded"


def _reflection(library: ScenarioLibrary, scenario_id: str, row: ExportedAnswer) -> Reflection:
    q = library.key_question(scenario_id, row.node_id, row.kind)
    answer = (row.free_text or "").strip()
    ticked = set(json.loads(row.covered or "[]")) if answer else set()  # an empty answer covers nothing
    covered = [p for i, p in enumerate(q.model_points) if i in ticked]
    missed = [p for i, p in enumerate(q.model_points) if i not in ticked]
    return Reflection(q.text, answer, covered, missed)


def _different(scenario: Scenario | None, row: ExportedAnswer) -> list[Different]:
    chosen_ids = json.loads(row.option_ids or "[]")
    node: Node | None = scenario.nodes.get(row.node_id) if scenario else None
    if node is None:
        return []
    by_id = {o.id: o for o in node.options}
    recommended = node.recommended
    if set(chosen_ids) == set(recommended):
        return []

    def notes(label: str, ids: list[str], why: bool = True) -> list[tuple[str, str, str]]:
        return [(label, one_line(by_id[i].text), one_line(by_id[i].feedback) if why else "") for i in ids if i in by_id]

    critical = any(by_id[i].critical for i in chosen_ids if i in by_id)
    if kind_of(node.type).several:
        missed = [i for i in recommended if i not in chosen_ids]
        extra = [i for i in chosen_ids if i not in recommended]
        # each option said once: a chosen option that was not needed is not also listed as chosen
        found = notes("I chose", [i for i in chosen_ids if i in recommended], why=False) + notes(NOT_NEEDED, extra)
        found = found or [("I chose", "none of the options", "")]
        return [Different(one_line(node.prompt or node.id), critical, found + notes("Also needed", missed))]
    return [Different(one_line(node.prompt or node.id), critical, notes("I chose", chosen_ids) + notes("Next time", recommended))]


def _date(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%d %B %Y").lstrip("0")
    except ValueError:
        return stamp[:10]


def hours(minutes: float) -> str:
    """Time spent in words, from the same one-decimal minutes every record shows (see ``queries.minutes``)."""
    hours, mins = divmod(round(minutes * 10), 600)
    mins_text = counted(mins / 10, "minute")
    if not hours:
        return mins_text
    return counted(hours, "hour") + (f" {mins_text}" if mins else "")


def no_difference(e: Entry) -> str:
    if e.in_group and not any(o for o in e.outcomes if o.startswith("I gave my own answer")):
        return "The room decided together; I gave no individual answer to compare with the recommended one."
    return "I chose the recommended action at every decision. I will keep applying the same approach."


def render(record: CpdRecord, fmt: str, summary: bool = False) -> str:
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not known; use md or html")
    if summary:
        from ltl_quiz.records import cpd_summary

        return cpd_summary.to_markdown(record) if fmt == "md" else cpd_summary.to_html(record)
    if fmt == "md":
        from ltl_quiz.records.cpd_markdown import to_markdown

        return to_markdown(record)
    from ltl_quiz.records.cpd_html import to_html  # Jinja2 is imported only when a page is written

    return to_html(record)


def cpd(where: Locations, learner_id: str, fmt: str, out: Path | None, include_scripted: bool = False, summary: bool = False) -> str:
    """Build the record and write it to ``out`` (atomically) or return it for standard output."""
    from ltl_quiz.atomic import write_text
    from ltl_quiz.store import Store

    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not known; use md or html")
    with Store(where.db_url) as store:
        record = build(store, ScenarioLibrary(where.scenarios), learner_id.strip(), include_scripted)
        record.sharing = _sharing(store, record.learner_id)
        text = render(record, fmt, summary)
    if out is not None:
        write_text(out, text)
    return text


def _sharing(store: Store, learner_id: str) -> str:
    """The learner's decision on sharing their reflections, as their record says it."""
    from ltl_quiz.store.consent import current

    decision = current(store, learner_id)
    if decision is None or not decision.shares:
        since = f" (my choice, {_date(decision.decided_at)})" if decision else " (the default)"
        return f"kept to myself, not shared with a CPD lead{since}; '--share-reflections yes' shares them."
    return f"shared with a CPD lead since {_date(decision.decided_at)}; '--share-reflections no' withdraws them."


def share_reflections(where: Locations, learner_id: str, shares: bool) -> str:
    """Record the learner's choice to share their written reflections with a CPD lead (or to withdraw it)."""
    from ltl_quiz.store import Store
    from ltl_quiz.store.consent import decide

    with Store(where.db_url) as store:
        return decide(store, learner_id.strip(), shares).line()
