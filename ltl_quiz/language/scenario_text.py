"""``validate``'s language warnings: lexicon language in the text a scenario's author wrote.

Only prose the author wrote is checked. Left alone, because they are quotations by design:
reference titles and quotes (published text), key questions (word for word from the seed), and
text in quotation marks anywhere (what someone in the case said). The text of an option that is
not recommended is also left alone: a scenario must be able to offer the wrong words as a choice
in order to correct them, and that option's ``feedback`` is still checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ltl_quiz.errors import Problem
from ltl_quiz.language.matcher import Finding, find_language
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.scenario.yaml_source import Located, PathKey, format_path

PROSE_TOP = ("title", "summary", "content_note")
PROSE_NODE = ("title", "text", "prompt", "feedback")
QUOTE_HINT = "If these are the words of someone in the case, put them in quotation marks."


def language_warnings(scenario: Scenario, located: Located, path: Path) -> list[Problem]:
    """A warning at ``file:line:column`` for every use of lexicon language in the author's prose."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    problems = []
    for key, text in prose(scenario, located.data):
        for hit in find_language(text):
            line, column = _position(located, lines, key, text, hit)
            message = f"language: '{hit.phrase}': {hit.entry.why} Instead: {hit.entry.instead} {QUOTE_HINT}"
            problems.append(Problem(located.file, line, column, format_path(key), message, "warning"))
    return problems


def prose(scenario: Scenario, data: Any) -> Iterator[tuple[PathKey, str]]:
    """(path, text) for every piece of prose an author wrote, as it sits in the parsed file."""
    if not isinstance(data, dict):
        return
    for key in PROSE_TOP:
        yield from _text((key,), data.get(key))
    yield from _items(("themes",), data.get("themes"))
    roles = data.get("roles")
    if isinstance(roles, dict):
        for track, text in roles.items():
            yield from _text(("roles", track), text)
    nodes = data.get("nodes")
    for node_id, node in nodes.items() if isinstance(nodes, dict) else ():
        if isinstance(node, dict):
            yield from _node(scenario, node_id, node)
    case = data.get("case")
    if isinstance(case, dict):
        yield from _text(("case", "what_happened"), case.get("what_happened"))
        yield from _items(("case", "outcomes"), case.get("outcomes"))
        yield from _items(("case", "force_actions"), case.get("force_actions"))
        kqs = case.get("key_questions")
        for track, questions in kqs.items() if isinstance(kqs, dict) else ():
            for i, kq in enumerate(questions if isinstance(questions, list) else []):
                if isinstance(kq, dict):
                    yield from _items(("case", "key_questions", track, i, "model_points"), kq.get("model_points"))


def _node(scenario: Scenario, node_id: str, node: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    base: PathKey = ("nodes", node_id)
    for key in PROSE_NODE:
        yield from _text((*base, key), node.get(key))
    built = scenario.nodes.get(node_id)
    recommended = set(built.recommended) if built is not None else set()
    options = node.get("options")
    for i, option in enumerate(options if isinstance(options, list) else []):
        if not isinstance(option, dict):
            continue
        if isinstance(option.get("id"), str) and option["id"] in recommended:
            yield from _text((*base, "options", i, "text"), option.get("text"))
        yield from _text((*base, "options", i, "feedback"), option.get("feedback"))


def _text(key: PathKey, value: Any) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield key, value


def _items(key: PathKey, value: Any) -> Iterator[tuple[PathKey, str]]:
    for i, item in enumerate(value if isinstance(value, list) else []):
        yield from _text((*key, i), item)


def _position(located: Located, lines: list[str], key: PathKey, text: str, hit: Finding) -> tuple[int, int]:
    """The line and column of the phrase itself, so an editor jumps straight to it.

    Folding and quoting in YAML change where line breaks fall, but never split a word, so the
    n-th occurrence of the phrase's first word in the value is the n-th in the file from where
    the value starts.
    """
    line, column = located.where(key)
    words = re.findall(r"[\w'’-]+", hit.phrase)
    if not words or not lines:
        return line, column
    word = re.compile(rf"(?<![\w'’-]){re.escape(words[0])}(?![\w'’-])", re.IGNORECASE)
    wanted = len(word.findall(text[: hit.start])) + 1
    seen = 0
    for number in range(line, min(len(lines), line + text.count("\n") + len(text) // 20 + 3) + 1):
        raw = lines[number - 1]
        offset = column - 1 if number == line else 0
        for m in word.finditer(raw, offset):
            seen += 1
            if seen == wanted:
                return number, m.start() + 1
    return line, column
