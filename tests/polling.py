"""Waiting for something another process does (a row in the store, a file), for tests that drive
ltl-quiz as a child process and must not race it."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], bool], timeout: float) -> None:
    """Return once ``predicate()`` holds; fail the test if it still does not after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")
