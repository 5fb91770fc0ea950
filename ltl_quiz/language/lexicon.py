"""Load the lexicon shipped with the package, checking every entry so a bad edit fails loudly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ltl_quiz.errors import LexiconError, ScenarioError
from ltl_quiz.scenario.value_rules import SLUG
from ltl_quiz.scenario.yaml_source import load_bytes

FIELDS = ("id", "term", "patterns", "why", "instead", "source")


@dataclass(frozen=True)
class Entry:
    """One kind of harmful language: how to find it, why it harms, what to say instead."""

    id: str
    term: str
    patterns: tuple[re.Pattern[str], ...]
    why: str
    instead: str
    source: str


def default_path() -> Path:
    return Path(str(resources.files("ltl_quiz.language").joinpath("lexicon.yaml")))


@cache
def load_lexicon(path: Path | None = None) -> tuple[Entry, ...]:
    """Every entry of the lexicon, patterns compiled; cached, since it never changes in a run."""
    path = path or default_path()
    name = str(path)
    try:
        data = load_bytes(path.read_bytes(), name).data
    except (OSError, ScenarioError) as exc:
        raise LexiconError(f"cannot read the lexicon {name}: {exc}") from None
    if not isinstance(data, list):
        raise LexiconError(f"{name}: the lexicon is a list of entries")
    entries = [_entry(name, i, item) for i, item in enumerate(data)]
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise LexiconError(f"{name}: entry ids must be unique")
    return tuple(entries)


def _entry(name: str, index: int, item: object) -> Entry:
    where = f"{name}: entry {index + 1}"
    if not isinstance(item, dict) or set(item) != set(FIELDS):
        raise LexiconError(f"{where}: give exactly these fields: {', '.join(FIELDS)}")
    if not isinstance(item["id"], str) or not SLUG.regex.match(item["id"]):
        raise LexiconError(f"{where}: id {item['id']!r} is not a slug")
    for key in ("term", "why", "instead", "source"):
        if not isinstance(item[key], str) or not item[key].strip():
            raise LexiconError(f"{where} ({item['id']}): '{key}' must be text")
    patterns = item["patterns"]
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise LexiconError(f"{where} ({item['id']}): 'patterns' is a list of regular expressions")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise LexiconError(f"{where} ({item['id']}): pattern {pattern!r} does not compile: {exc}") from None
    return Entry(
        item["id"],
        item["term"].strip(),
        tuple(compiled),
        " ".join(item["why"].split()),
        " ".join(item["instead"].split()),
        item["source"].strip(),
    )
