"""Blocks taller than the terminal, a screenful at a time (rich mode), on a real pty kept by pyte.

Hand play at 80x24 found passages, debrief parts and the trainer's ending far taller than the
screen: their start scrolled away before anyone could read it. Asserted here is what a reader
sees: the block's first line is on screen at the first "more", every line of it is on one page or
another, an Enter pressed while a page is drawn does not skip the next page, a block that fits
shows no "more", and plain mode (screen readers, pipes) is one stream with no "more" at all.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import scenario_factory as f
from screen import CTRL_C, ENTER, RESUME_HINT, Terminal, words

from ltl_quiz.store import Store
from ltl_quiz.ui.wrap import hang

MORE = r"— lines (\d+) to (\d+) of (\d+)(, the end)?\. Press any key (for more|to continue) —"
FILE = [f"Note {n} of the case file: a visit, a referral or a call, recorded with its date and who made it." for n in range(1, 31)]
HAPPENED = [f"Finding {n} of the investigation: what the officers did and what they did not do that day." for n in range(1, 21)]


def tall_case(tmp_path: Path, paragraphs: int = 30, extra: tuple[str, ...] = ()) -> Path:
    """A case whose first passage, practice feedback and 'what actually happened' are each taller than 24 rows."""
    long_feedback = " ".join(f"Reason {n}: a line of feedback on the choice that needs its own row or two." for n in range(1, 26))
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}], feedback=long_feedback) for i in range(2)]
    nodes = {
        "begin": {
            "type": "passage",
            "title": "The case file",
            "text": "\n\n".join(FILE[:paragraphs] + list(extra)),
            "next": [{"goto": "choose"}],
        },
        "choose": {"type": "decision", "title": "Choose", "prompt": "What do you do first?", "options": options},
        "done": f.end(),
    }
    doc = f.scenario(nodes)
    doc["case"]["what_happened"] = "\n\n".join(HAPPENED)
    folder = tmp_path / "tall"
    folder.mkdir()
    f.write(folder, doc, "01-tall.yaml")
    return folder


def run_args(folder: Path, mode: str = "--rich") -> list[str]:
    return ["--scenarios", str(folder), "run", "factory-case", "--learner", "AB1", "--name", "Alex Smith", mode]


def page_through(term: Terminal, until: str) -> list[list[str]]:
    """The screen at each "more" prompt and at the block's own prompt (``until``), Enter between."""
    screens = []
    while True:
        found = term.wait_for(f"{MORE}|{until}")
        term.settle(0.15)
        screens.append(term.rows())
        if not re.search(MORE, found.group(0)):
            return screens
        term.send(ENTER)
        term.wait_for(r"\S", 5)
        _moved_on(term, found.group(0))


def _moved_on(term: Terminal, prompt: str) -> None:
    """Wait until the "more" just answered has gone (the next page, or the block's prompt, is drawn)."""
    end = 50
    while prompt in term.text() and end:
        term._pump(0.1)
        end -= 1


def panel_rows(screens: list[list[str]]) -> set[str]:
    """Every row seen inside a panel, without its borders and padding."""
    return {re.sub(r"^│|│$", "", row).strip() for screen in screens for row in screen if row.startswith("│")}


def unseen(screens: list[list[str]], paragraphs: list[str], inner: int = 74) -> list[str]:
    """The rows of ``paragraphs`` as a panel ``inner`` columns wide draws them that no screen showed."""
    rows = [row for p in paragraphs for row in hang(p, inner)]
    seen = panel_rows(screens)
    return [row for row in rows if row.strip() not in seen]


def on_screens(screens: list[list[str]], line: str) -> bool:
    return any(words(line) in words(" ".join(re.sub(r"^│|│$", "", r.strip()) for r in screen)) for screen in screens)


def start_case(term: Terminal) -> None:
    term.wait_for("Do you want to continue with this case study")
    term.settle(0.1)
    term.send("y" + ENTER)


def paged_then_stopped(folder: Path, until: str) -> list[list[str]]:
    """The screens of the first block of ``folder``'s case at 80x24, paged through to ``until``; then Ctrl-C (exit 130)."""
    term = Terminal(run_args(folder), 80, 24)
    try:
        start_case(term)
        screens = page_through(term, until)
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()
    return screens


