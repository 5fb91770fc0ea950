"""What was still seen by hand at a real terminal (issue 13), checked on a pty with pyte.

Each test is one screen a person saw go wrong: a yes/no whose hint was shown twice, keys typed
before a prompt was drawn left on screen beside it, a session clock whose digits wrapped at 40
columns, and the live host going on with an Enter typed before its prompt was shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import scenario_factory as f
from screen import ENTER, Terminal, next_prompt, words

from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store

EMPTY = "Leave this answer empty? It will be recorded as no answer written."
KEYS = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "pause": ENTER}
KEYS |= {"plain-number": "1" + ENTER, "plain-numbers": "1" + ENTER, "plain-confirm": "y" + ENTER}


def run_args(folder: Path, mode: str = "--rich") -> list[str]:
    return ["--scenarios", str(folder), "run", "example-welfare-call", "--learner", "AB1", "--name", "Alex Smith", mode]


def to_the_written_answer(term: Terminal) -> None:
    before = ""
    while (kind := next_prompt(term, before)) not in ("text", "plain-text"):
        assert kind is not None, term.text()
        before = term.text()
        term.send(KEYS[kind])


def test_the_empty_answer_question_shows_its_hint_once_when_enter_is_pressed_alone(terminal, example_dir) -> None:
    term = terminal(run_args(example_dir))
    to_the_written_answer(term)
    term.send(ENTER)  # nothing written
    term.wait_for(r"no answer written\. \(y/n\)")
    term.settle(0.2)
    term.send(ENTER)  # and nothing typed at the question either: it says what to do, once
    term.wait_for("Nothing typed yet")
    term.settle(0.2)
    shown = words(term.text())
    assert shown.count("y or n") == 1 and "Type y for yes" not in shown, term.text()
    term.send("n" + ENTER)
    term.wait_for(r"Your answer:\s*$")


def test_a_plain_yes_no_asked_again_reads_its_question_and_hint_once(terminal, example_dir) -> None:
    term = terminal(run_args(example_dir, "--plain"), 40, 20)
    to_the_written_answer(term)
    term.send(ENTER)
    term.wait_for(r"\[y/n\]")
    term.settle(0.2)
    term.send("x" + ENTER)  # not an answer
    term.wait_for(r"Type y for yes or n for no, then press\s+Enter:\s*$")
    shown = words("\n".join(term.history_rows()))
    assert shown.count(EMPTY) == 1 and shown.count(f"{EMPTY} [y/n]") == 1, shown
    term.send("n" + ENTER)
    term.wait_for(r"Your answer:\s*$")


def one_reflection_case(tmp_path: Path) -> Path:
    """A case that opens on a key question, so a session goes straight to the discussion clock."""
    folder = tmp_path / "kq"
    folder.mkdir()
    nodes = {"begin": {"type": "reflection", "track": "officer", "title": "Think", "key_question": "officer-q", "next": "done"}}
    f.write(folder, f.scenario({**nodes, "done": f.end()}), "01-kq.yaml")
    return folder


def panel(rows: list[str], title: str) -> list[str]:
    """The rows of the panel whose top border carries ``title``, borders included."""
    top = next(i for i, row in enumerate(rows) if row.startswith("╭") and title in row)
    bottom = next(i for i in range(top, len(rows)) if rows[i].startswith("╰"))
    return rows[top : bottom + 1]


@pytest.mark.parametrize(("cols", "rows"), [(40, 20), (80, 24), (120, 40)])
def test_the_discussion_clock_at_ten_minutes_or_more_fits_the_width(terminal, tmp_path, cols, rows) -> None:
    args = ["--scenarios", str(one_reflection_case(tmp_path)), "session", "start", "factory-case", "--trainer", "Pat"]
    term = terminal([*args, "--participant", "PC1,Al Smith,CID", "--discussion-minutes", "15", "--rich"], cols, rows)
    term.wait_for("Are all 1 here")
    term.settle(0.1)
    term.send("y" + ENTER)
    term.wait_for("█")
    term.settle(0.3)
    clock = panel(term.rows(), " Discussion ")
    ink = [row for row in clock if "█" in row]
    assert len(ink) == 5, "\n".join(clock)  # five rows of digits: none wrapped onto a row of its own
    assert all(len(row) == cols and row.endswith(("│", "╮", "╯")) for row in clock), "\n".join(clock)
    term.send(ENTER)  # the discussion ends early
    term.wait_for("Notes from the discussion")


def test_big_letters_that_do_not_fit_close_up_then_give_way_to_the_text() -> None:
    from ltl_quiz.ui.sessions.bigtext import big, fitted

    assert fitted("14:59", 37) == big("14:59")  # 5 glyphs of 5 and 4 gaps of 3
    assert fitted("14:59", 36) == big("14:59", gap=1) and len(big("14:59", gap=1)[0]) == 29
    assert fitted("14:59", 28) == ["14:59"]


@pytest.mark.parametrize("mode", ["--plain", "--rich"])
def test_an_enter_typed_before_the_hosts_prompt_never_takes_the_room_on(terminal, example_dir, db_url, mode) -> None:
    """A double Enter at the lobby: the first starts the session, the second comes before the
    prompt after the first passage is shown and must not skip it (the room would not have read it)."""
    term = terminal(["--scenarios", str(example_dir), "session", "host", "example-welfare-call", "--trainer", "Pat", mode])
    code = term.wait_for(r"Join code:? ([A-Z0-9]{6})").group(1)
    term.wait_for("Waiting for learners to join|Enter: start the session")
    term.settle(0.2)
    term.send(ENTER + ENTER)
    term.wait_for(r"Continue to the next decision: press Enter \(p pauses the session\)\.")
    term.settle(1.0)  # time for a second Enter to have acted, had it been kept
    assert "open this decision" not in term.text()
    sessions = SessionStore(Store(db_url))
    assert sessions.session(code).state.room.node_id == "call-received"  # still at the first passage
    term.send(ENTER)  # pressed now, with the prompt on screen: it goes on
    term.wait_for("Press Enter to open this decision for answers")
    assert sessions.session(code).state.room.node_id == "call-grading"


def test_a_staff_number_typed_while_ltl_quiz_starts_is_not_left_on_screen_beside_the_prompt(terminal, example_dir, db_url) -> None:
    """At 40x20 the first typed prompt showed the number twice: the terminal's echo of keys typed
    before the prompt was drawn (which the prompt rightly discards), and the number typed again."""
    term = terminal(["--scenarios", str(example_dir), "run", "example-welfare-call", "--rich"], 40, 20)
    term.send("PC5003")  # at once: ltl-quiz is still starting, no prompt is drawn yet
    term.wait_for("Your staff number")
    term.settle(0.3)
    assert term.rows()[0].startswith("? Your staff number") and "PC5003" not in term.text(), term.text()
    term.send("PC5003" + ENTER)
    term.wait_for("Your name:")
    term.settle(0.2)
    assert words(term.text()).count("PC5003") == 1, term.text()
    term.send("Eve Long" + ENTER)
    term.wait_for("Your force and unit")
    term.settle(0.2)
    term.send("CID" + ENTER)
    term.wait_for("Do you want to continue")
    term.settle(0.2)
    term.send("n" + ENTER)
    assert term.wait_exit() == 0


def test_pages_read_after_a_resize_are_drawn_at_the_new_width(terminal, tmp_path) -> None:
    """A passage taller than the screen comes a page at a time; the terminal made narrower while
    a page is read: the next page's panel fits the new width, its border whole on every row."""
    args = ["--scenarios", str(tall_case(tmp_path)), "run", "factory-case", "--learner", "AB1", "--name", "Al Smith", "--rich"]
    term = terminal(args, 80, 24)
    term.wait_for(r"\(y/n\)")
    term.settle(0.1)
    term.send("y" + ENTER)
    term.wait_for("Press any key for more")
    assert all(len(row) == 80 for row in term.rows() if row.startswith("│"))
    shown = resized_at_the_first_more(term, 50)
    assert shown and all(len(row) == 50 and row.startswith(("│", "╰")) and row.endswith(("│", "╯")) for row in shown), term.text()


