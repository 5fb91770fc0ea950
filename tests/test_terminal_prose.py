"""Messages of prose read at a terminal break no word, at 80 columns and at 40 (issue 13).

Seen by hand: ``verify`` printed its lines whole and the terminal split "(hote" / "l-welfare-check)"
at 80 columns. At a terminal its lines are wrapped, each detail's continuation indented under it;
piped, they are exactly as before, for a script that reads them.
"""

from __future__ import annotations

import re

import pytest
from records_factory import scenario, walk
from screen import Terminal, mid_word_breaks
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store


@pytest.fixture
def code(db_url: str, tmp_path) -> str:
    with Store(db_url) as store:
        attempt = walk(store, scenario("03-first-response-rape-report"), Learner("PC5003", "Kim Ode", "Response"), "officer")
    issued = CliRunner().invoke(app, ["certificate", attempt[:8], "--out", str(tmp_path / "c.html")])
    found = re.search(r"verification code (\S+)", issued.stderr)
    assert issued.exit_code == 0 and found, issued.output
    return found.group(1)


def rows_of(args: list[str], cols: int, rows: int) -> list[str]:
    """Every row a command printed at a terminal of that size, once it has exited with 0."""
    term = Terminal(args, cols, rows)
    try:
        assert term.wait_exit() == 0, term.text()
        return term.history_rows()
    finally:
        term.close()


@pytest.mark.parametrize("cols", [80, 40])
def test_verify_at_a_terminal_breaks_no_word(code: str, cols: int) -> None:
    rows = rows_of(["verify", code], cols, 24)
    assert mid_word_breaks(rows, cols) == [], "\n".join(rows)
    piped = CliRunner().invoke(app, ["verify", code]).output
    assert " ".join(rows).split() == piped.split()  # every word, in order
    assert all(line.startswith(("  ", code)) for line in piped.splitlines())  # piped: one line per fact, as before
    assert len(piped.splitlines()) == 3


@pytest.mark.parametrize("cols", [80, 40])
def test_db_status_at_a_terminal_breaks_no_word(db_url: str, cols: int) -> None:
    """Seen by hand at 40 columns: ``db status`` split its migration lines mid-word. Every command
    that prints a result's lines goes through one printer, which wraps them at a terminal."""
    with Store(db_url):
        pass  # a store, upgraded to the newest migration
    rows = rows_of(["db", "status"], cols, 40)
    assert mid_word_breaks(rows, cols) == [], "\n".join(rows)
    piped = CliRunner().invoke(app, ["db", "status"]).output
    assert "".join("".join(rows).split()) == "".join(piped.split())  # every character, in order (a path longer than a row is split)