def test_a_passage_taller_than_the_screen_comes_a_page_at_a_time(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path)), 80, 24)
    try:
        start_case(term)
        term.wait_for(MORE)
        term.settle(0.15)
        first = term.rows()
        assert any("The case file" in row for row in first), "\n".join(first)  # the block's first line, still on screen
        assert on_screens([first], FILE[0])
        screens = page_through(term, "Press any key to continue")
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()
    assert len(screens) >= 3  # at least two pages with "more", then the passage's own prompt
    assert unseen(screens, FILE) == []
    shown = [re.search(MORE, "\n".join(s)) for s in screens[:-1]]
    assert next(int(m.group(1)) for m in shown if m) == 1
    for before, after in itertools.pairwise(shown):  # each page starts where the last stopped
        assert before and after and int(after.group(1)) == int(before.group(2)) + 1
    assert "Press any key to continue" in "\n".join(screens[-1])


def test_an_enter_pressed_while_a_page_is_drawn_does_not_skip_the_next(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path, 30)), 80, 24)
    try:
        start_case(term)
        first = term.wait_for(MORE)
        term.settle(0.15)
        last = int(first.group(2))
        term.send(ENTER + ENTER)  # the second arrives while the next page is drawn
        term.wait_for(r"— lines (?!1 to )\d+ to |Press any key to continue$")
        term.settle(0.5)
        page = re.search(MORE, term.text())
        assert page is not None and int(page.group(1)) == last + 1, term.text()  # page 2, not page 3 or the prompt after
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()


def test_an_enter_held_down_does_not_turn_pages_unseen(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path, 30)), 80, 24)
    try:
        start_case(term)
        first = term.wait_for(MORE)
        term.settle(0.15)
        last = int(first.group(2))
        for _ in range(40):  # a key held down: the terminal repeats it every 30 ms or so
            term.send(ENTER)
            term._pump(0.03)
        term.wait_for(r"— lines (?!1 to )\d+ to |Press any key to continue$")
        term.settle(0.5)
        page = re.search(MORE, term.text())
        assert page is not None and int(page.group(1)) == last + 1, term.text()  # one page on, however long it was held
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()


def test_ctrl_c_at_a_more_leaves_and_keeps_the_attempt(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path)), 80, 24)
    try:
        start_case(term)
        term.wait_for(MORE)
        term.settle(0.15)
        term.send(CTRL_C)
        term.wait_for(r"Everything you answered is saved\. To carry on:")
        assert term.wait_exit() == 130
    finally:
        term.close()
    (attempt,) = Store(db_url).attempts("AB1")
    assert attempt.status != "completed"


def test_a_block_that_fits_shows_no_more(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path, 12)), 120, 40)
    try:
        start_case(term)
        term.wait_for("Press any key to continue")
        term.settle(0.2)
        rows = term.history_rows()
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()
    text = "\n".join(rows)
    assert not re.search(MORE, text)
    assert all(on_screens([rows], line) for line in FILE[:12])


def test_the_tall_parts_of_the_debrief_come_a_page_at_a_time(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path, 2)), 80, 24)
    try:
        start_case(term)
        for wait, keys in [("Press any key to continue", ENTER), ("Use the arrow keys", "1" + ENTER)]:
            term.wait_for(wait)
            term.settle(0.15)
            term.send(keys)
        feedback = page_through(term, "Press any key to continue")  # the practice feedback is tall too
        term.send(ENTER)
        term.wait_for("Press any key for the debrief")
        term.settle(0.15)
        term.send(ENTER)
        parts: list[list[list[str]]] = []
        for n in (1, 2, 3):
            parts.append(page_through(term, rf"Debrief part {n} of \d+\. Press any key"))
            term.send(ENTER)
        term.send(CTRL_C)
        term.wait_exit()
    finally:
        term.close()
    assert len(feedback) >= 2 and on_screens(feedback[:1], "Reason 1: a line of feedback")
    review, happened = parts[1], parts[2]
    assert len(review) >= 2 and any("Your decisions beside the recommended ones" in r for r in review[0])
    assert on_screens(review, "Reason 25: a line of feedback")
    assert len(happened) >= 2 and any("What actually happened" in r for r in happened[0])
    assert unseen(happened, HAPPENED) == []
    assert re.search(r"Score \d+ of \d+", " ".join(happened[-1]))  # the result in view at the part's own prompt


