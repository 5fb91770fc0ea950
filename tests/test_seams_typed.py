"""`Any` is gone from the seams between layers (issue 11, "Contracts you can check").

A seam is what one package of ltl_quiz offers another: in the library packages below, every public
module (no leading underscore) and in it every public function, every public method (and `__init__`
or `__call__`) of a public class, every annotated field of a public class (dataclass, NamedTuple,
TypedDict, Protocol), and every public module-level name whose value is a type alias. None of
their annotations may mention `Any`, either directly or through an alias of the same package that
does. What crosses a seam is said with `json_types.JSONValue`/`JSONObject`, a TypedDict, a row
dataclass or a Protocol. Private helpers (a leading underscore) are inside a layer, not on a seam.

ALLOWED lists what truly must be `Any`, each with its reason; NOT_YET lists seams in modules another
piece of work holds open just now, each with who holds it (to be typed when they land). The test also
fails when an entry of either is no longer needed, so neither list can outlive its reasons.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ltl_quiz"
SEAM_PACKAGES = ("app", "store", "exporters", "records", "compliance", "lrs", "sessions", "scenario", "engine")
PUBLIC_DUNDERS = {"__init__", "__call__"}

# "module:qualified.name" -> why it must stay Any. Nothing else in the seam packages may mention Any.
ALLOWED: dict[str, str] = {}

# "module:qualified.name" -> the work that holds the module open; its Any goes when that work lands.
NOT_YET: dict[str, str] = {}


def mentions_any(node: ast.AST | None, aliases: frozenset[str] = frozenset()) -> bool:
    """True when an annotation names `Any` (bare, `typing.Any`, inside a string) or an alias of Any."""
    if node is None:
        return False
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and (part.id == "Any" or part.id in aliases):
            return True
        if isinstance(part, ast.Attribute) and part.attr == "Any":
            return True
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            try:
                inner = ast.parse(part.value, mode="eval")
            except SyntaxError:
                continue
            if mentions_any(inner, aliases):
                return True
    return False


def seam_modules() -> Iterator[tuple[str, ast.Module]]:
    for package in SEAM_PACKAGES:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            relative = path.relative_to(PACKAGE.parent).with_suffix("")
            if any(part.startswith("_") and part != "__init__" for part in relative.parts):
                continue
            yield ".".join(relative.parts), ast.parse(path.read_text(encoding="utf-8"))


def is_public(name: str) -> bool:
    return not name.startswith("_") or name in PUBLIC_DUNDERS


def alias_value(statement: ast.stmt) -> tuple[str, ast.expr] | None:
    """The name and value of a module-level `X = ...` or `X: TypeAlias = ...` (3.11 has no `type X`)."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
        return statement.target.id, statement.value
    return None


def any_aliases(tree: ast.Module) -> frozenset[str]:
    """Module-level names whose value mentions Any (`Row = dict[str, Any]`): using one hides an Any."""
    found: set[str] = set()
    for statement in tree.body:
        named = alias_value(statement)
        if named and mentions_any(named[1], frozenset(found)):
            found.add(named[0])
    return frozenset(found)


def function_annotations(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr | None]:
    arguments = function.args
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg):
        if argument is not None:
            yield argument.annotation
    yield function.returns


def any_field(statement: ast.stmt, aliases: frozenset[str]) -> str | None:
    """The name of a public annotated field (`name: type`) whose type mentions Any, else None."""
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and is_public(statement.target.id):
        return statement.target.id if mentions_any(statement.annotation, aliases) else None
    return None


def class_seams(owner: str, cls: ast.ClassDef, aliases: frozenset[str]) -> Iterator[str]:
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_public(statement.name):
            if any(mentions_any(annotation, aliases) for annotation in function_annotations(statement)):
                yield f"{owner}.{statement.name}"
        elif (name := any_field(statement, aliases)) is not None:
            yield f"{owner}.{name}"
        elif isinstance(statement, ast.ClassDef) and is_public(statement.name):
            yield from class_seams(f"{owner}.{statement.name}", statement, aliases)


def module_seams(module: str, tree: ast.Module) -> Iterator[str]:
    aliases = any_aliases(tree)
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_public(statement.name):
            if any(mentions_any(annotation, aliases) for annotation in function_annotations(statement)):
                yield f"{module}:{statement.name}"
        elif isinstance(statement, ast.ClassDef) and is_public(statement.name):
            yield from (f"{module}:{name}" for name in class_seams(statement.name, statement, aliases))
        elif (named := alias_value(statement)) and is_public(named[0]) and named[0] in aliases:
            yield f"{module}:{named[0]}"
        elif (name := any_field(statement, aliases)) is not None:
            yield f"{module}:{name}"


def seams_with_any() -> list[str]:
    return [seam for module, tree in seam_modules() for seam in module_seams(module, tree)]


def test_no_seam_between_layers_mentions_any() -> None:
    found = [seam for seam in seams_with_any() if seam not in ALLOWED and seam not in NOT_YET]
    assert not found, "public annotations that mention Any: say the shape (json_types, a TypedDict, a row type)\n" + "\n".join(found)


def test_every_allowed_any_is_still_there() -> None:
    found = set(seams_with_any())
    stale = [seam for seam in (*ALLOWED, *NOT_YET) if seam not in found]
    assert not stale, "allowed Any no longer present: drop the entry\n" + "\n".join(stale)


def test_the_check_sees_any_however_it_is_spelt() -> None:
    source = (
        "import typing\n"
        "from typing import Any\n"
        "Row = dict[str, Any]\n"
        "Rows = list[Row]\n"
        "def direct(x: Any) -> None: ...\n"
        "def dotted() -> typing.Any: ...\n"
        "def quoted(x: 'list[Any]') -> None: ...\n"
        "def through_alias(rows: Rows) -> None: ...\n"
        "def star(*args: Any, **kwargs: int) -> None: ...\n"
        "def _private(x: Any) -> None: ...\n"
        "def typed(x: dict[str, int]) -> str: ...\n"
        "class Shape:\n"
        "    field: Any\n"
        "    _hidden: Any\n"
        "    def method(self) -> Any: ...\n"
        "    def __init__(self, x: Any) -> None: ...\n"
        "    def __repr__(self) -> Any: ...\n"
        "class _Inner:\n"
        "    def method(self) -> Any: ...\n"
    )
    found = set(module_seams("m", ast.parse(source)))
    assert found == {
        "m:Row",
        "m:Rows",
        "m:direct",
        "m:dotted",
        "m:quoted",
        "m:through_alias",
        "m:star",
        "m:Shape.field",
        "m:Shape.method",
        "m:Shape.__init__",
    }
