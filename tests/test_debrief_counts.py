"""How key questions are counted (issue 13): the debrief numbers those it asks ("Key question 1 of
2"); one asked at a reflection point inside the case had no count at all, and the learner could not
tell why the debrief's count was smaller than the track's. Checked through the CLI's own output."""

from __future__ import annotations

from pathlib import Path

import scenario_factory as f
import yaml
from typer.testing import CliRunner

from ltl_quiz.cli import app


def with_a_reflection(tmp_path: Path) -> Path:
    """A decision, then a reflection on the first of the officer track's three key questions."""
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "think"}]) for i in range(2)]
    nodes = {
        "begin": {"type": "decision", "title": "Choose", "prompt": "What do you do first?", "options": options},
        "think": {"type": "reflection", "track": "officer", "title": "Stop and think", "key_question": "q1", "next": "done"},
        "done": f.end(),
    }
    doc = f.numbered_questions(f.scenario(nodes), "officer", 3)
    folder = tmp_path / "reflecting"
    folder.mkdir()
    f.write(folder, doc, "01-reflecting.yaml")
    return folder


def test_a_reflection_says_what_it_is_and_the_debrief_says_why_it_asks_fewer(tmp_path, db_url) -> None:
    folder = with_a_reflection(tmp_path)
    answers = tmp_path / "answers.yaml"
    written = {key: {"text": "An answer.", "covered": [1]} for key in ("think", "q2", "q3")}
    answers.write_text(yaml.safe_dump({"begin": "o0", **written}), encoding="utf-8")
    args = ["--scenarios", str(folder), "run", "1", "--track", "officer", "--learner", "AB1", "--name", "A"]
    result = CliRunner().invoke(app, [*args, "--plain", "--answers", str(answers)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "== Key question (reflection during the case) ==\nKey question number 1?" in out, out
    line = "1 of the officer track's 3 key questions was asked at a reflection during the case; the debrief asks the other 2."
    assert f"== Key questions for the officer track ==\n{line}\n" in out, out
    assert out.index("Key question number 1?") < out.index(line) < out.index("== Key question 1 of 2 ==\nKey question number 2?")
    assert "== Key question 2 of 2 ==\nKey question number 3?" in out, out
