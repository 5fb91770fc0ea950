"""The learning report as a psychometrician reads it (issue 12): which attempts count, Moodle's
overall statistics (mean, SD, Cronbach's alpha, SEM) checked against an independent computation,
and the drop-off view, on every store."""

from __future__ import annotations

import json
import math
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from records_factory import choosing, walk
from test_report import CALL_GRADING, WELFARE
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.records.psychometrics import median_of_counts, overall_statistics
from ltl_quiz.records.report import ALL, FIRST, build
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters

DAY1 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
RIGHT, WRONG = "send-officers", "tell-caller-101"  # call-grading: 10 points, 0 points


# -- the formulas, against a computation from the full (imputed) matrix -----------------------------
def independent(rows: list[dict[str, float]]) -> tuple[float, float, float, float]:
    """Mean, SD, alpha and SEM from first principles: fill each unmet item with the mean of those who
    met it, then Cronbach's formula on the columns with statistics.variance (n - 1)."""
    items = sorted({i for r in rows for i in r})
    means = {i: statistics.mean(r[i] for r in rows if i in r) for i in items}
    matrix = [[r.get(i, means[i]) for i in items] for r in rows]
    k = len(items)
    scores = [100 * sum(row) / k for row in matrix]
    totals = [sum(row) for row in matrix]
    alpha = k / (k - 1) * (1 - sum(statistics.variance(col) for col in zip(*matrix, strict=True)) / statistics.variance(totals))
    sd = statistics.stdev(scores)
    return statistics.mean(scores), sd, alpha, sd * math.sqrt(1 - alpha)


def test_alpha_by_hand_on_two_items() -> None:
    agree = [{"a": 1, "b": 1}, {"a": 0, "b": 0}, {"a": 1, "b": 1}, {"a": 0, "b": 0}]
    figures = overall_statistics(agree, min_attempts=2)
    assert figures.alpha == pytest.approx(1.0) and figures.sem == pytest.approx(0.0)
    assert figures.mean == pytest.approx(50.0) and figures.sd == pytest.approx(100 * math.sqrt(1 / 3))
    unrelated = [{"a": 1, "b": 1}, {"a": 0, "b": 0}, {"a": 1, "b": 0}, {"a": 0, "b": 1}]
    # each item's variance is 1/3, the totals 2, 0, 1, 1 have variance 2/3: alpha = 2 x (1 - 2/3 / 2/3) = 0
    assert overall_statistics(unrelated, min_attempts=2).alpha == pytest.approx(0.0)


def test_unmet_items_count_at_their_mean() -> None:
    rows = [{"a": 1.0, "b": 0.5}, {"a": 0.0}, {"a": 1.0, "b": 1.0, "c": 0.0}, {"b": 0.0, "c": 1.0}, {"a": 0.5, "c": 0.5}]
    figures = overall_statistics(rows, min_attempts=2)
    mean, sd, alpha, sem = independent(rows)
    assert (figures.attempts, figures.items) == (5, 3)
    assert figures.mean == pytest.approx(mean) and figures.sd == pytest.approx(sd)
    assert figures.alpha == pytest.approx(alpha) and figures.sem == pytest.approx(sem)


@given(
    st.lists(
        st.dictionaries(st.sampled_from("abcd"), st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=1),
        min_size=3,
        max_size=25,
    )
)
def test_overall_statistics_agree_with_the_matrix_computation(rows: list[dict[str, float]]) -> None:
    figures = overall_statistics(rows, min_attempts=3)
    if figures.alpha is None:
        assert figures.note and (figures.items < 2 or figures.sd == pytest.approx(0.0, abs=1e-4))
        return
    mean, sd, alpha, sem = independent(rows)
    assert figures.mean == pytest.approx(mean) and figures.sd == pytest.approx(sd)
    assert figures.alpha == pytest.approx(alpha, abs=1e-9)
    assert figures.sem == pytest.approx(sem if alpha <= 1 else 0.0, abs=1e-5)  # sqrt(1 - alpha) magnifies rounding when alpha is 1


