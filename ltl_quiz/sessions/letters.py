"""Options called out by letter (A, B, C...), as a room calls them and as the records name them."""

from __future__ import annotations

import string

from ltl_quiz.scenario.model import Node, Option

LETTERS = string.ascii_uppercase


def letter(index: int) -> str:
    """Options are called out by letter in a room: A, B, C..."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def lettered(node: Node) -> list[tuple[str, Option]]:
    return [(letter(i), opt) for i, opt in enumerate(node.options)]


def letter_of(node: Node, option_id: str) -> str:
    return next(letter(i) for i, o in enumerate(node.options) if o.id == option_id)


def letters_of(node: Node, option_ids: list[str]) -> str:
    return ", ".join(letter_of(node, i) for i in option_ids) or "none"


def letters_and(node: Node, option_ids: list[str]) -> str:
    """'A and B', 'A, B and D': for sentences."""
    letters = [letter_of(node, i) for i in option_ids]
    return ", ".join(letters[:-1]) + " and " + letters[-1] if len(letters) > 1 else "".join(letters) or "none"
