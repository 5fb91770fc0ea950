"""`ltl-quiz export --format xapi`: the statements of each attempt, their links, ids and figures."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from records_factory import SCENARIOS, add_session, first_decision, scenario, share_reflections, walk, worst
from test_xapi_rules import DURATION, problems
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.exporters.xapi import NAMESPACE, iso_duration
from ltl_quiz.store import Store

HOTEL = "02-hotel-welfare-check"
HOME = "https://learning.example.police.uk"


@pytest.fixture
def attempts(db_url: str) -> dict[str, str]:
    store = Store(db_url)
    hotel = scenario(HOTEL)
    add_session(store, "ABC123", hotel, "Sgt Jo Bloggs")
    ids = {
        "passed": walk(store, hotel, Learner("AB1", "Alex Smith", "North"), "officer", session_code="ABC123"),
        "failed": walk(
            store, hotel, Learner("CD2", "Sam Jones", "Kent"), "officer", pick=worst, start=datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
        ),
        "in-progress": walk(
            store, hotel, Learner("CD2", "Sam Jones", "Kent"), "manager", stop_after=6, start=datetime(2024, 3, 6, 9, 0, tzinfo=UTC)
        ),
    }
    store.close()
    share_reflections(db_url, "AB1", "CD2")
    return ids


def statements(*args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "export", "--format", "xapi", "--home-page", HOME, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def of(found: list[dict], attempt_id: str) -> list[dict]:
    return [s for s in found if s["context"]["registration"] == attempt_id]


def test_every_statement_meets_the_specification(attempts) -> None:
    found = statements()
    assert found
    for statement in found:
        assert problems(statement) == [], statement["id"]
    assert len({s["id"] for s in found}) == len(found)


def test_each_attempt_tells_its_story_in_order(attempts, db_url) -> None:
    found = statements()
    store = Store(db_url)
    for name, attempt_id in attempts.items():
        mine = of(found, attempt_id)
        answered = [a for a in store.answers(attempt_id) if a["kind"] != "passage"]
        verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in mine]
        # the unfinished attempt was left in 2024, long idle: the learner left after their last step
        ending = {"passed": ["completed", "passed"], "failed": ["completed", "failed"], "in-progress": ["suspended"]}[name]
        assert verbs == ["attempted"] + ["answered"] * len(answered) + ending
        assert mine[0]["timestamp"] == store.attempt(attempt_id).started_at
        for statement, answer in zip(mine[1 : 1 + len(answered)], answered, strict=True):
            assert statement["timestamp"] == answer["answered_at"]
            assert statement["id"] == str(uuid.uuid5(NAMESPACE, f"{attempt_id}/{answer['node_id']}/{answer['seq']}"))
    store.close()


def test_decisions_are_choice_interactions_linked_to_scenario_and_course(attempts) -> None:
    hotel = scenario(HOTEL)
    mine = of(statements(), attempts["failed"])
    choices = [s for s in mine if s["object"]["definition"].get("interactionType") == "choice"]
    assert choices
    for s in choices:
        node_id = s["object"]["id"].rsplit("/", 1)[1]
        node = hotel.nodes[node_id]
        definition = s["object"]["definition"]
        assert s["object"]["id"] == f"{HOME}/xapi/scenarios/{hotel.id}/decisions/{node_id}"
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert [c["id"] for c in definition["choices"]] == [o.id for o in node.options]
        assert definition["correctResponsesPattern"] == ["[,]".join(node.recommended)]
        assert s["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": f"{HOME}/xapi/scenarios/{hotel.id}"}]
        assert s["context"]["contextActivities"]["grouping"] == [
            {"objectType": "Activity", "id": f"{HOME}/xapi/courses/learning-the-lessons-39"}
        ]
        response = s["result"]["response"].split("[,]") if s["result"]["response"] else []
        assert set(response) <= {o.id for o in node.options}
    node = first_decision(hotel, "officer")
    first = next(s for s in choices if s["object"]["id"].endswith(f"/{node.id}"))
    worst_option = min(node.options, key=lambda o: o.points)
    assert first["result"]["response"] == worst_option.id
    assert first["result"]["success"] is False and first["result"]["duration"] == "PT30S"
    scenario_level = [s for s in mine if s["verb"]["display"]["en-GB"] != "answered"]
    assert all(
        s["context"]["contextActivities"] == {"parent": [{"objectType": "Activity", "id": f"{HOME}/xapi/courses/learning-the-lessons-39"}]}
        for s in scenario_level
    )


def test_reflections_are_long_fill_in_with_the_written_answer(attempts) -> None:
    hotel = scenario(HOTEL)
    mine = of(statements(), attempts["passed"])
    written = [s for s in mine if s["object"]["definition"].get("interactionType") == "long-fill-in"]
    assert len(written) == len(hotel.key_questions("officer"))
    for s in written:
        kq = hotel.key_question(s["object"]["id"].rsplit("/", 1)[1])
        assert s["object"]["definition"]["description"] == {"en-GB": " ".join(kq.question.split())}
        assert "correctResponsesPattern" not in s["object"]["definition"]
        assert s["result"]["response"] == "I would ask who the men are and how she got there."
        assert s["result"]["extensions"] == {f"{HOME}/xapi/extensions/model-points-covered": [0, 1]}


def test_the_outcome_carries_score_success_and_duration(attempts, db_url) -> None:
    found = statements()
    store = Store(db_url)
    for name in ("passed", "failed"):
        row = store.attempt(attempts[name])
        outcome = of(found, row.id)[-1]
        assert outcome["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{name}"
        score = outcome["result"]["score"]
        assert score["raw"] == row.score and score["max"] == row.best_score and score["min"] == 0
        assert score["scaled"] == pytest.approx(row.percentage / 100, abs=1e-4)
        assert outcome["result"]["success"] is (name == "passed") and outcome["result"]["completion"] is True
        answers = store.answers(row.id)
        assert outcome["result"]["duration"] == iso_duration(30.0 * len(answers))
        assert outcome["timestamp"] == row.finished_at
    store.close()


def test_actor_instructor_and_context(attempts) -> None:
    found = statements()
    group = of(found, attempts["passed"])
    alone = of(found, attempts["failed"])
    assert group[0]["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": "AB1"}, "name": "Alex Smith"}
    assert all(
        s["context"]["instructor"]
        == {"objectType": "Agent", "account": {"homePage": HOME, "name": "sgt-jo-bloggs"}, "name": "Sgt Jo Bloggs"}
        for s in group
    )
    assert all("instructor" not in s["context"] for s in alone)
    assert group[0]["context"]["extensions"][f"{HOME}/xapi/extensions/session"] == "ABC123"
    for s in found:
        assert s["context"]["registration"] in attempts.values()
        assert s["timestamp"].endswith("Z") and len(s["timestamp"].split(".")[1]) == 4  # milliseconds and a zone


def test_pseudonymised_statements_name_nobody(attempts) -> None:
    found = statements("--pseudonymise")
    text = json.dumps(found)
    for secret in ("AB1", "CD2", "Alex Smith", "Sam Jones", "Sgt Jo Bloggs", "sgt-jo-bloggs"):
        assert secret not in text
    assert all(s["actor"]["account"]["name"].startswith("p-") and "name" not in s["actor"] for s in found)


def test_ids_are_the_same_every_time_and_change_with_nothing_else(attempts) -> None:
    first, second = statements(), statements()
    assert first == second
    other_home = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "export", "--format", "xapi"])
    assert [s["id"] for s in json.loads(other_home.stdout)] == [s["id"] for s in first]


def test_a_bad_home_page_is_refused(attempts) -> None:
    result = CliRunner().invoke(app, ["--scenarios", str(SCENARIOS), "export", "--format", "xapi", "--home-page", "intranet"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "error: --home-page 'intranet' is not a web address; give your force's, e.g. https://learning.example.police.uk"
    )


@given(st.floats(min_value=0, max_value=10**7, allow_nan=False))
def test_durations_are_well_formed_to_the_hundredth(seconds: float) -> None:
    text = iso_duration(seconds)
    assert DURATION.match(text)
    hours = float(text.split("H")[0][2:]) if "H" in text else 0.0
    rest = text.split("H")[-1].lstrip("PT")
    minutes = float(rest.split("M")[0]) if "M" in rest else 0.0
    secs = float(rest.split("M")[-1].rstrip("S"))
    assert abs(hours * 3600 + minutes * 60 + secs - seconds) <= 0.005 + 1e-9 * seconds
