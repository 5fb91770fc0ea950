"""Contracts of the code itself: every error the library raises on purpose is declared in
``ltl_quiz/errors.py``, and leaving (exit 130) is one class, whichever screen it happens on."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ltl_quiz
from ltl_quiz import errors


def _modules() -> list[str]:
    """Every module of the package but ``__main__`` (importing that runs the program)."""
    return [m.name for m in pkgutil.walk_packages(ltl_quiz.__path__, "ltl_quiz.") if not m.name.endswith("__main__")]


def _our_errors() -> dict[str, type[errors.LtlQuizError]]:
    found: dict[str, type[errors.LtlQuizError]] = {}
    for name in _modules():
        for value in vars(importlib.import_module(name)).values():
            if inspect.isclass(value) and issubclass(value, errors.LtlQuizError):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_error_class_is_declared_in_errors_py() -> None:
    elsewhere = sorted(name for name, cls in _our_errors().items() if cls.__module__ != "ltl_quiz.errors")
    assert elsewhere == [], "declare these in ltl_quiz/errors.py"


def test_one_class_means_the_user_left() -> None:
    leaving = sorted(name for name, cls in _our_errors().items() if cls.exit_code == 130)
    assert leaving == ["ltl_quiz.errors.Left"]
    assert str(errors.Left()) and errors.Left("kept").exit_code == 130