def test_plain_mode_is_one_stream_with_no_more(tmp_path, db_url) -> None:
    term = Terminal(run_args(tall_case(tmp_path), "--plain"), 80, 24)
    try:
        term.wait_for(r"\[y/n\]")
        term.send("y" + ENTER)
        term.wait_for("Press Enter to continue")
        term.settle(0.2)
        rows = term.history_rows()
        term.send(CTRL_C)
        term.wait_exit()
    finally:
        term.close()
    assert not re.search(MORE, "\n".join(rows))
    assert all(on_screens([rows], line) for line in FILE)


def roster(tmp_path: Path) -> Path:
    path = tmp_path / "room.csv"
    path.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\n", encoding="utf-8")
    return path


def test_the_trainers_tall_passage_and_ending_come_a_page_at_a_time(tmp_path, db_url) -> None:
    folder = tall_case(tmp_path)
    args = ["--scenarios", str(folder), "session", "start", "1", "--trainer", "Pat", "--roster", str(roster(tmp_path)), "--rich"]
    term = Terminal(args, 80, 24)
    try:
        term.wait_for("Are all 2 here")
        term.settle(0.15)
        term.send("y" + ENTER)
        passage = page_through(term, "^Continue")
        term.send(ENTER)
        for wait, keys in [
            ("How will you record", "1" + ENTER),
            (r"0 of 2 entered.*>", "1 a, 2 a" + ENTER),
            (r"All 2 entered", ENTER),
        ]:
            term.wait_for(wait)
            term.settle(0.15)
            term.send(keys)
        reveal = page_through(term, "Which branch does the room follow")  # the recommended option's long feedback
        term.send("1" + ENTER)
        ending = []  # the ending in a debrief's four parts, each paged, each with its own prompt (issue 13)
        for n, goes_on in enumerate(["the room's", "what really", "the references", "the key questions"], start=1):
            part = page_through(term, rf"The ending, part {n} of 4\.\s+Continue to\s+{goes_on.replace(' ', chr(92) + 's+')}")
            ending.append(part)
            if n < 4:
                term.send(ENTER)
        term.send(CTRL_C)
        term.wait_exit()
    finally:
        term.close()
    assert len(passage) >= 2 and any("The case file" in r for r in passage[0])
    assert unseen(passage, FILE, 80 - 10) == []  # the projected panel's wider padding
    assert len(reveal) >= 2 and any("What the room chose" in r for r in reveal[0])
    assert on_screens(reveal, "Reason 25: a line of feedback")
    assert any("Ending: The end" in r for r in ending[0][0])
    assert len(ending[2]) >= 2 and unseen(ending[2], HAPPENED) == []  # what really happened, a page at a time
    assert on_screens(ending[3][-1:], "APP on child abuse investigation")  # the references, at the ending's own prompt


@pytest.mark.parametrize("extra", [(), ("Signed off.",), ("Signed off.", "Filed.")])
def test_a_passage_just_too_tall_for_its_prompt_keeps_its_title(tmp_path, db_url, extra) -> None:
    """Hand play at 40x20 (and so at 80x24 for a passage of 21 or 22 rows): a passage that fitted
    by a row or two lost its title, scrolled away by "Press any key to continue" and the row below it."""
    screens = paged_then_stopped(tall_case(tmp_path, 6, extra), "Press any key to continue")
    assert any("The case file" in row for row in screens[0]), "\n".join(screens[0])
    assert unseen(screens, FILE[:6] + list(extra)) == []


class _Pauses:
    """What a person at the keys is asked: each "more" prompt, in order."""

    pages = True

    def __init__(self) -> None:
        self.said: list[str] = []

    def pause(self, key: str, message: str) -> None:
        self.said.append(message)


def test_the_last_more_is_never_followed_by_only_a_blank_line() -> None:
    """Debrief part 4 at 80x24 ended "— lines 106 to 126 of 127. Press any key for more —", and the
    key showed only line 127, the part's closing blank line."""
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from ltl_quiz.ui.pager import Pager

    out = io.StringIO()
    console = Console(file=out, width=80, height=24, force_terminal=True)
    ask = _Pauses()
    drawn = "".join(f"Line {n} of a debrief part.\n" for n in range(1, 43)) + "\n"
    Pager(SimpleNamespace(console=console, plain=False), ask).show("part", drawn, room=3)
    assert ask.said == ["— lines 1 to 21 of 42. Press any key for more —"]
    assert out.getvalue().rstrip("\n").endswith("Line 42 of a debrief part.")


