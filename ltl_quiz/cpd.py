"""A learner's CPD record of the case studies they completed, in the College of Policing's reflective style.

The College's CPD model rests on reflective practice: what the activity was, what I learned,
how I reflected on it and what I will do differently. Each completed attempt becomes one entry:
the activity, date and time spent, what the case was about, the learning outcomes, the learner's
own answers to the key questions, and the decisions they would make differently next time. The
record comes as Markdown (for a CPD portfolio or an e-mail) or as a printable HTML page.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ltl_quiz.errors import InputError
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.model import Node, Scenario
from ltl_quiz.text import one_line

FORMATS = ("md", "html")


@dataclass
class Reflection:
    question: str
    answer: str
    covered: list[str]
    missed: list[str]


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
    activity: str
    role: str
    date: str
    minutes: int
    about: list[str]
    real_case: str
    outcomes: list[str]
    guidance: list[str]
    force_lessons: list[str]
    reflections: list[Reflection]
    differently: list[Different]
    source_url: str | None
    note: str | None = None
    competencies: dict[str, int] = field(default_factory=dict)


@dataclass
class CpdRecord:
    learner_id: str
    name: str
    unit: str
    produced: str
    entries: list[Entry]

    @property
    def total_minutes(self) -> int:
        return sum(e.minutes for e in self.entries)


def build(store: Any, library: ScenarioLibrary, learner_id: str) -> CpdRecord:
    """The record of every completed attempt of ``learner_id``, oldest first."""
    from ltl_quiz.store.queries import Filters, attempts_with_answers

    entries: list[Entry] = []
    name = unit = None
    for attempt, answer_rows in attempts_with_answers(store, Filters(learner=learner_id, status="completed")):
        name, unit = attempt.learner_name, attempt.learner_unit
        entries.append(_entry(attempt, answer_rows, library))
    if not entries:
        known = [a for a in store.attempts(learner_id)]
        if not known:
            raise InputError(f"no learner '{learner_id}' in the results store; see 'ltl-quiz history' for staff numbers")
        raise InputError(f"{learner_id} has no completed case study yet; finish one (see 'ltl-quiz resume') and try again")
    produced = datetime.now().strftime("%d %B %Y").lstrip("0")
    return CpdRecord(learner_id, name or learner_id, unit or "", produced, entries)


def _entry(attempt: Any, answer_rows: list[Any], library: ScenarioLibrary) -> Entry:
    scenario = library.get(attempt.scenario_id)
    minutes = max(1, math.ceil((attempt.active_seconds or 0) / 60))
    when = _date(attempt.finished_at or attempt.started_at)
    note = None
    if scenario is None:
        note = f"The scenario file for '{attempt.scenario_id}' is no longer available, so this entry shows ids where wording would be."
    elif scenario.sha256 != attempt.scenario_sha256:
        note = f"The scenario has been edited since this attempt (version {attempt.scenario_version} then, {scenario.version} now); wording is today's."
    return Entry(
        attempt_id=attempt.id,
        title=attempt.scenario_title,
        activity=_activity(scenario, attempt),
        role=one_line(scenario.roles.get(attempt.track, "")) if scenario else "",  # type: ignore[call-overload]
        date=when,
        minutes=minutes,
        about=[one_line(scenario.summary)] if scenario else [],
        real_case=one_line(scenario.case.what_happened) if scenario else "",
        outcomes=_outcomes(scenario, attempt),
        guidance=[r.title for r in scenario.case.references if r.kind in ("legislation", "guidance", "policy", "research")]
        if scenario
        else [],
        force_lessons=[one_line(a) for a in scenario.case.force_actions] if scenario else [],
        reflections=[_reflection(library, attempt.scenario_id, r) for r in answer_rows if r.kind in ("reflection", "key_question")],
        differently=[d for r in answer_rows if r.kind in ("decision", "multi") for d in _different(scenario, r)],
        source_url=scenario.source.url if scenario else None,
        note=note,
        competencies=json.loads(attempt.competencies or "{}"),
    )


def _activity(scenario: Scenario | None, attempt: Any) -> str:
    mode = "practice (feedback after each decision)" if attempt.mode == "practice" else "assessed (feedback in the debrief)"
    track = "officer and staff" if attempt.track == "officer" else "policy makers and managers"
    if scenario is None:
        return f"Scenario-based learning: {attempt.scenario_title}, {track} track, {mode}."
    src = scenario.source
    session = (
        f" Group session {attempt.session_code}" + (f" led by {attempt.trainer}." if attempt.trainer else ".")
        if attempt.session_code
        else ""
    )
    return f"Scenario-based learning from {src.publication}, issue {src.issue} (IOPC), case study {src.case_study}: {track} track, {mode}.{session}"


def _outcomes(scenario: Scenario | None, attempt: Any) -> list[str]:
    verdict = "passed" if attempt.passed else "not passed"
    pass_mark = f" against a pass mark of {scenario.pass_mark}%" if scenario else ""
    out = [f"I scored {attempt.score} of {attempt.best_score} ({attempt.percentage:g}%){pass_mark}: {verdict}."]
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


def _reflection(library: ScenarioLibrary, scenario_id: str, row: Any) -> Reflection:
    q = library.key_question(scenario_id, row.node_id, row.kind)
    ticked = set(json.loads(row.covered or "[]"))
    covered = [p for i, p in enumerate(q.model_points) if i in ticked]
    missed = [p for i, p in enumerate(q.model_points) if i not in ticked]
    return Reflection(q.text, (row.free_text or "").strip(), covered, missed)


def _different(scenario: Scenario | None, row: Any) -> list[Different]:
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
    if node.type == "multi":
        missed = [i for i in recommended if i not in chosen_ids]
        extra = [i for i in chosen_ids if i not in recommended]
        found = notes("I chose", chosen_ids, why=False) or [("I chose", "none of the options", "")]
        return [Different(one_line(node.prompt or node.id), critical, found + notes("Also needed", missed) + notes("Not needed", extra))]
    return [Different(one_line(node.prompt or node.id), critical, notes("I chose", chosen_ids) + notes("Next time", recommended))]


def _listed(texts: list[str], empty: str = "none of the options") -> str:
    """Option texts as one sentence: joined by semicolons, ending in exactly one full stop."""
    joined = "; ".join(t.rstrip(" .") for t in texts) or empty
    return joined + "."


def _date(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%d %B %Y").lstrip("0")
    except ValueError:
        return stamp[:10]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _hours(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if not hours:
        return _plural(mins, "minute")
    return _plural(hours, "hour") + (f" {_plural(mins, 'minute')}" if mins else "")


# -- Markdown ---------------------------------------------------------------------------------------
def to_markdown(record: CpdRecord) -> str:
    lines = [
        f"# CPD record: {record.name}",
        "",
        f"Staff number: {record.learner_id}  ",
        *([f"Unit: {record.unit}  "] if record.unit else []),
        f"Produced: {record.produced} by ltl-quiz  ",
        f"Case studies completed: {len(record.entries)}; time spent: {_hours(record.total_minutes)}",
        "",
    ]
    for n, e in enumerate(record.entries, 1):
        lines += [
            f"## {n}. {e.title}",
            "",
            f"**Activity:** {e.activity}  ",
            f"**Date:** {e.date}  ",
            f"**Time spent:** {_hours(e.minutes)}",
            "",
        ]
        if e.note:
            lines += [f"> {e.note}", ""]
        if e.role:
            lines += [f"**My role in the scenario:** {e.role}", ""]
        if e.about:
            lines += ["### What the case was about", "", *[p + "\n" for p in e.about]]
        if e.real_case:
            lines += ["What happened in the real case:", "", e.real_case, ""]
        lines += ["### Learning outcomes", "", *[f"- {o}" for o in e.outcomes], ""]
        if e.guidance:
            lines += ["Guidance and legislation the case draws on:", "", *[f"- {g}" for g in e.guidance], ""]
        if e.force_lessons:
            lines += ["What the force changed after the real case:", "", *[f"- {a}" for a in e.force_lessons], ""]
        lines += ["### My reflections on the key questions", ""]
        for r in e.reflections:
            lines += [f"**{r.question}**", "", _quote(r.answer or "(no answer written)"), ""]
            if r.covered:
                lines += ["Points my answer covered:", "", *[f"- {p}" for p in r.covered], ""]
            if r.missed:
                lines += ["Points to develop:", "", *[f"- {p}" for p in r.missed], ""]
        lines += ["### What I would do differently", ""]
        if not e.differently:
            lines += ["I chose the recommended action at every decision. I will keep applying the same approach.", ""]
        for d in e.differently:
            lines += [f"- **{d.prompt}**" + (" (critical safeguarding failure)" if d.critical else "")]
            lines += [f"  {label}: {option.rstrip(' .')}." + (f" {why}" if why else "") for label, option, why in d.notes]
        lines += ["", f"Source: {e.source_url or 'not available'}. Attempt {e.attempt_id}.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


# -- HTML -------------------------------------------------------------------------------------------
CSS = """
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; line-height: 1.45; margin: 0; background: #f3f4f6; }
main { max-width: 820px; margin: 24px auto; background: #fff; padding: 32px 40px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
header { border-bottom: 4px solid #1f3864; padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 8px; color: #1f3864; }
h2 { font-size: 20px; margin: 28px 0 6px; color: #1f3864; }
.entry + .entry { border-top: 1px solid #c9ced6; margin-top: 28px; }
details summary { font-weight: bold; cursor: pointer; margin: 6px 0; }
ul.points { font-size: 14px; margin-top: 0; }
ul.covered li::marker { content: "✓  "; color: #2e7d32; }
ul.missed li::marker { content: "→  "; color: #b26a00; }
h3 { font-size: 15px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #3d4b5c; }
dl.facts { display: grid; grid-template-columns: 150px 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { font-weight: bold; color: #3d4b5c; }
dl.facts dd { margin: 0; }
blockquote { margin: 6px 0 8px; padding: 8px 12px; border-left: 4px solid #8faadc; background: #f4f7fc; white-space: pre-wrap; }
.note { padding: 8px 12px; background: #fff4ce; border-left: 4px solid #c99a00; }
.critical { color: #a4262c; font-weight: bold; }
.points { font-size: 14px; color: #333; margin: 2px 0; }
ul { margin: 4px 0 8px; padding-left: 22px; }
li { margin: 3px 0; }
.entry { break-inside: avoid-page; }
.different li { margin-bottom: 8px; }
.why { color: #3d4b5c; }
footer, .source { font-size: 12px; color: #555; }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; padding: 0; max-width: none; } h2 { break-after: avoid; } .entry { break-before: page; } .entry:first-of-type { break-before: auto; } }
"""


def to_html(record: CpdRecord) -> str:
    e_ = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>CPD record: {e_(record.name)}</title><style>{CSS}</style></head><body><main>",
        "<header>",
        f"<h1>CPD record: {e_(record.name)}</h1>",
        '<dl class="facts">',
        f"<dt>Staff number</dt><dd>{e_(record.learner_id)}</dd>",
        *([f"<dt>Unit</dt><dd>{e_(record.unit)}</dd>"] if record.unit else []),
        f"<dt>Case studies</dt><dd>{len(record.entries)} completed</dd>",
        f"<dt>Time spent</dt><dd>{_hours(record.total_minutes)}</dd>",
        f"<dt>Produced</dt><dd>{e_(record.produced)} by ltl-quiz</dd>",
        "</dl></header>",
    ]
    for n, entry in enumerate(record.entries, 1):
        parts.append(_entry_html(n, entry))
    parts.append(
        "<footer><p>Reflective record in the College of Policing's CPD style. Keep it with your CPD portfolio and discuss it at your PDR.</p></footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _entry_html(n: int, e: Entry) -> str:
    x = html.escape
    out = [f'<section class="entry"><h2>{n}. {x(e.title)}</h2>', '<dl class="facts">']
    out += [
        f"<dt>Activity</dt><dd>{x(e.activity)}</dd>",
        f"<dt>Date</dt><dd>{x(e.date)}</dd>",
        f"<dt>Time spent</dt><dd>{_hours(e.minutes)}</dd>",
    ]
    if e.role:
        out.append(f"<dt>My role</dt><dd>{x(e.role)}</dd>")
    out.append("</dl>")
    if e.note:
        out.append(f'<p class="note">{x(e.note)}</p>')
    if e.about:
        out.append("<h3>What the case was about</h3>" + "".join(f"<p>{x(p)}</p>" for p in e.about))
    if e.real_case:
        out.append(f"<details open><summary>What happened in the real case</summary><p>{x(e.real_case)}</p></details>")
    out.append("<h3>Learning outcomes</h3><ul>" + "".join(f"<li>{x(o)}</li>" for o in e.outcomes) + "</ul>")
    if e.guidance:
        out.append("<p>Guidance and legislation the case draws on:</p><ul>" + "".join(f"<li>{x(g)}</li>" for g in e.guidance) + "</ul>")
    if e.force_lessons:
        out.append(
            "<p>What the force changed after the real case:</p><ul>" + "".join(f"<li>{x(a)}</li>" for a in e.force_lessons) + "</ul>"
        )
    out.append("<h3>My reflections on the key questions</h3>")
    for r in e.reflections:
        out.append(f"<p><strong>{x(r.question)}</strong></p><blockquote>{x(r.answer or '(no answer written)')}</blockquote>")
        if r.covered:
            out.append(
                '<p class="points">Points my answer covered:</p><ul class="points covered">'
                + "".join(f"<li>{x(p)}</li>" for p in r.covered)
                + "</ul>"
            )
        if r.missed:
            out.append(
                '<p class="points">Points to develop:</p><ul class="points missed">'
                + "".join(f"<li>{x(p)}</li>" for p in r.missed)
                + "</ul>"
            )
    out.append("<h3>What I would do differently</h3>")
    if not e.differently:
        out.append("<p>I chose the recommended action at every decision. I will keep applying the same approach.</p>")
    else:
        out.append('<ul class="different">')
        for d in e.differently:
            flag = ' <span class="critical">Critical safeguarding failure.</span>' if d.critical else ""
            items = [f"<strong>{x(d.prompt)}</strong>{flag}"]
            items += [f"<em>{x(label)}:</em> {x(option.rstrip(' .'))}. <span class='why'>{x(why)}</span>" for label, option, why in d.notes]
            out.append("<li>" + "<br>".join(items) + "</li>")
        out.append("</ul>")
    source = f'<a href="{x(e.source_url)}">{x(e.source_url)}</a>' if e.source_url else "not available"
    out.append(f'<p class="source">Source: {source}. Attempt {x(e.attempt_id)}.</p></section>')
    return "\n".join(out)


# -- the shareable summary ---------------------------------------------------------------------------
def to_summary_markdown(record: CpdRecord) -> str:
    """The CPD summary a learner shares with their line manager for the PDR: activities, dates,
    time, learning outcomes, what I will do differently and the CVF competencies evidenced.
    Never the learner's own written reflections: those stay in the full record, which is theirs."""
    from ltl_quiz.cvf import evidenced

    total: dict[str, int] = {}
    for e in record.entries:
        for k, v in e.competencies.items():
            total[k] = total.get(k, 0) + max(v, 0)
    mapped, unmapped = evidenced(total)
    lines = [
        f"# CPD summary: {record.name}",
        "",
        f"Staff number: {record.learner_id}  ",
        *([f"Unit: {record.unit}  "] if record.unit else []),
        f"Produced: {record.produced} by ltl-quiz, for sharing with my line manager (my reflections are not included)  ",
        f"Case studies completed: {len(record.entries)}; time spent: {_hours(record.total_minutes)}",
        "",
        "## Competencies evidenced (College of Policing Competency and Values Framework)",
        "",
    ]
    lines += [f"- {cvf}: {', '.join(ours)}" for cvf, ours in mapped.items()] or ["- None evidenced yet."]
    lines += [f"- Also evidenced: {', '.join(unmapped)}"] if unmapped else []
    lines.append("")
    for n, e in enumerate(record.entries, 1):
        lines += [
            f"## {n}. {e.title}",
            "",
            f"**Activity:** {e.activity}  ",
            f"**Date:** {e.date}  ",
            f"**Time spent:** {_hours(e.minutes)}",
            "",
        ]
        lines += ["### Learning outcomes", "", *[f"- {o}" for o in e.outcomes], ""]
        lines += ["### What I will do differently", ""]
        if not e.differently:
            lines += ["- I chose the recommended action at every decision and will keep applying the same approach."]
        lines += [
            f"- {d.prompt}: " + "; ".join(f"{label.lower()} {option.rstrip(' .')}" for label, option, _ in d.notes) for d in e.differently
        ]
        lines += ["", f"Attempt {e.attempt_id}.", ""]
    return "\n".join(lines).rstrip() + "\n"


def render(record: CpdRecord, fmt: str, summary: bool = False) -> str:
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not known; use md or html")
    if summary:
        if fmt != "md":
            raise InputError("--summary is written as Markdown (md) for now; leave out --format")
        return to_summary_markdown(record)
    return to_markdown(record) if fmt == "md" else to_html(record)


def cpd(where: Any, learner_id: str, fmt: str, out: Any, summary: bool = False) -> str:
    """Build the record and write it to ``out`` (atomically) or return it for standard output."""
    from ltl_quiz.atomic import write_text
    from ltl_quiz.store import Store

    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not known; use md or html")
    store = Store(where.db_url)
    try:
        text = render(build(store, ScenarioLibrary(where.scenarios), learner_id.strip()), fmt, summary)
    finally:
        store.close()
    if out is not None:
        write_text(out, text)
    return text
