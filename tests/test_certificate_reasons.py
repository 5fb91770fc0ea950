"""A certificate that does not count says the rule's real reason (issue 15): no assignment of its
case, an assignment that does not allow sessions, the session or pass before the assignment
started, an expired renewal, another track. The reason comes from the rule (``rule.counted``),
table-driven here, then through ``verify`` as a CPD lead types it."""

from __future__ import annotations

import re
from datetime import date

import force_factory as ff
import pytest
from records_factory import scenario, walk
from test_record_truth import run_facilitated
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.compliance import rule
from ltl_quiz.compliance.rule import Assignment, Evidence, counted
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

STARTS = "2026-12-04T01:41:00.000Z"
BASE = Assignment("a1", "S1", "hotel", "officer", date(2027, 1, 15), STARTS)
PASS = Evidence("t1", "S1", "hotel", "officer", "practice", "completed", True, "2026-12-04T01:50:00.000Z")
ROOM = PASS._replace(mode="facilitated", passed=None, session_kind="facilitated")
EARLY = "2026-12-04T01:33:00.000Z"
TODAY = date(2027, 2, 1)

REASONS = [
    # (name, assignments, evidence, reason)
    ("a pass after the assignment started counts", [BASE], PASS, None),
    ("no assignment at all", [], PASS, rule.NO_ASSIGNMENT),
    ("only an assignment of another case", [BASE._replace(scenario_id="other")], PASS, rule.NO_ASSIGNMENT),
    ("an assignment on another track", [BASE._replace(track="manager")], PASS, rule.OTHER_TRACK),
    ("attendance, where sessions are not allowed", [BASE], ROOM, rule.NO_SESSIONS),
    ("attendance, sessions allowed", [BASE._replace(allow_sessions=True)], ROOM, None),
    ("attendance before the assignment started", [BASE._replace(allow_sessions=True)], ROOM._replace(finished_at=EARLY), rule.BEFORE_START),
    ("a pass before the assignment started", [BASE], PASS._replace(finished_at=EARLY), rule.BEFORE_START),
    ("a practice pass where assessed is asked", [BASE._replace(mode="assessed")], PASS, rule.OTHER_MODE),
    ("renewal passed", [BASE._replace(every_months=1)], PASS, rule.EXPIRED),
    ("renewal not yet passed", [BASE._replace(every_months=12)], PASS, None),
    ("the nearest of two: before the start beats another track", [BASE._replace(track="manager"), BASE], PASS._replace(finished_at=EARLY), rule.BEFORE_START),
    ("one of two counts", [BASE._replace(track="manager"), BASE], PASS, None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "assigned", "evidence", "reason"), REASONS, ids=[r[0] for r in REASONS])
def test_the_rule_says_why_an_attempt_does_not_count(name: str, assigned: list[Assignment], evidence: Evidence, reason: str | None) -> None:
    found = counted(assigned, evidence, TODAY)
    assert found.reason == reason, name
    if reason != rule.EXPIRED:  # renewal aside, the reason agrees with ``satisfies``: the same rule
        assert (found.reason is None) == any(rule.satisfies(a, evidence) for a in assigned)


def _assign(db_url: str, learner_id: str, case: str, starts_at: str, track: str = "officer", every: int | None = None, sessions: bool = False) -> None:
    row = {**ff.assignment_row(learner_id, case, track, "2099-01-01", starts_at, every), "allow_sessions": sessions}
    store = Store(db_url)
    with store.engine.begin() as conn:
        ff.insert(conn, "assignments", [row])
    store.close()


def _issued(runner: CliRunner, attempt: str) -> str:
    done = runner.invoke(app, ["certificate", attempt])
    assert done.exit_code == 0, done.output
    found = re.search(r"ltl-quiz verify (\w{5}-\w{5})", done.output)
    assert found, done.output
    return found.group(1)


def _verified(runner: CliRunner, cert: str) -> tuple[int, str]:
    checked = runner.invoke(app, ["verify", cert])
    return checked.exit_code, " ".join(checked.output.split())


ATTENDANCE = [
    # (assignment: starts at, track, sessions allowed; what verify must say)
    (None, "no assignment of this case"),
    (("2000-01-01T00:00:00.000Z", "officer", False), "the assignment of this case does not allow sessions"),
    (("2099-01-01T00:00:00.000Z", "officer", True), "the session (20"),
    (("2000-01-01T00:00:00.000Z", "manager", True), "the assignment of this case is on the manager track, not the officer track"),
]


@pytest.mark.parametrize(("terms", "said"), ATTENDANCE, ids=["none", "no sessions", "before it started", "other track"])
def test_attendance_that_does_not_count_says_the_rules_reason(
    db_url: str, example_path, runner: CliRunner, terms: tuple[str, str, bool] | None, said: str
) -> None:
    _code, attempts = run_facilitated(db_url, example_path)
    case = Store(db_url).attempt(attempts["PC102"]).scenario_id
    if terms is not None:
        _assign(db_url, "PC102", case, terms[0], terms[1], sessions=terms[2])
    status, text = _verified(runner, _issued(runner, attempts["PC102"]))
    assert status == 2, text
    assert "genuine, a record of attendance only: " in text and said in text and "so it does not show the case complete" in text
    if terms is not None and terms[0].startswith("2099"):
        assert "was before the assignment of this case started (2099-01-01 00:00 UTC)" in text
    if terms is not None:
        assert "no assignment of this case" not in text  # never the old blanket reason where one exists


def test_a_pass_before_its_assignment_started_says_so(db_url: str, runner: CliRunner) -> None:
    """Passed at 09:0x on 4 March 2024, assigned afterwards: genuine, but the assignment does not count it."""
    case = scenario("02-hotel-welfare-check")
    store = Store(db_url)
    attempt = walk(store, case, Learner("K2041", "Asha Patel", "Kent CID"))
    store.close()
    cert = _issued(runner, attempt)
    assert _verified(runner, cert)[0] == 0  # no assignment: a pass is a pass
    _assign(db_url, "K2041", case.id, "2024-03-04T11:00:00.000Z", case.audiences[0])
    status, text = _verified(runner, cert)
    assert status == 2, text
    assert "genuine, but it does not count for the assignment of this case: the pass (2024-03-04 09:" in text
    assert "was before the assignment of this case started (2024-03-04 11:00 UTC)" in text and "genuine and current" not in text


def test_a_pass_whose_renewal_has_passed_says_so(db_url: str, runner: CliRunner) -> None:
    case = scenario("02-hotel-welfare-check")
    store = Store(db_url)
    attempt = walk(store, case, Learner("K2041", "Asha Patel", "Kent CID"))
    store.close()
    cert = _issued(runner, attempt)
    _assign(db_url, "K2041", case.id, "2024-01-01T00:00:00.000Z", case.audiences[0], every=12)  # renew yearly: ran out March 2025
    status, text = _verified(runner, cert)
    assert status == 2 and "must be renewed every 12 months, and the pass on 2024-03-04 is older" in text, text
