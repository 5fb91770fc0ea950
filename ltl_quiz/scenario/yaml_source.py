"""Read a YAML content file into plain Python values, remembering where every value came from.

PyYAML's safe loader silently keeps the last of two duplicate keys, expands aliases without limit
and reports nothing about where a value sat in the file. Authors need all three fixed: we compose
the node tree ourselves (with the C parser when present), refuse duplicate keys, tags, aliases and
oversized documents, and keep a ``path -> (line, column)`` map for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ltl_quiz.errors import FileRefused, Problem, ScenarioError
from ltl_quiz.files import CONTENT_MAX_BYTES, read_regular

try:  # the C parser is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # the pure-Python twin, same interface

MAX_BYTES = CONTENT_MAX_BYTES
MAX_NODES = 200_000
MAX_DEPTH = 64  # a scenario nests about 8 deep; far deeper is hostile, and recursion has a limit
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

PathKey = tuple[str | int, ...]


@dataclass
class Located:
    """A parsed document plus where each value (and each mapping key) starts."""

    file: str
    data: object  # plain YAML values: mappings, lists, text, numbers, booleans, null (dates too)
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: PathKey) -> tuple[int, int]:
        """The nearest known position for ``path``: its own, else its closest parent's."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def problem(self, path: PathKey, message: str, severity: str = "error") -> Problem:
        line, column = self.where(path)
        return Problem(self.file, line, column, format_path(path), message, severity)


def format_path(path: PathKey) -> str:
    """``('nodes', 'a', 'options', 0)`` -> ``nodes.a.options[0]``: how an author would say it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_file(path: Path, display: str | None = None) -> Located:
    """Read and parse ``path``; raise ScenarioError naming the file for anything unusable."""
    name = display or str(path)
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileRefused as exc:
        raise ScenarioError([Problem(name, 1, 1, "", str(exc))]) from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, name: str) -> Located:
    """Parse YAML text that may be hostile; refuse quickly rather than expand or execute it."""
    if len(raw) > MAX_BYTES:
        msg = f"the file is {len(raw):,} bytes; scenario files are limited to {MAX_BYTES:,} bytes"
        raise ScenarioError([Problem(name, 1, 1, "", msg)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the file is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        raise ScenarioError([Problem(name, 1, 1, "", msg)]) from None
    loader = _Loader(text)
    try:
        _screen_events(text, name)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "not valid YAML"
        if exc.context and exc.problem and exc.problem.startswith("but "):
            what = f"{exc.context}, {exc.problem}"
        raise ScenarioError([Problem(name, line, col, "", f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(name, 1, 1, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    located = Located(name, None)
    if root is None:
        raise ScenarioError([Problem(name, 1, 1, "", "the file is empty; a scenario is a YAML mapping")])
    located.data = _Builder(located, loader).build(root, ())
    return located


def _screen_events(text: str, name: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is composed.

    Events are cheap and nothing is expanded, so an alias bomb costs no more than its own text,
    and a document nested thousands deep is refused at the line where it passes the limit rather
    than exhausting the recursion of the composer or of our builder.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark  # the parser marks every event; the types allow an event without one
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if isinstance(event, yaml.AliasEvent):
            msg = "anchors and aliases (&name, *name) are not allowed; write the value out"
            raise ScenarioError([Problem(name, line, col, "", msg)])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                msg = f"nested more than {MAX_DEPTH} levels deep; content files are a few levels deep, so flatten it"
                raise ScenarioError([Problem(name, line, col, "", msg)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _Builder:
    """Turns composed nodes into values, enforcing the rules that keep content files plain."""

    def __init__(self, located: Located, loader: Any):
        self.located = located
        self.loader = loader
        self.seen: set[int] = set()

    def fail(self, node: yaml.Node, path: PathKey, message: str) -> ScenarioError:
        mark = node.start_mark
        problem = Problem(self.located.file, mark.line + 1, mark.column + 1, format_path(path), message)
        return ScenarioError([problem])

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if id(node) in self.seen:
            raise self.fail(node, path, "anchors and aliases (&name, *name) are not allowed; write the value out")
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise self.fail(node, path, f"the document has more than {MAX_NODES:,} values; split it up")
        self.located.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.tag in _PLAIN_TAGS:
            return self.loader.construct_object(node)
        raise self.fail(node, path, f"YAML tag {node.tag!r} is not allowed; use plain values")

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise self.fail(key_node, path, "mapping keys must be plain text")
            key = self.loader.construct_object(key_node)
            if key in out:
                first = self.located.marks[path + (key,)]
                raise self.fail(key_node, path + (key,), f"duplicate key {key!r} (first given at line {first[0]}); keep one")
            self.located.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, path + (key,))
            # the key's own position is more useful to an author than the value's
            self.located.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out
