"""One answer reads the same in every record (issue 12): a group-session participant who entered
"none of these" at a multi gave their own answer, with its mark, in the session report, the CPD
record, every export format and xAPI; one who gave no answer at that step has none in any of them.

Every test runs a real session through the session store on a real store (SQLite, or PostgreSQL
with --store), then reads the records through the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from room_steps import walk_room
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.exporters.rows import ANSWERS
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store import Store, now

JO = Learner("PC102", "Jo Bloggs", "Response")  # answers at both choices: an option, then "none" at the multi
ALEX = Learner("PC101", "Alex Smith", "Response")  # present throughout, never answers


def cli(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--scenarios", str(folder), *args])
    return result.exit_code, result.stdout, result.stderr


def _give(sessions: SessionStore, kind: str, code: str, step: model.Step, own: OwnAnswer) -> None:
    """Jo's answer as the session kind takes it: typed by the trainer, or sent from Jo's terminal."""
    if kind == "facilitated":
        sessions.enter_for(code, JO.id, step, own)
    else:
        sessions.submit(code, JO.id, step, own, str(uuid.uuid4()), now())


def run_room(db_url: str, sc: Scenario, kind: str) -> str:
    """A whole session of ``kind``: the room follows the recommended options; Jo picks the first
    option at the decision and none at the multi; Alex gives nothing. Returns the session code."""
    sessions = SessionStore(Store(db_url))
    people = [ALEX, JO] if kind == "facilitated" else []
    code = sessions.create(sc, kind, "Pat Trainer", people, model.first_state(sc, "officer", kind, now()))
    if kind == "facilitated":
        sessions.roll_call(code, sc, [ALEX.id, JO.id])
    else:
        for person in (ALEX, JO):
            sessions.join(code, person, sc)
    walk_room(sessions, code, sc, lambda step, node: _give(sessions, kind, code, step, OwnAnswer([node.options[0].id] if node.type == "decision" else [])))
    sessions.close(code, sc)
    sessions.store.close()
    return code


def _multi(rows: list[dict]) -> dict[str, dict]:
    """Each learner's answers row at the multi, by learner id."""
    found = {r["learner_id"]: r for r in rows if r["kind"] == "multi"}
    assert set(found) == {JO.id, ALEX.id}, rows
    return found


def _exported_multis(folder: Path, tmp_path: Path) -> dict[str, dict[str, dict]]:
    """The multi's rows per learner in every tabular format, each as that format writes it."""
    out: dict[str, dict[str, dict]] = {}
    code, text, err = cli(folder, "export", "--format", "csv", "--what", "answers")
    assert code == 0, err
    out["csv"] = _multi(list(csv.DictReader(io.StringIO(text))))
    code, text, err = cli(folder, "export", "--format", "json", "--what", "answers")
    assert code == 0, err
    out["json"] = _multi(json.loads(text))
    code, text, err = cli(folder, "export", "--format", "jsonl", "--what", "answers")
    assert code == 0, err
    out["jsonl"] = _multi([json.loads(line) for line in text.splitlines() if line.strip()])
    book_path = tmp_path / "records.xlsx"
    code, _, err = cli(folder, "export", "--format", "xlsx", "--out", str(book_path))
    assert code == 0, err
    sheet = load_workbook(book_path)["Answers"]
    labels = [c.value for c in sheet[1]]
    keys = {c.label: c.key for c in ANSWERS}
    out["xlsx"] = _multi([{keys[label]: cell for label, cell in zip(labels, row, strict=True)} for row in sheet.iter_rows(min_row=2, values_only=True)])
    return out


@pytest.mark.parametrize("kind", ["facilitated", "live"])
def test_none_at_a_multi_is_the_participants_answer_in_every_record(db_url, example_dir, example_path, tmp_path, kind) -> None:
    sc = load_scenario(example_path)
    code = run_room(db_url, sc, kind)
    formats = _exported_multis(example_dir, tmp_path)
    for name, multi in formats.items():
        jo, alex = multi[JO.id], multi[ALEX.id]
        assert jo["chosen_option_ids"] in ("", None) and alex["chosen_option_ids"] in ("", None), name  # both chose no option
        assert jo["points"] in (0, "0"), (name, jo)  # Jo's "none": their answer, with its mark (no option ticked: 0)
        assert alex["points"] in ("", None), (name, alex)  # Alex gave no answer: no mark, not 0
    code_x, text, err = cli(example_dir, "export", "--format", "xapi")
    assert code_x == 0, err
    answered = {
        (s["actor"]["account"]["name"], s["object"]["id"].rsplit("/", 1)[1])
        for s in json.loads(text)
        if s["verb"]["id"].endswith("/answered")
    }
    multi_id = next(n.id for n in sc.nodes.values() if n.type == "multi")
    assert (JO.id, multi_id) in answered  # Jo's "none" is an answer
    assert not any(who == ALEX.id for who, _ in answered)  # Alex answered nothing of their own
    status, report, err = cli(example_dir, "session", "report", code, "--json")
    assert status == 0, err
    given = {p["learner"]: p["answers_given"] for p in json.loads(report)["participants"]}
    assert given == {JO.id: 2, ALEX.id: 0}
    status, text, err = cli(example_dir, "cpd", JO.id)
    assert status == 0, err
    assert "I gave my own answer at 2 decisions" in text and "I chose: none of the options" in text
    status, text, err = cli(example_dir, "cpd", ALEX.id)
    assert status == 0, err
    assert "I gave no individual answer at a decision" in text and "I chose: none of the options" not in text
