"""The xAPI 1.0.3 rules a statement must meet, checked independently of the code that writes them.

Ralph (the LRS in the end-to-end test) is lenient, so the suite holds every statement to the
specification itself (xAPI-Data.md): required properties, UUIDs, IRIs, exactly one identifier per
Agent, language maps, verbs, interaction definitions, scores, durations and timestamps. The
tests at the bottom prove each rule catches what it is for.
"""

from __future__ import annotations

import copy
import re
import uuid
from datetime import datetime
from typing import Any

import pytest

IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"}
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def problems(statement: dict[str, Any]) -> list[str]:
    """Every way ``statement`` breaks the xAPI 1.0.3 rules (empty when it is valid)."""
    out: list[str] = []
    unknown = set(statement) - STATEMENT_KEYS
    if unknown:
        out.append(f"unknown properties {sorted(unknown)}")
    for key in ("actor", "verb", "object"):
        if key not in statement:
            out.append(f"no {key}")
    _no_nulls(statement, "statement", out)
    if "id" in statement:
        _uuid(statement["id"], "id", out)
    if "actor" in statement:
        _agent(statement["actor"], "actor", out)
    verb = statement.get("verb", {})
    if not isinstance(verb, dict) or not _is_iri(verb.get("id")):
        out.append("verb.id is not an IRI")
    elif "display" in verb:
        _language_map(verb["display"], "verb.display", out)
    obj = statement.get("object", {})
    _object(obj, verb.get("id") if isinstance(verb, dict) else None, out)
    if "result" in statement:
        _result(statement["result"], out)
    if "context" in statement:
        _context(statement["context"], obj, out)
    if "timestamp" in statement:
        _timestamp(statement["timestamp"], "timestamp", out)
    if statement.get("version", "1.0.3").split(".")[:2] != ["1", "0"]:
        out.append(f"version {statement.get('version')!r} is not 1.0.x")
    return out


def _no_nulls(value: Any, where: str, out: list[str]) -> None:
    if value is None:
        out.append(f"{where} is null")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "extensions":  # nulls are allowed inside extensions only
                _no_nulls(item, f"{where}.{key}", out)
            if item == {}:
                out.append(f"{where}.{key} is an empty object")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _no_nulls(item, f"{where}[{i}]", out)


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(IRI.match(value))


def _uuid(value: Any, where: str, out: list[str]) -> None:
    try:
        parsed = uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        out.append(f"{where} {value!r} is not a UUID")
        return
    if str(parsed) != value or parsed.variant != uuid.RFC_4122:
        out.append(f"{where} {value!r} is not a lower-case RFC 4122 UUID")


def _agent(agent: Any, where: str, out: list[str]) -> None:
    if not isinstance(agent, dict):
        out.append(f"{where} is not an object")
        return
    if agent.get("objectType", "Agent") != "Agent":
        out.append(f"{where}.objectType is not Agent")
    ifis = [k for k in IFIS if k in agent]
    if len(ifis) != 1:
        out.append(f"{where} has {len(ifis)} inverse functional identifiers; an Agent has exactly one")
    account = agent.get("account")
    if account is not None:
        if set(account) != {"homePage", "name"}:
            out.append(f"{where}.account needs exactly homePage and name")
        if not (
            isinstance(account.get("homePage"), str)
            and account["homePage"].startswith(("http://", "https://"))
            and _is_iri(account["homePage"])
        ):
            out.append(f"{where}.account.homePage is not an IRL")
        if not isinstance(account.get("name"), str) or not account["name"]:
            out.append(f"{where}.account.name is empty")
    if "name" in agent and not isinstance(agent["name"], str):
        out.append(f"{where}.name is not a string")


def _language_map(value: Any, where: str, out: list[str]) -> None:
    if not isinstance(value, dict) or not value:
        out.append(f"{where} is not a language map")
        return
    for tag, text in value.items():
        if not LANGUAGE_TAG.match(tag) or not isinstance(text, str):
            out.append(f"{where} has a bad entry {tag!r}")


VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _object(obj: Any, verb: Any, out: list[str]) -> None:
    """An Activity, or for a voiding statement a StatementRef: the only objects ltl-quiz writes."""
    is_ref = isinstance(obj, dict) and obj.get("objectType") == "StatementRef"
    if verb == VOIDED and not is_ref:
        out.append("a voided statement's object must be a StatementRef")
    if not is_ref:
        _activity(obj, "object", out)
        return
    if set(obj) != {"objectType", "id"}:
        out.append("object: a StatementRef has exactly objectType and id")
    _uuid(obj.get("id"), "object.id", out)


