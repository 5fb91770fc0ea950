"""Is a row from outside (a journal, another store) fit to be written here? One answer for both.

WHY: ``sync`` and ``merge`` bring in rows this program did not just make. A journal can be damaged
on disk, another store can be edited by hand or by an older or hostile tool. Written as they are,
a numeric ``updated_at`` broke the comparison that orders updates, an unknown key broke the insert
(and the whole ``sync`` with it), NUL is refused by PostgreSQL, and ``=HYPERLINK(...)`` in a
timestamp column went on to every export. So each row is checked against the store's own columns
(their names, types and whether they may be empty) before it is written, and timestamps must look
like the ones this program writes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

# The form ``ltl_quiz.store.db.now`` writes, and ISO 8601 forms close to it another store may hold.
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")
BIG = 2**63  # a BIGINT holds less; SQLite's INTEGER the same
# Columns the store indexes (ids, kinds, option ids: m012's ix_answers_marks). PostgreSQL refuses an
# index entry over about 2,700 bytes, so a longer value from another store would fail the whole
# write there; refused here as one row instead. This program's own values are far shorter.
INDEXED = frozenset({"id", "attempt_id", "learner_id", "scenario_id", "session_code", "node_id", "kind", "option_ids", "track"})
INDEXED_BYTES = 1000


@dataclass(frozen=True)
class Column:
    """What one column of the store takes."""

    kind: type | None  # str, int, float, bool; None when the store's type says nothing we check
    nullable: bool


Columns = Mapping[str, Column]


def table_columns(conn: sa.Connection, table: str) -> dict[str, Column]:
    """The columns of ``table`` as this store holds them (after every migration it has had)."""
    return {c["name"]: _column(c["type"], c.get("nullable", True)) for c in sa.inspect(conn).get_columns(table)}


def row_problem(row: object, columns: Columns, required: tuple[str, ...] = ()) -> str | None:
    """Why ``row`` cannot be written to a table with ``columns`` (one phrase), or None when it can."""
    if not isinstance(row, Mapping):
        return f"a {type(row).__name__} where a record belongs"
    for name in required:
        if name not in row:
            return f"no '{name}'"
    for name, value in row.items():
        if name not in columns:
            return f"'{name}' is not a column of the store"
        problem = value_problem(name, value, columns[name])
        if problem:
            return problem
    return None


def value_problem(name: str, value: object, column: Column) -> str | None:
    """Why ``value`` does not fit ``column`` (named ``name``), or None."""
    if value is None:
        return None if column.nullable else f"'{name}' is empty and may not be"
    kind = column.kind
    if kind is bool:
        ok = isinstance(value, bool) or (isinstance(value, int) and value in (0, 1))  # SQLite gives 0 and 1
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and -BIG <= value < BIG
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    elif kind is str:
        ok = isinstance(value, str)
    else:
        ok = isinstance(value, str | int | float | bool)
    if not ok:
        return f"'{name}' is {_shown(value)}, not {_kind_name(kind)}"
    if isinstance(value, str):
        if "\x00" in value:
            return f"'{name}' holds a NUL character"
        if name in INDEXED and len(value.encode("utf-8", "surrogatepass")) > INDEXED_BYTES:
            return f"'{name}' is {_shown(value)}, longer than the {INDEXED_BYTES} bytes an index can hold"
        if name.endswith("_at") and not TIMESTAMP.fullmatch(value):
            return f"'{name}' is {_shown(value)}, not a time"
    return None


def _kind_name(kind: type | None) -> str:
    names: dict[type | None, str] = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    return names.get(kind, "a value")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def columns_of(table: sa.Table) -> dict[str, Column]:
    """The same as ``table_columns``, from a table already reflected (``merge`` reflects both stores)."""
    return {c.name: _column(c.type, c.nullable) for c in table.columns}


def _column(column_type: sa.types.TypeEngine[Any], nullable: bool | None) -> Column:
    """What a column of this type takes: a type whose Python side SQLAlchemy does not know is not checked."""
    try:
        kind: type | None = column_type.python_type
    except NotImplementedError:
        kind = None
    return Column(kind, bool(nullable))
