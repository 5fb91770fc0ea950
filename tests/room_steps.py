"""A room's way through the worked example (docs/scenario-format.md), driven as a trainer would
through the session store: the tests that need a live room at its reflection start from here."""

from __future__ import annotations

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions.orchestration import SessionStore

TO_THE_REFLECTION = ((0, None), (1, ["send-officers"]), (2, ["speak-to-girl-alone"]))


def room_to_the_reflection(sessions: SessionStore, code: str, scenario: Scenario) -> None:
    """Begin the session and take the room through the opening passage and both decisions (each
    opened, revealed and followed to its recommended option) to the officer's reflection."""
    sessions.begin(code, scenario, 0)
    for seq, followed in TO_THE_REFLECTION:
        if followed:
            sessions.open(code, scenario, seq)
            sessions.reveal(code, scenario, seq)
        sessions.advance(code, scenario, seq, engine.Choose(followed) if followed else engine.Continue())
