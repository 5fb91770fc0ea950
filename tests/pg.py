"""A throwaway PostgreSQL server for the tests and benches: the machine's own binaries, loopback only.

``initdb`` refuses to run as root, and CI runs as root, so when we are root every server command
runs as the ``postgres`` user in a temporary folder that user owns. The server listens on
127.0.0.1 only, on a free port, with a password (so tests can check it never leaks into output).
``fast=True`` turns off fsync and friends: right for a test server that is thrown away, never for
a real store.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

PG_BIN = Path(os.environ.get("LTL_QUIZ_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "ltl"
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "wal_level=minimal", "max_wal_senders=0")


class PgUnavailable(RuntimeError):
    """The PostgreSQL binaries are not where we look, or the server would not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def url_for(admin_url: str, dbname: str) -> str:
    """The same server and credentials as ``admin_url``, another database."""
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{dbname}"


class PgServer:
    """One PostgreSQL cluster in a temporary folder: init, start, stop (and start again), destroy."""

    def __init__(self, fast: bool = True, max_connections: int = 300):
        if not (PG_BIN / "initdb").exists():
            raise PgUnavailable(f"no PostgreSQL binaries in {PG_BIN} (set LTL_QUIZ_PG_BIN, or run the tests with --store=sqlite)")
        self.fast = fast
        self.max_connections = max_connections
        self.password = "pw-" + secrets.token_hex(8)
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="ltl-quiz-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--no-locale",
            *(["--no-sync"] if fast else []),
        )
        pwfile.unlink()

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        """Start the server; if another process took our free port meanwhile, try another once."""
        try:
            self._start()
        except PgUnavailable as exc:
            if "already in use" not in str(exc):
                raise
            self.port = free_port()
            self._start()

    def _start(self) -> None:
        settings = [
            "listen_addresses=127.0.0.1",
            f"port={self.port}",
            f"unix_socket_directories={self.folder}",
            f"max_connections={self.max_connections}",
            *(FAST_SETTINGS if self.fast else ()),
        ]
        options = " ".join(f"-c {s}" for s in settings)
        try:
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")
        except PgUnavailable as exc:
            raise PgUnavailable(f"{exc}\n{self.log_tail()}") from None

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``fast`` ends open sessions at once, as a server going down would."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        with contextlib.suppress(PgUnavailable):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- databases ------------------------------------------------------------------------------
    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple[Any, ...]]:
        return execute(self.url(dbname), sql)

    def create_database(self, name: str) -> str:
        return create_database(self.admin_url, name)

    def drop_database(self, name: str) -> None:
        drop_database(self.admin_url, name)

    def _run(self, program: str, *args: str) -> None:
        extra: dict[str, Any] = {"user": "postgres", "group": "postgres"} if self._as_postgres else {}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        done = subprocess.run(
            [str(PG_BIN / program), *args], cwd=self.folder, env=env, capture_output=True, text=True, check=False, **extra
        )
        if done.returncode != 0:
            raise PgUnavailable(f"{program} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")


def execute(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one statement on the server ``url`` names, outside a transaction (CREATE/DROP DATABASE need that)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database, autocommit=True) as conn:
        cur = conn.execute(sql)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def create_database(admin_url: str, name: str) -> str:
    execute(admin_url, f'CREATE DATABASE "{name}"')
    return url_for(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class DatabasePool:
    """Empty databases for tests, each test its own: made when needed, emptied and reused after.

    CREATE DATABASE copies a template (about 0.1 s, 0.3 s on a busy 2-core machine); emptying a
    database (end its sessions, drop and recreate its schema) takes about 10 ms and leaves it as
    bare as a new one: no tables, no rows, no sequences, no locks.
    """

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.free: list[str] = []
        self.made = 0

    def take(self) -> str:
        if self.free:
            return url_for(self.admin_url, self.free.pop())
        self.made += 1
        return create_database(self.admin_url, f"ltl_test_{os.getpid()}_{self.made}")

    def give_back(self, url: str) -> None:
        name = url.rpartition("/")[2]
        try:
            execute(
                self.admin_url,
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
            )
            execute(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        except Exception:
            drop_database(self.admin_url, name)
            return
        self.free.append(name)

    def close(self) -> None:
        for name in self.free:
            drop_database(self.admin_url, name)
        self.free.clear()
