"""A new kind of node is one entry in the kinds table and one terminal prompt (issue 11).

The test declares a throwaway kind, ``poll`` (pick exactly one option; every option goes on to
the node's own ``next``), registers it for this test only, and shows that the loader, the JSON
Schema, the validator's walk, the engine, a scripted run in the terminal and the exporters all
take it without any other change.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from scenario_factory import end, option, scenario, write
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import InputError, ScenarioError
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.records.report import build
from ltl_quiz.scenario.json_schema import build_schema
from ltl_quiz.scenario.kinds import KINDS, NodeKind, register, unregister
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.validation import validate_file
from ltl_quiz.sessions import tally
from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters
from ltl_quiz.ui.runner import PROMPTS, Runner

POLL = NodeKind(
    "poll",
    required=frozenset({"prompt", "options", "next"}),
    fields=frozenset({"type", "track", "title", "text", "prompt", "options", "next"}),
    answering="choose",
    routing="node",
    scoring="one",
    xapi_interaction="choice",
    answer_kind="poll",
)


@pytest.fixture
def poll() -> Iterator[NodeKind]:
    """The throwaway kind, with its one terminal prompt, declared for one test and removed after."""
    register(POLL)
    PROMPTS["poll"] = Runner._select
    try:
        yield POLL
    finally:
        unregister("poll")
        del PROMPTS["poll"]
    assert "poll" not in KINDS


def _doc() -> dict:
    return scenario(
        {
            "begin": {"type": "passage", "text": "A call comes in.", "next": "vote"},
            "vote": {
                "type": "poll",
                "prompt": "Who goes first?",
                "options": [option("officers", 4), option("nobody", 0)],
                "next": "reflect",
            },
            "reflect": {"type": "reflection", "track": "officer", "key_question": "officer-q", "next": "done"},
            "done": end(),
        }
    )


def _case(tmp_path: Path, doc: dict | None = None) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    return write(folder, doc or _doc(), "01-factory-case.yaml")


def test_without_its_entry_the_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_case(tmp_path))
    assert "'poll' is not a node type; use one of: passage, decision, multi, reflection, end" in str(info.value)


def test_the_loader_and_the_json_schema_take_it(poll: NodeKind, tmp_path: Path) -> None:
    s = load_scenario(_case(tmp_path))
    assert s.nodes["vote"].type == "poll" and s.nodes["vote"].recommended == ["officers"]
    schema = build_schema()
    assert schema["definitions"]["Node"]["properties"]["type"]["enum"][-1] == "poll"
    jsonschema.Draft7Validator(schema).validate(_doc())
    broken = _doc()
    del broken["nodes"]["vote"]["next"]  # the kind's own rules: a poll needs 'next', and its options share it
    broken["nodes"]["vote"]["options"][0]["next"] = "reflect"
    with pytest.raises(ScenarioError) as info:
        load_scenario(_case(tmp_path, broken))
    messages = [p.message for p in info.value.problems]
    assert "a poll node needs 'next'" in messages
    assert "poll options share the node's 'next'; move it to the node" in messages
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_the_validator_walks_it(poll: NodeKind, tmp_path: Path) -> None:
    report = validate_file(_case(tmp_path))
    assert [p for p in report.problems if p.severity == "error"] == []
    officer = report.tracks["officer"]
    assert (officer.paths, officer.min_score, officer.max_score, officer.endings) == (2, 0, 4, ["done"])


def test_the_engine_scores_and_routes_it(poll: NodeKind, tmp_path: Path) -> None:
    s = load_scenario(_case(tmp_path))
    state, _ = engine.answer(s, engine.start(s, "officer", "practice", seed=1), engine.Continue())
    with pytest.raises(InputError, match="takes exactly one option"):
        engine.answer(s, state, engine.Choose(["officers", "nobody"]))
    state, feedback = engine.answer(s, state, engine.Choose(["officers"]))
    assert feedback is not None and feedback.points == 4 and feedback.best_points == 4
    assert state.node_id == "reflect" and state.answers[-1].kind == "poll"
    state, _ = engine.answer(s, state, engine.Reflect("Send officers.", [0]))
    assert engine.at_end(s, state) and engine.result(s, state).percentage == 100.0


def test_a_scripted_run_and_the_exports_take_it(poll: NodeKind, tmp_path: Path, db_url: str) -> None:
    folder = _case(tmp_path).parent
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"vote": "officers", "reflect": {"text": "Send officers.", "covered": [1]}}))
    runner = CliRunner()
    base = ["--scenarios", str(folder), "--db", db_url]
    ran = runner.invoke(app, [*base, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", str(answers)])
    assert ran.exit_code == 0, ran.output
    assert "Who goes first?\n> Option officers" in ran.output and "Score: 4 of 4 (100%)" in ran.output
    store = Store(db_url)
    try:
        (row,) = store.attempts("AB1")
        assert [a["kind"] for a in store.answers(row.id)] == ["passage", "poll", "reflection"]
    finally:
        store.close()
    exported = runner.invoke(app, [*base, "export", "--format", "csv", "--what", "answers"])
    assert exported.exit_code == 0, exported.output
    rows = [r for r in csv.DictReader(io.StringIO(exported.stdout)) if r.get("node_id") == "vote"]
    assert len(rows) == 1 and rows[0]["question"] == "Who goes first?" and rows[0]["points"] == "4"
    xapi = runner.invoke(app, [*base, "export", "--format", "xapi", "--home-page", "https://learning.example.police.uk"])
    assert xapi.exit_code == 0, xapi.output
    answered = [s for s in json.loads(xapi.stdout) if s["verb"]["id"].endswith("/answered")]
    vote = next(s for s in answered if s["object"]["id"].endswith("/decisions/vote"))
    assert vote["object"]["definition"]["interactionType"] == "choice"
    assert vote["result"]["response"] == "officers" and vote["result"]["score"]["raw"] == 4


def _scripted_run(tmp_path: Path, db_url: str) -> Path:
    folder = _case(tmp_path).parent
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"vote": "officers", "reflect": {"text": "Send officers.", "covered": [1]}}))
    args = ["--scenarios", str(folder), "--db", db_url, "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", str(answers)]
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 0, ran.output
    return folder


def test_the_learning_reports_item_analysis_takes_it(poll: NodeKind, tmp_path: Path, db_url: str) -> None:
    """The store's queries ask the kinds table when they run, not when they were imported (above)."""
    folder = _scripted_run(tmp_path, db_url)
    with Store(db_url) as store:
        report = build(store, ScenarioLibrary(folder), Filters())
    (item,) = report.items
    assert (item.node_id, item.kind, item.n, item.max_mark) == ("vote", "poll", 1, 4)
    assert {o.id: (o.count, o.recommended) for o in item.options} == {"officers": (1, True), "nobody": (0, False)}


