"""What a room is read (issue 11): option and ending feedback is written for one learner's attempt
("...so the attempt cannot pass"), but a group session has no score and no pass. The rule that
says such a sentence of an attempt of one's own is applied once, to the case a session is run
from, so every screen of every session (reveal, a learner's own feedback, the ending) reads it so."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import example_text
from records_factory import SCENARIOS
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.scenario.loader import load_scenario

AT_STAKE = re.compile(r"\b(cannot|can't|can not|will not|won't)\s+pass\b|\bpass mark\b|\byour score\b|\b\d+\s+points?\b", re.I)


def feedback_texts(scenario) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [n.feedback for n in scenario.nodes.values() if n.feedback]
    return texts + [o.feedback for n in scenario.nodes.values() for o in n.options]


def test_no_feedback_text_of_any_case_read_to_a_room_puts_a_pass_or_a_score_at_stake() -> None:
    from ltl_quiz.sessions.room_words import for_room

    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 10
    written = 0
    for path in files:
        scenario = load_scenario(path)
        written += sum(bool(re.search(r"attempt\s+cannot\s+pass", t)) for t in feedback_texts(scenario))
        for text in feedback_texts(for_room(scenario)):
            assert not AT_STAKE.search(text), (path.name, text)
    assert written >= 20  # the cases' own words, written for one learner's attempt, still say so


def test_every_way_of_saying_it_is_said_of_an_attempt_of_ones_own() -> None:
    from ltl_quiz.sessions.room_words import in_room

    for written in (
        "so the attempt cannot pass.",
        "so the attempt can't pass.",
        "so this attempt can not pass.",
        "so the attempt will not pass.",
        "so your attempt cannot\n  pass.",
        "so you cannot pass.",
    ):
        said = in_room(written)
        assert not AT_STAKE.search(said), said
        assert said.startswith("so an attempt of one's own making this choice ") and said.endswith(" pass."), said
    assert in_room("The attempt cannot pass.") == "An attempt of one's own making this choice could not pass."
    assert in_room("A court is not a test she must pass.") == "A court is not a test she must pass."


def example_with_a_pass_at_stake(folder: Path) -> Path:
    """The worked example, its critical option and the ending the room reaches written as one
    learner's attempt: a variant the old display-time rewrite missed, and an ending's feedback."""
    text = example_text()
    text = text.replace("no check on her safety.\n", "no check on her safety, so the attempt can't pass.\n")
    text = text.replace("feedback: A welfare check made the difference.", "feedback: Without a welfare check the attempt cannot pass.")
    assert text.count("pass.") >= 2
    folder.mkdir()
    (folder / "01-example-welfare-call.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_facilitated_room_is_never_told_the_attempt_cannot_pass(runner: CliRunner, tmp_path: Path, db_url: str) -> None:
    folder = example_with_a_pass_at_stake(tmp_path / "scenarios")
    roster = tmp_path / "room.csv"
    roster.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\n", encoding="utf-8")
    answers = ["y", "", "1", "1 b, jo b", "", "2", "To see what a welfare check would find", "2", "", "2", "1", "y", "", "Notes.", ""]
    start = ["--scenarios", str(folder), "session", "start", "example-welfare-call", "--trainer", "Pat Trainer", "--roster", str(roster)]
    result = runner.invoke(app, start, input="".join(f"{a}\n" for a in answers))
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "Most of the room chose: B." in shown and "closed ==" in shown, shown
    assert "no check on her safety, so an attempt of one's own making this choice could not pass." in shown
    assert "Without a welfare check an attempt of one's own reaching this ending could not pass." in shown
    assert not AT_STAKE.search(shown), shown
