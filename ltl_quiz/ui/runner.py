"""Take a learner through one attempt: engine for the rules, store for the record, UI for the talk.

Every answer is written to the store the moment it is given, so leaving at any prompt loses
nothing. Leaving raises ``Left`` with the exact command that carries on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.engine.state_machine import State
from ltl_quiz.errors import InputError, Left
from ltl_quiz.language.notes import notes_for
from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER, answer_kinds, kind_of
from ltl_quiz.scenario.model import KeyQuestion, Node, Scenario
from ltl_quiz.store import journal, now
from ltl_quiz.store.protocol import AttemptStore
from ltl_quiz.store.rows import SCRIPTED, TERMINAL
from ltl_quiz.ui.pager import Pager
from ltl_quiz.ui.prompts import Prompter
from ltl_quiz.ui.render import Renderer

T = TypeVar("T")
GO_ON = "Press any key to continue"
ANSWER = "Your answer:"
TO_DEBRIEF = "Press any key for the debrief"
CONTINUE_CASE = "Do you want to continue with this case study?"
DEBRIEF_AGAIN = "See the ending and the debrief again before it?"
AT_REFLECTION = "(reflection during the case)"  # not counted: the debrief's "n of m" counts only those it asks
EMPTY_ANSWER = "Leave this answer empty? It will be recorded as no answer written."


@dataclass
class Outcome:
    """How a run ended: the attempt id (None if the learner left at the content note)."""

    attempt_id: str | None
    result: engine.Result | None = None


class Runner:
    """One learner, one scenario, one attempt."""

    def __init__(self, store: AttemptStore, scenario: Scenario, ui: Renderer, prompter: Prompter):
        _check_prompts(scenario)  # before anything is shown or saved, not at the first node it cannot ask
        self.store = journal.wrap(store, ui.say)  # a store that cannot be reached hands over to the journal
        self.scenario = scenario
        self.ui = ui
        self.ask = prompter
        self.pager = Pager(ui, prompter)  # blocks taller than the screen, a screenful at a time
        self.attempt_id: str | None = None
        self._lead: Callable[[], None] | None = None  # drawn at the top of the next screen (the opening, resume's recap)
        self._at_questions = False  # resumed at a key question of the debrief, which was read before the stop
        self._since: float | None = None  # when the step in progress was shown (monotonic): held if it is left unanswered

    def start(self, learner: Learner, track: str, mode: str, seed: int | None = None) -> Outcome:
        state = engine.start(self.scenario, track, mode, seed)  # checks track and mode first
        try:
            note = self.pager.rows_for(CONTINUE_CASE + " (y/n)") + 1  # +1: its hint line
            self.pager.page("content-note", lambda: self.ui.content_note(self.scenario), note)
            go_on = self.ask.confirm("content_note", CONTINUE_CASE, True)
        except Left:
            raise Left("You left at the content note; nothing was saved, so there is nothing to resume.") from None
        if not go_on:
            self.ui.say("You chose not to continue. Nothing was saved.")
            self.ui.say("Support is one command away: ltl-quiz support")
            return Outcome(None)
        how = getattr(self.ask, "how_answered", TERMINAL)
        self.attempt_id = self.store.start_attempt(
            learner, self.scenario, state, engine.result(self.scenario, state).best, how_answered=how
        )
        self._lead = lambda: self.ui.opening(self.scenario, track, mode)  # paged with the first passage: it scrolled the role away
        return self._carry_on(state, learner.id)

    def resume(self, attempt_id: str, state: State, learner: Learner) -> Outcome:
        self.attempt_id = attempt_id
        if state.node_id not in self.scenario.nodes:
            raise InputError(
                f"attempt {attempt_id[:8]} stopped at '{state.node_id}', which this version of {self.scenario.id} no longer has; start a new attempt"
            )
        # at the debrief's key questions, the first among them (issue 13: a stop at key question 1
        # replayed the last feedback and the whole ending, as no key question had an answer yet)
        self._at_questions = engine.at_end(self.scenario, state) and bool(engine.pending_key_questions(self.scenario, state))
        place = self._place(state) if self._at_questions else None
        self._lead = lambda: self.ui.recap(self.scenario, state, attempt_id, learner, place)  # on the first page: a tall passage scrolled it away
        if getattr(self.ask, "how_answered", TERMINAL) == SCRIPTED:  # finished from a file: no longer the learner's own work
            self.store.mark_scripted(attempt_id)
        return self._carry_on(state, learner.id, resumed=True)

    def _carry_on(self, state: State, learner_id: str, resumed: bool = False) -> Outcome:
        try:
            if resumed and not self._at_questions:  # at the key questions: offered again with the debrief's decisions
                self._feedback_again(state)
            while not engine.at_end(self.scenario, state):
                state = self._step(state)
            if self._lead is not None:  # a resume straight to the debrief: its recap first
                self._lead()
            return self._debrief(state, learner_id)
        except Left:
            assert self.attempt_id
            self._hold(self._since)  # the step left unanswered: its time so far is spent on the case, and no answer row will hold it
            raise Left(f"Stopped. Everything you answered is saved. To carry on: ltl-quiz resume {self.attempt_id[:8]}") from None

    def _step(self, state: State) -> State:
        node = engine.current(self.scenario, state)
        shown, self._since = now(), time.monotonic()
        self._page(node.id, self._room(node, state), lambda: self.ui.node(node))
        response = self._answered_at_any_width(node, state)
        new, fb = engine.answer(self.scenario, state, response)
        self._save(new, shown)
        if fb is not None:
            self._feedback(node.id, fb)
        return new

    def _answered_at_any_width(self, node: Node, state: State) -> engine.Response:
        """The node's prompt; a resize while it waits draws the passage again at the new width above it."""
        return self._at_any_width(lambda: self._room(node, state), lambda: self._response(node, state))

    def _at_any_width(self, room: Callable[[], int], ask: Callable[[], T]) -> T:
        """``ask`` a prompt under the pager's last block; a resize while it waits draws the block's
        end again at the new width, leaving ``room`` rows for the prompt (only a case's decisions
        did: a feedback pause or a key question kept rows cut or rewrapped at the old width)."""
        if not hasattr(self.ask, "on_resize"):
            return ask()
        outer = self.ask.on_resize  # a reflection node's key question is asked inside its node's prompt
        self.ask.on_resize = lambda: self.pager.redraw_end(room())
        try:
            return ask()
        finally:
            self.ask.on_resize = outer

    def _feedback(self, node_id: str, fb: engine.Feedback) -> None:
        """The feedback on a decision, until a key is pressed. Reading it is time spent on the case,
        but it falls between two steps, so no answer row holds it: it is held on the attempt."""
        started = time.monotonic()
        try:
            self._page(f"{node_id}-feedback", self.pager.rows_for(GO_ON), lambda: self.ui.feedback(fb))
            self._at_any_width(lambda: self.pager.rows_for(GO_ON), lambda: self.ask.pause(f"{node_id}-feedback", GO_ON))  # read before the next passage
        finally:
            self._hold(started)

    def _hold(self, since: float | None) -> None:
        """Add the time since ``since`` (monotonic) to the attempt's time at prompts with no answer row."""
        self._since = None
        ms = 0 if since is None else round((time.monotonic() - since) * 1000)
        if ms > 0 and self.attempt_id:
            self.store.hold(self.attempt_id, ms)

    def _feedback_again(self, state: State) -> None:
        """A practice attempt resumed after a decision: its feedback again, for a stop while it was
        on screen left the learner never reading it (the store knows the answer, not the reading)."""
        last = state.answers[-1] if state.answers else None
        if state.mode == "practice" and last is not None and last.kind in answer_kinds(answering="choose"):
            self._feedback(last.node_id, engine.feedback_for(self.scenario.nodes[last.node_id], last))

    def _page(self, key: str, room: int, draw: Callable[[], None]) -> None:
        """The pager's screen, with what must lead it (a recap) drawn first, so it is paged with it;
        a block's top is kept in view even when only the prompt after it makes it too tall."""
        lead, self._lead = self._lead, None

        def block() -> None:
            if lead is not None:
                lead()
            draw()

        self.pager.page(key, block, room, keep_top=True)

    def _room(self, node: Node, state: State) -> int:
        """Rows the prompt after a node's passage needs: its first line must still be on screen then."""
        kind = kind_of(node.type)
        if kind.choice and self.pager.active():
            from ltl_quiz.ui.pager import choice_rows

            choices = [(o.id, o.text.strip()) for o in engine.options(self.scenario, state)]
            return choice_rows(node.prompt or "", choices, kind.several, int(self.ui.console.width) - 1)
        if kind.answering == "read":
            return self.pager.rows_for(GO_ON)  # its "press any key" and the rows below it: a title must not scroll away
        return 1

    def _response(self, node: Node, state: State) -> engine.Response:
        return PROMPTS[node.type](self, node, state)

    def _read_on(self, node: Node, state: State) -> engine.Response:
        self.ask.pause(node.id, GO_ON)
        return engine.Continue()

    def _write(self, node: Node, state: State) -> engine.Response:
        assert node.key_question
        return self._reflect(node.id, self.scenario.key_question(node.key_question), AT_REFLECTION)

    def _select(self, node: Node, state: State) -> engine.Response:
        choices = [(o.id, o.text.strip()) for o in engine.options(self.scenario, state)]
        return engine.Choose([self.ask.select(node.id, node.prompt or "", choices)])

    def _tick(self, node: Node, state: State) -> engine.Response:
        choices = [(o.id, o.text.strip()) for o in engine.options(self.scenario, state)]
        return engine.Choose(self.ask.checkbox(node.id, node.prompt or "", choices))

    def _reflect(self, key: str, kq: KeyQuestion, place: str = "", summary: str = "") -> engine.Reflect:
        """A key question answered and ticked; ``summary``, the result's line kept in view above it."""

        def question() -> None:
            if summary:
                self.ui.say(summary, "dim")
            self.ui.key_question(kq, place)

        self.pager.page(f"{key}-question", question)  # the pager's last block: drawn again after a resize while it is answered
        text = self._at_any_width(lambda: self.pager.rows_for(ANSWER), lambda: self._answer_text(key))
        if not text.strip() and getattr(self.ask, "how_answered", TERMINAL) != SCRIPTED:
            self.ui.model_points(kq)  # still worth reading; there is nothing of theirs to tick them against
            return engine.Reflect(text, [])
        if not getattr(self.ask, "lists_points", False):  # a tick prompt that lists them itself: read once, not twice
            self.ui.model_points(kq)
        message = "Points a full answer would cover. Tick those your answer covered:"
        covered = self.ask.tick(
            key, message if getattr(self.ask, "lists_points", False) else "Which of these did your answer cover?", kq.model_points
        )
        return engine.Reflect(text, covered)

    def _answer_text(self, key: str) -> str:
        """A key question's answer; an empty one only when the learner says so (issue 13: a stray
        Enter was taken as the answer). Nothing adds an answer to the record later, so the
        question says only what is true: the record will show that no answer was written."""
        while True:
            text = self.ask.text(key, ANSWER)
            if text.strip() or getattr(self.ask, "how_answered", TERMINAL) == SCRIPTED:
                return text
            if self.ask.confirm(f"{key}-empty", EMPTY_ANSWER, False):
                return text

    def _save(self, state: State, shown: str) -> None:
        assert self.attempt_id
        self.store.record(self.attempt_id, state, state.answers[-1], shown, engine.result(self.scenario, state))
        self._since = None  # the step's time is the answer row's now

    def _debrief(self, state: State, learner_id: str) -> Outcome:
        scenario = self.scenario
        result = engine.result(scenario, state)
        opened, self._since = now(), time.monotonic()  # the ending and the debrief are read on the first key question's time
        if not self._at_questions or self.ask.confirm("debrief-again", DEBRIEF_AGAIN, False):  # read before the stop: offered, not forced
            pauses = getattr(self.ask, "pauses_after_ending", False)
            self.pager.page("ending", lambda: self.ui.ending(engine.current(scenario, state)), self.pager.rows_for(TO_DEBRIEF) if pauses else 1)
            if pauses:  # else the debrief scrolls the ending away unread
                self.ask.pause("ending", TO_DEBRIEF)
            self._paged_debrief(state, result)
        state = self._key_questions(state, result, opened)
        self._hold(self._since)  # no key question took the ending's and the debrief's reading: held, not lost
        self.ui.language_notes(notes_for([a.text for a in state.answers if a.text]))  # never blocks, never scores
        assert self.attempt_id
        self.store.finish(self.attempt_id, result)
        self.ui.closing(learner_id, self.attempt_id, getattr(self.ask, "how_answered", TERMINAL) == SCRIPTED)
        return Outcome(self.attempt_id, result)

    def _key_questions(self, state: State, result: engine.Result, opened: str) -> State:
        """The track's key questions not yet answered, each numbered among those the debrief asks
        (case 9's manager has seven) under the result's one line, which stays in view while it can.
        The first one's time runs from ``opened``, when the ending came up: reading the ending and
        the debrief is time spent on the case, and without it a CPD record understated the sitting."""
        pending = engine.pending_key_questions(self.scenario, state)
        if pending:
            self.ui.heading(f"Key questions for the {state.track} track")
            self._reflected(state, len(pending))
        summary = self.ui.summary(self.scenario, result)
        for n, kq in enumerate(pending):
            shown = opened if n == 0 else now()
            self._since = self._since if n == 0 else time.monotonic()
            kept = "" if self.ui.plain else summary  # a screen reader has it once, at the debrief's foot
            state = engine.reflect(self.scenario, state, kq.id, self._reflect(kq.id, kq, self._place(state), kept))
            self._save(state, shown)
        return state

    def _reflected(self, state: State, pending: int) -> None:
        """Why the debrief's count is smaller than the track's: those asked at a reflection point."""
        in_debrief = sum(1 for a in state.answers if a.kind == KEY_QUESTION_ANSWER) + pending
        total = len(self.scenario.key_questions(state.track))
        if total > in_debrief:
            were = "was" if total - in_debrief == 1 else "were"
            others = "the other one" if in_debrief == 1 else f"the other {in_debrief}"  # never "the other 1"
            self.ui.say(
                f"{total - in_debrief} of the {state.track} track's {total} key questions {were} asked at a reflection during the case; "
                f"the debrief asks {others}."
            )

    def _place(self, state: State) -> str:
        """Which of the debrief's key questions comes next: "3 of 3" (those asked at a reflection
        during the case are not among them: they say so, ``AT_REFLECTION``)."""
        asked = [a.node_id for a in state.answers if a.kind == KEY_QUESTION_ANSWER]
        pending = engine.pending_key_questions(self.scenario, state)
        return f"{len(asked) + 1} of {len(asked) + len(pending)}" if pending else ""

    def _paged_debrief(self, state: State, result: engine.Result) -> None:
        """The debrief a part at a time, each ending with a prompt that keeps the result in view:
        one long dump scrolled the score away before the learner reached the key questions."""
        scenario, ui = self.scenario, self.ui
        feedbacks = engine.review(scenario, state)
        parts = [
            ("your result", lambda: ui.result(scenario, state, result)),
            ("your decisions beside the recommended ones", (lambda: ui.review(feedbacks)) if feedbacks else None),
            ("what really happened", lambda: ui.what_happened(scenario)),
            ("the references", lambda: ui.references(scenario)),
        ]
        shown = [(name, draw) for name, draw in parts if draw is not None]
        after = "the key questions" if engine.pending_key_questions(scenario, state) else "your record"
        summary = ui.summary(scenario, result)
        for n, (_, draw) in enumerate(shown):
            following = shown[n + 1][0] if n + 1 < len(shown) else after
            message = f"{summary}. Debrief part {n + 1} of {len(shown)}. Press any key for {following}."
            self.pager.page(f"debrief-{n + 1}", draw, self.pager.rows_for(message))
            self.ask.pause(f"debrief-{n + 1}", message)


# The terminal's prompt for each node kind (``scenario/kinds.py``): a new kind adds one entry here.
Prompt = Callable[[Runner, Node, State], engine.Response]
PROMPTS: dict[str, Prompt] = {
    "passage": Runner._read_on,
    "decision": Runner._select,
    "multi": Runner._tick,
    "reflection": Runner._write,
}


def _check_prompts(scenario: Scenario) -> None:
    """Refuse a case with a kind of node the terminal has no prompt for (one declared in the kinds
    table whose prompt was not added above) in one line, rather than stopping halfway through it."""
    missing = sorted({n.type for n in scenario.nodes.values() if not kind_of(n.type).ending and n.type not in PROMPTS})
    if missing:
        kinds = ", ".join(f"'{k}'" for k in missing)
        raise InputError(
            f"{scenario.id} has {kinds} nodes, which the terminal cannot ask yet (no prompt in ltl_quiz/ui/runner.py PROMPTS); choose another case study"
        )