def test_too_few_attempts_give_a_reason_not_a_number() -> None:
    assert overall_statistics([]).note == "no completed attempts met a decision"
    one = overall_statistics([{"a": 1.0, "b": 0.0}])
    assert (one.mean, one.sd, one.alpha) == (50.0, None, None) and one.note == "one attempt: no spread to measure"
    few = overall_statistics([{"a": 1.0, "b": 0.0}, {"a": 0.0, "b": 0.0}], min_attempts=10)
    assert few.alpha is None and few.sd is not None and few.note == "too few attempts for alpha (2; 10 needed)"
    single = overall_statistics([{"a": 1.0}, {"a": 0.0}, {"a": 1.0}], min_attempts=2)
    assert single.alpha is None and single.note == "one decision only: alpha needs two or more"
    same = overall_statistics([{"a": 1.0, "b": 0.0}] * 3, min_attempts=2)
    assert same.alpha is None and same.note == "every attempt scored the same: alpha is undefined"


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=60))
def test_median_of_counts_is_the_median(values: list[int]) -> None:
    counts: dict[float, int] = {}
    for v in values:
        counts[float(v)] = counts.get(float(v), 0) + 1
    assert median_of_counts(counts) == statistics.median(values)


# -- through the store ------------------------------------------------------------------------------
def test_overall_statistics_of_the_worked_example(example: Path, db_url: str) -> None:
    store = Store(db_url)
    report = build(store, ScenarioLibrary(example), Filters(), min_for_reliability=2)
    store.close()
    officer = next(o for o in report.overall if o.track == "officer")
    rows = [
        {"call-grading": cg / 10, **({} if w is None else {"welfare-actions": w / 3})} for cg, w in zip(CALL_GRADING, WELFARE, strict=True)
    ]
    mean, sd, alpha, sem = independent(rows)
    assert (officer.attempts, officer.items) == (6, 2)
    assert (officer.mean, officer.sd, officer.alpha, officer.sem) == (round(mean, 1), round(sd, 1), round(100 * alpha, 1), round(sem, 1))
    manager = next(o for o in report.overall if o.track == "manager")
    assert manager.alpha is None and manager.note == "one decision only: alpha needs two or more"


@pytest.fixture
def example(example_path: Path, db_url: str) -> Path:
    from test_report import OFFICER_PICKS

    scenario = load_scenario(example_path)
    store = Store(db_url)
    for n, picks in enumerate(OFFICER_PICKS):
        walk(store, scenario, Learner(f"O{n}", f"Officer {n}"), "officer", pick=choosing(picks), start=DAY1 + timedelta(days=n))
    for n in range(5):
        walk(store, scenario, Learner(f"M{n}", f"Manager {n}"), "manager", pick=choosing({"supervisor-review": "review-call-length"}))
    store.close()
    return example_path.parent


def _set(store: Store, attempt_id: str, **values: str) -> None:
    with store.engine.begin() as conn:
        for column, value in values.items():
            conn.execute(sa.text(f"UPDATE attempts SET {column} = :v WHERE id = :id"), {"v": value, "id": attempt_id})


@pytest.fixture
def repeats(example_path: Path, db_url: str) -> dict[str, str]:
    """Learners with more than one attempt, each on one edge of the first-attempt rule."""
    scenario = load_scenario(example_path)
    store = Store(db_url)

    def go(learner: str, pick: str, day: int, **kw: object) -> str:
        return walk(
            store,
            scenario,
            Learner(learner, learner),
            "officer",
            pick=choosing({"call-grading": pick}),
            start=DAY1 + timedelta(days=day),
            **kw,
        )  # type: ignore[arg-type]

    go("L1", WRONG, 0)  # a second go after a first: the first counts
    go("L1", RIGHT, 1)
    go("L2", RIGHT, 0, stop_after=1)  # unfinished attempts come before the first completed one
    store.abandon(go("L2", RIGHT, 1, stop_after=2))
    go("L2", WRONG, 2)
    _set(store, go("L3", RIGHT, 0), mode="facilitated")  # a group session is no individual attempt
    go("L3", WRONG, 1)
    _set(store, go("L4", RIGHT, 0), how_answered="scripted")  # a scripted run is nobody's first...
    go("L4", WRONG, 1)  # ...unless scripted runs are asked for
    tied = [go("L5", RIGHT, 0), go("L5", WRONG, 0)]  # the same start: the smaller id is first
    store.close()
    return {"L5 first": RIGHT if tied[0] < tied[1] else WRONG}


