"""Small modules and short functions: the limits a newcomer can hold in their head (issue 11).

No module over 400 lines; no function over 60 lines, except a function that only returns data (a literal
such as the `new` command's skeleton scenario), which reads as data, not as logic.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ltl_quiz"
MODULE_LINES = 400
FUNCTION_LINES = 60
LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Constant, ast.JoinedStr)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def only_data(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True for a body of a docstring and returns or assignments of literals, nothing that decides."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body) and all(
        isinstance(statement, (ast.Return, ast.Assign, ast.AnnAssign)) and isinstance(statement.value, LITERALS)
        for statement in body
    )


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not only_data(node):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} is {length} lines")
    return found


def test_no_module_is_over_the_limit() -> None:
    too_long = []
    for path in modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_LINES:
            too_long.append(f"{path.relative_to(PACKAGE.parent)} is {lines} lines")
    assert not too_long, f"modules over {MODULE_LINES} lines: split them by concept\n" + "\n".join(too_long)


def test_no_function_is_over_the_limit() -> None:
    too_long = [line for path in modules() for line in long_functions(path)]
    assert not too_long, f"functions over {FUNCTION_LINES} lines: split them\n" + "\n".join(too_long)


def test_a_data_function_is_told_apart_from_logic() -> None:
    """The exemption is narrow: a literal returned is data; a branch in the body is not."""
    data = ast.parse('def f():\n    "Doc."\n    return {"a": [1, 2, 3]}\n').body[0]
    logic = ast.parse("def f(x):\n    if x:\n        return {}\n    return []\n").body[0]
    assert isinstance(data, ast.FunctionDef) and only_data(data)
    assert isinstance(logic, ast.FunctionDef) and not only_data(logic)
