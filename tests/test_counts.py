"""A count and its noun agree: "1 attempt", never "1 attempts" (issue 13), through one helper,
checked on the outputs people read: the report, exports' messages, the CPD record, list and show."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sqlalchemy as sa
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
ONE_PLURAL = re.compile(r"(?<![\d.,])1 (attempts|rows|statements|lines|minutes|hours|decisions|learners|reflections|assignments|batches|problems|tries|runs|scripted runs)\b")


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


def test_one_attempt_and_one_scripted_run_read_in_the_singular_on_the_html_pages(example_path: Path, db_url: str, tmp_path: Path) -> None:
    """Issue 12: the learning report's page said "1 attempts" at every decision, and the CPD record's
    page "1 scripted run(s)"."""
    from ltl_quiz.store.rows import SCRIPTED

    scenario = load_scenario(example_path)
    with Store(db_url) as store:
        walk(store, scenario, Learner("S1", "Sam Solo"), "officer")
        scripted = walk(store, scenario, Learner("S1", "Sam Solo"), "officer")
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE attempts SET how_answered = :h WHERE id = :a"), {"h": SCRIPTED, "a": scripted})
    folder = str(example_path.parent)
    runner = CliRunner()
    report, cpd = tmp_path / "report.html", tmp_path / "cpd.html"
    done = runner.invoke(app, ["--scenarios", folder, "report", "--plain", "--html", str(report)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["--scenarios", folder, "cpd", "S1", "--format", "html", "--out", str(cpd)])
    assert done.exit_code == 0, done.output
    report_text, cpd_text = (_page_text(p) for p in (report, cpd))
    assert "· 1 attempt ·" in report_text and "1 scripted run, answered from a file" in cpd_text, cpd_text
    for text in (report_text, cpd_text):
        assert not ONE_PLURAL.search(text) and "(s)" not in text, ONE_PLURAL.search(text)


def _page_text(path: Path) -> str:
    import html

    page = re.sub(r"(?s)<style>.*?</style>", "", path.read_text(encoding="utf-8"))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# The nouns our messages count; a number put straight before one of them in its plural must go through counted.
COUNT_NOUNS = [
    *("attempts", "answers", "assignments", "batches", "bytes", "cases", "certificates", "choices", "columns", "decisions"),
    *("digits", "endings", "entries", "files", "hands", "hours", "learners", "levels", "letters", "lines", "migrations"),
    *("minutes", "nodes", "options", "participants", "paths", "people", "points", "questions", "records", "reflections"),
    *("rows", "runs", "scenarios", "seconds", "sessions", "statements", "steps", "tries"),
]
NOT_COUNTS = {"kind.name", "kinds"}  # a node kind's name before "options", a list of kinds before "nodes": words, not numbers
BARE_COUNT = re.compile(r"^ (?:scripted )?(" + "|".join(COUNT_NOUNS) + r")\b")


def _bare_counts(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, noun) for each f-string that puts a value straight before a plural count noun, unless
    the value is a constant (an ALL_CAPS name, never one), a figure with thousands separators
    (``{size:,} bytes``: a large number's) or a word (``NOT_COUNTS``)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        for value, after in zip(node.values, node.values[1:], strict=False):
            if not (isinstance(value, ast.FormattedValue) and isinstance(after, ast.Constant) and isinstance(after.value, str)):
                continue
            named = value.value
            if (isinstance(named, ast.Name) and named.id.isupper()) or value.format_spec or ast.unparse(named) in NOT_COUNTS:
                continue
            if isinstance(named, ast.Call) and isinstance(named.func, ast.Name) and named.func.id in ("counted", "_count"):
                continue
            match = BARE_COUNT.match(after.value)
            if match:
                found.append((node.lineno, match.group(1)))
    return found


def test_every_count_in_our_words_goes_through_counted() -> None:
    """Issue 12: "1 attempts", "after 1 tries", "1 scripted run(s)": no f-string or template of ours
    puts a number before a plural noun itself, nor writes "(s)"; ``text.counted`` says each count."""
    package = Path(__file__).resolve().parents[1] / "ltl_quiz"
    found = []
    for path in sorted(package.rglob("*.py")):
        found += [f"{path.relative_to(package)}:{line}: {noun}" for line, noun in _bare_counts(ast.parse(path.read_text(encoding="utf-8")))]
    for path in sorted((package / "templates").glob("*.j2")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m.group()}" for m in re.finditer(r"\}\}\s+(?:scripted )?(?:" + "|".join(COUNT_NOUNS) + r")\b", text)]
        found += [f"{path.name}: (s)" for _ in re.finditer(r"\w\(s\)", text)]
    assert found == [], found
