"""Shared fixtures: an isolated home for every test, and the worked example from the docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

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


@pytest.fixture
def db_url(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The results store every test uses: a real SQLite file in the test's own home.

    Tests open the store with ``Store(db_url)`` and never build a URL themselves, so the same
    suite can run against another database by changing this one fixture.
    """
    url = f"sqlite:///{isolated_home / 'ltl-quiz.sqlite3'}"
    monkeypatch.setenv("LTL_QUIZ_DB", url)
    return url


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "01-example-welfare-call.yaml").write_text(example_text(), encoding="utf-8")
    return folder


@pytest.fixture
def example_path(example_dir: Path) -> Path:
    return example_dir / "01-example-welfare-call.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