def tall_case(tmp_path: Path) -> Path:
    folder = tmp_path / "tall"
    folder.mkdir()
    text = "\n\n".join(f"Paragraph {n:02d} of a passage long enough to need a second page at this size." for n in range(1, 20))
    nodes = {"begin": {"type": "passage", "title": "The call", "text": text, "next": "done"}, "done": f.end()}
    f.write(folder, f.scenario(nodes), "01-tall.yaml")
    return folder


def resized_at_the_first_more(term: Terminal, cols: int) -> list[str]:
    """Resize while the first page of a tall passage is read; the rows of the next page."""
    term.wait_for("Press any key for more")
    term.settle(0.2)
    term.resize(cols, 24)
    term.settle(0.2)
    term.send(ENTER)
    term.wait_for(r"lines (2\d|[3-9]\d) to")  # the next page
    term.settle(0.3)
    return [row for row in term.rows() if row.strip() and "Press any key" not in row]


def test_a_trainers_pages_read_after_a_resize_are_drawn_at_the_new_width(terminal, tmp_path) -> None:
    args = ["--scenarios", str(tall_case(tmp_path)), "session", "start", "factory-case", "--trainer", "Pat"]
    term = terminal([*args, "--participant", "PC1,Al Smith,CID", "--rich"], 80, 24)
    term.wait_for("Are all 1 here")
    term.settle(0.1)
    term.send("y" + ENTER)
    shown = resized_at_the_first_more(term, 50)
    assert shown and all(len(row) == 50 and row.startswith(("│", "╰")) and row.endswith(("│", "╯")) for row in shown), term.text()


def test_plain_mode_pauses_after_the_ending_before_the_debrief(terminal, example_dir) -> None:
    """Plain mode ran "== Ending: ... ==" straight into the debrief's first part, so at 24 rows the
    ending scrolled away unread (hand play); it now waits for Enter, as rich mode waits for a key."""
    term = terminal(run_args(example_dir, "--plain"), 80, 24)
    before = ""
    while True:
        kind = next_prompt(term, before)
        assert kind is not None, term.text()
        if "Debrief part 1 of" in term.text() or "Press Enter for the debrief" in term.text():
            break
        before = term.text()
        term.send(KEYS[kind] if kind != "plain-text" else "Who the men are" + ENTER)
    term.settle(0.3)
    shown = term.text()
    assert "Press Enter for the debrief" in shown and "Debrief part 1 of" not in shown, shown
    assert "== Ending: " in shown, shown  # the ending is still on screen to read
    term.send(ENTER)
    term.wait_for("Debrief part 1 of")
