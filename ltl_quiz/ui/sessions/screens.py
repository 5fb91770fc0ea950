"""The terminals the session commands are given: the trainer's (``TrainerTerminal``) and a live
learner's (``LearnerTerminal``), as ``ltl_quiz.app.sessions`` types them.

They choose the prompter and key reader (numbered lines in plain mode, arrow keys and single keys
in rich) and run the screens; the app decides what happens and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ltl_quiz.errors import Left, RosterError
from ltl_quiz.sessions.roster import parse_participant
from ltl_quiz.ui.prompts import Prompter
from ltl_quiz.ui.render import Renderer
from ltl_quiz.ui.sessions.terminal import KeyReader, LineSource, SessionPlainPrompter, TtyKeys, WatchedQuestionary
from ltl_quiz.ui.sessions.view import SessionView

if TYPE_CHECKING:
    from ltl_quiz.config import Learner
    from ltl_quiz.locations import Locations
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.sessions.orchestration import SessionStore
    from ltl_quiz.sessions.presence import Terminal
    from ltl_quiz.sessions.rows import ParticipantRow, SessionRow

ROOM_WAYS = [
    ("add", "Add the people in the room now (staff number, name, unit)"),
    ("demo", "Run it as a demonstration: nobody gets a record"),
    ("stop", "Stop here, to start again with --roster or --participant"),
]


class TrainerTerminal:
    """The trainer's projected screen: its prompter and key reader are made once, as a session starts."""

    def __init__(self, ui: Renderer):
        self.ui = ui
        self.ask: Prompter
        self.keys: KeyReader
        if ui.plain:
            lines = LineSource()
            self.ask, self.keys = SessionPlainPrompter(ui.say, lines), lines
        else:
            self.ask, self.keys = WatchedQuestionary(), (TtyKeys() if TtyKeys.available() else LineSource())

    def say(self, text: str) -> None:
        self.ui.say(text)

    def ask_for_the_room(self) -> list[str]:
        """A facilitated session with nobody on its list gives nobody a record (issue 13): ask for the
        people in the room, or for the trainer's word that this is a demonstration."""
        way = self.ask.select("no-roster", "Nobody is on this session's list, so nobody would get a record of it.", ROOM_WAYS)
        if way == "stop":
            raise Left("Nothing was started. Give the room with --roster FILE or --participant 'STAFF,NAME,UNIT'.")
        if way == "demo":
            self.ui.say("A demonstration: the room's answers are shown but nobody gets a record.")
            return []
        people: list[str] = []
        while True:
            value = self.ask.text(
                "participant", f"Person {len(people) + 1} as STAFF,NAME,UNIT (or an empty line when everyone is in):"
            ).strip()
            if not value:
                if people:
                    return people
                self.ui.say("Nobody added yet: add at least one person, or stop with Ctrl-C.")
                continue
            try:
                parse_participant(value, len(people) + 1)
            except RosterError as exc:
                self.ui.say(f"Not added: {exc}")
                continue
            people.append(value)

    def facilitate(self, sessions: SessionStore, scenario: Scenario, code: str, fresh: bool) -> SessionRow | None:
        from ltl_quiz.ui.sessions.facilitated import Facilitated

        return Facilitated(sessions, scenario, code, SessionView(self.ui, projected=True), self.ask, self.keys, fresh=fresh).run()

    def host(self, sessions: SessionStore, scenario: Scenario, code: str, fresh: bool) -> SessionRow | None:
        from ltl_quiz.ui.sessions.host import LiveHost

        return LiveHost(sessions, scenario, code, SessionView(self.ui, projected=True), self.ask, self.keys, fresh=fresh).run()


class LearnerTerminal:
    """A learner's own terminal: scripted answers, numbered lines (plain) or arrow keys (rich)."""

    def __init__(self, ui: Renderer, answers: str | None):
        self.ui = ui
        self.answers = answers
        self.lines: LineSource | None = None
        self.ask: Prompter | None = None

    def prompter(self) -> Prompter:
        """Made when first needed: a bad join code is named before the answers file is read."""
        from ltl_quiz.ui.prompts import ScriptedPrompter, load_answers

        if self.ask is None:
            if self.answers:
                self.ask = ScriptedPrompter(load_answers(self.answers), self.answers, self.ui.say)
            elif self.ui.plain:
                self.lines = LineSource()
                self.ask = SessionPlainPrompter(self.ui.say, self.lines)
            else:
                self.ask = WatchedQuestionary()
        return self.ask

    def who(self, where: Locations, learner_id: str | None, name: str | None, unit: str | None) -> Learner:
        from ltl_quiz.app.learners import resolve_learner

        return resolve_learner(where, learner_id, name, unit, self.prompter())

    def follow(
        self, sessions: SessionStore, scenario: Scenario, code: str, learner: Learner, terminal: Terminal, take_over: bool
    ) -> ParticipantRow | None:
        from ltl_quiz.ui.sessions.learner import LiveLearner

        return LiveLearner(sessions, scenario, code, learner, SessionView(self.ui), self.prompter(), self.lines, terminal, take_over).run()
