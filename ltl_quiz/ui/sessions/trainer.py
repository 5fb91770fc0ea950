"""The trainer's screen: takes the room through the case a step at a time, on one projected screen.

``TrainerScreen`` walks the room's path and is shared by both kinds of session: it shows each
step, reveals each decision (bar chart, recommended option and feedback), asks which branch the
room follows and why, and takes the trainer's notes at each key question. How the room's answers
are gathered is the subclass's part: ``Facilitated`` (here) has the trainer type them or count
hands; ``LiveHost`` (``host``) watches learners answer at their own terminals.

Every change is saved as it happens, so Ctrl-C or a closed terminal pauses the session and
``ltl-quiz session resume CODE`` carries on from the same step.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from ltl_quiz import engine
from ltl_quiz.errors import InputError, Left, SessionMoved
from ltl_quiz.model import KeyQuestion, Node, Scenario
from ltl_quiz.sessions import model, tally
from ltl_quiz.sessions.entry import find_person, parse_line
from ltl_quiz.sessions.letters import letter_of, lettered, letters_and, letters_of
from ltl_quiz.sessions.model import SessionState, Step
from ltl_quiz.sessions.records import OwnAnswer
from ltl_quiz.store.session_points import reveal_points
from ltl_quiz.store.sessions import ParticipantRow, SessionRow, SessionStore
from ltl_quiz.ui.pager import Pager, choice_rows
from ltl_quiz.ui.prompts import Prompter
from ltl_quiz.ui.sessions.terminal import line
from ltl_quiz.ui.sessions.view import SessionView

DISCUSS = "Let the room discuss the question, then press Enter to show the model answer points"
NEXT = {
    "passage": "the next passage",
    "decision": "the next decision",
    "multi": "the next decision",
    "reflection": "a key question",
    "end": "the ending",
}


class PauseRequested(Exception):
    """The trainer chose to pause (a menu choice or the 'p' key): a normal way to stop."""


class TrainerScreen:
    """The room's path, step by step; subclasses gather the room's answers."""

    kind = ""

    def __init__(
        self, sessions: SessionStore, scenario: Scenario, code: str, view: SessionView, ask: Prompter, keys: Any, fresh: bool = False
    ):
        self.fresh = fresh  # a new session: the room sees the content note first
        self.sessions = sessions
        self.scenario = scenario
        self.code = code
        self.view = view
        self.ask = ask
        self.keys = keys
        self.ending_shown = False
        self.pager = Pager(view.ui, ask)  # a step taller than the screen, a screenful at a time

    # -- the walk -------------------------------------------------------------------------------
    def run(self) -> SessionRow | None:
        """Take the room to the end and close the session; None if the trainer paused it."""
        paused = f"Session {self.code} is paused; everything so far is saved. To carry on: ltl-quiz session resume {self.code}"
        try:
            self.claim()
            self.prepare()
            while True:
                state = self.sessions.session(self.code).state
                self.show_ending_once(state)
                step = model.step_of(self.scenario, state)
                if step is None:
                    break
                self.take(step, state)
            return self.finish()
        except PauseRequested:
            self.sessions.pause(self.code)
            self.view.say("")
            self.view.say(paused, "bold")
            return None
        except (Left, KeyboardInterrupt):
            self.sessions.pause(self.code)
            raise Left(paused) from None

    def claim(self) -> None:
        """Mark this process as the one driving the session; refuse if another is still running here."""
        row = self.sessions.session(self.code)
        host = row.state.host
        if host and host.get("machine") == socket.gethostname() and host.get("pid") != os.getpid() and _alive(host.get("pid")):
            raise SessionMoved(
                f"session {self.code} is already open on this machine (process {host['pid']}); close that screen first, or press Ctrl-C in it to pause"
            )
        self.sessions.set_host(self.code, {"pid": os.getpid(), "machine": socket.gethostname()})

    def prepare(self) -> None:
        """Before the first step (the roll call, the lobby)."""

    def opening(self, track: str) -> None:
        """The content note and the room's role, before anything else (a new session only)."""
        self.view.ui.content_note(self.scenario)
        self.view.say(f"The room's role ({track} track): {' '.join(self.scenario.role(track).split())}", "bold")
        self.view.say("")

    def title(self, step: Step) -> str:
        return f"Session {self.code}  ·  Case study {self.scenario.source.case_study}: {self.scenario.title}  ·  step {step.seq + 1}"

    def take(self, step: Step, state: SessionState) -> None:
        node = model.node_of(self.scenario, step)
        if step.kind == "passage":
            assert node is not None
            message = self.read_on(state)
            with self.pager.screen(step.key, self.go_on_rows(message)):
                self.view.new_screen(self.title(step))
                self.view.narrative(node)
            self.go_on(f"{step.key}", message)
            self.sessions.advance(self.code, self.scenario, step.seq, engine.Continue())
        elif step.is_choice:
            assert node is not None
            self.choice(step, node, state)
        else:
            self.discussion(step, node, state)

    def choice(self, step: Step, node: Node, state: SessionState) -> None:
        if state.phase in ("reading", "open"):
            with self.pager.screen(step.key, self.question_rows(step, state.phase)):
                self.view.new_screen(self.title(step))
                self.view.narrative(node)
                self.view.question(node)
        if state.phase == "reading":
            self.open_choice(step)
            state = self.sessions.session(self.code).state
        if state.phase == "open":
            hands, method = self.collect(step, node)
            revealed = self.sessions.reveal(self.code, self.scenario, step.seq, hands, method)
            dist = revealed.distribution
        else:  # revealed before a pause: the record holds the distribution
            record = self.sessions.step(self.code, step.seq)
            assert record is not None
            dist = record.distribution
        choice = tally.room_choice(node, dist)
        with self.pager.screen(f"{step.key}-reveal", self.branch_rows(node, choice)):
            self.view.new_screen(self.title(step))
            self.view.reveal(node, dist, choice)
        followed, reason = self.choose_branch(node, choice, dist)
        self.sessions.advance(self.code, self.scenario, step.seq, engine.Choose(followed), reason=reason)

    def discussion(self, step: Step, node: Node | None, state: SessionState) -> None:
        kq = self.scenario.key_question(step.key_question_id(self.scenario))
        with self.pager.screen(step.key, self.discussion_rows(step, state)):
            self.view.new_screen(self.title(step))
            if node is not None and node.text:
                self.view.narrative(node)
            self.view.key_question(kq)
        if state.phase == "open":  # not yet discussed: a session resumed after the reveal goes on to the points
            self.discuss(step, kq, state)
            reveal_points(self.sessions, self.code, self.scenario, step.seq)
        self.view.model_points(kq)
        self.points_shown()
        notes = line(self.ask, step.key, "Notes from the discussion, for the session record (Enter for none):").strip()
        self.sessions.advance(self.code, self.scenario, step.seq, engine.Reflect(notes), notes=notes or None)

    def show_ending_once(self, state: SessionState) -> None:
        if self.ending_shown or not engine.at_end(self.scenario, state.room):
            return
        self.ending_shown = True
        node = engine.current(self.scenario, state.room)
        pending = model.step_of(self.scenario, state) is not None
        message = "Continue to the key questions" if pending else "Close the session"
        with self.pager.screen("ending", self.go_on_rows(message)):  # ~200 rows: the room read only the references
            self.view.new_screen(f"Session {self.code}  ·  The ending")
            self.view.ending(self.scenario, node)
        self.go_on("ending", message)

    def finish(self) -> SessionRow:
        people = self.sessions.close(self.code, self.scenario)
        took_part = [p for p in people if p.attempt_id]
        self.view.heading(f"Session {self.code} closed")
        self.view.say(
            f"{len(took_part)} participant{'s' if len(took_part) != 1 else ''} now have a completion record linked to this session."
        )
        self.view.say(f"The full record: ltl-quiz session report {self.code}")
        return self.sessions.session(self.code)

    # -- the branch -------------------------------------------------------------------------------
    def choose_branch(self, node: Node, choice: tally.RoomChoice, dist: tally.Distribution) -> tuple[list[str], str | None]:
        """The room follows its own choice unless the trainer picks another branch, and says why."""
        if node.type == "multi":
            return self._multi_branch(node, choice)
        by_id = dict((opt.id, f"{let}. {' '.join(opt.text.split())}") for let, opt in lettered(node))
        if choice.clear:
            ours = choice.option_ids[0]
            options = [(ours, f"{by_id[ours]}  (the room's choice)")]
            options += [(i, f"{label}  (explore this branch instead)") for i, label in by_id.items() if i != ours]
            picked = self.ask.select("follow", "Which branch does the room follow?", options)
            if picked == ours:
                return [picked], None
            return [picked], self._reason(f"Why follow {letter_of(node, picked)} rather than the room's choice, {letter_of(node, ours)}?")
        tied = set(choice.tied)
        first = [i for i in by_id if i in tied] + [i for i in by_id if i not in tied]
        split = "Nobody answered" if dist.responses == 0 else f"The room is split between {letters_and(node, choice.tied)}"
        picked = self.ask.select("follow", f"{split}. Which branch does the room follow?", [(i, by_id[i]) for i in first])
        return [picked], f"{split}; the trainer chose {letter_of(node, picked)}"

    def _multi_branch(self, node: Node, choice: tally.RoomChoice) -> tuple[list[str], str | None]:
        options = [(opt.id, f"{let}. {' '.join(opt.text.split())}") for let, opt in lettered(node)]
        if not choice.option_ids:  # no action has a majority: a real choice, never "follow (none)?"
            split = "No action was chosen by a majority of the room"
            picked = self.ask.checkbox("follow-multi", f"{split}. Which actions does the room take?", options)
            return picked, f"{split}; the trainer chose {letters_of(node, picked)}"
        if self.ask.confirm("follow", f"Follow the room's selection ({letters_of(node, choice.option_ids)})?", True):
            return list(choice.option_ids), None
        picked = self.ask.checkbox("follow-multi", "Which actions does the room take?", options)
        return picked, self._reason("Why take these actions rather than the room's selection?")

    def _reason(self, message: str) -> str:
        while True:
            reason = line(self.ask, "reason", f"{message} (kept in the session record)").strip()
            if reason:
                return reason
            self.view.say("Give a short reason: the record says which branch was followed and why.")

    # -- what subclasses do ---------------------------------------------------------------------
    def read_on(self, state: SessionState) -> str:
        """The prompt after a passage says what it goes on to: a bare "Continue" left the room guessing (issue 13)."""
        room, _ = engine.answer(self.scenario, state.room, engine.Continue())
        after = engine.current(self.scenario, room)
        return f"Continue to {NEXT.get(after.type, 'the next step')}"  # as "Continue to the key questions" at the ending

    def go_on(self, key: str, message: str) -> None:
        self.ask.pause(key, message)

    def go_on_rows(self, message: str) -> int:
        """Rows ``go_on(message)`` takes: a page of a tall step leaves room for it."""
        return self.pager.rows_for(message)

    def discussion_rows(self, step: Step, state: SessionState) -> int:
        """Rows under a key question while the room discusses it: the clock as drawn, or the prompt."""
        if state.discussion_minutes and self.pager.active():
            return self.view.countdown_rows(state.discussion_minutes * 60)
        return self.go_on_rows(DISCUSS)

    def question_rows(self, step: Step, phase: str) -> int:
        """Rows the prompt under a decision's options takes (how the answers are recorded)."""
        if not self.pager.active():
            return 1
        return choice_rows("How will you record the room's answers?", self.ways(), False, self._width())

    def branch_rows(self, node: Node, choice: tally.RoomChoice) -> int:
        """Rows the branch prompt after a reveal takes, near enough: each option and its note."""
        if not self.pager.active():
            return 1
        if node.type == "multi" and choice.option_ids:
            return self.pager.rows_for(f"? Follow the room's selection ({letters_of(node, choice.option_ids)})? (y/n)") + 1
        options = [(opt.id, f"{let}. {' '.join(opt.text.split())}  (explore this branch instead)") for let, opt in lettered(node)]
        return choice_rows(
            "The room is split between A and B. Which branch does the room follow?", options, node.type == "multi", self._width()
        )

    def ways(self) -> list[tuple[str, str]]:
        return []

    def _width(self) -> int:
        return max(1, int(getattr(self.view.console, "width", 80)) - 1)

    def open_choice(self, step: Step) -> None:
        self.sessions.open(self.code, self.scenario, step.seq)

    def collect(self, step: Step, node: Node) -> tuple[tally.Distribution | None, str]:
        raise NotImplementedError

    def points_shown(self) -> None:
        """After the model answer points are on screen (live: the learners tick theirs now)."""

    def discuss(self, step: Step, kq: KeyQuestion, state: SessionState) -> None:
        """Time for the room to talk (with a countdown if the session has one). The model answer
        points come after it, so that they do not close the discussion before it opens."""
        if state.discussion_minutes:
            self.view.countdown(state.discussion_minutes * 60, self.keys.wait)
        else:
            self.go_on(f"{step.key}-discussed", DISCUSS)


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
        several = "; at a multi, all their letters: '2 ace', or '2 -' for none" if node.type == "multi" else ""
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
            for e in entries:
                self.sessions.enter_for(self.code, e.learner_id, step, OwnAnswer(e.option_ids))
            names = {p.id: p.name for p in people}
            if entries:
                self.view.say("Entered: " + "; ".join(f"{names[e.learner_id]} {letters_of(node, e.option_ids)}" for e in entries))

    def _reveal_early(self, step: Step, entered: int, people: int) -> bool:
        """An empty line while answers are still to come asks first, as the live host does: a
        stray Enter revealed a decision with nobody's answer in, so nobody had a record of it."""
        who = "Nobody's answer is entered yet" if not entered else f"Only {entered} of {people} answers are entered"
        return self.ask.confirm(f"{step.key}-reveal", f"{who}. Reveal the answers now?", False)

    def count_hands(self, node: Node, here: int) -> tally.Distribution:
        voters = None
        if node.type == "multi":
            default = f" (Enter for {here})" if here else ""
            voters = self._count("voters", f"How many people are voting?{default}", here or None)
        while True:
            hands = {opt.id: self._count(f"hands-{let}", f"Hands up for {let}", 0) for let, opt in lettered(node)}
            try:
                dist = tally.from_hands(node, hands, voters)
            except InputError as exc:
                self.view.say(f"{exc}; count again.")
                continue
            if node.type == "multi" or not here or dist.responses <= here:
                return dist
            if not self.ask.confirm("recount", f"That is {dist.responses} hands for {here} people here. Count again?", True):
                return dist

    def _count(self, key: str, message: str, default: int | None) -> int:
        while True:
            reply = line(self.ask, key, f"{message}:").strip()
            if not reply and default is not None:
                return default
            if reply.isdigit():
                return int(reply)
            self.view.say(f"'{reply}' is not a count; type a whole number such as 0 or 7.")


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