def _grading(db_url: str, folder: Path, **kw: object) -> dict[str, int]:
    store = Store(db_url)
    report = build(store, ScenarioLibrary(folder), **kw)  # type: ignore[arg-type]
    store.close()
    item = next(i for i in report.items if i.node_id == "call-grading")
    return {o.id: o.count for o in item.options}


def test_item_statistics_take_each_learners_first_completed_individual_attempt(repeats, example_path, db_url) -> None:
    folder = example_path.parent
    l5 = repeats["L5 first"]
    first = {RIGHT: 0, WRONG: 0}
    for pick in (WRONG, WRONG, WRONG, WRONG, l5):  # L1's first, L2's only completed, L3's individual, L4's own, L5's tie-break
        first[pick] += 1
    assert _grading(db_url, folder, filters=Filters(include_scripted=False)) == first
    assert _grading(db_url, folder, filters=Filters(include_scripted=False), attempts=FIRST) == first
    # every completed individual attempt: L1 2, L2 1, L3 1 (not the facilitated one), L4 1 (not the scripted one), L5 2
    assert _grading(db_url, folder, filters=Filters(include_scripted=False), attempts=ALL) == {RIGHT: 2, WRONG: 5}
    with_scripted = dict(first, **{RIGHT: first[RIGHT] + 1, WRONG: first[WRONG] - 1})  # L4's scripted run is now their first
    assert _grading(db_url, folder, filters=Filters(include_scripted=True)) == with_scripted
    # a window that starts after L1's first attempt leaves their second out: it is still a second go
    later = Filters(include_scripted=False, since=(DAY1 + timedelta(days=1)).date().isoformat())
    assert _grading(db_url, folder, filters=later) == {RIGHT: 0, WRONG: 3}  # L2's, L3's and L4's firsts; L1's and L5's began before


def test_drop_off_counts_where_unfinished_attempts_stopped(repeats, example_path, db_url) -> None:
    store = Store(db_url)
    report = build(store, ScenarioLibrary(example_path.parent), Filters(include_scripted=False))
    store.close()
    nodes = {d.node_id: d for d in report.dropoff}
    # L2 stopped after the passage (at call-grading, still in progress) and after call-grading (at welfare-actions, abandoned)
    assert (nodes["call-grading"].in_progress, nodes["call-grading"].abandoned) == (1, 0)
    assert (nodes["welfare-actions"].in_progress, nodes["welfare-actions"].abandoned) == (0, 1)
    assert sum(d.in_progress + d.abandoned for d in report.dropoff) == 2
    # every step was on screen 30 seconds (records_factory pins the times): the median is 30 at every node met
    assert {d.node_id: d.median_seconds for d in report.dropoff if d.steps} == dict.fromkeys(
        [d.node_id for d in report.dropoff if d.steps], 30.0
    )
    # steps at call-grading: 11 attempts, less the scripted run (left out) and the in-progress one that had not answered it
    assert nodes["call-grading"].steps == 11 - 2


def test_drop_off_median_time_uses_the_time_spent_definition(example_path, db_url) -> None:
    scenario = load_scenario(example_path)
    store = Store(db_url)
    for n, seconds in enumerate([10, 20, 50, 70]):
        walk(store, scenario, Learner(f"T{n}", "Timed"), "officer", seconds_each=seconds, stop_after=3, finish=False)
    report = build(store, ScenarioLibrary(example_path.parent), Filters())
    store.close()
    grading = next(d for d in report.dropoff if d.node_id == "call-grading")
    assert grading.median_seconds == statistics.median([10, 20, 50, 70]) and grading.steps == 4


