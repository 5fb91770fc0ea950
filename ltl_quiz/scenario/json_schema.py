"""A JSON Schema of the scenario format, generated from the model the loader builds.

The dataclasses in ``model.py`` and their type hints are the format (``builder.py`` checks files
against them); this module walks the same hints, so an editor's checks cannot drift from the
loader's. The rules the hints cannot say (ids are slugs, number ranges, at least two options) are
read from the same fields' declared value rules (``value_rules.py``). Rules that need the whole
graph (a ``next`` names a real node, flags are set before they are read) stay with ``validate``.

Draft-07, because it is the draft editors' YAML and JSON language servers support best.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Literal, Union

from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario import model
from ltl_quiz.scenario.builder import field_spec
from ltl_quiz.scenario.field_help import FIELD_HELP
from ltl_quiz.scenario.kinds import KINDS
from ltl_quiz.scenario.value_rules import rules_of

DRAFT = "http://json-schema.org/draft-07/schema#"
ROUTES = list[model.Route]

def build_schema() -> JSONObject:
    """The whole schema as a JSON-ready dict; the same every time, so the checked-in copy can be compared."""
    defs: dict[str, Any] = {
        "text": {"type": "string", "pattern": r"\S", "description": "Text; not empty."},
        "routes": _routes(),
        "Node": _node_dispatch(),
    }
    for cls in (model.Source, model.Case, model.Reference, model.KeyQuestion, model.Route, model.RealCase, model.Option):
        defs[cls.__name__] = _object(cls)
    defs["DecisionOption"] = _decision_option(defs["Option"])
    defs["MultiOption"] = _multi_option(defs["Option"])
    for node_type in KINDS:
        defs[f"{node_type}_node"] = _node(node_type)
    root = _object(model.Scenario)
    return {
        "$schema": DRAFT,
        "title": "ltl-quiz scenario",
        "description": "One Learning the Lessons case study as a branching scenario (docs/scenario-format.md).",
        **root,
        "definitions": defs,
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def _object(cls: type, keys: set[str] | None = None, required: set[str] | None = None) -> dict[str, Any]:
    """An object schema for a dataclass: its YAML keys, their types, and no others."""
    spec = field_spec(cls)
    properties: dict[str, Any] = {}
    needed: list[str] = []
    for name, (key, hint) in spec.items():
        if keys is not None and key not in keys:
            continue
        properties[key] = _field(cls, key, hint)
        if (required is not None and key in required) or (required is None and _required(cls, name)):
            needed.append(key)
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if needed:
        out["required"] = needed
    return out


def _field(cls: type, key: str, hint: Any) -> dict[str, Any]:
    schema = _hint(hint)
    name = next(f.name for f in dataclasses.fields(cls) if f.metadata.get("key", f.name) == key)
    bounds = rules_of(cls, name).range
    if bounds is not None:
        limits = {"minimum": bounds[0], "maximum": bounds[1]}
        schema = (
            {**schema, "additionalProperties": {**schema["additionalProperties"], **limits}}
            if "additionalProperties" in schema
            else {**schema, **limits}
        )
    rules = _value_rules(cls, name, schema)
    if rules:
        schema = _merge(schema, rules)
    help_text = FIELD_HELP.get(cls, {}).get(key)
    if help_text:
        schema = {"description": help_text, **schema} if "$ref" not in schema else {"description": help_text, "allOf": [schema]}
    return schema


def _value_rules(cls: type, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The keywords for the rules the model declares on the field (``value_rules.py``) but its range."""
    rules = rules_of(cls, name)
    out: dict[str, Any] = {}
    if rules.min_items is not None:
        out["minProperties" if schema.get("type") == "object" else "minItems"] = rules.min_items
    if rules.unique:
        out["uniqueItems"] = True
    if rules.pattern is not None:
        pattern = {"pattern": rules.pattern.regex.pattern}
        out.update({"items": pattern} if schema.get("type") == "array" else pattern)
    if rules.key_pattern is not None:
        out["propertyNames"] = {"pattern": rules.key_pattern.regex.pattern}
    if rules.keys is not None:
        out["propertyNames"] = {"enum": list(rules.keys.allowed)}
    return out


