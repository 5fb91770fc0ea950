"""`ltl-quiz cpd LEARNER`: the learner's reflective CPD record, in Markdown and as a printable page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from records_factory import first_decision, scenario, walk, worst
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store

HOTEL = "02-hotel-welfare-check"
ALEX = Learner("AB1", "Alex <Smith>", "North Yorkshire, control room")


@pytest.fixture
def learner(db_url: str) -> dict[str, str]:
    store = Store(db_url)
    hotel = scenario(HOTEL)
    ids = {
        "best": walk(store, hotel, ALEX, "officer", text="I would ask who the men are & how she got there."),
        "worst": walk(store, hotel, ALEX, "officer", pick=worst, start=datetime(2024, 4, 11, 14, 0, tzinfo=UTC), seconds_each=90),
        "unfinished": walk(store, hotel, ALEX, "manager", stop_after=3, start=datetime(2024, 5, 1, 9, 0, tzinfo=UTC)),
    }
    store.close()
    return ids


def cpd(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--scenarios", str(folder), "cpd", *args])
    return result.exit_code, result.stdout, result.stderr


def test_markdown_record_in_reflective_style(learner, scenarios_dir, db_url) -> None:
    code, text, _ = cpd(scenarios_dir, "AB1")
    assert code == 0
    hotel = scenario(HOTEL)
    assert text.startswith("# CPD record: Alex \\<Smith\\>\n")  # learner text is escaped (issue 12): it renders as typed
    assert "Staff number: AB1" in text and "Unit: North Yorkshire, control room" in text
    store = Store(db_url)
    answers = {k: len(store.answers(v)) for k, v in learner.items()}
    store.close()
    # the same one-decimal minutes as the export (issue 12), no longer rounded up to whole minutes
    best_minutes, worst_minutes = round(answers["best"] * 30 / 60, 1), round(answers["worst"] * 90 / 60, 1)
    assert f"Case studies completed: 2; time spent: {_hours(best_minutes + worst_minutes)}" in text
    entries = text.split("\n## ")[1:]
    assert len(entries) == 2  # the unfinished attempt is not a CPD activity yet
    best, worst_entry = entries
    assert best.startswith(f"1. {hotel.title}")
    assert "**Date:** 4 March 2024" in best and f"**Time spent:** {_hours(best_minutes)}" in best
    assert "case study 2: officer and staff track, practice" in best
    assert " ".join(hotel.summary.split()) in best
    assert "### Learning outcomes" in best and f"I scored {best.split('I scored ')[1].split(' of')[0]} of" in best and ": passed." in best
    assert "### My reflections on the key questions" in best
    for kq in hotel.key_questions("officer"):
        assert f"**{' '.join(kq.question.split())}**" in best
    assert "> I would ask who the men are & how she got there." in best
    assert "I chose the recommended action at every decision." in best
    assert "**Date:** 11 April 2024" in worst_entry and ": not passed." in worst_entry
    assert "critical safeguarding failure" in worst_entry
    first = first_decision(hotel, "officer")
    low = min(first.options, key=lambda o: o.points)
    assert f"- **{first.prompt}**" in worst_entry
    assert f"I chose: {' '.join(low.text.split()).rstrip('.')}." in worst_entry
    assert f"Next time: {' '.join(first.option(first.recommended[0]).text.split()).rstrip('.')}." in worst_entry


def _hours(minutes: float) -> str:
    hours, mins = divmod(round(minutes * 10), 600)
    if not hours:
        return f"{mins / 10:g} minute{'' if mins == 10 else 's'}"
    return f"{hours} hour{'s' if hours > 1 else ''}" + (f" {mins / 10:g} minutes" if mins else "")


def test_html_record_is_a_printable_escaped_page(learner, scenarios_dir, tmp_path) -> None:
    out = tmp_path / "cpd" / "alex.html"
    code, stdout, stderr = cpd(scenarios_dir, "AB1", "--format", "html", "--out", str(out))
    assert code == 0 and stdout == "" and stderr.strip() == f"Wrote {out}"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "Alex &lt;Smith&gt;" in page and "<Smith>" not in page
    assert "how she got there." in page and "&amp;" in page
    assert "@page { size: A4" in page and "@media print" in page
    assert page.count('<section class="entry">') == 2
    for heading in ("What the case was about", "Learning outcomes", "My reflections on the key questions", "What I would do differently"):
        assert page.count(f"<h3>{heading}</h3>") == 2
    assert "<script" not in page and "http://" not in page.split("<body>")[0]


def test_unknown_learner_and_nothing_completed(learner, scenarios_dir, db_url) -> None:
    code, _, err = cpd(scenarios_dir, "ZZ9")
    assert code == 1 and err.strip() == "error: no learner 'ZZ9' in the results store; see 'ltl-quiz history' for staff numbers"
    store = Store(db_url)
    walk(store, scenario(HOTEL), Learner("NEW1", "New Starter", ""), "officer", stop_after=2)
    store.close()
    code, _, err = cpd(scenarios_dir, "NEW1")
    assert code == 1 and err.strip() == f"error: NEW1 has no completed case study yet; finish one (see 'ltl-quiz --scenarios {scenarios_dir.resolve()} resume') and try again"
    code, _, err = cpd(scenarios_dir, "AB1", "--format", "pdf")
    assert code == 2 and "'pdf' is not one of 'md', 'html'." in err  # a usage error (issue 13)


def test_record_survives_a_missing_or_edited_scenario(learner, scenarios_dir) -> None:
    path = scenarios_dir / f"{HOTEL}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["version"] += 1
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, text, _ = cpd(scenarios_dir, "AB1")
    assert code == 0 and f"version {data['version'] - 1} then, {data['version']} now" in text
    path.unlink()
    code, text, _ = cpd(scenarios_dir, "AB1")
    assert code == 0
    assert "no longer available" in text and text.count("\n## ") == 2


def test_the_closing_screen_points_to_the_cpd_record(example_dir, tmp_path, db_url) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "call-grading": "send-officers",
                "welfare-actions": ["speak-to-girl-alone"],
                "officer-reflection": {"text": "Who the men are.", "covered": [1]},
            }
        )
    )
    result = CliRunner().invoke(
        app, ["--scenarios", str(example_dir), "run", "1", "--learner", "AB1", "--name", "Alex Smith", "--answers", str(answers)]
    )
    assert result.exit_code == 0, result.output
    # a scripted run does not point to the CPD record it is left out of (issue 12)
    assert "It was answered from a file, so it is marked scripted and left out of CPD records and pass rates." in result.stdout
    assert "cpd AB1" not in result.stdout
    typed = CliRunner().invoke(
        app,
        ["--scenarios", str(example_dir), "run", "1", "--plain", "--learner", "CD2", "--name", "Sam"],
        input="\n".join(["y", "", "1", "", "1", "", "Who the men are", "1 2", "", "", "", ""])
        + "\n",  # Enter after each feedback; the debrief's four parts
    )
    cpd_hint = f"ltl-quiz --scenarios {example_dir.resolve()} cpd CD2 --format html --out cpd.html"  # the folder given: it works as printed
    assert f"Your CPD record of the case studies you have completed:\n    {cpd_hint}\n" in typed.stdout  # on its own line, to copy whole
    # a scripted run is nobody's own work (issue 12): it stays out of the record unless asked for, then marked
    record = CliRunner().invoke(app, ["--scenarios", str(example_dir), "cpd", "AB1"])
    assert record.exit_code == 1 and record.stdout == ""
    assert "AB1 has no completed case study answered in person; 1 scripted run (run --answers) left out" in record.stderr
    record = CliRunner().invoke(app, ["--scenarios", str(example_dir), "cpd", "AB1", "--include-scripted"])
    assert record.exit_code == 0 and "A welfare call about a child" in record.stdout
    assert "Answered from a script (run --answers), not at the prompts" in record.stdout


def test_time_spent_reads_as_english() -> None:
    from ltl_quiz.records.cpd import hours as _hours

    assert [_hours(m) for m in (1, 2, 60, 61, 125)] == ["1 minute", "2 minutes", "1 hour", "1 hour 1 minute", "2 hours 5 minutes"]
    assert [_hours(m) for m in (0.1, 1.9, 75.5)] == ["0.1 minutes", "1.9 minutes", "1 hour 15.5 minutes"]


def test_the_header_says_how_many_case_studies_were_scripted(example_dir, example_path, db_url, tmp_path) -> None:
    """Issue 12: with --include-scripted the header said "Case studies completed: 2" without saying
    one was scripted; every header (Markdown, HTML, the summary's) now says "2, of which 1 scripted"."""
    import html
    import re

    import sqlalchemy as sa
    from records_factory import walk

    from ltl_quiz.config import Learner
    from ltl_quiz.scenario.loader import load_scenario
    from ltl_quiz.store import Store
    from ltl_quiz.store.rows import SCRIPTED

    scenario = load_scenario(example_path)
    with Store(db_url) as store:
        walk(store, scenario, Learner("AB1", "Alex Smith"), "officer")
        scripted = walk(store, scenario, Learner("AB1", "Alex Smith"), "officer")
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE attempts SET how_answered = :h WHERE id = :a"), {"h": SCRIPTED, "a": scripted})
    base = ["--scenarios", str(example_dir), "cpd", "AB1", "--include-scripted"]
    said = []
    for extra in ([], ["--summary"]):
        said.append(CliRunner().invoke(app, [*base, *extra]).stdout)
        page = tmp_path / f"cpd{len(said)}.html"
        assert CliRunner().invoke(app, [*base, *extra, "--format", "html", "--out", str(page)]).exit_code == 0
        said.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).split()))
    assert all("Case studies completed: 2, of which 1 scripted;" in s for s in said[::2]), said[::2]
    assert all("Case studies 2 completed, of which 1 scripted" in s for s in said[1::2]), said[1::2]
    plain = CliRunner().invoke(app, ["--scenarios", str(example_dir), "cpd", "AB1"]).stdout
    assert "Case studies completed: 1;" in plain and "of which" not in plain
