"""The app layer closes every results store it opens, also when the command stops with an error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ltl_quiz.app import sessions as app
from ltl_quiz.errors import RosterError, SessionNotFound
from ltl_quiz.locations import Locations
from ltl_quiz.store import Store


@pytest.fixture
def open_stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Store]]:
    """The stores opened and not yet closed while the test runs."""
    still_open: list[Store] = []
    opening, closing = Store.__init__, Store.close

    def init(self: Store, url: str, migrate: bool = True) -> None:
        opening(self, url, migrate)
        still_open.append(self)

    def close(self: Store) -> None:
        if self in still_open:
            still_open.remove(self)
        closing(self)

    monkeypatch.setattr(Store, "__init__", init)
    monkeypatch.setattr(Store, "close", close)
    yield still_open


class NoScreens:
    """A trainer's terminal that must not be reached: the command stops before any screen runs."""

    def say(self, text: str) -> None:
        raise AssertionError(f"no screen expected, said {text!r}")

    def ask_for_the_room(self) -> list[str]:
        raise AssertionError("no question expected")

    def facilitate(self, *_args: object) -> None:
        raise AssertionError("no facilitated screen expected")

    def host(self, *_args: object) -> None:
        raise AssertionError("no host screen expected")


def test_a_session_refused_after_the_store_opened_closes_it(
    open_stores: list[Store], example_dir: Path, db_url: str, tmp_path: Path
) -> None:
    where = Locations(tmp_path / "home", example_dir, db_url)
    stranger = app.NewSession("example-welfare-call", "Pat", participants=["PC999"])  # no name, not in the store
    with pytest.raises(RosterError, match="PC999 is new here"):
        app.host(where, stranger, NoScreens())
    assert open_stores == []


@pytest.mark.parametrize("command", ["resume", "report"])
def test_an_unknown_session_code_closes_the_store(
    command: str, open_stores: list[Store], example_dir: Path, db_url: str, tmp_path: Path
) -> None:
    where = Locations(tmp_path / "home", example_dir, db_url)
    with pytest.raises(SessionNotFound):
        if command == "resume":
            app.resume(where, "ABCDEF", NoScreens())
        else:
            app.report(where, "ABCDEF")
    assert open_stores == []
