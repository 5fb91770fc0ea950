"""What the LRS tests share: an HTTP server of their own on 127.0.0.1, run in a thread; a store
holding one walked attempt to send; and ``lrs push`` pointed at such a server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from records_factory import SCENARIOS, scenario, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

HOTEL = "02-hotel-welfare-check"


class LocalServer:
    """A server on a free port of 127.0.0.1; ``endpoint`` is its xAPI address."""

    def serve(self, handler: type[BaseHTTPRequestHandler], daemon_threads: bool = False) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = daemon_threads
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.endpoint = self.base + "/xAPI/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def walked_store(db_url: str) -> Iterator[Store]:
    """The store at ``db_url`` with one attempt at the hotel case walked through (the body of a fixture)."""
    s = Store(db_url)
    walk(s, scenario(HOTEL), Learner("AB1", "Alex Smith", "North"), "officer")
    yield s
    s.close()


def push_to(endpoint: str, user: str, password: str, *args: str) -> Any:
    return CliRunner().invoke(
        app, ["--scenarios", str(SCENARIOS), "lrs", "push", "--endpoint", endpoint, "--user", user, "--password", password, *args]
    )
