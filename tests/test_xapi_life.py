"""The xAPI record of an attempt's life: suspended, resumed, abandoned, and voided when the store no longer supports a statement.

Every statement is held to our own reading of the specification (test_xapi_rules.problems) and
to Ralph's strict pydantic models (ralph-malph, the LRS of the end-to-end test), which refuse
unknown fields and empty values. The life statements are derived from what the store records
(answers' shown and answered times, the attempt's status), so the tests make the store say it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from records_factory import SCENARIOS, add_session, choosing, scenario, stamp, walk
from test_lrs import FakeLrs
from test_xapi_rules import problems
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.exporters.xapi import NAMESPACE, XapiSettings, voiding_statement
from ltl_quiz.store import Store
from ltl_quiz.store.merge import merge_into
from ltl_quiz.store.voids import record_voided, void_id

HOTEL = "02-hotel-welfare-check"
ALEX = Learner("AB1", "Alex Smith", "North")
PASSWORD = "s3cret-Pa55"
ADL = "http://adlnet.gov/expapi/verbs/"


def ralph_errors(statement: dict[str, Any]) -> list[str]:
    """What Ralph's strict base model says is wrong with ``statement`` (empty when it accepts it)."""
    from pydantic import ValidationError
    from ralph.models.xapi.base.statements import BaseXapiStatement

    try:
        BaseXapiStatement.model_validate(statement)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return []


def exported() -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "export", "--format", "xapi"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def mine(found: list[dict[str, Any]], attempt_id: str) -> list[dict[str, Any]]:
    return [s for s in found if s["context"]["registration"] == attempt_id]


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def steps(store: Store, attempt_id: str) -> list[dict[str, Any]]:
    return store.answers(attempt_id)


def shift_from(store: Store, attempt_id: str, seq: int, delta: timedelta) -> None:
    """Make the learner leave before step ``seq`` and come back ``delta`` later: every later time moves on."""
    with store.engine.begin() as conn:
        for row in conn.execute(sa.text("SELECT seq, shown_at, answered_at FROM answers WHERE attempt_id = :a"), {"a": attempt_id}).all():
            if row.seq >= seq:
                moved = {
                    k: stamp(datetime.fromisoformat(getattr(row, k).replace("Z", "+00:00")) + delta) for k in ("shown_at", "answered_at")
                }
                conn.execute(
                    sa.text("UPDATE answers SET shown_at = :shown_at, answered_at = :answered_at WHERE attempt_id = :a AND seq = :q"),
                    {**moved, "a": attempt_id, "q": row.seq},
                )
        a = conn.execute(sa.text("SELECT updated_at, finished_at FROM attempts WHERE id = :a"), {"a": attempt_id}).one()
        values = {k: stamp(datetime.fromisoformat(v.replace("Z", "+00:00")) + delta) if v else None for k, v in a._mapping.items()}
        conn.execute(
            sa.text("UPDATE attempts SET updated_at = :updated_at, finished_at = :finished_at WHERE id = :a"), {**values, "a": attempt_id}
        )


def check_all(found: list[dict[str, Any]]) -> None:
    for statement in found:
        assert problems(statement) == [], (statement["verb"]["id"], problems(statement))
        assert ralph_errors(statement) == [], (statement["verb"]["id"], ralph_errors(statement))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def test_a_learner_who_left_and_came_back_is_suspended_then_resumed(store) -> None:
    attempt = walk(store, scenario(HOTEL), ALEX, "officer")
    shift_from(store, attempt, 4, timedelta(hours=20))
    found = mine(exported(), attempt)
    check_all(found)
    rows = steps(store, attempt)
    left = next(i for i, s in enumerate(found) if s["verb"]["id"] == ADL + "suspended")
    suspended, resumed = found[left], found[left + 1]
    assert verbs(found).count("suspended") == 1 and verbs(found).count("resumed") == 1
    assert suspended["timestamp"] == rows[2]["answered_at"]  # the last moment seen active: step 3 answered
    assert resumed["verb"]["id"] == ADL + "resumed" and resumed["timestamp"] == rows[3]["shown_at"]  # step 4 shown again
    assert all(s["timestamp"] <= suspended["timestamp"] for s in found[:left])
    assert all(s["timestamp"] >= resumed["timestamp"] for s in found[left + 2 :])
    assert suspended["id"] == str(uuid.uuid5(NAMESPACE, f"{attempt}/suspended/4"))
    assert verbs(found)[-2:] == ["completed", "passed"]
    assert mine(exported(), attempt) == found  # derived, not invented: the same ids and content every time


