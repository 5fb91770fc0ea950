"""The learning report's figures, which the database now adds up (issue 12), against a plain Python
computation from the stored rows of a generated store: random walks through a real case study on
every track, by learners with repeat attempts, a few unfinished, on every store."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from records_factory import SCENARIOS, scenario, walk
from test_report_psychometrics import independent

from ltl_quiz.config import Learner
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.records.report import ALL, FIRST, build
from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters

CASE = "02-hotel-welfare-check"
DAY1 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
ROUNDING = 0.05 + 1e-9  # a figure rounded to one place, whichever way float noise tips a tie


def _random_pick(rng: random.Random) -> Any:
    def pick(node: Any) -> list[str]:
        ids = [o.id for o in node.options]
        if node.type == "multi":
            return rng.sample(ids, rng.randint(0, len(ids)))
        return [rng.choice(ids)]

    return pick


@pytest.fixture(params=[1, 2])
def generated(request: pytest.FixtureRequest, db_url: str) -> str:
    case = scenario(CASE)
    rng = random.Random(request.param)
    store = Store(db_url)
    for _ in range(50):
        who = rng.randrange(24)
        walk(
            store,
            case,
            Learner(f"G{who:02d}", "Generated", "Unit"),
            case.audiences[who % 4 == 0],  # three learners in four on the first track: enough for alpha
            pick=_random_pick(rng),
            start=DAY1 + timedelta(hours=rng.randrange(6)),  # some starts tie: the id decides
            seconds_each=float(rng.choice([5, 12, 30, 47, 90])),
            stop_after=rng.choice([None] * 5 + [2, 4]),
        )
    store.close()
    return db_url


def _rows(db_url: str) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        attempts = [dict(r._mapping) for r in conn.execute(sa.text("SELECT * FROM attempts"))]
        answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in conn.execute(sa.text("SELECT * FROM answers ORDER BY attempt_id, seq")):
            answers[r.attempt_id].append(dict(r._mapping))
    engine.dispose()
    return attempts, answers


def _analysed(attempts: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    done = [a for a in attempts if a["status"] == "completed" and a["mode"] in ("practice", "assessed")]
    if rule == ALL:
        return done
    firsts: dict[tuple[str, str], dict[str, Any]] = {}
    for a in sorted(done, key=lambda a: (a["started_at"], a["id"])):
        firsts.setdefault((a["learner_id"], a["scenario_id"]), a)
    return list(firsts.values())


def _expected(db_url: str, rule: str) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[float, float, float, float]]]:
    """Item figures by node and (mean, SD, alpha, SEM) by track, straight from the rows."""
    case = scenario(CASE)
    attempts, answers = _rows(db_url)
    marks: dict[str, dict[str, int]] = {}
    right: Counter = Counter()
    options: dict[str, Counter] = defaultdict(Counter)
    for a in _analysed(attempts, rule):
        mine: dict[str, int] = defaultdict(int)
        for ans in answers[a["id"]]:
            if ans["kind"] in ("decision", "multi"):
                mine[ans["node_id"]] += ans["points"]
                picked = json.loads(ans["option_ids"])
                options[ans["node_id"]].update(picked)
                if set(picked) == set(case.nodes[ans["node_id"]].recommended):
                    right[(a["id"], ans["node_id"])] = 1
        marks[a["id"]] = dict(mine)
    library = ScenarioLibrary(SCENARIOS)
    best = {node: library.choice(case.id, node, "[]").best_points for m in marks.values() for node in m}
    items = {}
    for node in best:
        xs = [m[node] for m in marks.values() if node in m]
        rests = [sum(m.values()) - m[node] for m in marks.values() if node in m]
        varies = len(xs) > 1 and len(set(xs)) > 1 and len(set(rests)) > 1
        items[node] = {
            "n": len(xs),
            "facility": 100 * statistics.mean(xs) / best[node],
            "discrimination": 100 * statistics.correlation(xs, rests) if varies else None,
            "right_share": 100 * sum(right[(a, node)] for a, m in marks.items() if node in m) / len(xs),
            "options": {k: v for k, v in options[node].items() if v},
        }
    by_id = {a["id"]: a for a in attempts}
    overall = {}
    for track in case.audiences:
        rows = [{node: max(0.0, min(1.0, x / best[node])) for node, x in m.items()} for a, m in marks.items() if by_id[a]["track"] == track]
        if len(rows) >= 10 and len({i for r in rows for i in r}) >= 2:
            overall[track] = independent(rows)
    return items, overall


@pytest.mark.parametrize("rule", [FIRST, ALL])
def test_item_and_overall_figures_match_a_computation_from_the_rows(generated: str, rule: str) -> None:
    store = Store(generated)
    report = build(store, ScenarioLibrary(SCENARIOS), Filters(), attempts=rule)
    store.close()
    items, overall = _expected(generated, rule)
    got = {i.node_id: i for i in report.items}
    assert set(got) == set(items) and items
    for node, want in items.items():
        item = got[node]
        assert item.n == want["n"], node
        assert item.facility == pytest.approx(want["facility"], abs=ROUNDING), node
        if want["discrimination"] is None:
            assert item.discrimination is None, node
        else:
            assert item.discrimination == pytest.approx(want["discrimination"], abs=ROUNDING), node
        assert item.right_share == pytest.approx(want["right_share"], abs=ROUNDING), node
        assert {o.id: o.count for o in item.options if o.count} == want["options"], node
    assert overall, "the generated store should give at least one track enough attempts for alpha"
    for o in report.overall:
        if o.track not in overall:
            assert o.alpha is None
            continue
        mean, sd, alpha, sem = overall[o.track]
        assert o.mean == pytest.approx(mean, abs=ROUNDING) and o.sd == pytest.approx(sd, abs=ROUNDING)
        assert o.alpha == pytest.approx(100 * alpha, abs=ROUNDING) and o.sem == pytest.approx(sem, abs=ROUNDING)


def test_median_time_and_completed_minutes_match_the_rows(generated: str) -> None:
    store = Store(generated)
    report = build(store, ScenarioLibrary(SCENARIOS), Filters())
    store.close()
    attempts, answers = _rows(generated)

    def seconds(ans: dict[str, Any]) -> float:
        shown, done = (datetime.fromisoformat(ans[k].replace("Z", "+00:00")) for k in ("shown_at", "answered_at"))
        return (done - shown).total_seconds()

    steps: dict[str, list[float]] = defaultdict(list)
    for rows in answers.values():
        for ans in rows:
            steps[ans["node_id"]].append(round(seconds(ans)))
    got = {d.node_id: d for d in report.dropoff if d.steps}
    assert {node: (d.steps, d.median_seconds) for node, d in got.items()} == {
        node: (len(v), statistics.median(v)) for node, v in steps.items()
    }
    for s in report.scenarios:
        done = [a for a in attempts if a["track"] == s.track and a["status"] == "completed"]
        spent = sum(seconds(ans) for a in done for ans in answers[a["id"]])
        assert s.completed == len(done) and s.mean_minutes == round(spent / len(done) / 60, 1)
    unfinished = Counter((a["scenario_id"], json.loads(a["state"])["node_id"]) for a in attempts if a["status"] != "completed")
    assert {(d.scenario_id, d.node_id): d.in_progress + d.abandoned for d in report.dropoff if d.in_progress + d.abandoned} == dict(
        unfinished
    )


def test_the_generated_store_is_the_one_asked_for(generated: str) -> None:
    """The figures above are worth something only if the store has repeats, unfinished attempts and ties."""
    attempts, _ = _rows(generated)
    assert len({a["learner_id"] for a in attempts}) < len(attempts)
    assert any(a["status"] != "completed" for a in attempts)
    assert len({a["started_at"] for a in attempts}) < len(attempts)
    assert Path(SCENARIOS / f"{CASE}.yaml").exists()
