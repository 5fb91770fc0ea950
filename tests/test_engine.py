"""The engine on its own: scoring, modes, critical failures, and exact resume from JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import InputError
from ltl_quiz.scenario.loader import load_scenario
from tests.scenario_factory import end, option, scenario, write


@pytest.fixture
def example(example_path: Path):
    return load_scenario(example_path)


def walk(s, track: str, *responses, mode: str = "practice", seed: int = 7):
    state = engine.start(s, track, mode, seed)
    feedbacks = []
    for response in responses:
        state, fb = engine.answer(s, state, response)
        feedbacks.append(fb)
    return state, feedbacks


def test_best_path_scores_full_marks_and_passes(example) -> None:
    state, _ = walk(
        example,
        "officer",
        engine.Continue(),
        engine.Choose(["send-officers"]),
        engine.Choose(["speak-to-girl-alone"]),
        engine.Reflect("Who are the men?", [0, 1]),
    )
    res = engine.result(example, state)
    assert (res.score, res.best, res.percentage, res.passed, res.ending) == (13, 13, 100.0, True, "girl-safe")
    assert res.competencies == {"vulnerability": 2, "victim_voice": 1}


def test_multi_total_never_goes_below_zero(example) -> None:
    state, fbs = walk(example, "officer", engine.Continue(), engine.Choose(["send-officers"]), engine.Choose(["leave-if-she-says-fine"]))
    assert state.answers[-1].points == 0
    assert fbs[-1].missed[0].id == "speak-to-girl-alone"
    assert engine.result(example, state).score == 10


def test_partial_credit_on_multi(example) -> None:
    state, _ = walk(
        example,
        "officer",
        engine.Continue(),
        engine.Choose(["send-officers"]),
        engine.Choose(["speak-to-girl-alone", "leave-if-she-says-fine"]),
    )
    assert state.answers[-1].points == 0  # 3 - 3
    state2, _ = walk(example, "officer", engine.Continue(), engine.Choose(["send-officers"]), engine.Choose([]))
    assert state2.answers[-1].points == 0


def test_a_critical_choice_fails_whatever_the_score(example) -> None:
    state, fbs = walk(example, "officer", engine.Continue(), engine.Choose(["tell-caller-101"]), engine.Reflect("x"))
    res = engine.result(example, state)
    assert res.critical == [("call-grading", "tell-caller-101")]
    assert res.passed is False and res.ending == "call-closed"
    assert fbs[1].critical[0].id == "tell-caller-101"


def test_flags_route_to_different_consequences(example) -> None:
    good, _ = walk(example, "officer", engine.Continue(), engine.Choose(["send-officers"]), engine.Choose([]), engine.Reflect("x"))
    bad, _ = walk(example, "officer", engine.Continue(), engine.Choose(["tell-caller-101"]), engine.Reflect("x"))
    assert (good.node_id, bad.node_id) == ("girl-safe", "call-closed")


def test_manager_track_is_routed_to_its_own_nodes(example) -> None:
    state, _ = walk(example, "manager", engine.Continue())
    assert state.node_id == "supervisor-review"


def test_assessed_mode_defers_feedback_and_shuffles_reproducibly(example) -> None:
    state, fbs = walk(example, "officer", engine.Continue(), engine.Choose(["send-officers"]), mode="assessed", seed=3)
    assert fbs == [None, None]
    at_decision = engine.answer(example, engine.start(example, "officer", "assessed", 0), engine.Continue())[0]
    seen = set()
    for seed in range(30):
        st = engine.State(**{**at_decision.to_json(), "seed": seed, "answers": []})
        first = [o.id for o in engine.options(example, st)]
        assert first == [o.id for o in engine.options(example, st)]  # same seed, same order
        seen.add(tuple(first))
    assert len(seen) == 2  # both orders occur across seeds
    assert len(engine.review(example, state)) == 1


def test_state_round_trips_through_json_and_resumes_exactly(example) -> None:
    state, _ = walk(example, "officer", engine.Continue(), engine.Choose(["send-officers"]))
    restored = engine.State.from_json(json.loads(json.dumps(state.to_json())))
    assert restored == state
    a, _ = engine.answer(example, state, engine.Choose(["speak-to-girl-alone"]))
    b, _ = engine.answer(example, restored, engine.Choose(["speak-to-girl-alone"]))
    assert a == b


def test_debrief_key_questions_finish_the_attempt(example) -> None:
    state, _ = walk(example, "manager", engine.Continue(), engine.Choose(["review-systems-checks"]))
    assert [kq.id for kq in engine.pending_key_questions(example, state)] == ["manager-training"]
    assert not engine.finished(example, state)
    state = engine.reflect(example, state, "manager-training", engine.Reflect("Training.", [2]))
    assert engine.finished(example, state)
    assert state.answers[-1].covered == [2]


@pytest.mark.parametrize(
    ("track", "mode", "message"),
    [
        ("detective", "practice", "track 'detective' is not offered by example-welfare-call; use one of: officer, manager"),
        ("officer", "exam", "mode 'exam' is not known; use one of: practice, assessed"),
    ],
)
def test_bad_track_or_mode(example, track: str, mode: str, message: str) -> None:
    with pytest.raises(InputError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        engine.start(example, track, mode)


def test_wrong_answers_are_refused(example) -> None:
    state = engine.start(example, "officer", "practice", 1)
    with pytest.raises(InputError, match="is a passage node"):
        engine.answer(example, state, engine.Choose(["x"]))
    state, _ = engine.answer(example, state, engine.Continue())
    with pytest.raises(InputError, match="'nope' is not an option at 'call-grading'"):
        engine.answer(example, state, engine.Choose(["nope"]))
    with pytest.raises(InputError, match="takes exactly one option"):
        engine.answer(example, state, engine.Choose(["send-officers", "tell-caller-101"]))


def test_decision_with_shared_next(tmp_path: Path) -> None:
    doc = scenario(
        {
            "begin": {"type": "decision", "prompt": "?", "next": "done", "options": [option("a", 2), option("b", 0, "other")]},
            "done": end(),
            "other": end(),
        }
    )
    s = load_scenario(write(tmp_path, doc))
    assert engine.answer(s, engine.start(s, "officer", seed=1), engine.Choose(["a"]))[0].node_id == "done"
    assert engine.answer(s, engine.start(s, "officer", seed=1), engine.Choose(["b"]))[0].node_id == "other"


def test_each_competency_is_out_of_its_most_on_the_path_taken(tmp_path: Path) -> None:
    """A decision's best is its best option per competency; a multi's, the sum of its positive ones; nodes off the path count nothing."""
    nodes = {
        "begin": {
            "type": "decision",
            "prompt": "First?",
            "options": [
                option("a", 5, [{"goto": "ticks"}], competencies={"risk_assessment": 3, "recording": 1}),
                option("b", 0, [{"goto": "elsewhere"}], competencies={"risk_assessment": 1, "recording": 2}),
            ],
        },
        "ticks": {
            "type": "multi",
            "prompt": "Which?",
            "options": [
                option("x", 2, competencies={"victim_voice": 2}),
                option("y", 1, competencies={"victim_voice": 1}),
                option("z", -1, competencies={"victim_voice": -2}),
            ],
            "next": [{"goto": "done"}],
        },
        "elsewhere": {
            "type": "decision",
            "prompt": "Then?",
            "options": [option("c", 3, [{"goto": "done"}], competencies={"supervision": 4}), option("d", 0, [{"goto": "done"}])],
        },
        "done": end(),
    }
    s = load_scenario(write(tmp_path, scenario(nodes)))
    state, _ = engine.answer(s, engine.start(s, "officer"), engine.Choose(["b"]))
    state, _ = engine.answer(s, state, engine.Choose(["c"]))
    r = engine.result(s, state)
    assert (r.competencies, r.competency_best) == (
        {"risk_assessment": 1, "recording": 2, "supervision": 4},
        {"risk_assessment": 3, "recording": 2, "supervision": 4},
    )
    state, _ = engine.answer(s, engine.start(s, "officer"), engine.Choose(["a"]))
    state, _ = engine.answer(s, state, engine.Choose(["y", "z"]))
    r = engine.result(s, state)
    assert r.competencies == {"risk_assessment": 3, "recording": 1, "victim_voice": 0}
    assert r.competency_best == {"risk_assessment": 3, "recording": 2, "victim_voice": 3}
