"""The rules on values that type hints cannot say (number ranges, id patterns, allowed keys, counts).

Each rule is declared once, in the field's metadata in ``model.py`` (``metadata=rules(...)``);
the builder checks a file against it as it reads the field, and the JSON Schema for editors is
generated from it, so an editor and the loader cannot disagree about what a value may be.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec

P = ParamSpec("P")


@dataclass(frozen=True)
class Pattern:
    """A rule on text: the regular expression it must match, and what to tell an author whose text does not."""

    regex: re.Pattern[str]
    message: str  # formatted with ``value``

    def problem(self, value: str) -> str | None:
        """The author's message for ``value``, or None when it matches."""
        return None if self.regex.match(value) else self.message.format(value=value)


SLUG = Pattern(
    re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"),
    "{value!r} is not a valid id; use lower-case letters, digits and hyphens",
)
WEB_ADDRESS = Pattern(re.compile(r"^https?://"), "{value!r} is not a web address; give the learning report's URL")


@dataclass(frozen=True)
class KeyChoice:
    """The keys a mapping may use, and what one of them is called in a message."""

    allowed: tuple[str, ...]
    noun: str


@dataclass(frozen=True)
class Rules:
    """Every value rule one field carries; a field without metadata has none."""

    range: tuple[int, int] | None = None  # a number, or each value of a mapping of numbers
    pattern: Pattern | None = None  # a text, or each text of a list
    key_pattern: Pattern | None = None  # each key of a mapping
    keys: KeyChoice | None = None  # each key of a mapping is one of these
    min_items: int | None = None  # at least this many items (a list) or entries (a mapping)
    unique: bool = False  # no item of a list twice


NO_RULES = Rules()


def _as_metadata(make: Callable[P, Rules]) -> Callable[P, dict[str, Rules]]:
    """``make``'s parameters, checked as ``make``'s own, returning field metadata instead."""

    def metadata(*args: P.args, **kwargs: P.kwargs) -> dict[str, Rules]:
        return {"rules": make(*args, **kwargs)}

    return metadata


# Field metadata that declares value rules: ``field(metadata=rules(pattern=SLUG))``, with Rules' keywords.
rules = _as_metadata(Rules)


def rules_of(cls: type, name: str) -> Rules:
    """The rules the model declares on ``cls.name``."""
    found = next((f for f in dataclasses.fields(cls) if f.name == name), None)
    return found.metadata.get("rules", NO_RULES) if found is not None else NO_RULES
