"""``ltl-quiz new``: a scenario skeleton that validates as it stands, with a comment on every field.

The skeleton is built as data and written by a small YAML writer, so each field's comment comes
from ``field_help.FIELD_HELP`` (the same words the JSON Schema gives editors) and the file reads
like the hand-written case files: ``|`` blocks for prose, flow lists for ids, no anchors.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import textwrap
import typing
from pathlib import Path
from typing import Any

import yaml

from ltl_quiz.atomic import write_text
from ltl_quiz.errors import InputError
from ltl_quiz.scenario import model
from ltl_quiz.scenario.builder import field_spec
from ltl_quiz.scenario.field_help import FIELD_HELP
from ltl_quiz.scenario.value_rules import SLUG

SCHEMA_NAME = "scenario.schema.json"
WIDTH = 100
_FLOW_ITEM = re.compile(r"^[A-Za-z0-9_-]+$")

# Comments that introduce a node, by id: what the author is looking at and why it is there.
NODE_NOTES = {
    "before-you-begin": "Shared opening: every track starts here, then routes by track.",
    "first-call": "Officer track. A decision: one option is chosen. Give each option its own 'next' (or give the node one).",
    "what-to-do-now": "A multi: the learner ticks all that apply. Wrong actions may cost points (the node never goes below 0).",
    "officer-reflection": "A reflection asks one of the track's key questions during the case; the others are asked in the debrief.",
    "case-file": "Manager track: the learner reviews the case afterwards.",
    "child-safeguarded": "Endings. Each path must reach one; the debrief follows.",
}


def skeleton_data(scenario_id: str, title: str, case_study: int, issue: int) -> dict[str, Any]:
    """A small but complete scenario: both tracks, every node type and every field of the format."""
    return {
        "id": scenario_id,
        "title": title,
        "summary": "Two or three sentences about the case: who was involved, what was reported,\nand the decisions the learner will face.\n",
        "source": {
            "publication": "Learning the Lessons",
            "issue": issue,
            "case_study": case_study,
            "url": "https://www.policeconduct.gov.uk/research-and-learning/learning-and-recommendations/learning-the-lessons",
        },
        "themes": ["safeguarding children"],
        "audiences": ["officer", "manager"],
        "minutes": 15,
        "pass_mark": 70,
        "version": 1,
        "content_note": (
            "Say plainly what the case is about (for example, child sexual abuse) and what is\n"
            "mentioned but not described.\n\n"
            "You can leave at any prompt. 'ltl-quiz support' lists support services.\n"
        ),
        "roles": {
            "officer": "You are the officer or member of staff whose decisions the case turned on.\n",
            "manager": "You are the manager reviewing the case afterwards: supervision, policy and training.\n",
        },
        "start": "before-you-begin",
        "nodes": {
            "before-you-begin": {
                "type": "passage",
                "title": "Before you begin",
                "text": "This scenario is based on a real case. At each step you are told only what was known\nat that moment.\n",
                "next": [{"track": "manager", "goto": "case-file"}, {"goto": "first-call"}],
            },
            "first-call": {
                "type": "decision",
                "track": "officer",
                "title": "The first decision",
                "text": "What the learner knows at this moment, as the learning report tells it.\n",
                "prompt": "What do you do?",
                "options": [
                    {
                        "id": "explore-the-concern",
                        "text": "The recommended action, in the learner's words.\n",
                        "points": 10,
                        "competencies": {"vulnerability": 2, "professional_curiosity": 1},
                        "feedback": "Why this is right, naming the guidance it rests on.\n",
                        "cites": ["guidance-example"],
                        "sets": ["concern-explored"],
                        "next": "what-to-do-now",
                    },
                    {
                        "id": "close-the-call",
                        "text": "An action that leaves the child without protection.\n",
                        "points": 0,
                        "critical": True,
                        "feedback": "Why this leaves the child unsafeguarded; the debrief repeats it.\n",
                        "cites": ["guidance-example"],
                        "sets": ["call-closed"],
                        "next": "officer-reflection",
                        "real_case": {
                            "did": "failing",
                            "note": "What the real call handler did here, and what the learning report found.\n",
                        },
                    },
                ],
            },
            "what-to-do-now": {
                "type": "multi",
                "track": "officer",
                "prompt": "Which of these do you do? Choose all that apply.",
                "options": [
                    {
                        "id": "speak-to-the-child",
                        "text": "Speak to the child on their own.\n",
                        "points": 3,
                        "competencies": {"victim_voice": 1},
                        "feedback": "Why the child's own account matters here.\n",
                        "cites": ["guidance-example"],
                    },
                    {
                        "id": "record-and-share",
                        "text": "Record what you found and share it with children's social care.\n",
                        "points": 3,
                        "competencies": {"recording": 1, "multi_agency": 1},
                        "feedback": "Why recording and sharing protect the child.\n",
                        "cites": ["guidance-example"],
                    },
                    {
                        "id": "wait-for-a-disclosure",
                        "text": "Wait until the child says something before doing anything else.\n",
                        "points": -2,
                        "feedback": "Why waiting for the child to raise the alarm is wrong.\n",
                        "cites": ["guidance-example"],
                    },
                ],
                "next": "officer-reflection",
            },
            "officer-reflection": {
                "type": "reflection",
                "track": "officer",
                "key_question": "officer-key-question",
                "next": [
                    {"if": ["concern-explored"], "unless": ["call-closed"], "goto": "child-safeguarded"},
                    {"goto": "child-left-at-risk"},
                ],
            },
            "case-file": {
                "type": "passage",
                "track": "manager",
                "title": "The case file",
                "text": "What the manager reads about the case before reviewing it.\n",
                "next": "review-priority",
            },
            "review-priority": {
                "type": "decision",
                "track": "manager",
                "prompt": "What do you review first?",
                "next": "review-complete",
                "options": [
                    {
                        "id": "review-safeguarding",
                        "text": "Whether the child was safeguarded, and what stood in the way.\n",
                        "points": 5,
                        "competencies": {"supervision": 2},
                        "feedback": "Why the child's safety comes first in a review.\n",
                        "cites": ["learning-report"],
                    },
                    {
                        "id": "review-paperwork",
                        "text": "Whether the forms were filled in on time and every deadline in the policy was met.\n",
                        "points": 0,
                        "feedback": "Why timeliness alone says nothing about the child's safety.\n",
                        "cites": ["learning-report"],
                    },
                ],
            },
            "child-safeguarded": {
                "type": "end",
                "title": "The child is safeguarded",
                "text": "What happens next on this path.\n",
                "feedback": "What this ending teaches.\n",
            },
            "child-left-at-risk": {
                "type": "end",
                "title": "The child is left at risk",
                "text": "What happened in the real case.\n",
                "feedback": "What the learning report says went wrong.\n",
                "matches_real_case": True,
            },
            "review-complete": {
                "type": "end",
                "track": "manager",
                "title": "The review is complete",
                "text": "What the review leads to.\n",
                "feedback": "What the force changed after the case.\n",
            },
        },
        "case": {
            "what_happened": "What actually happened, faithful to the learning report.\n",
            "outcomes": ["The outcome for each officer or member of staff involved."],
            "force_actions": ["Each action the force took."],
            "references": [
                {
                    "id": "learning-report",
                    "title": f"IOPC, Learning the Lessons issue {issue}, case study {case_study}",
                    "kind": "research",
                    "url": "https://www.policeconduct.gov.uk/research-and-learning/learning-and-recommendations/learning-the-lessons",
                },
                {
                    "id": "guidance-example",
                    "title": "The guidance the learning report prints beside the case",
                    "kind": "guidance",
                    "quote": "The passage the learning report quotes, word for word.\n",
                },
            ],
            "key_questions": {
                "officer": [
                    {
                        "id": "officer-key-question",
                        "question": "A key question for police officers and staff, word for word from the learning report?",
                        "model_points": ["A point a full answer covers.", "Another point.", "A third point."],
                    }
                ],
                "manager": [
                    {
                        "id": "manager-key-question",
                        "question": "A key question for policy makers and managers, word for word from the learning report?",
                        "model_points": ["A point a full answer covers.", "Another point.", "A third point."],
                    }
                ],
            },
        },
    }


def skeleton_text(data: dict[str, Any], schema_ref: str) -> str:
    """The skeleton as a commented YAML file, starting with the editor's schema line."""
    writer = _Writer()
    writer.lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# {data['title']}: a new scenario. Replace every text with the case's own; ids should say what",
        "# a node is. Check it as you go: ltl-quiz validate FILE; see its map: ltl-quiz graph FILE.",
        "",
    ]
    writer.mapping(data, model.Scenario, 0)
    return "\n".join(writer.lines) + "\n"


