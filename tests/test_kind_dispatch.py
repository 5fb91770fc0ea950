"""No module tells one kind of node or answer from another by its name (issue 11).

What a kind does is asked of the kinds table (``scenario/kinds.py``); a comparison such as
``step.kind != "key_question"`` or ``node.type in ("decision", "multi")`` elsewhere is a rule the
table does not know of, and a new kind would have to be added there too. The walk reads every
module of the package as a syntax tree, so a lazy or nested test counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER, KINDS

PACKAGE = Path(__file__).resolve().parent.parent / "ltl_quiz"
TABLE = PACKAGE / "scenario" / "kinds.py"
KIND_FIELDS = {"kind", "type", "node_type", "answer_kind"}
CONSTRUCTORS = {"Step", "Answer"}


def _kind_names() -> set[str]:
    return {*KINDS, *(k.answer_kind for k in KINDS.values() if k.answer_kind), KEY_QUESTION_ANSWER}


def _names_a_kind(node: ast.expr, names: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in names
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(isinstance(e, ast.Constant) and e.value in names for e in node.elts)
    return False


def _is_kind_field(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in KIND_FIELDS) or (isinstance(node, ast.Name) and node.id in KIND_FIELDS)


def kind_tests_by_name(source: str, names: set[str]) -> list[int]:
    """The lines of ``source`` that compare a kind with a kind's name, or build a step or answer of a named kind."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_kind_field(s) for s in sides) and any(_names_a_kind(s, names) for s in sides):
                found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CONSTRUCTORS:
            given = [*node.args, *(k.value for k in node.keywords if k.arg in KIND_FIELDS)]
            if any(isinstance(a, ast.Constant) and a.value in names for a in given):
                found.append(node.lineno)
    return found


def test_the_walk_finds_a_kind_told_by_its_name() -> None:
    """The check itself can fail: each way of naming a kind is found, and asking the table is not."""
    names = _kind_names()
    assert kind_tests_by_name('x = node if step.kind != "key_question" else None', names) == [1]
    assert kind_tests_by_name('ok = node.type in ("decision", "multi")', names) == [1]
    assert kind_tests_by_name('s = Step(seq, "key_question", key)', names) == [1]
    assert kind_tests_by_name('s = Step(seq, KEY_QUESTION_ANSWER, key)\nok = kind_of(node.type).choice', names) == []
    assert kind_tests_by_name('ok = phase == "open"', names) == []


def test_no_module_but_the_table_tells_kinds_apart_by_name() -> None:
    names = _kind_names()
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != TABLE
        for line in kind_tests_by_name(path.read_text(encoding="utf-8"), names)
    ]
    assert found == [], "ask scenario/kinds.py what a kind does instead of naming it: " + ", ".join(found)
