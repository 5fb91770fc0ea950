"""The import rules of the layers, as the README's "How it is built" states them (issue 11).

Each top-level part of the package may import only the parts listed for it, so the architecture
stays what the README says: a pure scenario core and engine; the store, exporters and records
beside them; the application layer over those; the terminal UI on top and the CLI last. Imports
inside functions count as much as those at the top of a module: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ltl_quiz"
TERMINAL_LIBRARIES = {"rich", "questionary", "prompt_toolkit"}

# Utility modules at the top of the package: every layer may use them, and they use only each other.
BASE = {
    "errors", "text", "files", "atomic", "processes", "pipes", "invocation", "cli_table",
    "locations", "config", "pseudonym", "templating", "support", "json_types",
}  # fmt: skip
CORE = BASE | {"scenario"}
ENGINE = CORE | {"engine"}
STORE = ENGINE | {"store"}
BESIDE_STORE = STORE | {"exporters", "compliance", "sessions"}
LOWER = BESIDE_STORE | {"language", "authoring", "lrs", "records"}
ALLOWED: dict[str, set[str]] = {
    "scenario": CORE,
    "engine": ENGINE,
    "language": CORE | {"language"},
    "authoring": ENGINE | {"authoring", "language"},
    "store": STORE,
    "exporters": STORE | {"exporters"},
    "compliance": STORE | {"compliance"},
    "sessions": STORE | {"sessions"},
    "lrs": STORE | {"exporters", "lrs"},
    "records": BESIDE_STORE | {"records"},
    "app": LOWER | {"app"},
    "ui": LOWER | {"app", "ui"},
    "cli": LOWER | {"app", "ui", "cli", "cli_group", "__version__"},
}
ALLOWED["cli_group"] = ALLOWED["__main__"] = ALLOWED["cli"]
# The renewal and satisfaction rule is pure (dates and records in, a verdict out), so the store's
# SQL can be built from the one rule rather than a copy of it.
RULE_MODULES = {"store": {"compliance.rule", "compliance.periods"}}
TERMINAL_ALLOWED = {"ui", "cli"}


def part_of(path: Path) -> str:
    """The top-level part a module belongs to: its sub-package, or its own name for a top-level module."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported(path: Path, text: str | None = None) -> set[str]:
    """Every module name the file imports (its text, or what is given), with relative imports made absolute."""
    module = ".".join(("ltl_quiz", *path.relative_to(PACKAGE).with_suffix("").parts))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            if base == "ltl_quiz" or base.count(".") == 1:  # `from ltl_quiz.pkg import module` names the module
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def ours(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "ltl_quiz" and len(parts) > 1 else None


def allowed(part: str, name: str) -> bool:
    target = ours(name)
    if target is None or target == part:
        return True
    if target in ALLOWED.get(part, BASE):
        return True
    return name.removeprefix("ltl_quiz.") in RULE_MODULES.get(part, set()) or any(
        name.removeprefix("ltl_quiz.").startswith(f"{rule}.") for rule in RULE_MODULES.get(part, set())
    )


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if part_of(p) != "__init__")


def test_each_part_imports_only_what_its_layer_may() -> None:
    broken = [
        f"{path.relative_to(PACKAGE.parent)} ({part_of(path)}) imports {name}"
        for path in modules()
        for name in sorted(imported(path))
        if not allowed(part_of(path), name) and ours(name) is not None
    ]
    assert not broken, "imports that break the layers (README: How it is built)\n" + "\n".join(broken)


def test_every_part_has_a_rule() -> None:
    """A new package or top-level module must be placed in a layer, not slip through as BASE."""
    parts = {part_of(p) for p in modules()}
    assert parts <= set(ALLOWED) | BASE, f"parts with no layer: {sorted(parts - set(ALLOWED) - BASE)}"


def test_the_rule_modules_the_store_reads_are_pure() -> None:
    for rule in RULE_MODULES["store"]:
        path = PACKAGE.joinpath(*rule.split(".")).with_suffix(".py")
        foreign = {n for n in imported(path) if ours(n) and ours(n) not in CORE and not n.startswith("ltl_quiz.compliance")}
        assert not foreign, f"{rule} must stay pure to be read by the store: it imports {sorted(foreign)}"


def test_terminal_libraries_only_in_the_terminal_ui_and_cli() -> None:
    broken = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in modules()
        if part_of(path) not in TERMINAL_ALLOWED | {"cli_group"}
        for name in sorted(imported(path))
        if name.split(".")[0] in TERMINAL_LIBRARIES
    ]
    assert not broken, "rich, questionary and prompt_toolkit belong to ltl_quiz/ui and the CLI\n" + "\n".join(broken)


def test_the_rule_reader_sees_relative_and_lazy_imports() -> None:
    """The checker itself: a lazy relative import of the UI from inside the store is caught."""
    names = imported(PACKAGE / "store" / "db.py", "def f():\n    from ..ui import render\n    from . import tables\n")
    assert {"ltl_quiz.ui", "ltl_quiz.store"} <= names
    assert not allowed("store", "ltl_quiz.ui.render") and allowed("store", "ltl_quiz.compliance.rule")
    assert not allowed("store", "ltl_quiz.compliance.report") and not allowed("scenario", "ltl_quiz.engine.state_machine")
