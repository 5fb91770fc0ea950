"""The learner's screens in a real terminal: ltl-quiz on a pty, its screen kept by pyte.

What is asserted is what a person at the terminal sees: every option whole, no word split at the
edge, nothing answered by a key pressed before its prompt was drawn, a paged debrief that keeps the
result in view, and a resume that says where the learner is. Keys are sent only once the prompt
they answer is on screen (``wait_for``), never after a sleep.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import scenario_factory as f
from screen import BACKSPACE, CTRL_C, DOWN, ENTER, RESUME_HINT, SPACE, Terminal, mid_word_breaks, next_prompt, play, shows, words

from ltl_quiz.scenario.loader import find_scenario, load_scenario
from ltl_quiz.store import Store

ROOT = Path(__file__).resolve().parent.parent
SIZES = [(80, 24), (120, 40), (40, 20)]

# Long options with the author's own line breaks, as YAML block text has them.
LONG = [
    "Ask the caller exactly what he has seen tonight, who the two men are, how the girl came\nto be in the room, "
    "and whether anyone has said or done anything that worries him about her safety.",
    "Tell the caller that this is not an emergency, that 999 is for crimes in progress, and that he should ring 101 "
    "in the morning if he is still concerned about the girl.",
    "Check force systems for the girl's name and date of birth while the caller waits, and record on the log what you "
    "searched, what it showed and what you decided because of it.",
    "Send officers to the hotel now for a welfare check, tell the caller they are on their way, and ask him to keep an "
    "eye on the room without going in.",
]


def long_case(tmp_path: Path) -> Path:
    """A small case whose options are far longer than a line, at a decision and at a multi."""
    options = [f.option(f"o{i}", points=5 if i == 3 else 0, nxt=[{"goto": "tick"}], text=t) for i, t in enumerate(LONG)]
    ticks = [f.option(f"t{i}", points=2 if i != 1 else 0, text=t) for i, t in enumerate(LONG)]
    for opt in options + ticks:
        opt["feedback"] = "Feedback that is also long enough to need wrapping: " + opt["text"]
    nodes = {
        "begin": {"type": "passage", "title": "The call", "text": "A long passage. " * 30, "next": [{"goto": "choose"}]},
        "choose": {"type": "decision", "title": "Choose", "prompt": "What do you do first, of these four things?", "options": options},
        "tick": {"type": "multi", "title": "Ticks", "prompt": "Which of these do you do?", "options": ticks, "next": [{"goto": "done"}]},
        "done": f.end(),
    }
    folder = tmp_path / "long"
    folder.mkdir()
    f.write(folder, f.scenario(nodes), "01-long.yaml")
    return folder


def run_args(folder: Path, case: str, mode: str = "--rich", *extra: str) -> list[str]:
    return ["--scenarios", str(folder), "run", case, "--learner", "AB1", "--name", "Alex Smith", mode, *extra]


def assert_readable(term: Terminal, seen: list[list[str]], texts: list[str]) -> None:
    for text in texts:
        assert shows(seen, text), f"not shown whole: {text!r}\n" + "\n---\n".join("\n".join(s) for s in seen)
    assert mid_word_breaks(term.history_rows(), term.screen.columns) == []


@pytest.mark.parametrize("mode", ["--rich", "--plain"])
@pytest.mark.parametrize(("cols", "rows"), SIZES)
def test_every_option_and_feedback_is_readable_whole(terminal, tmp_path, db_url, cols, rows, mode) -> None:
    term = terminal(run_args(long_case(tmp_path), "factory-case", mode), cols, rows)
    seen: list[list[str]] = []
    pauses: list[str] = []
    play(term, answer={"select": "4" + ENTER}, seen=seen, pauses=pauses)
    assert term.wait_exit() == 0
    assert_readable(term, seen, LONG)
    history = term.history_rows()
    assert shows([history], "Feedback that is also long enough to need wrapping: " + LONG[3])  # the practice feedback
    assert all(len(row) <= cols for row in history)
    if mode == "--rich":  # panels are as wide as the terminal, their right border intact
        borders = [row for row in history if row.startswith("│")]
        assert borders and all(row.endswith("│") and len(row) == cols for row in borders)
    parts = [p for p in pauses if "Debrief part" in p]
    assert len(parts) == 4 and all(re.search(r"Score \d+ of \d+ \(\d+(\.\d)?%\), pass mark 70%: (NOT )?PASSED", p) for p in parts)
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "completed"


def test_a_resize_rewraps_the_prompt_and_the_next_panel(terminal, tmp_path) -> None:
    term = terminal(run_args(long_case(tmp_path), "factory-case"), 100, 30)
    term.wait_for(r"\(y/n\)")
    term.send("y" + ENTER)
    term.wait_for("Press any key to continue")
    term.send(ENTER)
    term.wait_for("Use the arrow keys")
    term.resize(44, 30)
    term.send(DOWN)  # any redraw; prompt_toolkit also redraws on the resize itself
    term.wait_for("^» 1. ")
    term.settle()
    assert shows([term.rows()], LONG[0]) and all(len(r) <= 44 for r in term.rows())
    assert mid_word_breaks(term.rows(), 44) == []
    seen: list[list[str]] = []
    play(term, seen=seen)  # the rest of the case at the new width
    assert term.wait_exit() == 0
    assert all(shows(seen, text) for text in LONG), "\n---\n".join("\n".join(x) for x in seen)
    assert [
        b for screen in [*seen, term.rows()] for b in mid_word_breaks(screen, 44)
    ] == []  # rows from before the resize were cut by the emulator
    panels = [r for r in term.history_rows() if r.startswith("╭")]
    assert len(panels[-1]) == 44  # the ending's panel, drawn after the resize, is as wide as the terminal now is


def test_enter_pressed_through_a_passage_never_answers_the_decision(terminal, example_dir, db_url) -> None:
    term = terminal(run_args(example_dir, "example-welfare-call"))
    term.wait_for(r"\(y/n\)")
    term.send("y")
    term.wait_for(r"\(y/n\) y")
    term.settle()
    assert "Press any key" not in term.text()  # 'y' alone does not answer: the next Enter is not lost to the passage
    term.send(ENTER)
    term.wait_for("Press any key to continue")
    term.send(ENTER * 4)  # reading on, impatiently
    term.wait_for("Use the arrow keys or type a number")
    term.send(ENTER * 2)  # and more, now at the decision
    term.wait_for("Nothing is chosen yet")
    term.settle()
    assert "You chose" not in term.text()
    (row,) = Store(db_url).attempts("AB1")
    assert [a["kind"] for a in Store(db_url).answers(row.id)] == ["passage"]
    assert not re.search(r"^» ", term.text(), re.MULTILINE)  # nothing is highlighted until the learner moves
    term.send(DOWN + ENTER)
    term.wait_for("Recommended \\(10 of 10 points\\)")


def test_a_multi_takes_none_only_when_asked(terminal, example_dir, db_url) -> None:
    term = terminal(run_args(example_dir, "example-welfare-call"))
    for wait, keys in [(r"\(y/n\)", "y" + ENTER), ("Press any key", ENTER), ("Use the arrow keys", "1" + ENTER), ("Press any key", ENTER)]:
        term.wait_for(wait)
        term.send(keys)
    term.wait_for("Space \\(or the number\\)")
    term.send(ENTER)
    term.wait_for("Nothing is ticked")
    term.send(DOWN + SPACE + DOWN + DOWN + SPACE + ENTER)  # ticking 'None of these' clears the first tick
    term.wait_for("You chose none of the options.")
    (row,) = Store(db_url).attempts("AB1")
    multi = Store(db_url).answers(row.id)[-1]
    assert multi["kind"] == "multi" and multi["option_ids"] in ("[]", [])


STEPS = [  # the example case's prompts in order, and the keys that answer each
    ("Press any key to continue", ENTER),
    ("Use the arrow keys", "1" + ENTER),
    ("Press any key to continue", ENTER),  # practice feedback stays until the learner has read it
    ("Space \\(or the number\\)", "1" + ENTER),
    ("Press any key to continue", ENTER),
    (r"\? Your answer:", "Who the men are" + ENTER),
    ("Points a full answer would cover", "1" + ENTER),
]


@pytest.mark.parametrize(("stop_at", "answered"), [(0, 0), (1, 1), (2, 2), (3, 2), (5, 3), (6, 3)])
def test_ctrl_c_at_any_prompt_then_resume_with_a_recap(terminal, example_dir, db_url, stop_at, answered) -> None:
    term = terminal(run_args(example_dir, "example-welfare-call"))
    term.wait_for(r"\(y/n\)")
    term.send("y" + ENTER)
    for prompt, keys in STEPS[:stop_at]:
        term.wait_for(prompt)
        term.send(keys)
    term.wait_for(STEPS[stop_at][0])
    term.send(CTRL_C)
    found = term.wait_for(r"To carry on:[\s\S]*?" + RESUME_HINT)
    assert term.wait_exit() == 130
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "in-progress" and len(Store(db_url).answers(row.id)) == answered
    if stop_at not in (0, 5):
        return  # resuming from a choice prompt is no different: two resumes keep the test quick
    again = terminal(["--scenarios", str(example_dir), "resume", found.group(1), "--rich"])
    again.wait_for("Carrying on: case study 2, A welfare call about a child")
    again.wait_for(r"Recording for Alex Smith \(AB1\)\.")  # whose attempt this is, on a shared computer
    again.wait_for(r"You are at step \d+")
    again.wait_for(r"(The last passage you read|It goes on with): .+")
    play(again)
    assert again.wait_exit() == 0
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "completed"


def shipped_case(case: str):
    return load_scenario(find_scenario(ROOT / "scenarios", case))


@pytest.mark.parametrize("mode", ["--rich", "--plain"])
def test_a_shipped_case_played_through_with_a_stop_and_a_resume(terminal, db_url, mode) -> None:
    """Case 2 at 80x24, whatever its options say: every option the learner was shown is whole on screen."""
    scenario = shipped_case("hotel-welfare-check")
    folder = ROOT / "scenarios"
    term = terminal(run_args(folder, "hotel-welfare-check", mode))
    before = ""
    while (kind := next_prompt(term, before)) not in ("select", "plain-number"):  # read on to the first decision
        assert kind is not None
        before = term.text()
        term.send("y" + ENTER if "confirm" in kind else ENTER)
    term.send(CTRL_C)
    found = term.wait_for(r"To carry on:[\s\S]*?" + RESUME_HINT)
    assert term.wait_exit() == 130
    again = terminal(["--scenarios", str(folder), "resume", found.group(1), mode])
    again.wait_for(f"Carrying on: case study 2, {re.escape(scenario.title)}")
    pauses: list[str] = []
    seen: list[list[str]] = []
    play(again, seen=seen, pauses=pauses)
    assert again.wait_exit() == 0
    (row,) = Store(db_url).attempts("AB1")
    assert row.status == "completed"
    visited = [a["node_id"] for a in Store(db_url).answers(row.id) if a["kind"] in ("decision", "multi")]
    texts = [o.text for node_id in visited for o in scenario.nodes[node_id].options]
    assert visited and texts
    assert_readable(again, seen, texts)
    assert sum("Debrief part" in p for p in pauses) >= 3


def test_plain_mode_reads_everything_once(runner, example_dir, db_url) -> None:
    from ltl_quiz.cli import app

    args = ["--scenarios", str(example_dir), "--plain"]
    typed = (
        "\n".join(["AB7", "Jo Bloggs", "Kent", "1", "1", "1", "y", "", "1", "", "1", "", "Who the men are", "1 2", "", "", "", ""]) + "\n"
    )
    result = runner.invoke(app, args, input=typed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert re.search(r"^  1\. [A-Z]", out, re.MULTILINE) and not re.search(r"^  1\. \d+\. ", out, re.MULTILINE)  # no "1. 1. ..."
    assert "(one paragraph, then Enter)" not in out
    scenario = load_scenario(example_dir / "01-example-welfare-call.yaml")
    for point in scenario.key_questions("officer")[0].model_points:
        assert out.count(" ".join(point.split())) == 1, point


def test_backspace_takes_back_a_yes(terminal, example_dir, db_url) -> None:
    term = terminal(run_args(example_dir, "example-welfare-call"))
    term.wait_for(r"\(y/n\)")
    term.send("y")
    term.wait_for(r"\(y/n\) y")
    term.send(BACKSPACE + "n")
    term.wait_for(r"\(y/n\) n")
    term.send(ENTER)
    term.wait_for("You chose not to continue. Nothing was saved.")
    assert term.wait_exit() == 0
    assert Store(db_url).attempts() == []


def test_guided_menu_asks_once_and_remembers(terminal, example_dir, db_url) -> None:
    args = ["--scenarios", str(example_dir), "--rich"]
    term = terminal(args)
    for wait, keys in [
        (r"\? Your staff number", "AB7" + ENTER),
        (r"\? Your name", "Jo Bloggs" + ENTER),
        (r"\? Your force and unit", "Kent, control room" + ENTER),
        ("Which case study", "1" + ENTER),
        ("Which track", "2" + ENTER),
        ("Which mode", "1" + ENTER),
    ]:
        term.wait_for(wait)
        term.send(keys)
    play(term, answer={"select": "1" + ENTER})
    assert term.wait_exit() == 0
    (row,) = Store(db_url).attempts("AB7")
    assert (row.track, row.mode, row.status, row.learner_unit) == ("manager", "practice", "completed", "Kent, control room")
    again = terminal(args)  # the second time the learner is not asked again, only whether it is them (issue 13)
    again.wait_for(r"This will be recorded for Jo Bloggs \(AB7, Kent, control room\)\. Is that you\?")
    again.send("y" + ENTER)
    again.wait_for(r"Welcome, Jo Bloggs \(AB7, Kent, control room\)\.")
    again.wait_for("Which case study")
    again.send(CTRL_C)
    again.wait_for("Stopped before a case study began; nothing to save.")
    assert again.wait_exit() == 130


def test_the_recap_never_says_an_unread_passage_was_read() -> None:
    """A stop during a decision's feedback leaves the next passage current but unread: the recap
    names the last node answered as read, and the current passage only as what comes next."""
    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.ui.render import last_passage

    hotel = load_scenario(find_scenario(Path(__file__).resolve().parent.parent / "scenarios", "hotel-welfare-check"))
    state = engine.start(hotel, "officer", "practice", seed=7)
    checked = 0
    while not engine.at_end(hotel, state):
        node = engine.current(hotel, state)
        if node.type == "passage" and state.answers:
            read = last_passage(hotel, state)
            assert read is not None and read.id != node.id and read.id in {a.node_id for a in state.answers}
            checked += 1
        response: engine.Response = (
            engine.Continue()
            if node.type == "passage"
            else engine.Reflect("I would ask her.", [])
            if node.type == "reflection"
            else engine.Choose(list(node.recommended))
        )
        state, _ = engine.answer(hotel, state, response)
    assert checked  # the case has a passage after a decision


def test_a_command_message_wraps_at_word_boundaries(terminal, example_dir, db_url) -> None:
    """`assign` said '... 2 assignm' / 'ents.' at 80 columns: its message is wrapped as the others are."""
    from ltl_quiz.config import Learner

    store = Store(db_url)
    for staff in ("AB1", "AB2"):
        store.save_learner(Learner(staff, f"Person {staff}", "Response"))
    store.close()
    term = terminal(
        ["--scenarios", str(example_dir), "assign", "example-welfare-call", "--due", "2030-01-31", "--learner", "AB1", "--learner", "AB2"]
    )
    assert term.wait_exit() == 0
    rows = [r for r in term.history_rows() if r.strip()]
    assert shows([rows], "Assigned example-welfare-call") and "2 assignments." in words(" ".join(rows))
    assert mid_word_breaks(rows, 80) == [], "\n".join(rows)


LONG_URL = "https://www.example.org/learning-the-lessons/reports/issue-44/a-welfare-call-about-a-child-learning-report.pdf"


def test_a_web_address_is_never_split_by_a_line_break(terminal, example_dir, db_url) -> None:
    """A reference's address longer than a line used to be cut in two by our wrapping; on a line of
    its own, whole, the terminal's wrapping keeps it one line to copy. And the opening says the mode once."""
    case = example_dir / "01-example-welfare-call.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("https://example.org/learning-report.pdf", LONG_URL), encoding="utf-8")
    term = terminal(run_args(example_dir, "example-welfare-call", "--rich", "--mode", "assessed"))
    play(term)
    assert term.wait_exit() == 0
    rows = term.history_rows()
    opening = words(" ".join(rows))
    assert "Mode: assessed, feedback comes in the debrief." in opening and "Assessed:" not in opening
    start = next(i for i, row in enumerate(rows) if "https://www.example.org" in row)
    address = rows[start][rows[start].index("https://") :]
    for row in rows[start + 1 :]:
        if len(address) >= len(LONG_URL) or not row:
            break
        address += row  # the terminal's own wrapping: the address goes on from the first column
    assert address.startswith(LONG_URL), "\n".join(rows[start - 2 : start + 4])


