"""A learner's terminal in a live session: follow the room, answer when the trainer opens a decision.

The learner's screen polls the session (every ``POLL_SECONDS``) and shows each step as the room
reaches it. A decision is answered only while the trainer has it open; if the trainer reveals
first, the prompt gives way. Each answer is saved the moment it is given, with its own id, so a
learner whose terminal dies loses nothing they answered and carries on by joining again.
"""

from __future__ import annotations

import contextlib
import shlex
import time
import uuid
from collections.abc import Callable
from typing import Any

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import Left, StoreError, TakenOver
from ltl_quiz.language.notes import notes_for
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.sessions import model
from ltl_quiz.sessions.leases import renew
from ltl_quiz.sessions.letters import lettered, letters_of
from ltl_quiz.sessions.model import Step
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.points import tick_points
from ltl_quiz.sessions.presence import Heartbeat, Terminal, taken_over
from ltl_quiz.sessions.records import OwnAnswer, decisions_beside, participant_answer
from ltl_quiz.sessions.rows import ParticipantRow, SessionRow
from ltl_quiz.sessions.tally import room_choice
from ltl_quiz.store import now
from ltl_quiz.support import SUPPORT_COMMAND, SUPPORT_HINT
from ltl_quiz.text import one_line
from ltl_quiz.ui.pager import PROMPT_ROWS, choice_rows
from ltl_quiz.ui.prompts import Prompter
from ltl_quiz.ui.sessions.base import SessionScreen
from ltl_quiz.ui.sessions.terminal import LineSource, StepMoved, stopping_when
from ltl_quiz.ui.sessions.view import SessionView

POLL_SECONDS = 0.15  # how soon a learner's screen follows the trainer's
REFLECT = "Your reflection, for your own record (Enter to skip):"
WAIT_TO_OPEN = "Waiting for the trainer to open this decision."