def test_play_without_a_break_has_no_suspension(store) -> None:
    attempt = walk(store, scenario(HOTEL), ALEX, "officer", seconds_each=100)  # slow answers are not breaks
    found = mine(exported(), attempt)
    assert "suspended" not in verbs(found) and "resumed" not in verbs(found)


def test_an_abandoned_attempt_is_suspended_after_its_last_step_then_abandoned(store) -> None:
    attempt = walk(store, scenario(HOTEL), ALEX, "officer", stop_after=5)
    store.abandon(attempt)
    found = mine(exported(), attempt)
    check_all(found)
    assert verbs(found)[-2:] == ["suspended", "abandoned"]
    assert found[-1]["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/abandoned"
    assert found[-1]["timestamp"] == store.attempt(attempt).updated_at
    assert found[-2]["timestamp"] == steps(store, attempt)[-1]["answered_at"]
    assert "completed" not in verbs(found) and "passed" not in verbs(found) and "failed" not in verbs(found)


def test_an_attempt_being_answered_now_is_not_called_suspended(store) -> None:
    attempt = walk(store, scenario(HOTEL), ALEX, "officer", stop_after=3, start=datetime.now(UTC) - timedelta(minutes=4))
    answered = [a for a in steps(store, attempt) if a["kind"] != "passage"]
    assert verbs(mine(exported(), attempt)) == ["attempted"] + ["answered"] * len(answered)


def test_a_group_session_goes_at_the_rooms_pace_so_has_no_breaks(store) -> None:
    add_session(store, "ABC123", scenario(HOTEL), "Sgt Jo Bloggs")
    attempt = walk(store, scenario(HOTEL), ALEX, "officer", session_code="ABC123")
    shift_from(store, attempt, 4, timedelta(hours=1))
    assert not {"suspended", "resumed"} & set(verbs(mine(exported(), attempt)))


def test_every_statement_of_every_kind_meets_ralphs_strict_models(store) -> None:
    hotel = scenario(HOTEL)
    add_session(store, "ABC123", hotel, "Sgt Jo Bloggs")
    walk(store, hotel, ALEX, "officer", session_code="ABC123")
    broken = walk(store, hotel, Learner("CD2", "Sam Jones", "Kent"), "manager", start=datetime(2024, 3, 5, 9, 0, tzinfo=UTC))
    shift_from(store, broken, 3, timedelta(days=2))
    store.abandon(walk(store, hotel, Learner("EF3", "Jo Brown", "Kent"), "officer", stop_after=4))
    none_on_multis = choosing({n.id: [] for n in hotel.nodes.values() if n.type == "multi"})
    walk(
        store,
        hotel,
        Learner("GH4", "Sam Green", "Kent"),
        "officer",
        pick=none_on_multis,
        text="",
        covered=(),
        start=datetime(2024, 3, 7, tzinfo=UTC),
    )
    found = exported()
    assert {"attempted", "answered", "completed", "passed", "suspended", "resumed", "abandoned"} <= set(verbs(found))
    check_all(found)
    check_all([voiding_statement(found[0]["id"], found[0]["context"]["registration"], found[0]["timestamp"], XapiSettings())])


def test_ralphs_models_catch_what_they_are_for() -> None:
    void = voiding_statement(str(uuid.uuid4()), str(uuid.uuid4()), "2024-03-04T09:00:00.000Z", XapiSettings())
    assert ralph_errors(void) == []
    assert ralph_errors({**void, "context": {"platform": "ltl-quiz"}})  # platform only beside an Activity
    assert ralph_errors({**void, "surprise": 1})
    assert ralph_errors({**void, "object": {"objectType": "StatementRef", "id": "nope"}})


# -- voiding: statements the LRS holds that the store no longer supports --------------------------------------------


@pytest.fixture
def lrs() -> Iterator[FakeLrs]:
    server = FakeLrs()
    yield server
    server.close()


def push(lrs: FakeLrs) -> Any:
    result = CliRunner().invoke(
        app, ["--scenarios", str(SCENARIOS), "lrs", "push", "--endpoint", lrs.endpoint, "--user", "ltl", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    return result


def copy_behind(source: Store, target: Store, attempt_id: str, keep: int) -> None:
    """``target`` gets ``source``'s attempt as it stood after ``keep`` steps: a copy taken while the learner was still going."""
    with source.engine.connect() as conn:
        learner = dict(conn.execute(sa.text("SELECT * FROM learners")).one()._mapping)
        attempt = dict(conn.execute(sa.text("SELECT * FROM attempts WHERE id = :a"), {"a": attempt_id}).one()._mapping)
        answers = [
            dict(r._mapping)
            for r in conn.execute(sa.text("SELECT * FROM answers WHERE attempt_id = :a AND seq <= :k"), {"a": attempt_id, "k": keep})
        ]
    last = max(a["answered_at"] for a in answers)
    attempt.update(status="in-progress", finished_at=None, passed=None, ending=None, updated_at=last)
    meta = sa.MetaData()
    meta.reflect(target.engine, only=["learners", "attempts", "answers"])
    with target.engine.begin() as conn:
        conn.execute(sa.insert(meta.tables["learners"]), [learner])
        conn.execute(sa.insert(meta.tables["attempts"]), [attempt])
        conn.execute(sa.insert(meta.tables["answers"]), answers)


@pytest.mark.parametrize("came_back_later", [False, True])
def test_a_merge_that_replaces_an_attempt_voids_what_is_no_longer_true(lrs, db_url, other_db_url, came_back_later) -> None:
    there = Store(other_db_url)
    attempt = walk(there, scenario(HOTEL), ALEX, "officer")
    if came_back_later:
        shift_from(there, attempt, 4, timedelta(hours=3))
    here = Store(db_url)
    copy_behind(there, here, attempt, 3)
    push(lrs)  # the copy here looks left long ago: the LRS is told so
    first = {s["id"]: s for s in lrs.sent}
    answered = [a for a in steps(here, attempt) if a["kind"] != "passage"]
    assert verbs(list(first.values())) == ["attempted"] + ["answered"] * len(answered) + ["suspended"]
    suspension = next(s["id"] for s in first.values() if s["verb"]["id"] == ADL + "suspended")

    report = merge_into(db_url, other_db_url)
    assert report.carried_forward == 1
    sent_before = len(lrs.requests)
    result = push(lrs)
    second = [s for r in lrs.requests[sent_before:] for s in r["body"]]
    check_all(second)
    voids = [s for s in second if s["verb"]["id"] == ADL + "voided"]
    if came_back_later:  # the learner did leave after step 3: nothing sent was untrue
        assert voids == [] and "resumed" in verbs(second)
        assert result.stdout.strip().endswith("it had already.")
    else:  # the copy was taken mid-flow: the suspension never happened, and is voided
        assert [v["object"] for v in voids] == [{"objectType": "StatementRef", "id": suspension}]
        assert voids[0]["id"] == void_id(suspension) and voids[0]["actor"]["account"]["name"] == "ltl-quiz"
        assert "1 of them void statements the store no longer supports." in result.stdout
    assert verbs(second)[-3 if voids else -2 :] == ["completed", "passed", *(["voided"] if voids else [])]
    before = len(lrs.requests)
    again = push(lrs)  # a re-push sends nothing: neither the statements nor the voids again
    assert len(lrs.requests) == before and again.stdout.startswith("Sent 0 new statements")
    here.close()
    there.close()


def test_an_erasure_recorded_in_the_store_voids_every_statement_pushed_about_the_attempt(lrs, store) -> None:
    gone = walk(store, scenario(HOTEL), ALEX, "officer")
    kept = walk(store, scenario(HOTEL), Learner("CD2", "Sam Jones", "Kent"), "officer", start=datetime(2024, 4, 1, tzinfo=UTC))
    push(lrs)
    sent_about = {s["id"] for s in lrs.sent if s["context"]["registration"] == gone}
    with store.engine.begin() as conn:  # what db forget does: record first, then delete
        assert record_voided(conn, [gone], "erased") == len(sent_about)
        assert record_voided(conn, [gone], "erased") == 0  # recording twice queues nothing more
        conn.execute(sa.text("DELETE FROM answers WHERE attempt_id = :a"), {"a": gone})
        conn.execute(sa.text("DELETE FROM attempts WHERE id = :a"), {"a": gone})
        conn.execute(sa.text("DELETE FROM lrs_accepted WHERE attempt_id = :a"), {"a": gone})
        conn.execute(sa.text("DELETE FROM learners WHERE id = 'AB1'"))
    result = push(lrs)
    voids = lrs.requests[-1]["body"]
    check_all(voids)
    assert {v["object"]["id"] for v in voids} == sent_about
    assert all(v["verb"]["id"] == ADL + "voided" and v["context"] == {"registration": gone} for v in voids)
    assert not any("AB1" in json.dumps(v) or "Alex" in json.dumps(v) for v in voids)  # nothing about the person
    assert f"{len(sent_about)} of them void statements" in result.stdout
    before = len(lrs.requests)
    push(lrs)
    assert len(lrs.requests) == before  # voided once only
    assert kept and not any(s["object"].get("id") in {x["id"] for x in lrs.sent if x["context"]["registration"] == kept} for s in voids)
