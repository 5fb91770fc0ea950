"""Check parsed YAML against the model's type hints and build the model, collecting every problem.

A small typed converter rather than a validation library: it reads the dataclasses in
``model.py`` directly, so the schema cannot drift from the model, it reports each problem at the
author's ``file:line:column``, and it costs nothing at start-up.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, Literal, Union, cast

from ltl_quiz.errors import Problem
from ltl_quiz.scenario import model
from ltl_quiz.scenario.kinds import KINDS
from ltl_quiz.scenario.value_rules import Rules, rules_of
from ltl_quiz.scenario.yaml_source import Located, PathKey
from ltl_quiz.text import counted

_MISSING = object()


class Builder:
    """Builds model objects from a Located document, appending problems instead of stopping."""

    def __init__(self, located: Located):
        self.located = located
        self.problems: list[Problem] = []

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(self.located.problem(path, message))

    def build(self, hint: object, value: object, path: PathKey) -> object:
        """``value`` (parsed YAML) built as ``hint`` (a type of the model) says, or ``_MISSING`` when it cannot be."""
        origin = typing.get_origin(hint)
        if hint is Any:
            return value
        if origin in (Union, types.UnionType):
            return self._union(hint, value, path)
        if origin is Literal:
            allowed = typing.get_args(hint)
            if value not in allowed:
                self.error(path, f"{describe(value)} is not allowed; use one of: {', '.join(map(str, allowed))}")
                return _MISSING
            return value
        if origin is list:
            return self._list(typing.get_args(hint)[0], value, path)
        if origin is dict:
            key_hint, value_hint = typing.get_args(hint)
            return self._dict(key_hint, value_hint, value, path)
        if dataclasses.is_dataclass(hint):
            return self._dataclass(hint, value, path)
        return self._scalar(hint, value, path)

    def _union(self, hint: Any, value: Any, path: PathKey) -> Any:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None and len(args) < len(typing.get_args(hint)):
            return None
        if args == [list[model.Route]]:
            return self._routes(value, path)
        return self.build(args[0], value, path)

    def _routes(self, value: Any, path: PathKey) -> Any:
        """``next`` may be a node id (the common case) or a list of routes."""
        if isinstance(value, str):
            return [model.Route(goto=value)]
        if isinstance(value, list):
            return self._list(model.Route, value, path)
        self.error(path, f"expected a node id or a list of routes, got {describe(value)}")
        return _MISSING

    def _list(self, item_hint: Any, value: Any, path: PathKey) -> Any:
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {describe(value)}")
            return _MISSING
        items = [self.build(item_hint, item, path + (i,)) for i, item in enumerate(value)]
        return [item for item in items if item is not _MISSING]

    def _dict(self, key_hint: Any, value_hint: Any, value: Any, path: PathKey) -> Any:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping, got {describe(value)}")
            return _MISSING
        out = {}
        for raw_key, item in value.items():
            key = cast("str | int", self.build(key_hint, raw_key, path + (raw_key,)))  # the model's mappings are keyed by text or number
            if key is _MISSING:
                continue
            built = self.build(value_hint, item, path + (key,))
            if built is not _MISSING:
                out[key] = built
        return out

    def _scalar(self, hint: Any, value: Any, path: PathKey) -> Any:
        ok = isinstance(value, hint) and not (hint is int and isinstance(value, bool))
        if not ok:
            self.error(path, f"expected {_NAMES.get(hint, hint.__name__)}, got {describe(value)}")
            return _MISSING
        if hint is str and not value.strip():
            self.error(path, "is empty; write the text or remove the field")
        if hint is int and not -model.INT_LIMIT <= value <= model.INT_LIMIT:
            self.error(path, f"{_short(value)} is out of range; use a number between {-model.INT_LIMIT} and {model.INT_LIMIT}")
            return _MISSING
        return value

    def _dataclass(self, cls: Any, value: Any, path: PathKey) -> Any:
        if cls is model.Node and isinstance(value, dict):
            return self._node(value, path)
        return self._fields(cls, value, path, allowed=None)

    def _node(self, value: dict[str, Any], path: PathKey) -> Any:
        node_type = value.get("type")
        if not isinstance(node_type, str) or node_type not in KINDS:  # a list or mapping is unhashable
            kinds = ", ".join(KINDS)
            self.error(path + ("type",), f"{describe(node_type)} is not a node type; use one of: {kinds}")
            return _MISSING
        required, allowed = KINDS[node_type].required, set(KINDS[node_type].fields)
        for name in sorted(required - set(value)):
            self.error(path, f"a {node_type} node needs '{name}'")
        for name in sorted(required & {k for k, v in value.items() if v is None}):
            self.error(path + (name,), f"a {node_type} node needs '{name}', and it is null here; give it a value")
        node = self._fields(model.Node, value, path, allowed=allowed)
        if node is not _MISSING:
            node.id = str(path[-1])
        return node

    def _fields(self, cls: Any, value: Any, path: PathKey, allowed: set[str] | None) -> Any:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping, got {describe(value)}")
            return _MISSING
        spec = field_spec(cls)
        keys = {key for key, _ in spec.values()} if allowed is None else allowed
        for key in value:
            if key not in keys:
                self.error(path + (key,), f"unknown field '{key}'; expected one of: {', '.join(sorted(keys))}")
        kwargs: dict[str, Any] = {}
        for name, (key, hint) in spec.items():
            if key not in keys:
                continue
            if key not in value:
                if _required(cls, name) and allowed is None:
                    self.error(path, f"missing required field '{key}'")
                continue
            raw = value[key]
            if isinstance(raw, (int, dict)) and not isinstance(raw, bool) and not self._in_range(cls, name, raw, path + (key,)):
                continue  # the field's own range says more than the general limit would
            built = self.build(hint, raw, path + (key,))
            if built is not _MISSING and self._in_range(cls, name, built, path + (key,)):
                self._patterns(rules_of(cls, name), built, path + (key,))
                kwargs[name] = built
        try:
            return cls(**kwargs)
        except TypeError:  # a required field was missing or unusable: already reported
            return _MISSING

    def _patterns(self, rules: Rules, built: Any, path: PathKey) -> None:
        """The field's text rules: its pattern (for a text or each text of a list) and those on a mapping's keys.

        A value that breaks one is reported and kept, so later checks still see the whole file.
        """
        if rules.pattern:
            texts: list[tuple[int | None, Any]] = list(enumerate(built)) if isinstance(built, list) else [(None, built)]
            for index, text in texts:
                message = rules.pattern.problem(text) if isinstance(text, str) else None
                if message:
                    self.error(path if index is None else path + (index,), message)
        if not isinstance(built, dict):
            return
        for key in built:
            message = rules.key_pattern.problem(key) if rules.key_pattern else None
            if message:
                self.error(path + (key,), message)
            if rules.keys and key not in rules.keys.allowed:
                self.error(path + (key,), f"unknown {rules.keys.noun} '{key}'; use one of: {', '.join(rules.keys.allowed)}")

    def _in_range(self, cls: Any, name: str, built: Any, path: PathKey) -> bool:
        """The field's own range (``rules(range=...)`` in the model), for a number or each value of a mapping."""
        bounds = rules_of(cls, name).range
        if bounds is None:
            return True
        low, high = bounds
        values = built.items() if isinstance(built, dict) else [(None, built)]
        ok = True
        for key, number in values:
            if isinstance(number, int) and not isinstance(number, bool) and not low <= number <= high:
                where = path if key is None else path + (key,)
                self.error(where, f"{_short(number)} is out of range; use a number between {low} and {high}")
                ok = False
        return ok


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 12 else f"{text[:6]}...({counted(len(text), 'digit')})"


@cache
def field_spec(cls: type) -> dict[str, tuple[str, object]]:
    """Attribute name -> (YAML key, type hint) for the fields an author may write."""
    hints = typing.get_type_hints(cls)
    spec = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal") or f.metadata.get("from_key"):
            continue
        spec[f.name] = (f.metadata.get("key", f.name), hints[f.name])
    return spec


def _required(cls: Any, name: str) -> bool:
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


_NAMES = {str: "text", int: "a whole number", bool: "true or false", float: "a number"}


def describe(value: object) -> str:
    """How a wrong value reads in an error: its type and a short form of it."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"
