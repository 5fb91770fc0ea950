"""The trainer's screen: takes the room through the case a step at a time, on one projected screen.

``TrainerScreen`` walks the room's path and is shared by both kinds of session: it shows each
step, reveals each decision (bar chart, recommended option and feedback), asks which branch the
room follows and why, and takes the trainer's notes at each key question. How the room's answers
are gathered is the subclass's part: ``Facilitated`` (``facilitated``) has the trainer type them or count
hands; ``LiveHost`` (``host``) watches learners answer at their own terminals.

Every change is saved as it happens, so Ctrl-C or a closed terminal pauses the session and
``ltl-quiz session resume CODE`` carries on from the same step.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import Left, SessionMoved
from ltl_quiz.scenario.kinds import answer_kinds, kind_of
from ltl_quiz.scenario.model import KeyQuestion, Node, Scenario
from ltl_quiz.sessions import model, tally
from ltl_quiz.sessions.letters import letter_of, lettered, letters_and, letters_of
from ltl_quiz.sessions.model import SessionState, Step
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.points import reveal_points
from ltl_quiz.sessions.rows import SessionRow
from ltl_quiz.text import counted
from ltl_quiz.ui.pager import choice_rows
from ltl_quiz.ui.prompts import Prompter
from ltl_quiz.ui.sessions.base import SessionScreen
from ltl_quiz.ui.sessions.terminal import KeyReader, line
from ltl_quiz.ui.sessions.view import SessionView

DISCUSS = "Let the room discuss the question; the model answer points come next"  # keyed() names the key: one instruction, not two
NEXT = {
    "passage": "the next passage",
    "decision": "the next decision",
    "multi": "the next decision",
    "reflection": "a key question",
    "end": "the ending",
}


def keyed(message: str) -> str:
    """A pause names the key that goes on ("Continue to the next passage" alone named none; a line prompt says Enter)."""
    return f"{message}: press any key"


class PauseRequested(Exception):
    """The trainer chose to pause (a menu choice or the 'p' key): a normal way to stop."""


class TrainerScreen(SessionScreen):
    """The room's path, step by step; subclasses gather the room's answers."""

    kind = ""

    def __init__(
        self, sessions: SessionStore, scenario: Scenario, code: str, view: SessionView, ask: Prompter, keys: KeyReader, fresh: bool = False
    ):
        super().__init__(sessions, scenario, code, view, ask)
        self.fresh = fresh  # a new session: the room sees the content note first
        self.keys = keys

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
        except (Left, KeyboardInterrupt) as stopped:
            self.sessions.pause(self.code)
            if isinstance(stopped, KeyboardInterrupt):
                self.view.say("")  # the terminal echoed ^C: the message starts on a line of its own
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
        if step.kind in answer_kinds(answering="read"):
            assert node is not None
            message = self.read_on(state)
            self.pager.page(step.key, lambda: self.passage(step, node), self.go_on_rows(message))
            self.go_on(f"{step.key}", message)
            self.sessions.advance(self.code, self.scenario, step.seq, engine.Continue())
        elif step.is_choice:
            assert node is not None
            self.choice(step, node, state)
        else:
            self.discussion(step, node, state)

    def passage(self, step: Step, node: Node, question: bool = False) -> None:
        """A step's screen: its title, its narrative and (at a decision) the question; as a function,
        so that the pager draws the pages after a resize again at the new width."""
        self.view.new_screen(self.title(step))
        self.view.narrative(node)
        if question:
            self.view.question(node)

    def choice(self, step: Step, node: Node, state: SessionState) -> None:
        if state.phase in ("reading", "open"):
            self.pager.page(step.key, lambda: self.passage(step, node, question=True), self.question_rows(step, state.phase))
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

        def reveal() -> None:
            self.view.new_screen(self.title(step))
            self.view.reveal(node, dist, choice)

        self.pager.page(f"{step.key}-reveal", reveal, self.branch_rows(node, choice))
        followed, reason = self.choose_branch(node, choice, dist)
        self.sessions.advance(self.code, self.scenario, step.seq, engine.Choose(followed), reason=reason)

    def discussion(self, step: Step, node: Node | None, state: SessionState) -> None:
        kq = self.scenario.key_question(step.key_question_id(self.scenario))

        def question() -> None:
            self.view.new_screen(self.title(step))
            if node is not None and node.text:
                self.view.narrative(node)
            self.view.key_question(kq)

        self.pager.page(step.key, question, self.discussion_rows(step, state))
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
        if self.pager.active():  # at a screen that pages, the ending comes in a solo debrief's parts
            self.ending_parts(state, node, message)
            return

        def ending() -> None:
            self.view.new_screen(f"Session {self.code}  ·  The ending")
            self.view.ending(self.scenario, node)

        self.pager.page("ending", ending, self.go_on_rows(message))  # where nothing pages (plain, piped): one stream, read in order
        self.go_on("ending", message)

    def ending_parts(self, state: SessionState, node: Node, last: str) -> None:
        """The ending in the parts of a learner's own debrief, each on its own screen with its
        prompt: in one paged block (~210 rows at 80x24) the room lost the ending before the references."""
        sc, view = self.scenario, self.view
        parts = [
            ("the ending", lambda: view.room_ending(sc, node, state.room)),
            ("the room's decisions beside the recommended ones", lambda: view.room_decisions(sc, state.room)),
            ("what really happened", lambda: view.ui.what_happened(sc)),
            ("the references", lambda: view.ui.references(sc)),
        ]
        for n, (_, draw) in enumerate(parts, start=1):
            following = f"Continue to {parts[n][0]}" if n < len(parts) else last
            message = f"The ending, part {n} of {len(parts)}. {following}"

            def screen(n: int = n, draw: Callable[[], None] = draw) -> None:
                view.new_screen(f"Session {self.code}  ·  The ending, part {n} of {len(parts)}")
                draw()

            self.pager.page(f"ending-{n}", screen, self.go_on_rows(message))
            self.go_on(f"ending-{n}", message)

    def finish(self) -> SessionRow:
        people = self.sessions.close(self.code, self.scenario)
        took_part = [p for p in people if p.attempt_id]
        self.view.heading(f"Session {self.code} closed")
        self.view.say(
            f"{counted(len(took_part), 'participant')} now {'has' if len(took_part) == 1 else 'have'} a completion record linked to this session."
        )
        self.view.say(f"The full record: ltl-quiz session report {self.code}")
        return self.sessions.session(self.code)

    # -- the branch -------------------------------------------------------------------------------
    def choose_branch(self, node: Node, choice: tally.RoomChoice, dist: tally.Distribution) -> tuple[list[str], str | None]:
        """The room follows its own choice unless the trainer picks another branch, and says why."""
        if kind_of(node.type).several:
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
        self.ask.pause(key, keyed(message))

    def go_on_rows(self, message: str) -> int:
        """Rows ``go_on(message)`` takes: a page of a tall step leaves room for it."""
        return self.pager.rows_for(keyed(message))

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
        if kind_of(node.type).several and choice.option_ids:
            return self.pager.rows_for(f"? Follow the room's selection ({letters_of(node, choice.option_ids)})? (y/n)") + 1
        options = [(opt.id, f"{let}. {' '.join(opt.text.split())}  (explore this branch instead)") for let, opt in lettered(node)]
        return choice_rows(
            "The room is split between A and B. Which branch does the room follow?", options, kind_of(node.type).several, self._width()
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


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
