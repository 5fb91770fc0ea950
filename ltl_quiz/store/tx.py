"""Transactions and reads on the store, with database errors turned into ``StoreError`` in one place.

A database error (a lost server, a locked file, a constraint the row breaks) reaches the person at
the terminal as one line: what could not be done, which store (its password hidden) and the
driver's first line of reason. Every read and write of the store goes through these helpers, so
that line is written here once, and the CLI prints it and exits without a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from ltl_quiz.errors import StoreError
from ltl_quiz.locations import redact

READ_ONLY = "ltl_read_only"  # execution option: a connection that only reads (see store/connection.py)
READ = "cannot read the results store"
WRITE = "cannot write to the results store"
OPEN = "cannot open the results store"


def reason(exc: BaseException) -> str:
    """The first line of what the database driver said, with any password in it hidden."""
    orig = getattr(exc, "orig", None)
    return redact(str(orig or exc).splitlines()[0])


@contextlib.contextmanager
def translated(what: str, url: str) -> Iterator[None]:
    """Run the block; a database error in it becomes ``StoreError("<what> <url>: <reason>")``."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"{what} {redact(url)}: {reason(exc)}") from None


@contextlib.contextmanager
def writing(engine: sa.Engine, url: str) -> Iterator[sa.Connection]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with translated(WRITE, url), engine.begin() as conn:
        yield conn


@contextlib.contextmanager
def reading(engine: sa.Engine, url: str) -> Iterator[sa.Connection]:
    """A connection for reads only: on SQLite it begins deferred, so it never takes the write lock
    (a long export, or a live session's screens polling, never holds up the terminals writing)."""
    with translated(READ, url), engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        yield conn


@contextlib.contextmanager
def snapshot(engine: sa.Engine, url: str) -> Iterator[sa.Connection]:
    """Every read in the block sees the store at one moment (``db status``, a backup of a server store)."""
    with translated(READ, url), engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            conn = conn.execution_options(**{READ_ONLY: True})  # SQLite: no write lock for reading
        with conn.begin():
            yield conn
