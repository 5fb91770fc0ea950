"""The live host's ending at a real terminal (issue 13), on a pty with pyte at 80x24 in rich mode.

It was one paged block of ~210 rows; it now comes in the parts of a learner's own debrief (the
ending and what the room's path repeated of the real case; the room's decisions beside the
recommended ones; what really happened; the references), each on its own screen with its prompt.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from screen import ENTER, TIMEOUT, Terminal, words

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.points import reveal_points
from ltl_quiz.sessions.presence import Terminal as Place
from ltl_quiz.store import Store, now

MORE = r"— lines \d+ to \d+ of \d+(?:, the end)?\. Press any key (?:for more|to continue) —"
PART = r"The ending, part (?P<n>\d) of 4\. (?P<goes>Continue to [^:]+|Close the session): press Enter \(p pauses the session\)\.".replace(" ", r"\s+")


def at_the_ending(example_path: Path, db_url: str) -> str:
    """A live session with two learners, walked by the store past its key question to the ending."""
    scenario = load_scenario(example_path)
    sessions = SessionStore(Store(db_url))
    code = sessions.create(scenario, "live", "Pat", [], model.first_state(scenario, "officer", "live", now()))
    for i, name in enumerate(["Alex Smith", "Jo Bloggs"]):
        sessions.join(code, Learner(f"PC40{i}", name), scenario, terminal=Place.this_one())
    sessions.begin(code, scenario, 0)
    for seq, followed in ((0, None), (1, ["tell-caller-101"])):
        if followed:
            sessions.open(code, scenario, seq)
            sessions.reveal(code, scenario, seq)
        sessions.advance(code, scenario, seq, engine.Choose(followed) if followed else engine.Continue())
    while (step := model.step_of(scenario, sessions.session(code).state)) is not None and not engine.at_end(
        scenario, sessions.session(code).state.room
    ):
        if step.is_choice:
            sessions.open(code, scenario, step.seq)
            sessions.reveal(code, scenario, step.seq)
            node = model.node_of(scenario, step)
            assert node is not None
            sessions.advance(code, scenario, step.seq, engine.Choose(list(node.recommended)))
        elif step.is_discussion:
            reveal_points(sessions, code, scenario, step.seq)
            sessions.advance(code, scenario, step.seq, engine.Reflect(""))
        else:
            sessions.advance(code, scenario, step.seq, engine.Continue())
    return code


def parts_of_the_ending(term: Terminal) -> list[tuple[str, str, str]]:
    """(part, what it goes on to, the words of every screen it showed), Enter at each prompt.
    Each part starts on a clear screen, so its pages are read as they are shown, not from history."""
    parts: list[tuple[str, str, str]] = []
    screens: list[str] = []
    while True:
        found = term.wait_for(f"{MORE}|{PART}")
        term.settle(0.2)
        screens.append(words(term.text()))
        if not re.search(MORE, found.group(0)):
            parts.append((found.group("n"), words(found.group("goes")), " ".join(screens)))
            screens = []
            if parts[-1][1] == "Close the session":
                return parts
        term.send(ENTER)
        end = time.monotonic() + TIMEOUT
        while found.group(0) in term.text() and time.monotonic() < end:
            term._pump(0.1)


def test_the_hosts_ending_comes_in_the_parts_of_a_debrief(example_dir, example_path, db_url) -> None:
    code = at_the_ending(example_path, db_url)
    term = Terminal(["--scenarios", str(example_dir), "session", "resume", code, "--rich"], 80, 24)
    try:
        parts = parts_of_the_ending(term)
    finally:
        term.close()
    assert [(n, goes) for n, goes, _ in parts] == [
        ("1", "Continue to the room's decisions beside the recommended ones"),
        ("2", "Continue to what really happened"),
        ("3", "Continue to the references"),
        ("4", "Close the session"),
    ], parts
    scenario = load_scenario(example_path)
    ending, decisions, happened, references = (shown for _, _, shown in parts)
    assert "Ending: " in ending and "What actually happened" not in ending, ending
    assert "The room's decisions beside the recommended ones" in decisions and "How do you grade the call?" in decisions
    assert "The room followed: B." in decisions and "Recommended: A." in decisions, decisions
    assert "What actually happened" in happened and "Action taken by the force" in happened and "References" not in happened
    assert "References" in references and words(scenario.source.url) in references
    assert not re.search(r"\d+ of \d+ points|Score", " ".join(shown for _, _, shown in parts))  # a group session has no score
