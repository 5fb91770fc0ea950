"""The row types the exporters and the CPD record are typed against are the rows the queries read (issue 11).

``store.rows.ExportedAttempt`` and ``ExportedAnswer`` describe, for mypy, the rows of
``queries.attempts_query`` and ``answers_query``. A column added to a query, or renamed, without
its type following would leave the readers checked against a row that does not exist; a column
the table lets be empty must be ``| None`` in the type, or a reader could forget the empty case.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from ltl_quiz.store.queries import Filters, answers_query, attempts_query
from ltl_quiz.store.rows import ExportedAnswer, ExportedAttempt

PAIRS = [(ExportedAttempt, attempts_query), (ExportedAnswer, answers_query)]


def _may_be_empty(annotation: object) -> bool:
    return "None" in str(annotation).replace(" ", "").split("|")


@pytest.mark.parametrize(("row_type", "query"), PAIRS, ids=["attempts", "answers"])
def test_the_row_type_names_every_column_the_query_reads(row_type: type, query: Callable[[Filters], sa.Select]) -> None:
    selected = [c.key for c in query(Filters()).selected_columns]
    assert sorted(row_type.__annotations__) == sorted(selected)


@pytest.mark.parametrize(("row_type", "query"), PAIRS, ids=["attempts", "answers"])
def test_a_column_the_table_lets_be_empty_may_be_none_in_the_row_type(row_type: type, query: Callable[[Filters], sa.Select]) -> None:
    nullable = [c.key for c in query(Filters()).selected_columns if getattr(c, "nullable", False)]
    assert nullable, "the query reads no column that may be empty: the check would prove nothing"
    assert [k for k in nullable if not _may_be_empty(row_type.__annotations__[k])] == []


def test_the_check_of_emptiness_reads_the_annotation() -> None:
    assert _may_be_empty("str | None") and _may_be_empty("float | None")
    assert not _may_be_empty("str") and not _may_be_empty("Nonesuch")
