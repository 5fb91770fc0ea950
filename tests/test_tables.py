"""The tables declared once in ``store/tables.py`` are exactly what the migrations build.

The migrations are applied to an empty database (SQLite and PostgreSQL, ``db_url``) and the result
is read back with SQLAlchemy's inspector: the same tables, the same columns with compatible types
and nullability, the same primary keys, foreign keys, unique constraints and indexes. A migration
added without its change to ``tables.py`` (or the other way round) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from ltl_quiz.store import Store
from ltl_quiz.store.tables import metadata


def _type(column_type: Any) -> tuple[type, int | None]:
    """What a column takes, as both databases can say it: the Python type and a text length."""
    return column_type.python_type, getattr(column_type, "length", None)


@pytest.fixture
def built(db_url: str) -> Iterator[sa.Inspector]:
    """An empty store with every migration applied (opening it applies them), as the inspector reads it."""
    with Store(db_url) as store, store.engine.connect() as conn:
        yield sa.inspect(conn)


def test_the_migrations_build_exactly_the_declared_tables(built: sa.Inspector) -> None:
    assert sorted(built.get_table_names()) == sorted(metadata.tables)


def test_every_column_has_the_declared_type_and_nullability(built: sa.Inspector) -> None:
    for name, table in metadata.tables.items():
        found = {c["name"]: (_type(c["type"]), bool(c["nullable"])) for c in built.get_columns(name)}
        declared = {c.name: (_type(c.type), bool(c.nullable)) for c in table.columns}
        assert found == declared, name


def test_the_keys_are_the_declared_ones(built: sa.Inspector) -> None:
    for name, table in metadata.tables.items():
        assert built.get_pk_constraint(name)["constrained_columns"] == [c.name for c in table.primary_key.columns], name
        found = sorted(
            (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"])) for f in built.get_foreign_keys(name)
        )
        declared = sorted(
            (tuple(c.name for c in k.columns), k.referred_table.name, tuple(e.column.name for e in k.elements))
            for k in table.foreign_key_constraints
        )
        assert found == declared, name


def test_the_unique_constraints_and_indexes_are_the_declared_ones(built: sa.Inspector) -> None:
    for name, table in metadata.tables.items():
        unique = sorted((u["name"], tuple(u["column_names"])) for u in built.get_unique_constraints(name))
        declared_unique = sorted(
            (str(u.name), tuple(c.name for c in u.columns)) for u in table.constraints if isinstance(u, sa.UniqueConstraint)
        )
        assert unique == declared_unique, name
        # PostgreSQL lists a unique constraint's own index too; it is the constraint checked above
        indexes = sorted(
            (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in built.get_indexes(name) if not i.get("duplicates_constraint")
        )
        declared_indexes = sorted((str(i.name), tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes)
        assert indexes == declared_indexes, name
