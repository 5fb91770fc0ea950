"""Property-based tests: any well-formed graph validates, and any walk through it ends in range."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.validation import validate_file
from tests.scenario_factory import end, option, scenario, write


@st.composite
def graphs(draw: st.DrawFn) -> dict:
    """A random acyclic scenario where node i always links on to node i+1, so all are reachable."""
    size = draw(st.integers(min_value=1, max_value=8))
    endings = [f"end-{k}" for k in range(draw(st.integers(min_value=1, max_value=3)))]
    ids = [f"n{i}" for i in range(size)]
    nodes: dict = {}
    for i, nid in enumerate(ids):
        later = ids[i + 1 :] + endings
        chain = ids[i + 1] if i + 1 < size else endings[0]
        kind = draw(st.sampled_from(["passage", "decision", "multi"]))
        if kind == "passage":
            nodes[nid] = {"type": "passage", "text": "Text.", "next": chain}
        elif kind == "decision":
            count = draw(st.integers(min_value=2, max_value=4))
            opts = [option(f"o{k}", draw(st.integers(0, 10)), chain if k == 0 else draw(st.sampled_from(later))) for k in range(count)]
            nodes[nid] = {"type": "decision", "prompt": "Choose.", "options": opts}
        else:
            count = draw(st.integers(min_value=2, max_value=5))
            opts = [option(f"o{k}", draw(st.integers(-5, 10))) for k in range(count)]
            nodes[nid] = {"type": "multi", "prompt": "Choose all.", "options": opts, "next": chain}
    for k, e in enumerate(endings):
        nodes[e] = end(f"Ending {k}")
    doc = scenario(nodes, start=ids[0])
    return doc


def _reachable(doc: dict) -> set[str]:
    seen, todo = set(), [doc["start"]]
    while todo:
        nid = todo.pop()
        if nid in seen:
            continue
        seen.add(nid)
        node = doc["nodes"][nid]
        targets = [node.get("next")] + [o.get("next") for o in node.get("options", [])]
        todo.extend(t for t in targets if isinstance(t, str))
    return seen


def _prune(doc: dict) -> dict:
    keep = _reachable(doc)
    doc["nodes"] = {k: v for k, v in doc["nodes"].items() if k in keep}
    return doc


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_random_valid_graphs_validate(doc: dict) -> None:
    doc = _prune(doc)
    with tempfile.TemporaryDirectory() as tmp:
        report = validate_file(write(Path(tmp), doc))
    assert [p for p in report.problems if p.severity == "error"] == []
    officer = report.tracks["officer"]
    assert officer.paths >= 1 and 0 <= officer.min_score <= officer.max_score


@settings(max_examples=60, deadline=None)
@given(graphs(), st.integers(min_value=0, max_value=2**31))
def test_random_walks_always_end_within_the_reported_range(doc: dict, seed: int) -> None:
    doc = _prune(doc)
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), doc)
        s = load_scenario(path)
        report = validate_file(path)
    rng = random.Random(seed)
    state = engine.start(s, "officer", "practice", seed)
    for _ in range(100):
        node = engine.current(s, state)
        if node.type == "end":
            break
        if node.type == "passage":
            response: engine.Response = engine.Continue()
        elif node.type == "decision":
            response = engine.Choose([rng.choice(node.options).id])
        else:
            response = engine.Choose([o.id for o in node.options if rng.random() < 0.5])
        state, _ = engine.answer(s, state, response)
    res = engine.result(s, state)
    assert res.ending is not None, "the walk did not reach an ending"
    tr = report.tracks["officer"]
    assert tr.min_score <= res.score <= tr.max_score
    assert 0 <= res.percentage <= 100
