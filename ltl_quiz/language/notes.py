"""The debrief's note on a learner's reflection: the phrase, why it matters, what to say instead.

Notes inform and never judge: they do not block an answer or change a score. Each kind of
language is mentioned once per attempt, however often it was used, so the note stays short.
"""

from __future__ import annotations

from dataclasses import dataclass

from ltl_quiz.language.matcher import find_language


@dataclass(frozen=True)
class Note:
    """One phrase a learner wrote, with the reason it matters and an alternative."""

    entry_id: str
    phrase: str
    why: str
    instead: str


def notes_for(texts: list[str]) -> list[Note]:
    """Notes for every kind of lexicon language in ``texts``, first use first, each kind once."""
    notes: dict[str, Note] = {}
    for text in texts:
        for hit in find_language(text or ""):
            notes.setdefault(hit.entry.id, Note(hit.entry.id, hit.phrase, hit.entry.why, hit.entry.instead))
    return list(notes.values())
