"""A room's way through the worked example (docs/scenario-format.md), driven as a trainer would
through the session store: the tests that need a live room at its reflection start from here."""

from __future__ import annotations

from collections.abc import Callable

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.sessions.model import Step
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


def walk_room(sessions: SessionStore, code: str, scenario: Scenario, give: Callable[[Step, Node], None]) -> None:
    """Take a session's room to its end: at each choice ``give`` enters the people's answers, then the
    answers are revealed and the room follows the recommended options; discussions end with no notes."""
    from ltl_quiz.sessions import model

    while (step := model.step_of(scenario, (state := sessions.session(code).state))) is not None:
        if state.phase == "lobby":
            sessions.begin(code, scenario, state.seq)
        elif step.is_choice:
            node = scenario.nodes[step.key]
            if state.phase != "open":
                sessions.open(code, scenario, state.seq)
            give(step, node)
            sessions.reveal(code, scenario, state.seq)
            sessions.advance(code, scenario, state.seq, engine.Choose(list(node.recommended)))
        elif step.is_discussion:
            sessions.advance(code, scenario, state.seq, engine.Reflect(""))
        else:
            sessions.advance(code, scenario, state.seq, engine.Continue())
