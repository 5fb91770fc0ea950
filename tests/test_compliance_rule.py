"""The one rule for what satisfies an assignment, table-driven on its edges (no store, no terminal)."""

from __future__ import annotations

from datetime import date

import pytest

from ltl_quiz.compliance.periods import add_months, parse_every, parse_within
from ltl_quiz.compliance.rule import Assignment, Evidence, Standing, satisfies, standing
from ltl_quiz.errors import InputError

DUE = date(2026, 3, 14)
ASSIGNED = "2026-01-10T09:00:00.000Z"
BASE = Assignment("a1", "S1", "hotel", "officer", DUE, ASSIGNED)
YEARLY = BASE._replace(every_months=12)


def attempt(finished: str | None, passed: bool | None = True, **kw: object) -> Evidence:
    fields: dict[str, object] = {
        "attempt_id": f"t-{finished}-{passed}-{sorted(kw.items())}",
        "learner_id": "S1",
        "scenario_id": "hotel",
        "track": "officer",
        "mode": "practice",
        "status": "completed" if finished else "in-progress",
        "passed": passed,
        "finished_at": f"{finished}T10:00:00.000Z" if finished and "T" not in finished else finished,
    }
    fields.update(kw)
    return Evidence(**fields)  # type: ignore[arg-type]


CASES = [
    # (name, assignment, attempts, today, expected state, expected date)
    ("nothing yet, before the due date", BASE, [], date(2026, 3, 1), "due", DUE),
    ("nothing yet, on the due date", BASE, [], DUE, "due", DUE),
    ("nothing yet, the day after", BASE, [], date(2026, 3, 15), "overdue", date(2026, 3, 15)),
    ("passed on time, once-only", BASE, [attempt("2026-02-01")], date(2026, 6, 1), "complete", None),
    ("passed a day late", BASE, [attempt("2026-03-15")], date(2026, 3, 16), "complete", None),
    ("failed only", BASE, [attempt("2026-02-01", passed=False)], date(2026, 3, 20), "overdue", date(2026, 3, 15)),
    (
        "failed twice then passed",
        BASE,
        [attempt("2026-02-01", False), attempt("2026-02-02", False), attempt("2026-02-03")],
        DUE,
        "complete",
        None,
    ),
    ("passed before the assignment started", BASE, [attempt("2026-01-09")], date(2026, 2, 1), "due", DUE),
    ("passed the same morning, before it was set", BASE, [attempt("2026-01-10T08:59:59.999Z")], date(2026, 2, 1), "due", DUE),
    ("passed the moment it was set", BASE, [attempt(ASSIGNED)], date(2026, 2, 1), "complete", None),
    ("unfinished attempt", BASE, [attempt(None, None)], date(2026, 3, 1), "due", DUE),
    ("scripted pass never counts", BASE, [attempt("2026-02-01", answered_how="scripted")], date(2026, 3, 1), "due", DUE),
    ("trainer-entered pass counts", BASE, [attempt("2026-02-01", answered_how="trainer-entered")], date(2026, 3, 1), "complete", None),
    ("other track", BASE, [attempt("2026-02-01", track="manager")], date(2026, 3, 1), "due", DUE),
    ("other case", BASE, [attempt("2026-02-01", scenario_id="other")], date(2026, 3, 1), "due", DUE),
    ("other learner", BASE, [attempt("2026-02-01", learner_id="S2")], date(2026, 3, 1), "due", DUE),
    ("practice pass when assessed is required", BASE._replace(mode="assessed"), [attempt("2026-02-01")], date(2026, 3, 1), "due", DUE),
    (
        "assessed pass when assessed is required",
        BASE._replace(mode="assessed"),
        [attempt("2026-02-01", mode="assessed")],
        DUE,
        "complete",
        None,
    ),
    ("facilitated session, not allowed", BASE, [attempt("2026-02-01", session_kind="facilitated")], date(2026, 3, 1), "due", DUE),
    (
        "facilitated session, allowed",
        BASE._replace(allow_sessions=True),
        [attempt("2026-02-01", None, session_kind="facilitated")],
        DUE,
        "complete",
        None,
    ),
    (
        "assessed required, sessions allowed: attendance counts",
        BASE._replace(mode="assessed", allow_sessions=True),
        [attempt("2026-02-01", None, session_kind="facilitated")],
        DUE,
        "complete",
        None,
    ),
    (
        "assessed required, sessions allowed: a practice pass does not",
        BASE._replace(mode="assessed", allow_sessions=True),
        [attempt("2026-02-01")],
        date(2026, 3, 1),
        "due",
        DUE,
    ),
    (
        "assessed yearly, sessions allowed: attendance after the assessed pass renews",
        YEARLY._replace(mode="assessed", allow_sessions=True),
        [attempt("2026-02-01", mode="assessed"), attempt("2026-02-10", None, session_kind="facilitated")],
        date(2026, 6, 1),
        "complete",
        date(2027, 2, 9),
    ),
    (
        "assessed yearly, sessions allowed: an assessed pass after attendance renews",
        YEARLY._replace(mode="assessed", allow_sessions=True),
        [attempt("2026-02-10", mode="assessed"), attempt("2026-02-01", None, session_kind="facilitated")],
        date(2026, 6, 1),
        "complete",
        date(2027, 2, 9),
    ),
    (
        "assessed required: attendance before the assignment, a practice pass after",
        BASE._replace(mode="assessed", allow_sessions=True),
        [attempt("2026-01-05", None, session_kind="facilitated"), attempt("2026-02-01")],
        date(2026, 3, 1),
        "due",
        DUE,
    ),
    ("live session pass is the learner's own", BASE, [attempt("2026-02-01", session_kind="live")], date(2026, 3, 1), "complete", None),
    ("live session fail", BASE, [attempt("2026-02-01", False, session_kind="live")], date(2026, 3, 1), "due", DUE),
    ("yearly, well within", YEARLY, [attempt("2026-02-01")], date(2026, 6, 1), "complete", date(2027, 1, 31)),
    ("yearly, 30 days before expiry", YEARLY, [attempt("2026-02-01")], date(2027, 1, 2), "expiring", date(2027, 1, 31)),
    ("yearly, 31 days before expiry", YEARLY, [attempt("2026-02-01")], date(2027, 1, 1), "complete", date(2027, 1, 31)),
    ("yearly, last day it counts", YEARLY, [attempt("2026-02-01")], date(2027, 1, 31), "expiring", date(2027, 1, 31)),
    ("yearly, expired yesterday", YEARLY, [attempt("2026-02-01")], date(2027, 2, 2), "overdue", date(2027, 2, 1)),
    ("yearly, expired today", YEARLY, [attempt("2026-02-01")], date(2027, 2, 1), "overdue", date(2027, 2, 1)),
    ("yearly, renewed early", YEARLY, [attempt("2026-02-01"), attempt("2027-01-15")], date(2027, 2, 2), "complete", date(2028, 1, 14)),
    (
        "yearly, failed renewal",
        YEARLY,
        [attempt("2026-02-01"), attempt("2027-01-15", False)],
        date(2027, 2, 2),
        "overdue",
        date(2027, 2, 1),
    ),
    ("yearly, late pass runs from the pass", YEARLY, [attempt("2026-03-20")], date(2026, 4, 1), "complete", date(2027, 3, 19)),
    ("3-yearly from 29 February", BASE._replace(every_months=36), [attempt("2028-02-29")], date(2029, 1, 1), "complete", date(2031, 2, 27)),
]


