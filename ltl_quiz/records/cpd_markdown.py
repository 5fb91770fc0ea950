"""The CPD record (and the summary a learner shares) as Markdown, for a CPD portfolio or an e-mail.

Every value from the store or a scenario file goes through ``md``, so a learner's ``<img onerror>``
or a line starting with ``#`` stays text (checked with markdown-it-py in the tests), as Jinja2's
autoescaping does for the HTML page.
"""

from __future__ import annotations

import re

from ltl_quiz.records.cpd import NO_ANSWER, ROLE_LABEL, UNCOVERED, CpdRecord, Entry, hours, no_difference

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}]|&(?=#?\w+;))")  # & only where it would start an entity
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def md(text: str) -> str:
    """Text (a learner's above all) made literal in Markdown: no HTML, heading, list, link or emphasis
    can come of it. CommonMark lets any ASCII punctuation be escaped with a backslash."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _link(url: str | None) -> str:
    """A scenario's source address as a Markdown autolink (kept readable), or escaped text if it is not a plain web address."""
    if url and re.fullmatch(r"https?://[^\s<>]+", url):
        return f"<{url}>"
    return md(url or "not available")


def _quote(text: str) -> str:
    """A learner's answer as a block quote, every line escaped, no line indented into a code block."""
    return "\n".join("> " + md(line.strip()) if line.strip() else ">" for line in text.splitlines())


def to_markdown(record: CpdRecord) -> str:
    lines = [
        f"# CPD record: {md(record.name)}",
        "",
        f"Staff number: {md(record.learner_id)}  ",
        *([f"Unit: {md(record.unit)}  "] if record.unit else []),
        f"Produced: {record.produced} by ltl-quiz  ",
        *([f"My reflections: {md(record.sharing)}  "] if record.sharing else []),
        f"Case studies completed: {record.completed}; time spent: {hours(record.total_minutes)}",
        "",
    ]
    if record.scripted_left_out:
        lines += [f"Scripted runs left out: {record.scripted_left_out} (answered from a file, not by the learner).", ""]
    for n, e in enumerate(record.entries, 1):
        lines += _entry_markdown(n, e)
    return "\n".join(lines).rstrip() + "\n"


def entry_heading(n: int, e: Entry) -> list[str]:
    """The lines an entry starts with, in the full record and in the summary alike."""
    return [f"## {n}. {md(e.title)}", "", f"**Activity:** {md(e.activity)}  ", f"**Date:** {e.date}  ", f"**Time spent:** {hours(e.minutes)}"]


def bullets(title: str, items: list[str]) -> list[str]:
    """A titled list of escaped items and the blank lines around it; nothing at all when ``items`` is empty."""
    return [title, "", *[f"- {md(item)}" for item in items], ""] if items else []


def _entry_markdown(n: int, e: Entry) -> list[str]:
    lines = [*entry_heading(n, e), ""]
    if e.note:
        lines += [f"> {md(e.note)}", ""]
    if e.role:
        lines += [f"**{ROLE_LABEL}:** \u201c{md(e.role)}\u201d", ""]
    if e.about:
        lines += ["### What the case was about", "", *[md(p) + "\n" for p in e.about]]
    if e.real_case:
        lines += ["What happened in the real case:", "", md(e.real_case), ""]
    lines += ["### Learning outcomes", "", *[f"- {md(o)}" for o in e.outcomes], ""]
    if e.room_path:
        lines += ["The room's path through the case:", "", *[f"- {md(p)} {md(f)}" for p, f in e.room_path], ""]
    lines += bullets("Guidance and legislation the case draws on:", e.guidance)
    lines += bullets("What the force changed after the real case:", e.force_lessons)
    lines += ["### My reflections on the key questions", ""]
    if not e.reflections:
        lines += ["I wrote no reflection of my own in this session.", ""]
    for r in e.reflections:
        lines += [f"**{md(r.question)}**", ""]
        if not r.written:
            lines += [NO_ANSWER, "", *bullets("Points a full answer would cover:", r.missed)]
            continue
        lines += [_quote(r.answer), "", *bullets("Points my answer covered:", r.covered), *bullets(f"{UNCOVERED}:", r.missed)]
    lines += ["### What I would do differently", ""]
    if not e.differently:
        lines += [no_difference(e), ""]
    for d in e.differently:
        lines += [f"- **{md(d.prompt)}**" + (" (critical safeguarding failure)" if d.critical else "")]
        lines += [f"  {label}: {md(option.rstrip(' .'))}." + (f" {md(why)}" if why else "") for label, option, why in d.notes]
    lines += ["", f"Source: {_link(e.source_url)}. Attempt {e.attempt_id}.", ""]
    return lines
