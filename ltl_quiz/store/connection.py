"""Opening a results database: the URL checked, SQLite set up for many terminals, PostgreSQL given timeouts.

SQLite runs in WAL mode with a busy timeout and full fsync, and takes the write lock at BEGIN, so
several terminals can share a file; a new store file (and its folder) is its owner's only. An
unreachable PostgreSQL server fails in seconds, so the offline journal can take over.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ltl_quiz.errors import StoreError
from ltl_quiz.locations import redact
from ltl_quiz.store.tx import READ_ONLY


def open_engine(url: str) -> sa.Engine:
    """An engine for ``url``, or a StoreError saying what is wrong with the URL or what to install."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"'{redact(url)}' is not a database URL; use e.g. sqlite:///results/ltl-quiz.sqlite3") from None
    except ValueError:  # a port that is not a number, or a broken [IPv6] host
        raise StoreError(f"'{redact(url)}' has a host or port that cannot be read; check them (e.g. host:5432, [::1]:5432)") from None
    if parsed.host and "@" in parsed.host:
        raise StoreError(f"the password in '{redact(url)}' holds an '@'; write it as %40 in the URL")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                _private_folder(Path(parsed.database).parent)
            except OSError as exc:
                raise StoreError(f"cannot open the results store {redact(url)}: {exc.strerror or exc}") from None
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        if parsed.database and parsed.database != ":memory:":
            sa.event.listen(engine, "do_connect", _private_connect(Path(parsed.database)))
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":  # plain postgresql:// means psycopg 3, the driver we ship with
            parsed = parsed.set(drivername="postgresql+psycopg")
        # An unreachable server fails in seconds, so the journal takes over: connecting gives up after
        # 10 s, and a connection whose network has gone is dropped after 15 s unanswered (not TCP's minutes).
        connect_args.update(
            connect_timeout=10, keepalives=1, keepalives_idle=30, keepalives_interval=5, keepalives_count=3, tcp_user_timeout=15000
        )
    try:
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except sa.exc.NoSuchModuleError:  # before ArgumentError, its base: "Can't load plugin: sqlalchemy.dialects:foo"
        raise StoreError(
            f"cannot use {redact(url)}: '{parsed.get_backend_name()}' is not a database SQLAlchemy knows; "
            "use sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        ) from None
    except ImportError:
        hint = " install the driver: pip install 'ltl-quiz[postgresql]'" if parsed.get_backend_name() == "postgresql" else ""
        raise StoreError(f"cannot use {redact(url)}: its database driver is not installed;{hint}") from None
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise StoreError(f"cannot use {redact(url)}: {redact(str(exc))}") from None


def _private_folder(folder: Path) -> None:
    """A store's new folder is its owner's only, like the journal's and the config's."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)


def _private_connect(path: Path) -> Any:
    """Open SQLite with a private umask when the connection will create the file.

    The store holds names, staff numbers and reflections. SQLite gives its -wal and -shm files the
    main file's permissions, so a store created 0600 keeps all three private. Looking at a store
    that does not exist yet (``db status``) never connects, so it still creates nothing; an
    existing store keeps the permissions its owner gave it.
    """

    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        if path.exists():
            return None  # SQLAlchemy connects as usual
        saved = os.umask(0o077)
        try:
            return dialect.connect(*cargs, **cparams)
        finally:
            os.umask(saved)

    return connect


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin_immediate(conn: sa.Connection) -> None:
    """Take the write lock at BEGIN: a deferred transaction that reads then writes can fail with
    "database is locked" under concurrent writers, where busy_timeout cannot help. A connection
    marked ``READ_ONLY`` (see ``tx.reading``) begins deferred, so readers polling the store
    (a live session's screens) never queue behind writers or hold them up."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")