class _Writer:
    """Writes plain data as YAML, commenting each field the first time it appears."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.explained: set[tuple[type, str]] = set()

    def comment(self, cls: Any, key: str, indent: int) -> None:
        if not isinstance(cls, type) or (cls, key) in self.explained:
            return
        self.explained.add((cls, key))
        help_text = FIELD_HELP[cls][key]
        for line in textwrap.wrap(help_text, WIDTH - indent - 2):
            self.lines.append(" " * indent + "# " + line)

    def mapping(self, data: dict[str, Any], kind: Any, indent: int, first_prefix: str | None = None) -> None:
        """``kind`` is the dataclass the keys are fields of, or ``("map", kind)`` for a mapping of ids."""
        is_map = isinstance(kind, tuple)
        for i, (key, value) in enumerate(data.items()):
            pad = " " * indent
            if kind is model.Scenario and key in ("nodes", "case"):
                self.lines.append("")
            if is_map and kind[1] is model.Node:  # a node id: set it apart, and introduce it
                self.lines.append("")
            if is_map and kind[1] is model.Node and key in NODE_NOTES:
                for line in textwrap.wrap(NODE_NOTES[key], WIDTH - indent - 2):
                    self.lines.append(pad + "# " + line)
            on_dash = first_prefix is not None and i == 0
            if not is_map and not on_dash:
                self.comment(kind, key, indent)
            child = kind[1] if is_map else _kind(dict(field_spec(kind).values()).get(key))
            self.value(f"{first_prefix if on_dash else pad}{key}:", value, child, indent)

    def value(self, head: str, value: Any, cls: Any, indent: int) -> None:
        if isinstance(value, dict):
            if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
                self.lines.append(f"{head} {{{', '.join(f'{k}: {v}' for k, v in value.items())}}}")
                return
            self.lines.append(head)
            self.mapping(value, cls, indent + 2)
        elif isinstance(value, list):
            if all(isinstance(v, str) and _FLOW_ITEM.match(v) for v in value):
                self.lines.append(f"{head} [{', '.join(value)}]")
                return
            self.lines.append(head)
            for item in value:
                if isinstance(item, dict):
                    self.comment_first(cls, item, indent + 4)
                    self.mapping(item, cls, indent + 4, first_prefix=" " * (indent + 2) + "- ")
                else:
                    self.lines.append(" " * (indent + 2) + "- " + _scalar(item))
        elif isinstance(value, str) and "\n" in value:
            self.lines.append(f"{head} |" + ("" if value.endswith("\n") else "-"))
            for line in value.rstrip("\n").split("\n"):
                self.lines.append((" " * (indent + 2) + line) if line else "")
        else:
            self.lines.append(f"{head} {_scalar(value)}")

    def comment_first(self, cls: Any, item: dict[str, Any], indent: int) -> None:
        """The first key of a list item sits on the dash line, so its comment goes above the dash."""
        first = next(iter(item), None)
        if first is not None:
            self.comment(cls, first, indent - 2)


def _kind(hint: Any) -> Any:
    """What a type hint holds, for the writer: a dataclass, ``("map", kind)`` or None (a plain value)."""
    if hint is None:
        return None
    if dataclasses.is_dataclass(hint):
        return hint
    origin, args = typing.get_origin(hint), [a for a in typing.get_args(hint) if a is not type(None)]
    if origin is dict:
        return ("map", _kind(args[1]))
    if args:
        return _kind(args[-1])
    return None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _round_trips(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _round_trips(text: str) -> bool:
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text
    except yaml.YAMLError:
        return False


def schema_reference(target: Path, checkout_schema: Path | None, home_schema: Path) -> tuple[str, Path | None]:
    """What the ``$schema`` line names: the checkout's schema by a relative path when there is one,
    else a copy written to the ltl-quiz home (returned so the caller can write it)."""
    if checkout_schema is not None and checkout_schema.is_file():
        return os.path.relpath(checkout_schema.resolve(), target.resolve().parent).replace(os.sep, "/"), None
    return home_schema.resolve().as_uri(), home_schema


def new_scenario(
    scenario_id: str,
    title: str,
    folder: Path,
    out: Path | None,
    case_study: int | None,
    issue: int,
    home: Path,
    checkout_schema: Path | None,
) -> Path:
    """Write a skeleton for ``scenario_id``; refuse to overwrite a file. Returns the path written."""
    if not SLUG.regex.match(scenario_id):
        raise InputError(f"'{scenario_id}' is not a valid id; use lower-case letters, digits and hyphens, e.g. hotel-welfare-check")
    if not title.strip():
        raise InputError("give the case study's title with --title")
    if case_study is not None and case_study < 1:
        raise InputError(f"--case-study {case_study}: use a number from 1")
    if issue < 1:
        raise InputError(f"--issue {issue}: use a number from 1")
    number = case_study or _next_number(folder)
    target = out or folder / f"{number:02d}-{scenario_id}.yaml"
    if target.exists():
        raise InputError(f"{target} already exists; choose another --out or id (ltl-quiz new never overwrites)")
    ref, schema_copy = schema_reference(target, checkout_schema, home / SCHEMA_NAME)
    if schema_copy is not None:
        from ltl_quiz.scenario.json_schema import schema_text

        write_shared(schema_copy, schema_text())
    write_shared(target, skeleton_text(skeleton_data(scenario_id, title.strip(), number, issue), ref))
    return target


def write_shared(path: Path, text: str) -> None:
    """Write atomically, readable like any file the author makes (the atomic writer's temporary
    file is private, which suits a learner's records but not a scenario or a schema)."""
    write_text(path, text)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _next_number(folder: Path) -> int:
    numbers = [int(p.name.split("-", 1)[0]) for p in folder.glob("*.yaml") if p.name.split("-", 1)[0].isdigit()] if folder.is_dir() else []
    return max(numbers, default=0) + 1
