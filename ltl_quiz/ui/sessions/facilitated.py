"""The facilitated session's screen: one projected screen, the trainer records the room's answers.

The trainer calls the roll, then at each decision enters each person's choice (by number or name,
several on a line) or counts a show of hands; the walk through the case is ``TrainerScreen``'s.
"""

from __future__ import annotations

from ltl_quiz.config import Learner
from ltl_quiz.errors import InputError
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node
from ltl_quiz.sessions import tally
from ltl_quiz.sessions.entry import find_person, parse_line
from ltl_quiz.sessions.letters import lettered, letters_of
from ltl_quiz.sessions.model import Step
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.sessions.rows import ParticipantRow
from ltl_quiz.text import counted
from ltl_quiz.ui.sessions.terminal import line
from ltl_quiz.ui.sessions.trainer import PauseRequested, TrainerScreen


class Facilitated(TrainerScreen):
    """One screen: the trainer records the room's answers, person by person or by a show of hands."""

    kind = "facilitated"

    def prepare(self) -> None:
        if self.fresh:
            self.view.new_screen(f"Session {self.code}  ·  Case study {self.scenario.source.case_study}: {self.scenario.title}")
            self.opening(self.sessions.session(self.code).track)
        people = self.sessions.participants(self.code)
        if people and not any(p.present for p in people):
            self.roll_call(people)
        elif self.fresh:
            self.go_on("content_note", "Begin the case")

    def roll_call(self, people: list[ParticipantRow]) -> None:
        self.view.heading(f"Session {self.code}: who is here?")
        for p in people:
            self.view.say(f"{p.list_no}. {p.name} ({p.learner_id}{', ' + p.unit if p.unit else ''})")
        absent: set[str] = set()
        if not self.ask.confirm("roll-call", f"Are all {len(people)} here?", True):
            everyone = [p.learner for p in people]
            while True:
                reply = line(self.ask, "absent", "Who is absent? Their numbers or names, separated by commas:")
                try:
                    absent = {find_person(part, everyone).id for part in reply.split(",") if part.strip()}
                    break
                except InputError as exc:
                    self.view.say(str(exc))
        here = self.sessions.roll_call(self.code, self.scenario, [p.learner_id for p in people if p.learner_id not in absent])
        names = ", ".join(p.name for p in here if p.learner_id in absent)
        self.view.say(f"{sum(p.present for p in here)} here." + (f" Absent: {names}." if names else ""))

    def ways(self, here: list[ParticipantRow] | None = None) -> list[tuple[str, str]]:
        """How the room's answers can be recorded (by person only when someone is here)."""
        here = [p for p in self.sessions.participants(self.code) if p.here] if here is None else here
        ways = []
        if here:
            ways.append(("individual", "Enter each person's choice (by number or name)"))
        ways.append(("hands", "Count a show of hands for each option"))
        ways.append(("pause", f"Pause the session here (carry on later: ltl-quiz session resume {self.code})"))
        return ways

    def collect(self, step: Step, node: Node) -> tuple[tally.Distribution | None, str]:
        here = [p for p in self.sessions.participants(self.code) if p.here]
        how = self.ask.select("method", "How will you record the room's answers?", self.ways(here))
        if how == "pause":
            raise PauseRequested
        if how == "individual":
            self.enter_each(step, node, here)
            return None, "individual"
        return self.count_hands(node, len(here)), "hands"

    def enter_each(self, step: Step, node: Node, here: list[ParticipantRow]) -> None:
        people = [p.learner for p in here]
        self.view.say("The room: " + "; ".join(f"{i} {p.name}" for i, p in enumerate(people, start=1)))
        several = "; where several can be chosen, all their letters: '2 ace', or '2 -' for none" if kind_of(node.type).several else ""
        self.view.say(
            f"Type who chose what: their number or name, then the letter, e.g. '1 a' or 'alex b'; several at once with commas{several}. "
            "Typing someone again corrects them. An empty line reveals the answers."
        )
        while True:
            entered = {a.learner_id for a in self.sessions.answers(self.code, step.seq)}
            waiting = [p.name for p in people if p.id not in entered]
            if waiting:
                more = f" and {len(waiting) - 6} more" if len(waiting) > 6 else ""
                status = f"{len(entered)} of {len(people)} entered (waiting for {', '.join(waiting[:6])}{more})"
            else:
                status = f"All {len(people)} entered (Enter reveals)"
            reply = line(self.ask, f"{step.key}-entry", f"{status} >").strip()
            if not reply:
                if waiting and not self._reveal_early(step, len(entered), len(people)):
                    continue
                return
            entries, problems = parse_line(reply, people, node)
            for problem in problems:
                self.view.say(f"Not entered: {problem}")
            before = {a.learner_id: a.option_ids for a in self.sessions.answers(self.code, step.seq)}
            for e in entries:
                self.sessions.enter_for(self.code, e.learner_id, step, OwnAnswer(e.option_ids))
            if entries:
                self.view.say("Entered: " + "; ".join(self._entered(node, e.learner_id, e.option_ids, before, people) for e in entries))

    @staticmethod
    def _entered(node: Node, learner_id: str, option_ids: list[str], before: dict[str, list[str]], people: list[Learner]) -> str:
        """'Sam Patel C', and '(replaces B)' when it corrects an entry made before."""
        name = next(p.name for p in people if p.id == learner_id)
        said = f"{name} {letters_of(node, option_ids)}"
        was = before.get(learner_id)
        if was is not None and sorted(was) != sorted(option_ids):
            said += f" (replaces {letters_of(node, was)})"
        return said

    def _reveal_early(self, step: Step, entered: int, people: int) -> bool:
        """An empty line while answers are still to come asks first, as the live host does: a
        stray Enter revealed a decision with nobody's answer in, so nobody had a record of it."""
        who = "Nobody's answer is entered yet" if not entered else f"Only {entered} of {counted(people, 'answer')} are entered"
        return self.ask.confirm(f"{step.key}-reveal", f"{who}. Reveal the answers now?", False)

    def count_hands(self, node: Node, here: int) -> tally.Distribution:
        voters = None
        if kind_of(node.type).several:
            default = f" (Enter for {here})" if here else ""
            voters = self._count("voters", f"How many people are voting?{default}", here or None)
        most, who = (voters, "voting") if voters else (here or None, "here")
        while True:
            hands = {opt.id: self._hands(let, most, who) for let, opt in lettered(node)}
            try:
                dist = tally.from_hands(node, hands, voters)
            except InputError as exc:
                self.view.say(f"{exc}; count again.")
                continue
            if kind_of(node.type).several or not here or dist.responses <= here:
                return dist
            if not self.ask.confirm("recount", f"That is {counted(dist.responses, 'hand')} for {counted(here, 'person', 'people')} here. Count again?", True):
                return dist

    def _hands(self, letter: str, most: int | None, who: str) -> int:
        """One option's hands, checked at once against the people in the room (a 4 for B with 3
        voting was taken, and only the total was queried later, naming no option)."""
        while True:
            count = self._count(f"hands-{letter}", f"Hands up for {letter}", 0)
            if most is None or count <= most:
                return count
            self.view.say(f"{counted(count, 'hand')} for {letter} is more than the {counted(most, 'person', 'people')} {who}; count the hands for {letter} again.")

    def _count(self, key: str, message: str, default: int | None) -> int:
        while True:
            reply = line(self.ask, key, f"{message}:").strip()
            if not reply and default is not None:
                return default
            if reply.isdigit():
                return int(reply)
            self.view.say(f"'{reply}' is not a count; type a whole number such as 0 or 7.")