def _activity(obj: Any, where: str, out: list[str]) -> None:
    if not isinstance(obj, dict):
        out.append(f"{where} is not an object")
        return
    if obj.get("objectType", "Activity") != "Activity":
        out.append(f"{where}.objectType is not Activity")
    if not _is_iri(obj.get("id")):
        out.append(f"{where}.id {obj.get('id')!r} is not an IRI")
    definition = obj.get("definition")
    if definition is None:
        return
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], f"{where}.definition.{key}", out)
    if "type" in definition and not _is_iri(definition["type"]):
        out.append(f"{where}.definition.type is not an IRI")
    kind = definition.get("interactionType")
    if kind is not None and kind not in INTERACTION_TYPES:
        out.append(f"{where}.definition.interactionType {kind!r} is not an interaction type")
    if "choices" in definition:
        if kind not in ("choice", "sequencing"):
            out.append(f"{where}.definition.choices needs interactionType choice or sequencing")
        ids = [c.get("id") for c in definition["choices"]]
        if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
            out.append(f"{where}.definition.choices ids are not unique non-empty strings")
        for i, choice in enumerate(definition["choices"]):
            _language_map(choice.get("description"), f"{where}.definition.choices[{i}].description", out)
        for pattern in definition.get("correctResponsesPattern", []):
            for part in filter(None, pattern.split("[,]")):
                if part not in ids:
                    out.append(f"{where}.definition.correctResponsesPattern names {part!r}, which is not a choice")
    if "correctResponsesPattern" in definition and not all(isinstance(p, str) for p in definition["correctResponsesPattern"]):
        out.append(f"{where}.definition.correctResponsesPattern is not a list of strings")
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{where}.definition.extensions", out)


