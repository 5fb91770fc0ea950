"""The sessions package holds rules, not screens (issue 11): nothing in it imports a terminal
library or the terminal UI, and the session commands' application layer draws nothing either."""

from __future__ import annotations

import ast
from pathlib import Path

import ltl_quiz

PACKAGE = Path(ltl_quiz.__file__).parent
TERMINAL = ("rich", "questionary", "prompt_toolkit")


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (inside functions and TYPE_CHECKING blocks too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_the_sessions_package_imports_no_terminal_library_and_no_ui() -> None:
    files = sorted((PACKAGE / "sessions").glob("*.py"))
    assert files
    found = {f"{f.name}: {name}" for f in files for name in imported(f) if within(name, (*TERMINAL, "ltl_quiz.ui"))}
    assert found == set()


def test_the_session_commands_app_layer_draws_nothing() -> None:
    names = imported(PACKAGE / "app" / "sessions.py")
    assert {n for n in names if within(n, (*TERMINAL, "ltl_quiz.ui"))} == set()


def test_the_checks_see_an_import_hidden_in_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def draw():\n    from rich.panel import Panel\n    import ltl_quiz.ui.render\n", encoding="utf-8")
    assert {n for n in imported(sample) if within(n, (*TERMINAL, "ltl_quiz.ui"))} == {"rich.panel", "ltl_quiz.ui.render"}