def test_a_stop_during_practice_feedback_shows_it_again_on_resume(terminal, example_dir, db_url) -> None:
    """Ctrl-C while a decision's feedback was on screen, then resume: the learner never read it."""
    scenario = load_scenario(example_dir / "01-example-welfare-call.yaml")
    term = terminal(run_args(example_dir, "example-welfare-call"))
    term.wait_for(r"\(y/n\)")
    term.send("y" + ENTER)
    for prompt, keys in STEPS[:2]:
        term.wait_for(prompt)
        term.send(keys)
    term.wait_for(r"You chose: [\s\S]*Press any key to continue")
    term.send(CTRL_C)
    found = term.wait_for(r"To carry on:[\s\S]*?" + RESUME_HINT)
    assert term.wait_exit() == 130
    (row,) = Store(db_url).attempts("AB1")
    (answer,) = [a for a in Store(db_url).answers(row.id) if a["kind"] == "decision"]
    ids = json.loads(answer["option_ids"]) if isinstance(answer["option_ids"], str) else answer["option_ids"]
    chosen = scenario.nodes[answer["node_id"]].option(ids[0])
    again = terminal(["--scenarios", str(example_dir), "resume", found.group(1), "--rich"])
    again.wait_for("Press any key to continue")
    again.settle(0.15)
    shown = words(" ".join(again.rows()))
    again.send(CTRL_C)
    assert again.wait_exit() == 130
    assert "Recording for Alex Smith (AB1)." in shown
    assert f"You chose: {words(chosen.text)}" in shown and words(chosen.feedback) in shown
