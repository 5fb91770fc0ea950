"""The learning report at a real terminal of 80 x 24 (tests/screen.py's pty): its tables are tables."""

from __future__ import annotations

from records_factory import SCENARIOS, scenario, walk
from screen import Terminal

from ltl_quiz.config import Learner
from ltl_quiz.store import Store

LONGEST = "08-sex-offences-investigation-delays"  # the longest scenario id of the case studies


def _report_at(cols: int) -> list[str]:
    term = Terminal(["--scenarios", str(SCENARIOS), "report"], cols, 24, env={"PAGER": "cat", "LESS": ""})
    try:
        assert term.wait_exit() == 0, term.text()
    finally:
        term.close()
    return term.history_rows()


def test_the_completions_table_fits_80_columns_as_a_table(db_url: str) -> None:
    """With the longest case study's id in it, the completions are still a table at 80 columns, every
    row within them, not "label: value" lines."""
    store = Store(db_url)
    case = scenario(LONGEST)
    for n in range(3):
        walk(store, case, Learner(f"P{n}", f"Officer {n}"), "officer", finish=n < 2)
    store.close()
    rows = _report_at(80)
    shown = "\n".join(rows)
    start = next(i for i, row in enumerate(rows) if "Completions and pass rate" in row)
    end = next(i for i, row in enumerate(rows) if i > start and row.startswith("──"))  # the next heading's rule
    table = rows[start + 1 : end]
    assert table[0].startswith("┏") and not any("attempts:" in row for row in table), shown
    assert any(row.startswith(f"│ {case.id} ") and " 3 " in row and " 2 " in row and "100%" in row for row in table), shown
    assert all(len(row) <= 80 for row in rows), shown


def test_the_two_means_are_named_apart(db_url: str) -> None:
    """A CPD lead read "mean score 63.8%" and, lower down, "mean 63.7%" for the same attempts: two
    different figures (each attempt's percentage averaged; the decisions' item marks averaged) under
    one word. The overall statistics' column says which mean it is, and its note says how it differs."""
    store = Store(db_url)
    case = scenario(LONGEST)
    for n in range(3):
        walk(store, case, Learner(f"P{n}", f"Officer {n}"), "officer")
    store.close()
    shown = "\n".join(_report_at(120))
    overall = shown.split("Overall statistics", 1)[1]
    assert "Item mean: the mean item mark" in overall and "not the mean score" in overall, shown
    header = next(row for row in overall.splitlines() if "decisions" in row)
    assert "┃ mean ┃" not in header or "item" in overall.splitlines()[overall.splitlines().index(header) - 1], shown
