"""Records brought in by ``merge`` are checked, and every text cell of an export is inert, whatever its column.

A hostile or hand-edited store can hold anything in any column (SQLite keeps any type anywhere):
``=HYPERLINK(...)`` in ``started_at`` once went on to a live xlsx formula and an un-neutralised CSV
cell. Each case in ``MERGED`` is written into the other store's attempt and must be refused by
``merge`` in one line, while the good attempt beside it is merged; both stores.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from records_factory import SCENARIOS, scenario, share_reflections, walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

HYPERLINK = '=HYPERLINK("http://e.x","a")'  # short enough for a VARCHAR(32) time column
LONG = ",".join(f"option-{n}-{n * 7919 % 10007}" for n in range(300))  # ~5 kB that does not compress to nothing
MERGED = [
    pytest.param("attempts", "started_at", HYPERLINK, "not a time", id="formula in started_at"),
    pytest.param("attempts", "updated_at", "yesterday", "not a time", id="words in updated_at"),
    pytest.param("answers", "answered_at", "@SUM(1)", "not a time", id="formula in answered_at"),
    pytest.param("attempts", "score", "=1+1", "not a whole number", id="formula in score"),
    pytest.param("answers", "seq", "one", "not a whole number", id="text in seq"),
    pytest.param("answers", "option_ids", LONG, "longer than", id="option ids too long for an index"),
]


def here(*args: str):
    return CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), *args])


def two_attempts(url: str) -> tuple[str, str]:
    store = Store(url)
    try:
        hotel = scenario("02-hotel-welfare-check")
        return walk(store, hotel, Learner("GOOD1", "Gale"), "officer"), walk(store, hotel, Learner("BAD1", "Bea"), "officer")
    finally:
        store.close()


def set_raw(url: str, table: str, column: str, value: str, attempt_id: str, every: bool = False) -> None:
    """Write ``value`` past every check, as a hand-edited store would hold it (SQLite keeps any type in any column)."""
    store = Store(url)
    try:
        where = "id" if table == "attempts" else "attempt_id" if every else "seq = 1 AND attempt_id"  # seq is unique in an attempt
        with store.engine.begin() as conn:
            if store.engine.dialect.name == "postgresql" and column in ("score", "seq"):
                pytest.skip("PostgreSQL holds only whole numbers in a whole-number column")
            if store.engine.dialect.name == "postgresql" and value == LONG:
                pytest.skip("PostgreSQL's own index refuses the value before a merge could read it")
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE {where} = :a"), {"v": value, "a": attempt_id})
    finally:
        store.close()


@pytest.mark.parametrize(("table", "column", "value", "words"), MERGED)
def test_merge_refuses_a_row_that_does_not_fit_and_merges_the_rest(
    db_url: str, other_db_url: str, table: str, column: str, value: str, words: str
) -> None:
    good, bad = two_attempts(other_db_url)
    set_raw(other_db_url, table, column, value, bad)
    result = here("merge", other_db_url)
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output  # one line, no traceback
    refused = [line for line in result.output.splitlines() if bad[:8] in line]
    assert len(refused) == 1 and column in refused[0] and words in refused[0], result.output
    store = Store(db_url)
    try:
        assert store.attempt(good).status == "completed"
        assert store.attempts("BAD1") == []  # the attempt is merged whole or not at all
    finally:
        store.close()


def test_every_text_cell_of_an_export_is_inert_whatever_its_column(db_url: str, tmp_path: Path) -> None:
    """A store that already holds a formula in a time column (merged by an older version) exports it inert."""
    from openpyxl import load_workbook

    if db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's export query reads times as times: such a row is refused in one line, never exported")
    _, bad = two_attempts(db_url)
    set_raw(db_url, "attempts", "started_at", HYPERLINK, bad)
    set_raw(db_url, "answers", "answered_at", HYPERLINK, bad, every=True)
    share_reflections(db_url, "BAD1")
    for what, column in (("completions", "started"), ("answers", "answered_at"), ("reflections", "answered_at")):
        result = here("export", "--format", "csv", "--what", what, "--learner", "BAD1")
        assert result.exit_code == 0, result.output
        cells = [r[column] for r in csv.DictReader(io.StringIO(result.stdout, newline=""))]
        assert cells and all(c == "'" + HYPERLINK for c in cells), (what, cells)
    out = tmp_path / "book.xlsx"
    assert here("export", "--format", "xlsx", "--out", str(out)).exit_code == 0
    book = load_workbook(out)
    formulas = [c.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert HYPERLINK in [c.value for row in book.worksheets[0].iter_rows() for c in row]  # kept as typed, as text