def test_a_content_note_taller_than_a_small_screen_keeps_its_title_in_view(tmp_path, db_url) -> None:
    """At 40x20 a content note of 22 rows scrolled its title away before its y/n (hand play)."""
    folder = tall_case(tmp_path, 2)
    path = folder / "01-tall.yaml"
    note = " ".join(f"Part {n} of what this case deals with, said plainly before anything is shown." for n in range(1, 10))
    path.write_text(path.read_text(encoding="utf-8").replace("Generated for tests.", note), encoding="utf-8")
    term = Terminal(run_args(folder), 40, 20)
    try:
        term.wait_for(r"Press any key\s+for more")  # at 40 columns the "more" line wraps
        term.settle(0.15)
        first = term.rows()
        assert any("Content note" in row for row in first), "\n".join(first)
        term.send(ENTER)
        term.wait_for(r"\(y/n\)")
        term.settle(0.15)
        screens = [first, term.rows()]
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()
    assert any("Part 9" in " ".join(s) for s in screens)  # its end was seen too, on a later page


def test_on_a_small_screen_a_warning_stands_in_for_the_hint(tmp_path, db_url) -> None:
    """A warning added under the hint made a choice taller than a 40x20 screen (hand play): its
    last option fell below the screen. Where the choice would not fit, the warning takes the hint's place."""
    term = Terminal(run_args(tall_case(tmp_path, 2)), 40, 8)
    try:
        term.wait_for(r"\(y/n\)")
        term.settle(0.1)
        term.send("y" + ENTER)
        for _ in range(6):  # the passage's pages, then its own prompt
            term.wait_for(r"Press any key\s+(for\s+more|to\s+continue)|Use the arrow")
            term.settle(0.15)
            if "Use the arrow" in term.text():
                break
            term.send(ENTER)
            term.settle(0.3)
        term.send(ENTER)
        term.wait_for("Nothing is chosen yet")
        term.settle(0.15)
        after = term.rows()
        assert not any("Use the arrow" in r for r in after), "\n".join(after)
        assert any("Option o1" in r for r in after), "\n".join(after)  # the last option is still on screen
        term.send(CTRL_C)
        assert term.wait_exit() == 130
    finally:
        term.close()


OPTIONS = [
    f"Option {n}: ask the caller what he has seen, who the two men are and how the girl came to be in the room, and record it."
    for n in range(1, 5)
]


def test_a_block_that_fits_alone_but_not_with_its_tall_choice_is_paged(tmp_path, db_url) -> None:
    """A decision's own text of some 18 rows (with its panel) fitted the 80x24 screen alone, so it was not paged, and
    the tall choice drawn under it scrolled its top (the title) away before it could be read."""
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}], text=t) for i, t in enumerate(OPTIONS)]
    nodes = {
        "begin": {
            "type": "decision",
            "title": "The decision",
            "text": "\n\n".join(FILE[:5]),
            "prompt": "What do you do?",
            "options": options,
        },
        "done": f.end(),
    }
    folder = tmp_path / "choice"
    folder.mkdir()
    f.write(folder, f.scenario(nodes), "01-choice.yaml")
    screens = paged_then_stopped(folder, "Use the arrow keys")
    assert any("The decision" in row for row in screens[0]), "\n".join(screens[0])
    assert unseen(screens, FILE[:5]) == []
    assert all(on_screens(screens[-1:], option) for option in OPTIONS)


def test_a_resume_keeps_its_recap_on_the_first_page_of_a_tall_passage(tmp_path, db_url) -> None:
    """After resume, a tall passage filled the screen and scrolled the recap ('Recording for ...') away."""
    folder = tall_case(tmp_path)
    term = Terminal(run_args(folder), 80, 24)
    try:
        start_case(term)
        term.wait_for(MORE)
        term.send(CTRL_C)
        found = term.wait_for(RESUME_HINT)
        assert term.wait_exit() == 130
    finally:
        term.close()
    again = Terminal(["--scenarios", str(folder), "resume", found.group(1), "--rich"], 80, 24)
    try:
        again.wait_for(MORE)
        again.settle(0.15)
        first = again.rows()
        again.send(CTRL_C)
        assert again.wait_exit() == 130
    finally:
        again.close()
    shown = words(" ".join(first))
    assert "Recording for Alex Smith (AB1)." in shown and "You are at step 1" in shown, "\n".join(first)
    assert any("The case file" in row for row in first)
