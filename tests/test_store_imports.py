"""The store stands beside the sessions and the terminal UI, under them: it never imports either.

Session rules once lived in ``store/`` and imported ``ltl_quiz.sessions``, which imported the store
back; this walks every module of ``ltl_quiz/store`` (imports inside functions too) so the cycle
cannot come back unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ltl_quiz.store

FORBIDDEN = ("ltl_quiz.sessions", "ltl_quiz.ui")
STORE = Path(ltl_quiz.store.__file__).parent


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a tree imports, with its line: ``import a.b`` gives a.b, ``from a import b`` gives a.b too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def offences(folder: Path) -> list[str]:
    return [
        f"{path.relative_to(folder.parent)}:{line} imports {name}"
        for path in sorted(folder.rglob("*.py"))
        for line, name in imported(ast.parse(path.read_text(encoding="utf-8")))
        if forbidden(name)
    ]


def test_nothing_in_the_store_imports_sessions_or_the_ui() -> None:
    assert sorted(p.name for p in STORE.glob("*.py")) and offences(STORE) == []


def test_the_check_sees_every_form_of_import(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "a.py").write_text("def f():\n    from ltl_quiz.sessions.model import SessionState\n", encoding="utf-8")
    (folder / "b.py").write_text("import ltl_quiz.ui.runner\nfrom ltl_quiz import sessions\n", encoding="utf-8")
    (folder / "c.py").write_text("from ltl_quiz.store import db\nimport ltl_quiz.sessionsx\n", encoding="utf-8")
    assert offences(folder) == [
        "store/a.py:2 imports ltl_quiz.sessions.model.SessionState",
        "store/b.py:1 imports ltl_quiz.ui.runner",
        "store/b.py:2 imports ltl_quiz.sessions",
    ]