class LiveLearner(SessionScreen):
    """One learner in one live session."""

    def __init__(
        self,
        sessions: SessionStore,
        scenario: Scenario,
        code: str,
        learner: Learner,
        view: SessionView,
        ask: Prompter,
        lines: LineSource | None = None,
        terminal: Terminal | None = None,
        take_over: bool = False,
    ):
        super().__init__(sessions, scenario, code, view, ask)
        self.learner = learner
        self.lines = lines
        self.shown: set[int] = set()
        self.pointed: set[int] = set()  # key questions whose model answer points this screen has shown
        self.noted: set[str] = set()  # the kinds of language already noted on this screen
        self.terminal = terminal or Terminal.this_one()
        self.take_over = take_over
        self.beat: Heartbeat | None = None
        self.seen_status: str | None = None  # the session's status as last read while a prompt waits
        self.told_status: str | None = None  # ... and as last told to the learner (paused or not)

    def run(self) -> ParticipantRow | None:
        joined = False
        try:
            row = self.sessions.session(self.code)
            self.view.ui.content_note(self.scenario)
            if not self.ask.confirm("content_note", "Do you want to take part in this case study?", True):
                self.view.say("You chose not to take part. Nothing was saved. Support is one command away: ltl-quiz support")
                return None
            me = self._join(row)
            joined = True
            return self._follow(me)
        except (Left, KeyboardInterrupt) as stopped:
            if isinstance(stopped, KeyboardInterrupt):
                self.view.say("")  # the terminal echoed ^C: "You have left" starts on a line of its own
            if not joined:
                raise Left(f"You left before joining; nothing was saved. To join: ltl-quiz session join {self.code}") from None
            self._stop_beat()
            with contextlib.suppress(StoreError):  # leaving is a courtesy to the trainer's screen; answers are saved
                self.sessions.leave(self.code, self.learner.id, self.terminal)
            raise Left(
                f"You have left session {self.code}. Everything you answered is saved. To rejoin: {self._rejoin()}"
            ) from None
        finally:
            self._stop_beat()

    def _rejoin(self) -> str:
        """The command that rejoins as this learner: on a shared account the remembered learner may
        be someone else, and the bare ``session join CODE`` offered to record for them instead."""
        return f"ltl-quiz session join {self.code} --learner {shlex.quote(self.learner.id)}"

    def _join(self, row: SessionRow) -> ParticipantRow:
        before = {p.learner_id for p in self.sessions.participants(self.code) if p.attempt_id}
        how = getattr(self.ask, "how_answered", "terminal")
        me = self.sessions.join(self.code, self.learner, self.scenario, how, self.terminal, self.take_over)
        self.beat = Heartbeat(lambda: renew(self.sessions.store, self.code, self.learner.id, self.terminal)).start()
        sc = self.scenario
        self.view.heading(f"Session {self.code}: case study {sc.source.case_study}, {sc.title}")
        if self.learner.id in before:
            self.view.say(f"Welcome back, {self.learner.name}. You carry on where the room is now.", "bold")
        else:
            self.view.say(f"Welcome, {self.learner.name}. You have joined {row.trainer}'s session ({row.track} track).", "bold")
        self.view.say(sc.role(row.track).strip())
        self.view.say(
            "The trainer sets the pace: wait here, and answer each decision when it opens. Ctrl-C leaves; join again to carry on."
        )
        return me

    def _follow(self, me: ParticipantRow) -> ParticipantRow:
        last: tuple[int, str, str] | None = None
        while True:
            self._check_lease()
            row = self.sessions.session(self.code)
            if row.status == "closed":
                self._stop_beat()
                return self._closing(me)
            if engine.at_end(self.scenario, row.state.room) and not self.ending_shown:
                self.ending_shown = True
                self._ending(row)
                last = None  # read the room again: it may have moved on while the learner read
                continue
            marker = (row.state.seq, row.state.phase, row.status)
            if marker != last:
                last = marker
                self._show(row)
            time.sleep(POLL_SECONDS)

    # -- each step -------------------------------------------------------------------------------
    def _show(self, row: SessionRow) -> None:
        state = row.state
        if row.status == "paused" and self.told_status != "paused":
            self.view.say(
                f"The trainer has paused the session. Wait here, or press Ctrl-C and rejoin later: {self._rejoin()}"
            )
        elif row.status != "paused" and self.told_status == "paused":  # else the screen just went on, unexplained
            self.view.say("The trainer has carried on with the session.")
        self.told_status = row.status
        if state.phase == "lobby":
            self.view.say("Waiting for the trainer to start.")
            return
        step = model.step_of(self.scenario, state)
        if step is None:
            self.view.say("That is the end of the case. Waiting for the trainer to close the session.")
            return
        node = model.node_of(self.scenario, step)
        if step.seq not in self.shown:
            self.shown.add(step.seq)
            self.pager.page(step.key, lambda: self._narrate(step, node), self._room(step, node, state.phase))  # re-drawn after a resize
        if step.is_choice:
            assert node is not None
            if state.phase == "reading":
                self.view.say(WAIT_TO_OPEN)
            elif state.phase == "open":
                self._answer(step, node)
            elif state.phase == "revealed":
                self._revealed(step, node)
        elif step.is_discussion and state.phase in ("open", "revealed"):
            self._reflect(step)

    def _ending(self, row: SessionRow) -> None:
        """The ending and the real case a part at a time, as in a learner's own debrief (all at once,
        ~220 rows scrolled past to the next prompt), then their own decisions beside the room's."""
        sc, ui = self.scenario, self.view.ui
        node = engine.current(sc, row.state.room)
        mine = {a.seq: a.own for a in self.sessions.answers(self.code) if a.learner_id == self.learner.id}
        besides = decisions_beside(row.state.room, mine)
        parts: list[tuple[str, Callable[[], None]]] = [
            ("the ending", lambda: ui.ending(node)),
            ("what really happened", lambda: ui.what_happened(sc)),
            ("the references", lambda: ui.references(sc)),
            ("your decisions beside the room's", lambda: self.view.decisions(sc, besides)),
        ]
        pauses = self.pager.active()  # a person at a screen; plain output is one stream, read in order
        for n, (_, draw) in enumerate(parts):
            following = parts[n + 1][0] if n + 1 < len(parts) else "what the room does next"
            message = f"The ending, part {n + 1} of {len(parts)}. Press any key for {following}."
            self.pager.page(f"ending-{n + 1}", draw, self.pager.rows_for(message) if pauses else 1)
            if pauses:
                self.ask.pause(f"ending-{n + 1}", message)

    def _narrate(self, step: Step, node: Node | None) -> None:
        if node is not None:
            self.view.narrative(node)
        if step.is_choice and node is not None:
            self.view.question(node)
        if step.is_discussion:
            self.view.key_question(self.scenario.key_question(step.key_question_id(self.scenario)))

    def _room(self, step: Step, node: Node | None, phase: str) -> int:
        """Rows drawn under a step's text before the learner answers: a step taller than the screen
        comes a page at a time, as in the learner's own run, and its last page stays in view with them."""
        if not self.pager.active():
            return 1
        if step.is_choice and node is not None:
            width = int(self.view.console.width) - 1
            rows = choice_rows(one_line(node.prompt), self._choices(node), kind_of(node.type).several, width)
            return rows + (self.pager.rows_for(WAIT_TO_OPEN) - PROMPT_ROWS if phase == "reading" else 0)
        if step.is_discussion:
            return self.pager.rows_for(REFLECT)
        return 1

    def _choices(self, node: Node) -> list[tuple[str, str]]:
        return [(opt.id, f"{let}. {' '.join(opt.text.split())}") for let, opt in lettered(node)]

    def _mine(self, step: Step) -> Any:
        return next((a for a in self.sessions.answers(self.code, step.seq) if a.learner_id == self.learner.id), None)

    def _stop_beat(self) -> None:
        if self.beat is not None:
            self.beat.stop()

    def _check_lease(self) -> None:
        """Stop, without leaving (the learner is still in, at the other terminal), once taken over."""
        if self.beat is not None and self.beat.lost:
            self._stop_beat()
            raise TakenOver(taken_over(self.code, self.learner))

    def _moved_on(self, seq: int, phases: tuple[str, ...] = ("open",)) -> bool:
        if self.beat is not None and self.beat.lost:
            return True
        row = self.sessions.session(self.code)
        self.seen_status = row.status
        return row.state.seq != seq or row.state.phase not in phases

    def _watching(self, seq: int, phases: tuple[str, ...] = ("open",)) -> contextlib.AbstractContextManager[None]:
        """Around a prompt: it gives way when the room moves on, and says when the trainer pauses or
        carries on while it waits (issue 13: a learner writing a reflection was never told)."""
        start = "\n" if self.view.plain else ""  # a plain prompt's typed line is still open: the news goes below it
        notice = (self._pause_news, lambda news: self.view.say(start + news, "bold"))
        return stopping_when(self.ask, lambda: self._moved_on(seq, phases), self._fresh_lines(), notice)

    def _pause_news(self) -> str | None:
        """News of a pause (or of the end of one) seen while a prompt waits, told once."""
        seen, told = self.seen_status, self.told_status
        if seen is None or seen == told or (seen != "paused" and told != "paused"):
            return None
        self.told_status = seen
        if seen == "paused":
            return (
                "The trainer has paused the session. Your answer stays as you left it: finish it when you are ready,"
                f" or press Ctrl-C and rejoin later: {self._rejoin()}"
            )
        return "The trainer has carried on with the session."

    def _answer(self, step: Step, node: Node) -> None:
        mine = self._mine(step)
        if mine is not None:
            self.view.say(f"You answered {letters_of(node, mine.option_ids)}. Waiting for the trainer to reveal the answers.")
            return
        choices = self._choices(node)
        prompt = one_line(node.prompt)
        try:
            with self._watching(step.seq):
                if kind_of(node.type).several:
                    picked = self.ask.checkbox(node.id, prompt, choices)
                else:
                    picked = [self.ask.select(node.id, prompt, choices)]
        except StepMoved:
            self._check_lease()
            self.view.say("The trainer closed this decision before you answered, so nothing was recorded for it.")
            return
        if self._submit(step, OwnAnswer(picked)):
            self.view.say(f"Saved: {letters_of(node, picked)}. Waiting for the trainer to reveal the answers.")

    def _reflect(self, step: Step) -> None:
        """Write the reflection while the room discusses; the model answer points come only with the
        trainer's reveal, as in a facilitated session (issue 13), and are ticked after it."""
        if self._mine(step) is None:
            try:
                with self._watching(step.seq, ("open", "revealed")):
                    text = self.ask.text(step.key, REFLECT).strip()
            except StepMoved:
                self._check_lease()
                self.view.say("The trainer moved on before you finished; nothing was recorded for this question.")
                return
            if not self._submit(step, OwnAnswer([], text)):
                return
            self.view.say("Saved." if text else "Skipped.")
            self._language(text)
        elif self.sessions.session(self.code).state.phase != "revealed":
            self.view.say("Your reflection is saved.")  # rejoined, or the session paused: said again once
        if self.sessions.session(self.code).state.phase != "revealed":  # read again: the reveal may have come while they wrote
            self.view.say("The model answer points come when the trainer ends the discussion. Waiting for the trainer.")
            return
        self._points(step)

    def _language(self, text: str) -> None:
        """The note the learner's own run gives on words that blame a child, each kind once a session:
        it informs, and changes nothing in the record."""
        notes = [n for n in notes_for([text]) if n.entry_id not in self.noted]
        self.noted.update(n.entry_id for n in notes)
        self.view.ui.language_notes(notes, scored=False)  # a group session has no score

    def _points(self, step: Step) -> None:
        """The key question's model answer points, once revealed; a learner who wrote ticks those covered."""
        if step.seq in self.pointed:
            return
        self.pointed.add(step.seq)
        kq = self.scenario.key_question(step.key_question_id(self.scenario))
        mine = self._mine(step)
        listed = getattr(self.ask, "lists_points", False)  # read once: the tick prompt lists them itself
        if mine is None or not (mine.text or "").strip() or mine.covered:
            self.view.model_points(kq)
            self.view.say("Waiting for the trainer to move on.")
            return
        if not listed:
            self.view.model_points(kq)
        message = "Points a full answer would cover. Tick those your answer covered:" if listed else "Which of these did your answer cover?"
        try:
            with self._watching(step.seq, ("revealed",)):
                covered = self.ask.tick(step.key, message, kq.model_points)
        except StepMoved:
            self._check_lease()
            self.view.say("The trainer moved on before you ticked the points; your reflection is saved without them.")
            return
        if tick_points(self.sessions, self.code, self.learner.id, step.seq, covered):
            self.view.say("Saved. Waiting for the trainer to move on.")
        else:
            self.view.say("Too late: the trainer had moved on, so the points you ticked were not recorded; your reflection is saved.")

    def _revealed(self, step: Step, node: Node) -> None:
        record = self.sessions.step(self.code, step.seq)
        if record is None:
            return
        mine = self._mine(step)
        own = participant_answer(self.scenario, step, mine.own) if mine else None
        dist = record.distribution
        self.view.reveal(node, dist, room_choice(node, dist), own)
        self.view.say("Waiting for the trainer to move on.")

    def _fresh_lines(self) -> LineSource | None:
        if self.lines is not None:
            self.lines.drain()
        return self.lines

    def _submit(self, step: Step, own: OwnAnswer) -> bool:
        """Save an answer; retried with the same id, so a retry after a lost reply cannot count twice."""
        answer_id, answered_at = str(uuid.uuid4()), now()
        for attempt in range(3):
            try:
                done = self.sessions.submit(self.code, self.learner.id, step, own, answer_id, answered_at)
                break
            except StoreError:
                if attempt == 2:
                    raise
                time.sleep(0.5)
        if done.outcome == "closed":
            self.view.say("Too late: the trainer had already closed this step, so that answer was not counted.")
            return False
        if done.outcome == "already":
            self.view.say("You had already answered this one; your first answer stands.")
            return False
        return True

    def _closing(self, me: ParticipantRow) -> ParticipantRow:
        self.view.heading("The session has ended")
        attempt = (me.attempt_id or "")[:8]
        self.view.say(f"Your record of this session is attempt {attempt}. See it with:")
        self.view.say(f"    ltl-quiz history --learner {self.learner.id}")  # on its own line: copied whole, it runs
        self.view.say(SUPPORT_HINT)
        self.view.say(f"    {SUPPORT_COMMAND}")
        return me
