"""The language coach: a lexicon of victim-blaming language and a matcher that respects quotation.

``lexicon.yaml`` holds the words and why they harm; ``matcher`` finds them in text;
``scenario_text`` turns hits in a scenario into ``validate`` warnings; ``notes`` turns hits in a
learner's reflection into the debrief's note. Nothing here touches a terminal or a database.
"""

from __future__ import annotations

from ltl_quiz.language.lexicon import Entry, load_lexicon
from ltl_quiz.language.matcher import Finding, find_language, quoted_spans
from ltl_quiz.language.notes import Note, notes_for

__all__ = ["Entry", "Finding", "Note", "find_language", "load_lexicon", "notes_for", "quoted_spans"]
