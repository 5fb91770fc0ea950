"""A count and its noun agree: "1 attempt", never "1 attempts" (issue 13), through one helper,
checked on the outputs people read: the report, exports' messages, the CPD record, list and show."""

from __future__ import annotations

import re
from pathlib import Path

from records_factory import walk
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.records.cpd import hours
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.store import Store
from ltl_quiz.store.consent import withheld_line
from ltl_quiz.text import counted, plural

# a "1" (not part of a larger number or a decimal) followed by a plural noun
ONE_PLURAL = re.compile(r"(?<![\d.,])1 (attempts|rows|statements|lines|minutes|hours|decisions|learners|reflections|assignments|batches|problems)\b")


def test_counted_is_singular_for_one_only() -> None:
    assert [counted(n, "attempt") for n in (0, 1, 2)] == ["0 attempts", "1 attempt", "2 attempts"]
    assert counted(1.0, "minute") == "1 minute" and counted(2.5, "minute") == "2.5 minutes"
    assert counted(1, "person", "people") == "1 person" and counted(3, "person", "people") == "3 people"
    assert counted(1_234_567, "row") == "1234567 rows"  # never 1.23457e+06
    assert [plural(w) for w in ("batch", "entry", "day", "box")] == ["batches", "entries", "days", "boxes"]


def test_one_attempt_reads_in_the_singular_in_report_export_and_cpd(example_path: Path, db_url: str, tmp_path: Path) -> None:
    scenario = load_scenario(example_path)
    with Store(db_url) as store:
        walk(store, scenario, Learner("S1", "Sam Solo"), "officer")
    folder = str(example_path.parent)
    runner = CliRunner()
    report = runner.invoke(app, ["--scenarios", folder, "report", "--plain"])
    assert report.exit_code == 0, report.output
    assert "1 attempt, 1 completed" in report.stdout
    export = runner.invoke(app, ["--scenarios", folder, "export", "--format", "csv", "--out", str(tmp_path / "a.csv")])
    assert export.exit_code == 0, export.output
    assert "Wrote 1 row to" in export.stderr
    xapi = runner.invoke(app, ["--scenarios", folder, "export", "--format", "xapi", "--what", "completions", "--out", str(tmp_path / "x.json")])
    assert xapi.exit_code == 0, xapi.output
    assert re.search(r"Wrote \d+ statements? to", xapi.stderr)
    cpd = runner.invoke(app, ["--scenarios", folder, "cpd", "S1"])
    assert cpd.exit_code == 0, cpd.output
    for output in (report.stdout, report.stderr, export.stderr, xapi.stderr, cpd.stdout, cpd.stderr):
        assert not ONE_PLURAL.search(output), ONE_PLURAL.search(output)


def test_list_and_show_say_one_minute(tmp_path: Path, example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^minutes: \d+", "minutes: 1", text)
    assert "minutes: 1\n" in text
    example_path.write_text(text, encoding="utf-8")
    runner = CliRunner()
    listed = runner.invoke(app, ["--scenarios", str(example_path.parent), "list", "--plain"])
    shown = runner.invoke(app, ["--scenarios", str(example_path.parent), "show", "example-welfare-call", "--plain"])
    assert listed.exit_code == 0 and shown.exit_code == 0, listed.output + shown.output
    assert "about 1 minute;" in listed.stdout and "about 1 minute " in shown.stdout
    assert not ONE_PLURAL.search(listed.stdout + shown.stdout)


def test_cpd_time_and_withheld_counts_agree_with_one() -> None:
    assert hours(1.0) == "1 minute" and hours(61.0) == "1 hour 1 minute" and hours(120.0) == "2 hours"
    line = withheld_line(1, 1)
    assert "of 1 learner (1 reflection)" in line