def test_report_cli_shows_the_new_sections_and_rejects_an_unknown_rule(example) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["--scenarios", str(example), "report", "--plain"])
    assert plain.exit_code == 0, plain.output
    assert "each learner's first completed individual attempt at each scenario" in plain.stdout
    assert "== Overall statistics by scenario and track (Moodle's test statistics) ==" in plain.stdout
    assert "too few attempts for alpha (6; 10 needed)" in plain.stdout
    assert "== Where learners stop: drop-off and time at each node ==" in plain.stdout
    data = json.loads(runner.invoke(app, ["--scenarios", str(example), "report", "--json", "--attempts", "all"]).stdout)
    assert data["attempts_rule"] == "all"
    officer = next(o for o in data["overall"] if o["track"] == "officer")
    assert officer["attempts"] == 6 and officer["alpha"] is None and officer["mean"] is not None
    assert {d["node_id"] for d in data["dropoff"]} >= {"call-grading", "welfare-actions"}
    bad = runner.invoke(app, ["--scenarios", str(example), "report", "--attempts", "best"])
    assert bad.exit_code == 2 and "'best' is not one of 'first', 'all'" in bad.output  # usage shows <first|all>
    assert "Traceback" not in bad.output


def test_html_report_has_the_overall_statistics_and_drop_off(example, tmp_path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["--scenarios", str(example), "report", "--plain", "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<h2>Overall statistics by scenario and track</h2>" in page and "<h2>Where learners stop</h2>" in page
    assert "too few attempts for alpha (6; 10 needed)" in page and "Cronbach&#39;s alpha" not in page


def test_drop_off_names_the_debrief_key_question_an_attempt_stopped_at(example_path, db_url) -> None:
    """An attempt stopped in the debrief, at a key question, stopped at that question: not at the
    ending node (0 steps) its saved state points to. Its row names the question, and carries the
    steps and median time of the answers given to it."""
    scenario = load_scenario(example_path)
    store = Store(db_url)
    walk(store, scenario, Learner("K1", "Done"), "manager", seconds_each=40)  # answers manager-training in 40 s
    walk(store, scenario, Learner("K2", "Stopped"), "manager", finish=False)  # case ended, key question unanswered
    report = build(store, ScenarioLibrary(example_path.parent), Filters())
    store.close()
    stopped = [d for d in report.dropoff if d.in_progress or d.abandoned]
    assert [(d.node_id, d.in_progress) for d in stopped] == [("manager-training", 1)]
    question = stopped[0]
    assert question.title == "What training has your force given call handlers?"
    assert (question.steps, question.median_seconds) == (1, 40.0)
    endings = {n.id for n in scenario.nodes.values() if n.type == "end"}
    assert not [d for d in report.dropoff if d.node_id in endings and (d.in_progress or d.abandoned)]


def test_the_drop_off_words_say_what_its_median_figures_are(example_path, db_url, tmp_path) -> None:
    """Issue 12: the drop-off view said its times were "to the second" and printed "10.5 s": the
    median of two steps of 10 and 11 seconds. The words now say how a median can end in .5."""
    import html
    import re

    scenario = load_scenario(example_path)
    with Store(db_url) as store:
        for n, seconds in enumerate([10, 11]):
            walk(store, scenario, Learner(f"T{n}", "Timed"), "officer", seconds_each=seconds, stop_after=3, finish=False)
    page = tmp_path / "report.html"
    plain = CliRunner().invoke(app, ["--scenarios", str(example_path.parent), "report", "--plain", "--html", str(page)])
    assert plain.exit_code == 0, plain.output
    shown = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
    for said in (" ".join(plain.stdout.split()), " ".join(shown.split())):
        assert "10.5 s" in said and "to the second" not in said, said
        assert "each timed in whole seconds; of an even number of steps it is the mean of the middle two, so it can end in .5 s" in said


def test_the_html_report_explains_each_statistic_once(example, tmp_path) -> None:
    """Issue 12: the printed report explained the overall statistics twice (the mean score's
    difference, alpha's x100, the SEM) and said which attempts were analysed twice."""
    import html
    import re

    from ltl_quiz.records.report import analysed_in_words

    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["--scenarios", str(example), "report", "--plain", "--html", str(out)])
    assert result.exit_code == 0, result.output
    body = re.sub(r"(?s)<style>.*?</style>", "", out.read_text(encoding="utf-8"))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    assert "<h2>Overall statistics by scenario and track</h2>" in body
    for said in (
        "averages each graded attempt's own percentage",
        "standard error of measurement",
        "internal consistency",
        "x100",
        analysed_in_words("first"),
    ):
        assert text.count(said) == 1, (said, text.count(said))
    assert text.count("×100") == 0
