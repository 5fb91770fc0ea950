"""`ltl-quiz export`: every format, the row content, filters, atomic output and pseudonyms, on a real store."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from records_factory import add_session, choosing, first_decision, scenario, share_reflections, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.errors import StoreError
from ltl_quiz.store import Store

HOTEL = "02-hotel-welfare-check"
ALEX = Learner("AB1", "Alex Smith", "North Yorkshire, control room")
SAM = Learner("CD2", "Sam Jones", "Kent, safeguarding hub")


@pytest.fixture
def records(db_url: str) -> dict[str, str]:
    """Four attempts: passed in a group session, failed, in progress (manager) and abandoned."""
    store = Store(db_url)
    hotel = scenario(HOTEL)
    add_session(store, "ABC123", hotel, "Sgt Jo Bloggs")
    ids = {
        "passed": walk(store, hotel, ALEX, "officer", session_code="ABC123"),
        "failed": walk(store, hotel, SAM, "officer", pick=worst, start=datetime(2024, 3, 10, 14, 0, tzinfo=UTC), seconds_each=45),
        "in-progress": walk(store, hotel, SAM, "manager", start=datetime(2024, 4, 2, 8, 0, tzinfo=UTC), stop_after=3),
    }
    ids["abandoned"] = walk(store, hotel, ALEX, "manager", start=datetime(2024, 5, 1, 8, 0, tzinfo=UTC), stop_after=2)
    store.abandon(ids["abandoned"])
    store.close()
    share_reflections(db_url, ALEX.id, SAM.id)  # exports for a CPD lead hold reflections only if the learner said yes
    return ids


def export(scenarios_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--scenarios", str(scenarios_dir), "export", *args])
    return result.exit_code, result.stdout, result.stderr


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_completion_rows_carry_every_field(records, scenarios_dir) -> None:
    code, out, _ = export(scenarios_dir, "--format", "csv")
    assert code == 0
    by_id = {r["attempt_id"]: r for r in rows(out)}
    assert set(by_id) == set(records.values())
    hotel = scenario(HOTEL)
    r = by_id[records["passed"]]
    answers = len(Store_answers(records["passed"], passages=True))
    assert r["learner_id"] == "AB1" and r["name"] == "Alex Smith" and r["unit"] == "North Yorkshire, control room"
    assert (r["scenario_id"], r["scenario_title"], r["scenario_version"], r["scenario_sha256"]) == (
        hotel.id,
        hotel.title,
        str(hotel.version),
        hotel.sha256,
    )
    assert (r["track"], r["mode"], r["status"]) == ("officer", "practice", "completed")
    assert r["started"] == "2024-03-04T09:00:00.000Z"
    assert r["finished"].startswith("2024-03-04T09:") and r["finished"].endswith("Z")
    assert float(r["minutes_spent"]) == round(answers * 30 / 60, 1)  # 30 seconds on each answer
    assert r["score"] == r["best_score"] and r["percentage"] == "100.0" and r["passed"] == "True"
    assert r["critical_failures"] == "0" and r["critical_choices"] == ""
    assert int(r["competency_vulnerability"]) > 0
    assert (r["session_code"], r["trainer"]) == ("ABC123", "Sgt Jo Bloggs")
    failed = by_id[records["failed"]]
    assert failed["passed"] == "False" and int(failed["critical_failures"]) >= 1 and ":" in failed["critical_choices"]
    assert failed["session_code"] == "" and failed["trainer"] == ""
    assert by_id[records["in-progress"]]["passed"] == "" and by_id[records["in-progress"]]["finished"] == ""


def Store_answers(attempt_id: str, passages: bool = False) -> list[dict]:
    import os

    store = Store(os.environ["LTL_QUIZ_DB"])
    try:
        return [a for a in store.answers(attempt_id) if passages or a["kind"] != "passage"]
    finally:
        store.close()


def test_answer_rows_explain_each_choice(records, scenarios_dir) -> None:
    code, out, _ = export(scenarios_dir, "--what", "answers")
    assert code == 0
    got = [r for r in rows(out) if r["attempt_id"] == records["failed"]]
    stored = Store_answers(records["failed"])
    assert [int(r["seq"]) for r in got] == [a["seq"] for a in stored]  # every answer but passages, in order
    hotel = scenario(HOTEL)
    for r, a in zip(got, stored, strict=True):
        assert r["kind"] == a["kind"] and r["node_id"] == a["node_id"] and int(r["points"]) == a["points"]
        assert float(r["seconds_taken"]) == 45.0
        if a["kind"] in ("decision", "multi"):
            node = hotel.nodes[a["node_id"]]
            assert r["question"] == " ".join(node.prompt.split())
            chosen = json.loads(a["option_ids"])
            assert r["chosen_option_ids"] == "; ".join(chosen)
            assert r["chosen_option"] == "; ".join(" ".join(node.option(i).text.split()) for i in chosen)
            assert r["recommended_option_ids"] == "; ".join(node.recommended)
            assert r["recommended_option"].startswith(" ".join(node.option(node.recommended[0]).text.split()))
        else:
            assert r["written_answer"].startswith("I would ask")
    assert "passage" not in {r["kind"] for r in rows(out)}


def test_reflection_rows_list_model_points(records, scenarios_dir) -> None:
    code, out, _ = export(scenarios_dir, "--what", "reflections", "--learner", "AB1", "--status", "completed")
    assert code == 0
    got = rows(out)
    hotel = scenario(HOTEL)
    assert len(got) == len(hotel.key_questions("officer"))
    for r in got:
        kq = hotel.key_question(r["key_question_id"])
        assert r["question"] == " ".join(kq.question.split())
        assert r["model_points_ticked"] == "2" and r["model_points_total"] == str(len(kq.model_points))
        assert r["model_points_covered"] == " | ".join(" ".join(p.split()) for p in kq.model_points[:2])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"passed", "failed", "in-progress", "abandoned"}),
        (["--status", "completed"], {"passed", "failed"}),
        (["--status", "abandoned"], {"abandoned"}),
        (["--passed"], {"passed"}),
        (["--failed"], {"failed"}),
        (["--learner", "CD2"], {"failed", "in-progress"}),
        (["--unit", "kent"], {"failed", "in-progress"}),
        (["--session", "abc123"], {"passed"}),
        (["--since", "2024-03-10"], {"failed", "in-progress", "abandoned"}),
        (["--until", "2024-03-10"], {"passed", "failed"}),
        (["--since", "2024-03-05", "--until", "2024-04-30", "--learner", "CD2", "--status", "in-progress"], {"in-progress"}),
        (["--scenario", "hotel-welfare-check", "--unit", "North"], {"passed", "abandoned"}),
        (["--scenario", "no-such-case"], set()),
    ],
)
def test_filters_combine(records, scenarios_dir, args, expected) -> None:
    code, out, _ = export(scenarios_dir, "--format", "json", *args)
    assert code == 0
    assert {r["attempt_id"] for r in json.loads(out)} == {records[k] for k in expected}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-13-01"], "error: --since '2024-13-01' is not a date; use YYYY-MM-DD, e.g. 2024-03-31"),
        (["--until", "yesterday"], "error: --until 'yesterday' is not a date; use YYYY-MM-DD, e.g. 2024-03-31"),
        (["--since", "2024-05-01", "--until", "2024-04-01"], "error: --since 2024-05-01 is after --until 2024-04-01; swap them"),
    ],
)
def test_bad_options_give_one_clear_line(records, scenarios_dir, args, message) -> None:
    code, out, err = export(scenarios_dir, *args)
    assert code == 2 and out == ""  # bad option values are usage errors (issue 13)
    assert err.strip() == message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "done"], "'done' is not one of 'completed', 'in-progress', 'abandoned'."),
        (["--format", "pdf"], "'pdf' is not one of 'csv', 'xlsx', 'json', 'jsonl', 'xapi'."),
        (["--what", "everything"], "'everything' is not one of 'completions', 'answers', 'reflections'."),
    ],
)
def test_values_outside_the_allowed_ones_are_usage_errors(records, scenarios_dir, args, message) -> None:
    code, out, err = export(scenarios_dir, *args)
    assert code == 2 and out == "" and message in err


def test_json_and_jsonl_carry_the_same_typed_rows(records, scenarios_dir) -> None:
    _, as_json, _ = export(scenarios_dir, "--format", "json", "--what", "answers")
    _, as_jsonl, _ = export(scenarios_dir, "--format", "jsonl", "--what", "answers")
    listed = json.loads(as_json)
    assert listed == [json.loads(line) for line in as_jsonl.splitlines()]
    first = listed[0]
    assert isinstance(first["points"], int) and isinstance(first["critical"], bool) and isinstance(first["seconds_taken"], float)
    _, completions, _ = export(scenarios_dir, "--format", "json")
    passed = next(r for r in json.loads(completions) if r["attempt_id"] == records["passed"])
    assert passed["passed"] is True and isinstance(passed["percentage"], float) and passed["session_code"] == "ABC123"


def test_empty_export_is_valid(db_url, scenarios_dir) -> None:
    Store(db_url).close()
    assert json.loads(export(scenarios_dir, "--format", "json")[1]) == []
    assert export(scenarios_dir, "--format", "csv")[1].startswith("attempt_id,learner_id,")


def test_out_file_is_written_whole(records, scenarios_dir, tmp_path) -> None:
    target = tmp_path / "out" / "answers.csv"
    code, out, err = export(scenarios_dir, "--what", "answers", "--out", str(target))
    assert code == 0 and out == ""
    written = rows(target.read_text(encoding="utf-8"))
    assert err.strip() == f"Wrote {len(written)} rows to {target}"
    assert sorted(p.name for p in target.parent.iterdir()) == ["answers.csv"]


def test_a_failed_export_leaves_no_half_written_file(records, scenarios_dir, tmp_path, monkeypatch) -> None:
    target = tmp_path / "completions.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    import ltl_quiz.exporters.rows as rows_module

    calls = {"n": 0}
    real = rows_module.neutralise

    def failing(value):
        calls["n"] += 1
        if calls["n"] > 12:  # part-way through the rows
            raise StoreError("cannot read the results store: disk I/O error")
        return real(value)

    monkeypatch.setattr(rows_module, "neutralise", failing)
    code, _, err = export(scenarios_dir, "--out", str(target))
    assert code == 1 and err.strip() == "error: cannot read the results store: disk I/O error"
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".completions")] == []


def test_pseudonymise_drops_names_and_keeps_a_stable_key(records, scenarios_dir, isolated_home) -> None:
    code, first, _ = export(scenarios_dir, "--format", "csv", "--what", "answers", "--pseudonymise")
    assert code == 0
    for secret in ("AB1", "CD2", "Alex Smith", "Sam Jones", "Sgt Jo Bloggs"):
        assert secret not in first
    got = rows(first)
    assert {r["name"] for r in got} == {""}
    assert all(r["learner_id"].startswith("p-") and len(r["learner_id"]) == 34 for r in got)
    assert len({r["learner_id"] for r in got}) == 2
    assert {r["trainer"] for r in got if r["session_code"]} != {""}
    again = export(scenarios_dir, "--format", "csv", "--what", "answers", "--pseudonymise")[1]
    assert again == first  # the same key, the same pseudonyms
    config = json.loads((isolated_home / "config.json").read_text())
    assert len(bytes.fromhex(config["pseudonym_key"])) == 32
    config["pseudonym_key"] = "ab" * 32
    (isolated_home / "config.json").write_text(json.dumps(config))
    other = rows(export(scenarios_dir, "--format", "csv", "--what", "answers", "--pseudonymise")[1])
    assert {r["learner_id"] for r in other}.isdisjoint({r["learner_id"] for r in got})


def test_a_missing_or_edited_scenario_falls_back_to_ids(records, scenarios_dir) -> None:
    path = scenarios_dir / f"{HOTEL}.yaml"
    text = path.read_text(encoding="utf-8")
    node = first_decision(scenario(HOTEL), "officer")
    assert text.count(f"prompt: {node.prompt}") == 1
    path.write_text(text.replace(f"prompt: {node.prompt}", "prompt: How do you answer the caller?"), encoding="utf-8")
    edited = [r for r in rows(export(scenarios_dir, "--what", "answers")[1]) if r["node_id"] == node.id]
    assert edited and {r["question"] for r in edited} == {"How do you answer the caller?"}
    path.unlink()
    code, out, _ = export(scenarios_dir, "--what", "answers")
    assert code == 0
    missing = rows(out)
    assert len(missing) == sum(len(Store_answers(a)) for a in records.values())
    first = next(r for r in missing if r["node_id"] == node.id)
    assert first["question"] == node.id and first["chosen_option"] == first["chosen_option_ids"] and first["recommended_option"] == ""


def test_each_answer_is_one_row_with_its_own_choice(records, scenarios_dir, db_url) -> None:
    store = Store(db_url)
    hotel = scenario(HOTEL)
    node = first_decision(hotel, "officer")
    other = next(o for o in node.options if o.id not in node.recommended)
    chosen = choosing({node.id: other.id})
    walk(store, hotel, Learner("EF3", "Eve F", ""), "officer", pick=chosen, start=datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    store.close()
    got = rows(export(scenarios_dir, "--what", "answers", "--learner", "EF3")[1])
    assert len(got) == len({(r["attempt_id"], r["seq"]) for r in got}) == len(Store_answers(got[0]["attempt_id"]))
    assert {"decision", "multi", "reflection", "key_question"} >= {r["kind"] for r in got} >= {"decision", "multi"}
    first = next(r for r in got if r["node_id"] == node.id)
    assert first["chosen_option_ids"] == other.id
    assert first["chosen_option"] == " ".join(other.text.split())
    assert int(first["points"]) == other.points < int(first["best_points"])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_shows_on_standard_error_at_a_terminal(records, scenarios_dir, tmp_path, monkeypatch) -> None:
    from ltl_quiz.exporters import ExportRequest
    from ltl_quiz.exporters import export as run_export
    from ltl_quiz.locations import resolve
    from ltl_quiz.store.queries import Filters
    from ltl_quiz.ui.progress import progress_bar

    stderr = _Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    request = ExportRequest("csv", "answers", Filters(), tmp_path / "a.csv")
    with progress_bar("Exporting", None) as ticker:
        assert ticker is not None
        done = run_export(resolve(scenarios_dir), request, ticker)
    assert "Exporting" in stderr.getvalue() and f"{done.rows}/{done.rows}" in stderr.getvalue()
    with progress_bar("Exporting", True) as plain:
        assert plain is None  # --plain: no bar, and nothing counted in advance


# -- the formats' table ----------------------------------------------------------------------------
def test_every_format_in_the_table_is_a_choice_and_writes_its_file(records, scenarios_dir, tmp_path) -> None:
    """--format's choices and help come from exporters/formats.py: each entry is offered, named in the
    help and writes a file with its own suffix (a binary one as a zip archive, a text one as UTF-8)."""
    from ltl_quiz.exporters.formats import EXPORT_FORMATS

    shown = CliRunner().invoke(app, ["export", "--help"], terminal_width=200).stdout
    assert f"<{'|'.join(f.name for f in EXPORT_FORMATS)}>" in shown
    assert ", ".join(f.name for f in EXPORT_FORMATS[:-1]) + f" or {EXPORT_FORMATS[-1].name}." in shown
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"all{fmt.suffix}"
        code, _, err = export(scenarios_dir, "--format", fmt.name, "--out", str(out))
        assert code == 0, err
        data = out.read_bytes()
        assert data.startswith(b"PK") if fmt.binary else len(data.decode("utf-8")) > 100


def test_a_format_not_in_the_table_is_a_usage_error(records, scenarios_dir) -> None:
    code, _, err = export(scenarios_dir, "--format", "ods")
    assert code == 2 and "ods" in err


def test_the_export_job_refuses_a_format_not_in_the_table(tmp_path) -> None:
    from ltl_quiz.errors import InputError
    from ltl_quiz.exporters import ExportRequest
    from ltl_quiz.exporters import export as run_export
    from ltl_quiz.locations import resolve
    from ltl_quiz.store.queries import Filters

    with pytest.raises(InputError, match="use one of: csv, xlsx, json, jsonl, xapi"):
        run_export(resolve(db=f"sqlite:///{tmp_path / 'r.db'}"), ExportRequest("ods", "completions", Filters(), None))


def test_an_unfinished_attempt_has_no_critical_failures_in_any_format(records, scenarios_dir, tmp_path) -> None:
    """Issue 12: an unfinished attempt showed critical_failures 0 (json, csv, xlsx) where history
    shows none: critical failures are part of the verdict, and an unfinished attempt has none."""
    from openpyxl import load_workbook

    unfinished = {records["in-progress"], records["abandoned"]}
    _, as_csv, _ = export(scenarios_dir, "--format", "csv")
    _, as_json, _ = export(scenarios_dir, "--format", "json")
    _, as_jsonl, _ = export(scenarios_dir, "--format", "jsonl")
    book = tmp_path / "all.xlsx"
    assert export(scenarios_dir, "--format", "xlsx", "--out", str(book))[0] == 0
    sheet = load_workbook(book)["Completions"]
    header = [c.value for c in sheet[1]]
    found = {
        "csv": {r["attempt_id"]: r["critical_failures"] for r in rows(as_csv)},
        "json": {r["attempt_id"]: r["critical_failures"] for r in json.loads(as_json)},
        "jsonl": {r["attempt_id"]: r["critical_failures"] for r in map(json.loads, as_jsonl.splitlines())},
        "xlsx": {row[0]: row[header.index("Critical failures")] for row in sheet.iter_rows(min_row=2, values_only=True)},
    }
    empty = {"csv": "", "json": None, "jsonl": None, "xlsx": None}
    for fmt, by_id in found.items():
        assert {by_id[a] for a in unfinished} == {empty[fmt]}, (fmt, by_id)
        assert by_id[records["passed"]] in (0, "0") and int(by_id[records["failed"]] or 0) >= 1, (fmt, by_id)
