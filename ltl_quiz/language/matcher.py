"""Find lexicon language in text, leaving alone words that are quoted, negated or only named.

Three things make a hit not a use of the language, and the matcher skips each:

- quotation: the words sit inside quotation marks, so they are someone else's ("bogus", “...”,
  'allegation', ‘...’). This is how scenario authors mark what someone in the case said;
- negation: the clause says not to (``not``, ``never``, ``rather than``, ``instead of`` ...);
- mention: the clause names the language or reports who used it (``words such as``,
  ``described her as``, ``so-called``, ``told the next shift`` ...).

Negation and mention are looked for in the few words before the phrase, within its clause, so
"she was not forced, it was consensual" is still caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ltl_quiz.language.lexicon import Entry, load_lexicon

WINDOW_WORDS = 8
_CLAUSE_END = re.compile(r"[.;:!?,()\[\]—–]|\s-\s|\bbut\b", re.IGNORECASE)
_CUES = re.compile(
    r"\b(?:not|never|no|nor|nobody|none|nothing|neither|without|avoid|avoids|avoiding|avoided|instead\s+of|rather\s+than|"
    r"don't|doesn't|didn't|isn't|wasn't|aren't|weren't|cannot|can't|couldn't|won't|wouldn't|shouldn't|mustn't|"
    r"words?|terms?|phrases?|language|labels?|such\s+as|so-called|known\s+as|"
    r"called|calling|labelled|labelling|described|describing|told|said|says|saying|wrote|recorded|viewed|views|regarded|regards|"
    r"referred\s+to|quote|quoted|quoting)\b",
    re.IGNORECASE,
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Finding:
    """One use of lexicon language: the entry, and where it sits in the text."""

    entry: Entry
    start: int
    end: int
    phrase: str  # exactly as written


def find_language(text: str, lexicon: tuple[Entry, ...] | None = None) -> list[Finding]:
    """Every use of lexicon language in ``text`` that is not quoted, negated or only named."""
    lexicon = lexicon if lexicon is not None else load_lexicon()
    plain = text.translate(_APOSTROPHES)  # same length: offsets still point into ``text``
    quoted = quoted_spans(text)
    hits: list[Finding] = []
    for entry in lexicon:
        for pattern in entry.patterns:
            for m in pattern.finditer(plain):
                if _inside(quoted, m.start(), m.end()) or _named_or_negated(plain, m.start()):
                    continue
                hits.append(Finding(entry, m.start(), m.end(), " ".join(text[m.start() : m.end()].split())))
    return _without_overlaps(hits)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where quotations sit: pairs of double quotes, and single quotes that open and close a phrase.

    A single quote opens only after a space or bracket and closes only before a non-letter, so
    apostrophes (the girl's, girls' homes, Children’s) never start or end a quotation. An opening
    mark with no closing one quotes nothing.
    """
    spans: list[tuple[int, int]] = []
    open_at: dict[str, int] = {}
    closers = {"”": "“", "’": "‘"}
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == '"':
            if '"' in open_at:
                spans.append((open_at.pop('"'), i + 1))
            else:
                open_at['"'] = i
        elif ch == "“":
            open_at.setdefault("“", i)
        elif ch in closers and closers[ch] in open_at and not after.isalnum():
            spans.append((open_at.pop(closers[ch]), i + 1))
        elif ch == "'" and "'" in open_at and not after.isalnum():
            spans.append((open_at.pop("'"), i + 1))
        elif ch in ("‘", "'") and not before.isalnum() and after.isalnum():
            open_at.setdefault(ch, i)
    return spans


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _named_or_negated(text: str, start: int) -> bool:
    """A negation or a naming cue among the few words before ``start``, in the same clause."""
    before = text[max(0, start - 200) : start]
    ends = list(_CLAUSE_END.finditer(before))
    clause = before[ends[-1].end() :] if ends else before
    window = " ".join(clause.split()[-WINDOW_WORDS:])
    return bool(_CUES.search(window))


def _without_overlaps(hits: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the earliest, and the longest of those starting together."""
    hits.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
