"""What every session screen holds: the session's store, its case and join code, the view it draws
with, the prompter it asks with, and a pager for steps taller than the terminal."""

from __future__ import annotations

from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.ui.pager import Pager
from ltl_quiz.ui.prompts import Prompter
from ltl_quiz.ui.sessions.view import SessionView


class SessionScreen:
    """The trainer's and the learner's screens both start from this."""

    def __init__(self, sessions: SessionStore, scenario: Scenario, code: str, view: SessionView, ask: Prompter):
        self.sessions = sessions
        self.scenario = scenario
        self.code = code
        self.view = view
        self.ask = ask
        self.ending_shown = False  # the ending is shown once, however often the step is drawn again
        self.pager = Pager(view.ui, ask)  # a step taller than the screen, a screenful at a time
