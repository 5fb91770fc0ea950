"""The trainer's screen in a live session: who has joined, who has answered, and the trainer's keys.

The screen polls the store (every ``POLL_SECONDS``) and redraws a board with rich Live, or prints
one line per event in plain mode, while it waits for the trainer: Enter moves the room on (start,
open, reveal, next), ``p`` pauses. It never shows what anyone chose until the reveal.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from ltl_quiz.errors import Left
from ltl_quiz.invocation import as_invoked
from ltl_quiz.scenario.model import KeyQuestion, Node
from ltl_quiz.sessions import tally
from ltl_quiz.sessions.model import SessionState, Step
from ltl_quiz.sessions.rows import ParticipantRow
from ltl_quiz.ui.pager import PROMPT_ROWS
from ltl_quiz.ui.sessions.trainer import PauseRequested, TrainerScreen
from ltl_quiz.ui.sessions.view import SessionView, clock

OPEN = "Press Enter to open this decision for answers (p pauses the session)."
POLL_SECONDS = 0.1  # the host sees an answer at most this long after it is saved (plus the read)


@dataclass
class Snapshot:
    """One poll of the room."""

    here: list[ParticipantRow]
    gone: list[ParticipantRow]
    answered: set[str]
    expected: list[ParticipantRow]  # on the roster, not yet joined
    skipped: set[str] = field(default_factory=set)  # at a key question: answered with no reflection written

    @property
    def written(self) -> int:
        return sum(1 for p in self.here if p.learner_id in self.answered and p.learner_id not in self.skipped)

    @property
    def passed(self) -> int:
        return sum(1 for p in self.here if p.learner_id in self.skipped)

    @property
    def done(self) -> int:
        return sum(1 for p in self.here if p.learner_id in self.answered)

    @property
    def everyone(self) -> bool:
        return bool(self.here) and self.done == len(self.here)


def seconds_since(stamp: str | None) -> float:
    if not stamp:
        return 0.0
    then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return max(0.0, (datetime.now(UTC) - then).total_seconds())


class LiveHost(TrainerScreen):
    """Every learner at their own terminal; the trainer controls the pace."""

    kind = "live"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.seen_here: set[str] = set()  # who the plain board has announced, across steps
        self.seen_gone: set[str] = set()

    def prepare(self) -> None:
        row = self.sessions.session(self.code)
        if not self.view.plain:
            self.view.console.clear()
        if self.fresh:
            self.opening(row.track)
        self.view.join_code(self.code, self.scenario, row.track, row.trainer)  # last, so that it stays in view with the board
        if row.state.phase == "lobby":
            self.board(None, "lobby")
            self.sessions.begin(self.code, self.scenario, 0)

    def go_on(self, key: str, message: str) -> None:
        """Says what Enter goes on to, as the facilitated trainer's prompt does (a bare "Continue"
        left the room guessing), and waits for that key pressed now, never one typed before."""
        self.wait_key(f"{message}: press Enter (p pauses the session).")

    def go_on_rows(self, message: str) -> int:
        return self.pager.rows_for(f"{message}: press Enter (p pauses the session).")

    def question_rows(self, step: Step, phase: str) -> int:
        """Under the options: the line that opens the decision and the board below it, as drawn now."""
        if not self.pager.active():
            return 1
        board = self.board_rows(step, "answers")
        return board + (self.pager.rows_for(OPEN) - PROMPT_ROWS if phase == "reading" else 0)

    def discussion_rows(self, step: Step, state: SessionState) -> int:
        """Under a key question: the board of who has written, with its clock when there is one."""
        if not self.pager.active() or state.phase != "open":
            return super().discussion_rows(step, state)
        return self.board_rows(step, "reflections", state.discussion_minutes)

    def board_rows(self, step: Step, mode: str, minutes: float | None = None) -> int:
        """Rows the live board takes if drawn now (who is here decides its height): measured, not guessed."""
        snap = self.snapshot(step.seq, mode)
        return self.view.rows_of(RichBoard(self.view, self.code, mode).render(snap, minutes * 60 if minutes else None))

    def open_choice(self, step: Step) -> None:
        self.wait_key(OPEN)
        self.sessions.open(self.code, self.scenario, step.seq)

    def collect(self, step: Step, node: Node) -> tuple[tally.Distribution | None, str]:
        """The room answers until the trainer reveals; a reveal before everyone has answered is asked
        about first (a double Enter once revealed a decision with nobody's answer in)."""
        while True:
            snap = self.board(step, "answers")
            if snap is None or snap.everyone:
                return None, "live"
            nobody = "Nobody has answered yet" if snap.done == 0 else f"Only {snap.done} of {len(snap.here)} {_have(snap.done)} answered"
            if not snap.here:
                nobody = "Nobody is here to answer"
            if self.ask.confirm("reveal-early", f"{nobody}. Reveal the answers now?", False):
                return None, "live"

    def discuss(self, step: Step, kq: KeyQuestion, state: SessionState) -> None:
        """The room writes until the trainer ends the discussion; ending it before everyone here has
        written is asked about first, as a reveal is (one stray key once sent the points to all)."""
        while True:
            snap = self.board(step, "reflections", state.discussion_minutes, state.opened_at)
            if snap is None or (snap.here and snap.written == len(snap.here)):
                return
            if self.ask.confirm("end-early", f"{unwritten(snap)}. End the discussion and show the model answer points now?", False):
                return

    def points_shown(self) -> None:
        self.view.say("The learners' screens show these points now: they tick those their reflection covered until you move on.")

    # -- keys and the board -----------------------------------------------------------------------
    def _key(self, timeout: float) -> bool:
        """Wait for a key: True for Enter alone; raises to pause or when the trainer's input has gone.
        Any other key (a Space, a stray letter) does nothing but say which keys act (issue 13)."""
        key = self.keys.wait(timeout)
        if key is None:
            return False
        if key == "":
            raise Left()
        if key in ("\n", "\r", "\r\n"):
            return True
        if key.strip().lower() in ("p", "pause"):
            raise PauseRequested
        self.view.say("Only Enter goes on, and p pauses the session; other keys do nothing here.")
        return False

    def discard_typeahead(self) -> None:
        """Forget keys pressed before the prompt is shown: a second Enter pressed to start (or to
        reveal) must not take the room on past the step that comes next, unread."""
        drain = getattr(self.keys, "drain", None)
        if drain is not None:
            drain()

    def wait_key(self, message: str) -> None:
        self.discard_typeahead()
        self.view.say(message, "bold")
        while not self._key(3600):
            pass

    def board(self, step: Step | None, mode: str, minutes: float | None = None, opened_at: str | None = None) -> Snapshot | None:
        """Redraw who is here and who has answered until the trainer presses Enter; the room as it was then."""
        seq = step.seq if step else 0
        if self.view.plain:
            shown: Any = PlainBoard(self.view, mode, self.seen_here, self.seen_gone)
        else:
            shown = RichBoard(self.view, self.code, mode)
        started = time.monotonic() - seconds_since(opened_at)
        self.discard_typeahead()  # the board's Enter is taken from the moment it is drawn
        holding = getattr(self.keys, "holding", None)
        with shown, holding() if holding else contextlib.nullcontext():
            while True:
                snap = self.snapshot(seq, mode)
                left = minutes * 60 - (time.monotonic() - started) if minutes else None
                shown.update(snap, left)
                if self._key(POLL_SECONDS):
                    return snap

    def snapshot(self, seq: int, mode: str) -> Snapshot:
        """The room now: who is here, who has gone, who has answered, who is yet to join."""
        _, people, answers = self.sessions.poll(self.code, seq)
        here = [p for p in people if p.here]
        gone = [p for p in people if p.present and not p.here]
        answered = {a.learner_id for a in answers} if mode != "lobby" else set()
        skipped = {a.learner_id for a in answers if not (a.text or "").strip()} if mode == "reflections" else set()
        return Snapshot(here, gone, answered, [p for p in people if not p.present], skipped)


def unwritten(snap: Snapshot) -> str:
    """Why ending a discussion now is asked about: who has not written a reflection."""
    if not snap.here:
        return "Nobody is here to write a reflection"
    skipped = f" ({snap.passed} skipped)" if snap.passed else ""
    if snap.written == 0:
        return f"Nobody has written a reflection yet{skipped}"
    return f"Only {snap.written} of {len(snap.here)} {_have(snap.written)} written a reflection{skipped}"


def reflections_count(snap: Snapshot) -> str:
    """At a key question: how many wrote and how many skipped, never one count for both."""
    skipped = f", {snap.passed} skipped" if snap.passed else ""
    return f"{snap.written} of {len(snap.here)} {_have(snap.written)} written a reflection{skipped}"


def _have(count: int) -> str:
    """ "1 of 2 has answered": one person has; "Only 1 of 2 have answered" read wrong (play6)."""
    return "has" if count == 1 else "have"


class PlainBoard:
    """The board as lines: one per event, so a screen reader (or a log) reads it in order."""

    HINTS: ClassVar[dict[str, str]] = {
        "lobby": "Waiting for learners to join. Press Enter to start when everyone is in (p pauses the session).",
        "answers": "Open for answers. Press Enter to reveal them (p pauses the session).",
        "reflections": "Learners can write their reflections. Press Enter when the discussion is over, to show the model answer points (p pauses the session).",
    }

    def __init__(self, view: SessionView, mode: str, here: set[str], gone: set[str]):
        self.view = view
        self.mode = mode
        self.here = here
        self.gone = gone
        self.answered: set[str] = set()
        self.said_everyone = 0  # how many had answered when "everyone has answered" was last said
        self.minutes_said: int | None = None
        self.time_up = False
        self.told_expected = False

    def __enter__(self) -> PlainBoard:
        self.view.say(self.HINTS[self.mode], "bold")
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def update(self, snap: Snapshot, left: float | None) -> None:
        say = self.view.say
        if self.mode == "lobby" and snap.expected and not self.told_expected:
            self.told_expected = True
            say(f"On the roster, not yet joined: {', '.join(p.name for p in snap.expected)}.")
        for p in snap.here:
            if p.learner_id not in self.here:
                self.here.add(p.learner_id)
                self.gone.discard(p.learner_id)
                say(f"{p.name} has joined ({len(snap.here)} here).")
        for p in snap.gone:
            if p.learner_id not in self.gone:
                self.gone.add(p.learner_id)
                self.here.discard(p.learner_id)
                say(f"{p.name} has left ({len(snap.here)} here).")
        if self.mode != "lobby":
            for p in snap.here:
                if p.learner_id in snap.answered and p.learner_id not in self.answered:
                    self.answered.add(p.learner_id)
                    done = sum(1 for q in snap.here if q.learner_id in self.answered)
                    verb = "has answered"
                    if self.mode == "reflections":
                        verb = "skipped the reflection" if p.learner_id in snap.skipped else "has written a reflection"
                    say(f"{p.name} {verb} ({done} of {len(snap.here)}).")
            if snap.everyone and self.said_everyone != snap.done:  # said again when a latecomer has answered too
                self.said_everyone = snap.done
                next_step = "reveal the answers" if self.mode == "answers" else "end the discussion"
                skipped = f"; {snap.written} written, {snap.passed} skipped" if snap.passed else ""
                say(f"Everyone has answered ({snap.done} of {len(snap.here)}{skipped}). Press Enter to {next_step}.", "bold")
        if left is not None:
            self._clock(left)

    def _clock(self, left: float) -> None:
        if left <= 0:
            if not self.time_up:
                self.time_up = True
                self.view.say("Discussion time is up.", "bold")
            return
        minutes = int(left // 60) + 1
        if self.minutes_said is None or minutes < self.minutes_said:
            self.minutes_said = minutes
            self.view.say(f"Discussion: {clock(left)} left.")


class RichBoard:
    """The board as one live panel, redrawn in place."""

    FOOTERS: ClassVar[dict[str, str]] = {
        "lobby": "Enter: start the session    p: pause",
        "answers": "Enter: reveal the answers    p: pause",
        "reflections": "Enter: end the discussion and show the model answer points    p: pause",
    }

    def __init__(self, view: SessionView, code: str, mode: str):
        self.view = view
        self.code = code
        self.mode = mode
        self.live: Any = None

    def __enter__(self) -> RichBoard:
        from rich.live import Live

        self.live = Live(console=self.view.console, auto_refresh=False, transient=False)
        self.live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.live.__exit__(*exc)

    def update(self, snap: Snapshot, left: float | None) -> None:
        self.live.update(self.render(snap, left), refresh=True)

    def render(self, snap: Snapshot, left: float | None) -> Any:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        rows: list[Any] = []
        total = len(snap.here)
        if self.mode == "lobby":
            rows.append(Text(f"{total} joined", style="bold"))
        else:
            reflections = self.mode == "reflections"
            head = Text(f"{reflections_count(snap) if reflections else f'{snap.done} of {total} {_have(snap.done)} answered'}  ", style="bold")
            width = 30
            filled = round(width * (snap.written if reflections else snap.done) / total) if total else 0
            head.append("█" * filled, style="green")
            head.append("░" * (width - filled), style="dim")
            rows.append(head)
            if snap.everyone:
                everyone = "Everyone has written a reflection." if reflections else "Everyone has answered."
                if reflections and snap.passed:
                    everyone = f"Everyone has answered: {snap.written} written, {snap.passed} skipped."
                rows.append(Text(everyone, style="bold green"))
        if left is not None:
            rows.append(Text(f"Discussion: {clock(left)} left" if left > 0 else "Discussion time is up.", style="bold yellow"))
        rows.append(Text(""))
        columns = max(1, min(4, self.view.console.width // 30))
        grid = Table.grid(padding=(0, 3))
        for _ in range(columns):
            grid.add_column(no_wrap=True)
        cells = []
        for p in snap.here:
            if self.mode == "lobby":
                cells.append(Text(f"● {p.name}", style="cyan"))
            elif p.learner_id in snap.skipped:
                cells.append(Text(f"– {p.name} (skipped)", style="yellow"))
            elif p.learner_id in snap.answered:
                cells.append(Text(f"✓ {p.name}", style="green"))
            else:
                cells.append(Text(f"… {p.name}", style="dim"))
        cells += [Text(f"  {p.name} (left)", style="dim italic") for p in snap.gone]
        if self.mode == "lobby":
            cells += [Text(f"○ {p.name} (not yet joined)", style="dim") for p in snap.expected]
        for i in range(0, len(cells), columns):
            grid.add_row(*cells[i : i + columns], *[""] * (columns - len(cells[i : i + columns])))
        rows.append(grid)
        rows.append(Text(""))
        rows.append(Text(self.FOOTERS[self.mode], style="bold"))
        heading = f"Session {self.code}  ·  join: {as_invoked(f'ltl-quiz session join {self.code}')}"
        if len(heading) > self.view.console.width - 8:  # a store named in full does not fit: the join code panel above has it
            heading = f"Session {self.code}  ·  join code {self.code}"
        title = Text(heading, style="bold")
        return Panel(Group(*rows), title=title, border_style="yellow", padding=(1, 2))
