"""The CPD summary a learner shares with their line manager for the PDR, as Markdown or a printable page.

College of Policing CPD guidance separates what a learner shares (the activities, dates, time,
learning outcomes, what they will do differently, the competencies evidenced) from their own
reflections, which stay theirs. So the summary is built from the same ``CpdRecord`` as the full
record but never reads an entry's ``reflections``: not their text, not the points they covered.
Both formats come from one ``Summary`` so they cannot say different things.
"""

from __future__ import annotations

from dataclasses import dataclass

from ltl_quiz.records.cpd import CpdRecord, Entry, hours
from ltl_quiz.records.cpd_markdown import entry_heading, md
from ltl_quiz.text import lead_in

SHARED_NOTE = "for sharing with my line manager (my reflections are not included)"
ALL_RECOMMENDED = "I chose the recommended action at every decision and will keep applying the same approach."


@dataclass
class Summary:
    record: CpdRecord
    mapped: dict[str, list[str]]  # CVF competency -> our competencies that evidence it
    unmapped: list[str]


def summarise(record: CpdRecord) -> Summary:
    """The CVF competencies the record may claim: only passed attempts answered alone (``cvf.claims``)."""
    from ltl_quiz.records.cvf import claims

    mapped, unmapped = claims(record.entries)
    return Summary(record, mapped, unmapped)


def differently(e: Entry) -> list[tuple[str, str]]:
    """(decision, what I chose and what is recommended) for each decision I would take differently;
    the decision's prompt leads in to the notes (``text.lead_in``), so its own full stop meets no colon of ours."""
    return [(lead_in(d.prompt), "; ".join(f"{_mid_sentence(label)}: {option.rstrip(' .')}" for label, option, _ in d.notes)) for d in e.differently]


def _mid_sentence(label: str) -> str:
    """A note's label inside a sentence: "next time", "also needed", but "I chose" keeps its capital I."""
    return label if label.split(" ")[0].rstrip(",") == "I" else label[0].lower() + label[1:]


def to_markdown(record: CpdRecord) -> str:
    """The summary as Markdown, every value escaped as in the full record (``cpd_markdown.md``)."""
    from ltl_quiz.records import cvf

    s = summarise(record)
    lines = [
        f"# CPD summary: {md(record.name)}",
        "",
        f"Staff number: {md(record.learner_id)}  ",
        *([f"Unit: {md(record.unit)}  "] if record.unit else []),
        f"Produced: {record.produced} by ltl-quiz, {SHARED_NOTE}  ",
        f"Case studies completed: {record.completed}; time spent: {hours(record.total_minutes)}",
        "",
        f"## {cvf.HEADING}",
        "",
        cvf.NOTE,
        "",
    ]
    lines += [f"- {md(name)}: {md(', '.join(ours))}" for name, ours in s.mapped.items()] or ["- None claimed yet."]
    lines += [f"- {cvf.ALSO}: {md(', '.join(s.unmapped))}"] if s.unmapped else []
    lines.append("")
    for n, e in enumerate(record.entries, 1):
        lines += [*entry_heading(n, e), "", "### Learning outcomes", "", *[f"- {md(o)}" for o in e.outcomes], ""]
        lines += ["### What I will do differently", ""]
        lines += [f"- {md(prompt)} {md(notes)}" for prompt, notes in differently(e)] or [f"- {ALL_RECOMMENDED}"]
        lines += ["", f"Attempt {md(e.attempt_id)}.", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_html(record: CpdRecord) -> str:
    """The summary as one printable A4 page (the full record's stylesheet), every value escaped by Jinja2."""
    from ltl_quiz.records import cvf
    from ltl_quiz.records.cpd_html import CSS
    from ltl_quiz.templating import page

    texts = {"shared_note": SHARED_NOTE, "all_recommended": ALL_RECOMMENDED}
    return page("cpd_summary.html.j2", CSS, summary=summarise(record), record=record, hours=hours, differently=differently, cvf=cvf, **texts)
