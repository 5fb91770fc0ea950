"""Quick entry of the room's answers by the trainer: '3 a', 'alex b', 'AB12 c' or 'jo ac' at a multi.

A person is named by their number on the list, their staff number, or enough of their name to be
unique; several entries can share a line, separated by commas. The letters are the options' as
shown on screen; '-' at a multi means they ticked none.
"""

from __future__ import annotations

from dataclasses import dataclass

from ltl_quiz.config import Learner
from ltl_quiz.errors import InputError
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node
from ltl_quiz.sessions.letters import lettered


@dataclass(frozen=True)
class Entry:
    """One participant's answer as the trainer typed it."""

    learner_id: str
    option_ids: list[str]


def parse_entries(line: str, people: list[Learner], node: Node) -> list[Entry]:
    """Every entry on one line; a mistake anywhere rejects the line with a message saying what to type."""
    entries = []
    for part in line.replace(";", ",").split(","):
        if part.strip():
            entries.append(_entry(part.strip(), people, node))
    return entries


def parse_line(line: str, people: list[Learner], node: Node) -> tuple[list[Entry], list[str]]:
    """The good entries on a line, and a message for each bad one: '1 c, jo a, sam z' keeps the
    first two and names the third, so the trainer retypes only what was wrong."""
    entries: list[Entry] = []
    problems: list[str] = []
    for part in line.replace(";", ",").split(","):
        if part.strip():
            try:
                entries.append(_entry(part.strip(), people, node))
            except InputError as exc:
                problems.append(str(exc))
    return entries, problems


def find_person(who: str, people: list[Learner]) -> Learner:
    """By list number (1 is the first), staff number, a whole first name or surname, or a unique start of one."""
    key = who.strip().lower()
    for person in people:
        if person.id.lower() == key:
            return person
    if key.isdigit() and 1 <= int(key) <= len(people):
        return people[int(key) - 1]
    exact = [p for p in people if p.name.lower() == key or key in p.name.lower().split()]
    if len(exact) == 1:  # 'jo' is Jo Bloggs, even with a Joanne in the room
        return exact[0]
    matches = [p for p in people if p.name.lower().startswith(key) or any(w.startswith(key) for w in p.name.lower().split())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"'{who}' is nobody on the list; use their number (1 to {len(people)}), staff number or name")
    names = ", ".join(p.name for p in matches[:4])
    raise InputError(f"'{who}' could be {names}; type more of the name, or their number")


def _entry(part: str, people: list[Learner], node: Node) -> Entry:
    who, _, letters = part.rpartition(" ")
    if not who.strip():
        raise InputError(f"'{part}': give the person then the letter of their choice, e.g. '3 a' or 'alex b'")
    person = find_person(who, people)
    return Entry(person.id, _options(letters, node, part))


def _options(letters: str, node: Node, part: str) -> list[str]:
    by_letter = {let.lower(): opt.id for let, opt in lettered(node)}
    valid = f"A to {lettered(node)[-1][0]}"
    if kind_of(node.type).several:
        if letters == "-":
            return []
        picked = []
        for ch in letters.lower():
            if ch not in by_letter:
                raise InputError(f"'{part}': '{ch.upper()}' is not an option; use letters {valid}, or '-' for none")
            if by_letter[ch] not in picked:
                picked.append(by_letter[ch])
        return sorted(picked, key=[o.id for o in node.options].index)
    if len(letters) != 1 or letters.lower() not in by_letter:
        raise InputError(f"'{part}': '{letters}' is not an option; give one letter, {valid}")
    return [by_letter[letters.lower()]]
