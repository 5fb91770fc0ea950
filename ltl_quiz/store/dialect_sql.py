"""SQL functions that each database spells its own way, declared as templates in one place.

The report's queries need a few expressions SQLAlchemy has no portable form for (the node a saved
engine state is at, a planner hint, seconds between two text timestamps). Each is a small
``FunctionElement`` whose SQL, per dialect, is a template over its compiled arguments; ``spelled``
registers them so that no query module repeats the compiler plumbing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

Template = str | Callable[[Dialect, list[str]], str]  # "f({0})", or (dialect, arguments) -> SQL


def spelled(element: type[FunctionElement[object]], default: Template, **dialects: Template) -> None:
    """Register ``element``'s SQL: ``default`` for every database, ``dialects[name]`` where one
    spells it differently. A template is a format string over the compiled arguments, or a function
    of the dialect and those arguments."""

    def compiler_for(template: Template) -> Callable[..., str]:
        def compile_sql(found: FunctionElement[Any], compiler: Any, **kw: Any) -> str:
            arguments = [compiler.process(c, **kw) for c in found.clauses]
            return template.format(*arguments) if isinstance(template, str) else template(compiler.dialect, arguments)

        return compile_sql

    compiles(element)(compiler_for(default))
    for name, template in dialects.items():
        compiles(element, name)(compiler_for(template))
