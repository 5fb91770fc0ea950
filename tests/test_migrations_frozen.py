"""The migrations are frozen history: the database they build never changes, however they are written.

``tests/data/schema_<dialect>.json`` is what an empty store looked like, read with SQLAlchemy's
inspector, after the migrations as they stood at commit 036c44f (each column written out as an
``sa.Column``). The migrations must go on building exactly that, on SQLite and PostgreSQL alike:
the same tables, columns in the same order with the same types as the database names them,
nullability and server defaults, the same named keys, constraints and indexes, and the same
migrations recorded in ``ltl_migrations``. A change that alters what an old migration builds fails
here. A new migration comes with a new snapshot of each, written from an empty database of each kind:
``python tests/test_migrations_frozen.py sqlite:////tmp/new.sqlite3`` (and the URL of an empty
PostgreSQL database); review the diff: it must add, never change.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ltl_quiz.store import Store

DATA = Path(__file__).resolve().parent / "data"


def _column(c: Any) -> str:
    default = "" if c.get("default") is None else f" DEFAULT {c['default']}"
    return f"{c['name']} {c['type']}{'' if c['nullable'] else ' NOT NULL'}{default}"


def _key(k: Any) -> str:
    """A key's name (``None`` where the database gave it none) and its columns."""
    return f"{k.get('name')} ({', '.join(k['constrained_columns'])})"


def _table(inspector: sa.Inspector, name: str) -> dict[str, Any]:
    """One table as the database describes it, a line of text per column, key, constraint and index."""
    return {
        "columns": [_column(c) for c in inspector.get_columns(name)],
        "primary_key": _key(inspector.get_pk_constraint(name)),
        "foreign_keys": sorted(
            f"{_key(f)} -> {f['referred_table']} ({', '.join(f['referred_columns'])})" for f in inspector.get_foreign_keys(name)
        ),
        "unique": sorted(f"{u['name']} ({', '.join(u['column_names'])})" for u in inspector.get_unique_constraints(name)),
        "indexes": sorted(
            f"{i['name']} ({', '.join(str(c) for c in i['column_names'])}){' UNIQUE' if i['unique'] else ''}"
            for i in inspector.get_indexes(name)
            if not i.get("duplicates_constraint")
        ),
    }


def snapshot(conn: sa.Connection) -> dict[str, Any]:
    """Every table of the store and the migrations it recorded, as the inspector reads them."""
    inspector = sa.inspect(conn)
    names = [row[0] for row in conn.execute(sa.text("SELECT name FROM ltl_migrations ORDER BY id"))]
    return {"migrations": names, "tables": {name: _table(inspector, name) for name in sorted(inspector.get_table_names())}}


def record(url: str) -> None:
    """Write the snapshot of a new store at ``url`` (run by hand when a migration is added)."""
    with Store(url) as store, store.engine.connect() as conn:
        path = DATA / f"schema_{conn.dialect.name}.json"
        path.write_text(json.dumps(snapshot(conn), indent=1) + "\n", encoding="utf-8")


@pytest.fixture
def built(db_url: str) -> Iterator[sa.Connection]:
    with Store(db_url) as store, store.engine.connect() as conn:
        yield conn


def test_the_migrations_build_the_store_they_always_built(built: sa.Connection) -> None:
    recorded = json.loads((DATA / f"schema_{built.dialect.name}.json").read_text(encoding="utf-8"))
    found = snapshot(built)
    assert found["migrations"] == recorded["migrations"]
    assert sorted(found["tables"]) == sorted(recorded["tables"])
    for name, table in recorded["tables"].items():
        assert found["tables"][name] == table, name


@pytest.mark.parametrize("spec", ["unit text nul", "unit txt", "unit varchar16"])
def test_a_column_spec_with_a_word_migrations_do_not_know_is_refused(spec: str) -> None:
    from ltl_quiz.store.migrations import _column

    with pytest.raises(ValueError, match="is not a type or flag migrations know"):
        _column(spec)


if __name__ == "__main__":
    record(sys.argv[1])
