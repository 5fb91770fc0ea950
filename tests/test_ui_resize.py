"""A resize while a decision waits (issue 13), on a pty with pyte.

Shrunk from 120 to 80 columns at a decision, the panel drawn above it kept the old width: the
terminal cut (pyte, xterm) or rewrapped (tmux) every row, and its right border was lost. The
passage is now drawn again at the new width above the prompt, which keeps its place.
"""

from __future__ import annotations

from pathlib import Path

import scenario_factory as f
from screen import DOWN, ENTER, next_prompt, words

TEXT = (
    "The caller says the girl is fifteen, that the man she is with has been drinking since the afternoon, "
    "and that she told him twice she wanted to go home before he shut the door on the others."
)


def one_decision(tmp_path: Path) -> Path:
    options = [f.option(f"o{i}", points=5 if i == 0 else 0, nxt=[{"goto": "done"}]) for i in range(3)]
    decision = {"type": "decision", "title": "The call", "text": TEXT, "prompt": "What do you do first?", "options": options}
    folder = tmp_path / "resize"
    folder.mkdir()
    f.write(folder, f.scenario({"begin": decision, "done": f.end()}), "01-resize.yaml")
    return folder


def test_a_panel_above_a_waiting_decision_follows_the_new_width(terminal, tmp_path) -> None:
    folder = one_decision(tmp_path)
    term = terminal(["--scenarios", str(folder), "run", "1", "--learner", "AB1", "--name", "Al Smith", "--rich"], 120, 40)
    before = ""
    while (kind := next_prompt(term, before)) != "select":
        assert kind is not None, term.text()
        before = term.text()
        term.send("y" + ENTER if kind == "confirm" else ENTER)
    term.send(DOWN)  # the learner has moved to option 1: the prompt must keep it
    term.wait_for("^» 1\\. Option o0")
    assert any(len(row) > 80 and row.startswith("╭") for row in term.rows())  # drawn at 120 columns
    term.resize(80, 24)
    term.wait_for("^╭─+ The call ─+╮$")
    term.settle(0.5)
    rows = term.rows()
    panel = [row for row in rows if row[:1] in "╭│╰"]
    assert panel and all(row[-1:] in "╮│╯" for row in panel), term.text()  # every row of the panel whole
    assert words(TEXT) in words(" ".join(row.strip("│ ") for row in panel)), term.text()
    assert any(row.startswith("» 1. Option o0") for row in rows), term.text()  # the prompt, where the learner left it
    term.send(ENTER)
    term.wait_for("Press any key to continue")