def test_a_facilitated_session_and_its_record_take_it(poll: NodeKind, tmp_path: Path, db_url: str) -> None:
    """The room's answers, its record and each participant's attempt ask the kinds table, not the names."""
    folder = _case(tmp_path).parent
    roster = tmp_path / "room.csv"
    roster.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\n", encoding="utf-8")
    base = ["--scenarios", str(folder), "--db", db_url, "session"]
    typed = ["y", "", "1", "1 a, jo a", "", "a", "", "Who calls whom.", ""]  # all here; read on; enter choices; follow A; discuss
    started = CliRunner().invoke(app, [*base, "start", "1", "--trainer", "Pat", "--roster", str(roster)], input="\n".join(typed) + "\n")
    assert started.exit_code == 0, started.output
    assert "Continue to the next step" in started.output  # the trainer's table has no words for a poll: the default
    code = started.output.split("Session ", 1)[1][:6]
    record = CliRunner().invoke(app, [*base, "report", code])
    assert record.exit_code == 0, record.output
    text = record.output
    assert "min; 1 answer given individually, 0 reflections. Record: attempt" in text
    assert "Step 2. Who goes first? [poll; each person's choice, entered by the trainer]" in text
    assert "The room's choice: A." in text and "Individual answers: Alex Smith A; Jo Bloggs A" in text
    assert "Step 3. Key question: A officer question?" in text and "Trainer's notes: Who calls whom." in text
    data = json.loads(CliRunner().invoke(app, [*base, "report", code, "--json"]).stdout)
    vote = data["steps"][1]
    assert (vote["kind"], vote["room_choice"], vote["responses"]) == ("poll", ["officers"], 2)
    assert [p["answers_given"] for p in data["participants"]] == [1, 1]
    with Store(db_url) as store:
        attempt = next(a for a in store.attempts() if a.session_code == code)
        rows = store.answers(attempt.id)
    assert [(r["kind"], json.loads(r["option_ids"]), r["points"]) for r in rows][:2] == [("passage", [], 0), ("poll", ["officers"], 4)]
    cpd = CliRunner().invoke(app, ["--scenarios", str(folder), "--db", db_url, "cpd", "PC101"])  # its answers read at call time too
    assert cpd.exit_code == 0, cpd.output
    assert "I gave my own answer at 1 decision; what I would do differently below comes from those answers only." in cpd.output


