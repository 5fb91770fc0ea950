"""Shared fixtures: an isolated home for every test, and the worked example from the docs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pg
import pytest
from typer.testing import CliRunner


def _ctrl_c_heard() -> None:
    """Let the programs the tests start hear Ctrl-C. Started as a background job of a shell without
    job control (``cmd &`` in a script), this process inherits SIGINT *ignored*, and so does every
    program it starts: then a Ctrl-C the tests type at a pty did nothing, and every test of leaving
    with Ctrl-C failed (in plain mode, where nothing else reads the key)."""
    import signal

    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a handler, not SIG_IGN: children start with the default


_ctrl_c_heard()

if TYPE_CHECKING:
    from screen import Terminal

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scenario-format.md"


def example_text() -> str:
    """The worked example scenario, exactly as docs/scenario-format.md shows it."""
    text = DOC.read_text(encoding="utf-8")
    return "id: example" + text.split("```yaml\nid: example", 1)[1].split("```", 1)[0]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("LTL_QUIZ_HOME", str(home))
    monkeypatch.delenv("LTL_QUIZ_DB", raising=False)
    monkeypatch.delenv("LTL_QUIZ_SCENARIOS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


STORES = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite", "postgresql"]}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=sorted(STORES),
        default=os.environ.get("LTL_QUIZ_TEST_STORE", "sqlite"),
        help="Which results store the tests that use db_url run against (default sqlite; CI: both). "
        "PostgreSQL: the server in LTL_QUIZ_TEST_PG_URL, else one started for the session.",
    )


def postgresql_missing() -> bool:
    """No server given and none to start: the machine has no PostgreSQL (CI always has one)."""
    return not os.environ.get("LTL_QUIZ_TEST_PG_URL") and not (pg.PG_BIN / "initdb").exists() and not os.environ.get("CI")


PG_SKIPPED = (
    "PostgreSQL half skipped: no LTL_QUIZ_TEST_PG_URL and no server binaries in {bin}; "
    "for the rest, run .ci/run (it installs and starts PostgreSQL 15) or set LTL_QUIZ_TEST_PG_URL"
)


def stores(config: pytest.Config) -> list[str]:
    """The stores asked for; on a machine without PostgreSQL, the SQLite half (said once, at the end)."""
    chosen = STORES[config.getoption("--store")]
    if "postgresql" in chosen and postgresql_missing():
        return [s for s in chosen if s != "postgresql"]
    return chosen


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if "postgresql" in STORES[config.getoption("--store")] and postgresql_missing():
        terminalreporter.write_line(PG_SKIPPED.format(bin=pg.PG_BIN))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses ``db_url`` runs once per store chosen with ``--store``."""
    if "db_url" in metafunc.fixturenames:
        metafunc.parametrize("db_url", stores(metafunc.config), indirect=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "default_store: the test means to use the default SQLite store, not db_url")


@pytest.fixture(autouse=True)
def _store_through_db_url(request: pytest.FixtureRequest, isolated_home: Path) -> Iterator[None]:
    """A test that writes to a store without asking for ``db_url`` would run against SQLite only:
    fail it, so that the whole suite keeps running against both stores."""
    yield
    if "db_url" in request.fixturenames or request.node.get_closest_marker("default_store"):
        return
    if (isolated_home / "ltl-quiz.sqlite3").exists():
        pytest.fail("this test used the default SQLite store: ask for the db_url fixture so it runs against every --store")


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL server for the whole session: CI's (LTL_QUIZ_TEST_PG_URL), else our own."""
    if os.environ.get("LTL_QUIZ_TEST_PG_URL"):
        yield os.environ["LTL_QUIZ_TEST_PG_URL"]
        return
    server = pg.PgServer()
    try:
        server.start()
        yield server.admin_url
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def pg_databases(pg_admin_url: str) -> Iterator[pg.DatabasePool]:
    pool = pg.DatabasePool(pg_admin_url)
    yield pool
    pool.close()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The results store every test uses: a real SQLite file in the test's own home, or a fresh
    PostgreSQL database on the session's server (``--store``).

    Tests open the store with ``Store(db_url)`` and never build a URL themselves, so the same
    suite runs against either database by changing this one fixture.
    """
    if getattr(request, "param", "sqlite") == "postgresql":
        databases = request.getfixturevalue("pg_databases")
        url = databases.take()
        monkeypatch.setenv("LTL_QUIZ_DB", url)
        yield url
        databases.give_back(url)
        return
    url = f"sqlite:///{isolated_home / 'ltl-quiz.sqlite3'}"
    # LTL_QUIZ_DB names this store, and a named store's folder must exist (issue 13); terminals
    # started by the tests have homes of their own, so the folder is made here, the store is not
    isolated_home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("LTL_QUIZ_DB", url)
    yield url


@pytest.fixture
def other_db_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty store of the same kind as ``db_url`` (merges, restores)."""
    if not db_url.startswith("postgresql"):
        (tmp_path / "other").mkdir(exist_ok=True)  # a store is opened in a folder that exists (issue 13)
        yield f"sqlite:///{tmp_path / 'other' / 'ltl-quiz.sqlite3'}"
        return
    databases = request.getfixturevalue("pg_databases")
    url = databases.take()
    yield url
    databases.give_back(url)


@pytest.fixture
def pg_server(request: pytest.FixtureRequest) -> Iterator[pg.PgServer]:
    """A PostgreSQL server of the test's own, which it may stop and start (tests of outages)."""
    if "postgresql" not in stores(request.config):
        pytest.skip("PostgreSQL tests run with --store=postgresql or --store=both, on a machine with PostgreSQL")
    server = pg.PgServer()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "01-example-welfare-call.yaml").write_text(example_text(), encoding="utf-8")
    return folder


@pytest.fixture
def scenarios_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped case studies, so a test may edit or remove one."""
    import shutil

    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    return folder


@pytest.fixture
def example_path(example_dir: Path) -> Path:
    return example_dir / "01-example-welfare-call.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def terminal(db_url: str) -> Iterator[Callable[..., Terminal]]:
    """Start ltl-quiz on a pty in a terminal of a given size (its screen kept by pyte); every one
    started is ended after the test. pexpect and pyte are imported only by the tests that ask."""
    from screen import Terminal

    started: list[Terminal] = []

    def start(args: list[str], cols: int = 80, rows: int = 24) -> Terminal:
        term = Terminal(args, cols, rows)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()
