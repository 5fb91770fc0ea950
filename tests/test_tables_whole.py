"""Rich tables keep every id and figure whole, at 80 columns and wider (issue 13).

Seen by hand at 80x24: the report's tables folded "hotel-welfare-check" into "hotel-welfare-che" /
"ck", and "first-response-rape-report" into three pieces. The screens are read through a real pty
and pyte, as a person would see them.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from records_factory import scenario, walk
from screen import Terminal
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store
from ltl_quiz.ui.tables import widths

LONG_ID = "first-response-rape-report"
IDS = [
    "indecent-images-intelligence", "hotel-welfare-check", LONG_ID, "suspect-phone-seizure",
    "family-concerns-follow-up", "autistic-child-allegations", "online-investigation-delays",
    "sex-offences-investigation-delays", "safer-schools-officer", "control-room-response-delay",
]


def _screen_of(args: list[str], cols: int) -> list[str]:
    term = Terminal(["--rich", *args], cols, 24)
    try:
        assert term.wait_exit() == 0, term.text()
        return term.history_rows()
    finally:
        term.close()


@pytest.mark.parametrize("cols", [80, 120])
def test_the_reports_tables_never_split_a_scenario_or_node_id(db_url: str, cols: int) -> None:
    case = scenario("03-first-response-rape-report")
    with Store(db_url) as store:
        walk(store, case, Learner("PC1", "Jo Newman"), "officer")
        walk(store, case, Learner("PC2", "Sam Field"), "officer", finish=False, stop_after=2)
    rows = _screen_of(["report"], cols)
    table_rows = [r for r in rows if r.startswith("│")]
    assert table_rows, "\n".join(rows)
    assert any(LONG_ID in r for r in table_rows), "\n".join(rows)
    whole = {case.id, *case.nodes, *(k.id for t in case.audiences for k in case.key_questions(t)), "-"}
    for r in table_rows:
        for cell in r.strip("│").split("│"):
            for word in cell.split():
                if "-" in word:
                    assert word in whole, f"{word!r} is part of an id, split across lines:\n" + "\n".join(rows)

@pytest.mark.parametrize("cols", [80, 120, 160])
def test_list_shows_every_case_id_whole(db_url: str, cols: int) -> None:
    text = "\n".join(_screen_of(["list"], cols))
    for case_id in IDS:
        assert case_id in text, f"{case_id} not whole at {cols} columns:\n{text}"


cells = st.text(alphabet=st.sampled_from("abc-/ 12"), min_size=0, max_size=40)


@given(st.integers(1, 6).flatmap(lambda n: st.tuples(st.lists(cells, min_size=n, max_size=n), st.lists(st.lists(cells, min_size=n, max_size=n), max_size=5))), st.integers(20, 200))
def test_widths_hold_each_columns_longest_word_and_fit_the_room(table: tuple[list[str], list[list[str]]], room: int) -> None:
    header, rows = table
    sizes = widths(header, rows, room)
    cols = list(zip(header, *rows, strict=True))
    longest = [max((len(w) for c in col for w in c.split()), default=0) for col in cols]
    if sizes is None:
        assert sum(longest) + 4 + 3 * (len(cols) - 1) > room
        return
    assert all(s >= n for s, n in zip(sizes, longest, strict=True))
    assert sum(sizes) + 4 + 3 * (len(cols) - 1) <= room


@pytest.mark.parametrize("cols", [60, 80, 100])
def test_list_at_80_columns_is_a_table_with_each_case_whole_on_its_rows(db_url: str, cols: int) -> None:
    """At 80 columns the six columns do not fit; the list was "#: 5; id: ...; title: ..." lines
    that ran together. It is a narrower table instead, every row inside the screen's width, the
    id on a line of its own in its cell, and the title and every theme there too."""
    rows = _screen_of(["list"], cols)
    shown = "\n".join(rows)
    assert "id: " not in shown and "; tracks:" not in shown, shown  # no labelled lines
    body = [r for r in rows if r.startswith(("│", "├", "┃", "┏", "┡", "└", "╰"))]
    assert body and all(len(r) <= cols and r[-1] in "│┤┃┓┩┘╯" for r in body), shown
    table = [[c.strip() for c in r.strip("│").split("│")] for r in rows if r.startswith("│")]
    assert all(case_id in (c for row in table for c in row) for case_id in IDS), shown  # each id alone on its line of the cell
    flat = " ".join(" ".join(row[col] for row in table) for col in range(len(table[0])))  # each column read down
    flat = " ".join(flat.split())
    for case in json.loads(CliRunner().invoke(app, ["list", "--json"]).output):
        assert " ".join(case["title"].split()) in flat and all(theme in flat for theme in case["themes"]), case["id"]