@pytest.mark.parametrize(("assignment", "evidence", "today", "state", "on"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_standing_on_the_edges(assignment: Assignment, evidence: list[Evidence], today: date, state: str, on: date | None) -> None:
    found = standing(assignment, evidence, today)
    assert (found.state, found.on) == (state, on)


def test_the_latest_satisfying_attempt_is_named_and_lateness_recorded() -> None:
    late = attempt("2026-03-15")
    found = standing(BASE, [attempt("2026-02-01", False), late], date(2026, 4, 1))
    assert found == Standing("complete", None, late.attempt_id, date(2026, 3, 15), late=True)
    assert not satisfies(BASE, attempt("2026-02-01", False))


def test_a_scripted_pass_does_not_hide_a_real_one() -> None:
    real = attempt("2026-02-01")
    found = standing(BASE, [real, attempt("2026-02-05", answered_how="scripted")], date(2026, 3, 1))
    assert found.attempt_id == real.attempt_id


@pytest.mark.parametrize(("text", "months"), [("12m", 12), ("1y", 12), ("3y", 36), (" 6M ", 6), (None, None), ("", None)])
def test_every(text: str | None, months: int | None) -> None:
    assert parse_every(text) == months


@pytest.mark.parametrize("text", ["0m", "12", "1w", "y", "11y", "-1y"])
def test_every_refused(text: str) -> None:
    with pytest.raises(InputError, match="--every"):
        parse_every(text)


def test_within_and_months() -> None:
    assert parse_within("30d") == 30 and parse_within("7") == 7 and parse_within(None) is None
    with pytest.raises(InputError, match="--due-within"):
        parse_within("a month")
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 14) == date(2028, 1, 30)