def _result(result: dict[str, Any], out: list[str]) -> None:
    score = result.get("score")
    if score is not None:
        scaled, raw, low, high = (score.get(k) for k in ("scaled", "raw", "min", "max"))
        for key, value in (("scaled", scaled), ("raw", raw), ("min", low), ("max", high)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                out.append(f"result.score.{key} is not a number")
                return
        if scaled is not None and not -1 <= scaled <= 1:
            out.append(f"result.score.scaled {scaled} is outside [-1, 1]")
        if low is not None and high is not None and not low < high:
            out.append(f"result.score.min {low} is not below max {high}")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            out.append(f"result.score.raw {raw} is outside min/max")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            out.append(f"result.{key} is not a boolean")
    if "response" in result and not isinstance(result["response"], str):
        out.append("result.response is not a string")
    if "duration" in result:
        duration = result["duration"]
        if not isinstance(duration, str) or not DURATION.match(duration):
            out.append(f"result.duration {duration!r} is not an ISO 8601 duration")
        elif re.search(r"\.\d{3,}S", duration):
            out.append(f"result.duration {duration!r} is more precise than 0.01 s")
    if "extensions" in result:
        _extensions(result["extensions"], "result.extensions", out)


def _context(context: dict[str, Any], obj: dict[str, Any], out: list[str]) -> None:
    if "registration" in context:
        _uuid(context["registration"], "context.registration", out)
    if "instructor" in context:
        _agent(context["instructor"], "context.instructor", out)
    activities = context.get("contextActivities", {})
    for key, value in activities.items():
        if key not in ("parent", "grouping", "category", "other"):
            out.append(f"context.contextActivities.{key} is not a context type")
        for i, activity in enumerate(value if isinstance(value, list) else [value]):
            _activity(activity, f"context.contextActivities.{key}[{i}]", out)
    is_activity = obj.get("objectType", "Activity") == "Activity"
    for key in ("revision", "platform"):
        if key in context and (not is_activity or not isinstance(context[key], str)):
            out.append(f"context.{key} is only for statements about an Activity, as a string")
    if "language" in context and not LANGUAGE_TAG.match(str(context["language"])):
        out.append("context.language is not an RFC 5646 tag")
    if "extensions" in context:
        _extensions(context["extensions"], "context.extensions", out)


def _extensions(value: Any, where: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        out.append(f"{where} is not an object")
        return
    for key in value:
        if not _is_iri(key):
            out.append(f"{where} key {key!r} is not an IRI")


def _timestamp(value: Any, where: str, out: list[str]) -> None:
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        out.append(f"{where} {value!r} is not an ISO 8601 timestamp with a time zone")
        return
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        out.append(f"{where} {value!r} is not a real moment")


# -- the checks themselves must catch what they are for ---------------------------------------------
GOOD: dict[str, Any] = {
    "id": "1527d83c-2195-57c8-a39b-cba4e5febcfd",
    "actor": {"objectType": "Agent", "account": {"homePage": "https://lrs.example.org", "name": "AB1"}, "name": "Alex"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-GB": "answered"}},
    "object": {
        "objectType": "Activity",
        "id": "https://lrs.example.org/xapi/scenarios/x/decisions/y",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "name": {"en-GB": "Which?"},
            "choices": [{"id": "a", "description": {"en-GB": "A"}}, {"id": "b", "description": {"en-GB": "B"}}],
            "correctResponsesPattern": ["a"],
        },
    },
    "result": {"response": "b", "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": False, "duration": "PT30.5S"},
    "context": {
        "registration": "fc56c07e-f2e1-4d96-b21a-63f759e7b8cb",
        "contextActivities": {"parent": [{"id": "https://lrs.example.org/xapi/scenarios/x"}]},
    },
    "timestamp": "2024-03-04T09:02:30.123Z",
}


def test_a_valid_statement_passes() -> None:
    assert problems(GOOD) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("id",), "not-a-uuid", "is not a UUID"),
        (("id",), "1527D83C-2195-57C8-A39B-CBA4E5FEBCFD", "lower-case RFC 4122"),
        (("actor", "mbox"), "mailto:a@example.org", "exactly one"),
        (("actor", "account", "homePage"), "not a url", "not an IRL"),
        (("verb", "id"), "answered", "verb.id is not an IRI"),
        (("verb", "display"), {"english": "answered"}, "bad entry"),
        (("object", "id"), "has spaces in it", "is not an IRI"),
        (("object", "definition", "interactionType"), "multiple-choice", "not an interaction type"),
        (("object", "definition", "correctResponsesPattern"), ["c"], "not a choice"),
        (("result", "score", "scaled"), 1.5, "outside [-1, 1]"),
        (("result", "score", "raw"), 11, "outside min/max"),
        (("result", "score", "min"), 10, "not below max"),
        (("result", "score", "raw"), "5", "not a number"),
        (("result", "success"), "false", "not a boolean"),
        (("result", "duration"), "30 seconds", "not an ISO 8601 duration"),
        (("result", "duration"), "PT30.123S", "more precise"),
        (("context", "registration"), "attempt-1", "is not a UUID"),
        (("context", "contextActivities", "sibling"), [{"id": "https://x.example/a"}], "not a context type"),
        (("context", "extensions"), {"track": "officer"}, "not an IRI"),
        (("timestamp",), "2024-03-04 09:02:30", "not an ISO 8601 timestamp"),
        (("timestamp",), "2024-03-04T09:02:30.123", "not an ISO 8601 timestamp"),
        (("timestamp",), "2024-02-30T09:02:30Z", "not a real moment"),
        (("result", "response"), None, "is null"),
        (("surprise",), 1, "unknown properties"),
    ],
)
def test_each_rule_catches_its_mistake(path: tuple[str, ...], value: Any, expected: str) -> None:
    bad = copy.deepcopy(GOOD)
    target = bad
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    found = problems(bad)
    assert any(expected in p for p in found), found


VOIDING: dict[str, Any] = {
    "id": "3f8c2f8e-2a4b-5c8e-9d2f-0a1b2c3d4e5f",
    "actor": {"objectType": "Agent", "account": {"homePage": "https://lrs.example.org", "name": "ltl-quiz"}},
    "verb": {"id": VOIDED, "display": {"en-GB": "voided"}},
    "object": {"objectType": "StatementRef", "id": "1527d83c-2195-57c8-a39b-cba4e5febcfd"},
    "timestamp": "2024-03-04T09:02:30.123Z",
}


def test_a_valid_voiding_statement_passes() -> None:
    assert problems(VOIDING) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"object": {"objectType": "StatementRef", "id": "not-a-uuid"}}, "is not a UUID"),
        ({"object": {"objectType": "StatementRef", "id": "1527d83c-2195-57c8-a39b-cba4e5febcfd", "definition": {}}}, "exactly objectType"),
        ({"object": {"objectType": "Activity", "id": "https://lrs.example.org/xapi/x"}}, "must be a StatementRef"),
        ({"context": {"platform": "ltl-quiz"}}, "only for statements about an Activity"),
    ],
)
def test_each_voiding_rule_catches_its_mistake(change: dict[str, Any], expected: str) -> None:
    found = problems({**copy.deepcopy(VOIDING), **change})
    assert any(expected in p for p in found), found


def test_missing_required_properties_are_caught() -> None:
    for key in ("actor", "verb", "object"):
        bad = {k: v for k, v in GOOD.items() if k != key}
        assert f"no {key}" in problems(bad)
