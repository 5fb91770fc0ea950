"""Plain mode: numbered choices read as lines, no colour, no box drawing, for screen readers."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.store import Store


def run_plain(runner: CliRunner, example_dir: Path, typed: str, *extra: str):
    args = ["--scenarios", str(example_dir), "run", "example-welfare-call", "--learner", "AB1", "--name", "Alex", "--plain", *extra]
    return runner.invoke(app, args, input=typed)


def test_numbered_choices_by_typing_numbers(runner, example_dir, db_url) -> None:
    typed = (
        "\n".join(["y", "", "1", "", "1", "", "Who the men are", "1 2", "", "", "", ""]) + "\n"
    )  # Enter after each feedback; the debrief's four parts
    result = run_plain(runner, example_dir, typed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "How do you grade the call?\n  1. Grade it for attendance and send officers for a welfare check.\n  2. Tell the caller" in out
    assert "Type a number from 1 to 2 and press Enter:" in out
    assert "Score: 13 of 13 (100%). Pass mark 70%. PASSED." in out
    assert "\x1b[" not in out and "╭" not in out and "━" not in out
    (row,) = Store(db_url).attempts("AB1")
    assert Store(db_url).answers(row.id)[-1]["covered"] == "[0, 1]"


def test_a_wrong_number_is_asked_again(runner, example_dir, db_url) -> None:
    typed = "\n".join(["y", "", "7", "2", "", "Nothing", "0", "", "", "", ""]) + "\n"  # 0: no model point covered
    result = run_plain(runner, example_dir, typed)
    assert result.exit_code == 0, result.output
    assert "'7' is not one of the numbers 1 to 2." in result.output
    assert "Critical: this choice means the attempt cannot pass (0 of 10 points)" in result.output


def test_end_of_input_keeps_the_attempt(runner, example_dir, db_url) -> None:
    result = run_plain(runner, example_dir, "y\n\n1\n")
    assert result.exit_code == 130
    assert f"Stopped. Everything you answered is saved. To carry on: ltl-quiz --scenarios {example_dir.resolve()} resume" in result.output
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "in-progress" and row.state.node_id == "welfare-actions"


def test_no_color_means_plain(runner, example_dir, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = runner.invoke(app, ["--scenarios", str(example_dir), "show", "1"])
    assert "== Case study 2: A welfare call about a child ==" in result.output


def test_tidy_joins_wrapped_lines_but_keeps_list_items_apart() -> None:
    from ltl_quiz.text import tidy

    text = "The sergeant asks you to:\n- check who lives\n  at the address\n- submit a MARF\n\nThen you\nleave."
    assert tidy(text) == "The sergeant asks you to:\n- check who lives at the address\n- submit a MARF\n\nThen you leave."


def test_an_empty_answer_to_a_key_question_is_asked_about_and_enter_alone_answers_nothing(runner, example_dir, db_url) -> None:
    """A stray Enter was taken as the key question's answer (issue 13): now it is asked about, and a
    bare Enter at that question answers nothing either (it was a pre-selected No; the arrow-key one has none)."""
    question = "Leave this answer empty? It will be recorded as no answer written. [y/n]"
    typed = "\n".join(["y", "", "1", "", "1", "", "", "", "n", "", "y", "", "", "", ""]) + "\n"  # Enter, Enter, no; Enter, yes
    result = run_plain(runner, example_dir, typed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count(question) == 2 and out.count("Your answer:") == 2  # no at the question: the answer asked again
    assert out.count("Nothing typed yet. Type y for yes or n for no, then press Enter:") == 1
    assert "Points a full answer would cover:" in out  # the points are still there to read ...
    assert "Tick those your answer covered" not in out and "Which of these did your answer cover?" not in out  # ... with nothing to tick
    (row,) = Store(db_url).attempts("AB1")
    last = Store(db_url).answers(row.id)[-1]
    assert last["kind"] == "reflection" and not (last["free_text"] or "").strip() and last["covered"] == "[]"