def _merge(schema: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """Add rules to a schema; beside a ``$ref`` (ignored by draft-07) they go in an ``allOf``."""
    if "$ref" in schema:
        return {"allOf": [schema, rules]}
    if "items" in rules and "items" in schema:
        return {**schema, **{k: v for k, v in rules.items() if k != "items"}, "items": _merge(schema["items"], rules["items"])}
    return {**schema, **rules}


def _hint(hint: Any) -> dict[str, Any]:
    """The JSON Schema for one type hint, following the same cases as ``builder.Builder.build``."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = {"$ref": "#/definitions/routes"} if args == [ROUTES] else _hint(args[0])
        return {"anyOf": [inner, {"type": "null"}]} if len(args) < len(typing.get_args(hint)) else inner
    if origin is Literal:
        return {"enum": list(typing.get_args(hint))}
    if origin is list:
        return {"type": "array", "items": _hint(typing.get_args(hint)[0])}
    if origin is dict:
        key_hint, value_hint = typing.get_args(hint)
        keys = {"enum": list(typing.get_args(key_hint))} if typing.get_origin(key_hint) is Literal else {"type": "string", "pattern": r"\S"}
        return {"type": "object", "propertyNames": keys, "additionalProperties": _hint(value_hint)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return {"$ref": f"#/definitions/{hint.__name__}"}
    if hint is str:
        return {"$ref": "#/definitions/text"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": -model.INT_LIMIT, "maximum": model.INT_LIMIT}
    raise TypeError(f"no JSON Schema for {hint!r}: teach ltl_quiz.scenario.json_schema this type")


def _required(cls: type, name: str) -> bool:
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _routes() -> dict[str, Any]:
    return {
        "description": "A node id, or a list of routes tried in order; the first that matches wins.",
        "anyOf": [{"$ref": "#/definitions/text"}, {"type": "array", "items": {"$ref": "#/definitions/Route"}}],
    }


def _node_dispatch() -> dict[str, Any]:
    """A node's allowed and required fields depend on its ``type`` (``kinds.KINDS``)."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(KINDS), "description": FIELD_HELP[model.Node]["type"]}},
        "allOf": [
            {
                "if": {"properties": {"type": {"const": node_type}}, "required": ["type"]},
                "then": {"$ref": f"#/definitions/{node_type}_node"},
            }
            for node_type in KINDS
        ],
    }


def _node(node_type: str) -> dict[str, Any]:
    kind = KINDS[node_type]
    required, allowed = set(kind.required), set(kind.fields)
    schema = _object(model.Node, keys=allowed, required=required)
    schema["properties"]["type"] = {"const": node_type}
    schema["required"] = sorted(required | {"type"}, key=list(schema["properties"]).index)
    for key in required:  # a field this node type needs may not be null, as the loader says
        schema["properties"][key] = _not_null(schema["properties"][key])
    option = ("DecisionOption" if kind.routing == "option" else "MultiOption") if kind.choice else None
    if option:
        options = schema["properties"]["options"]
        options["items"] = {"$ref": f"#/definitions/{option}"}
    if kind.routing == "option":  # without a node-level next, every option needs its own
        has_next = {"required": ["next"], "properties": {"next": {"not": {"type": "null"}}}}
        schema["if"] = {"not": has_next}
        schema["then"] = {"properties": {"options": {"items": has_next}}}
    return schema


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``{anyOf: [X, null]}`` (an optional field of the shared Node model) as plain X."""
    options = schema.get("anyOf")
    if not options:
        return schema
    kept = [o for o in options if o != {"type": "null"}]
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**rest, **kept[0]} if len(kept) == 1 and "$ref" not in kept[0] else {**rest, "anyOf": kept}


def _decision_option(option: dict[str, Any]) -> dict[str, Any]:
    properties = dict(option["properties"])
    properties["points"] = {**properties["points"], "minimum": 0}
    return {**option, "properties": properties}


def _multi_option(option: dict[str, Any]) -> dict[str, Any]:
    properties = dict(option["properties"])
    properties["next"] = {"type": "null", "description": "Multi options share the node's 'next'; leave this out."}
    return {**option, "properties": properties}