def test_a_show_of_hands_counts_it_as_one_hand_each(poll: NodeKind, tmp_path: Path) -> None:
    vote = load_scenario(_case(tmp_path)).nodes["vote"]
    hands = tally.from_hands(vote, {"officers": 3, "nobody": 2})
    assert hands.responses == 5 and tally.room_choice(vote, hands).option_ids == ["officers"]


def test_without_its_terminal_prompt_a_run_is_refused_before_it_starts(tmp_path: Path, db_url: str) -> None:
    """A kind declared in the table but given no prompt fails in one line, before the content note."""
    folder = _case(tmp_path).parent
    register(POLL)
    try:
        ran = CliRunner().invoke(app, ["--scenarios", str(folder), "--db", db_url, "run", "1", "--learner", "AB1", "--name", "Alex Smith"])
    finally:
        unregister("poll")
    assert ran.exit_code == 1
    message = "factory-case has 'poll' nodes, which the terminal cannot ask yet (no prompt in ltl_quiz/ui/runner.py PROMPTS)"
    assert message in ran.output and "Traceback" not in ran.output and "Content note" not in ran.output
    with Store(db_url) as store:
        assert store.attempts("AB1") == []


class _OnePick:
    """A learner's prompter that answers a single pick and refuses to be asked for several."""

    def select(self, key: str, message: str, choices: list[tuple[str, str]]) -> str:
        return choices[0][0]

    def checkbox(self, key: str, message: str, choices: list[tuple[str, str]]) -> list[str]:
        raise AssertionError(f"{key}: asked to tick any number of options at a kind that takes one")


def test_a_live_learner_picks_one_option_at_it(poll: NodeKind, tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from ltl_quiz.config import Learner
    from ltl_quiz.sessions import model
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.store import now
    from ltl_quiz.ui.render import Renderer, make_console
    from ltl_quiz.ui.sessions.learner import LiveLearner
    from ltl_quiz.ui.sessions.view import SessionView

    s = load_scenario(_case(tmp_path))
    with Store(db_url) as store:
        sessions = SessionStore(store)
        code = sessions.create(s, "live", "Pat Trainer", [], model.first_state(s, "officer", "live", now()))
        alex = Learner("AB1", "Alex Smith", "Response")
        sessions.join(code, alex, s)
        sessions.begin(code, s, 0)
        sessions.advance(code, s, 0, engine.Continue())
        sessions.open(code, s, 1)
        screen = LiveLearner(sessions, s, code, alex, SessionView(Renderer(make_console(True), True)), _OnePick())  # type: ignore[arg-type]
        step = model.step_of(s, sessions.session(code).state)
        assert step is not None and step.kind == "poll"
        screen._answer(step, s.nodes["vote"])
        (given,) = sessions.answers(code, 1)
    assert given.option_ids == ["officers"]
    assert "Saved: A. Waiting for the trainer to reveal the answers." in capsys.readouterr().out
