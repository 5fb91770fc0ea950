"""What a session puts on screen: the narrative for a room, lettered options, the bar chart, the reveal.

Built on the attempt ``Renderer`` (plain or rich). On the trainer's projected screen each step
starts on a clear screen, with the narrative in a wide panel and options called out by letter; in
plain mode the same content comes as headings and lines, the chart in ASCII, for screen readers,
pipes and logs. Scenario text is never parsed as markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.invocation import as_invoked
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.sessions.letters import lettered, letters_of
from ltl_quiz.text import one_line, tidy
from ltl_quiz.ui.render import Renderer
from ltl_quiz.ui.sessions.bigtext import fitted
from ltl_quiz.ui.sessions.chart import bars, plain_chart

if TYPE_CHECKING:
    from ltl_quiz.engine.state_machine import Answer, Feedback
    from ltl_quiz.scenario.model import KeyQuestion, Node, Scenario
    from ltl_quiz.sessions.records import Beside
    from ltl_quiz.sessions.tally import Distribution, RoomChoice

WaitKey = Callable[[float], "str | None"]
CRITICAL = "Critical: one of the most serious mistakes in this case, for the child's safety and for the case itself."


def ends(key: str | None) -> bool:
    """Whether a key ends the discussion early: Enter (a line, in plain mode) or the input closing;
    a Space or a stray letter does nothing (issue 13: only the documented keys act)."""
    return key is not None and (key == "" or key.endswith(("\n", "\r")))


def clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class SessionView:
    """Draws a session's screens; ``projected`` is the trainer's screen, which starts each step afresh."""

    def __init__(self, ui: Renderer, projected: bool = False):
        self.ui = ui
        self.console = ui.console
        self.plain = ui.plain
        self.projected = projected

    # -- building blocks ------------------------------------------------------------------------
    def say(self, text: str = "", style: str | None = None) -> None:
        self.ui.say(text, style)

    def heading(self, text: str) -> None:
        self.ui.heading(text)

    def new_screen(self, title: str) -> None:
        """A new step: a clear screen on a projector (rich), a heading everywhere."""
        if not self.plain and self.projected:
            self.console.clear()
        self.heading(title)

    def join_code(self, code: str, scenario: Scenario, track: str, trainer: str) -> None:
        command = as_invoked(f"ltl-quiz session join {code}")  # with the store and scenarios given, as it must be typed
        if self.plain:
            self.heading(f"Session {code}")
            self.say(f"Case study {scenario.source.case_study}: {scenario.title} ({track} track). Trainer: {trainer}.")
            self.say(f"Join code: {code}")
            self.say(f"Learners join with: {command}")
            return
        from rich.align import Align
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        letters = Text("\n".join(fitted(code, self._inside())), style="bold yellow")
        body = Group(
            Align.center(Text(f"Case study {scenario.source.case_study}: {scenario.title} ({track} track)", style="bold")),
            Text(""),
            Align.center(Text(f"Join code {code}", style="bold")),
            Text(""),
            Align.center(letters),
            Text(""),
            *self._join_lines(command),
        )
        self.console.print(Panel(body, title=Text(f"Trainer: {trainer}"), border_style="yellow", padding=(1, 2)))

    def _join_lines(self, command: str) -> list[Any]:
        """'On your own terminal type:' and the command, on one line where they fit; else the command
        on a line of its own, so that the room never reads half a command at a line's end."""
        from rich.align import Align
        from rich.text import Text

        whole = f"On your own terminal type:  {command}"
        if len(whole) <= self._inside():
            return [Align.center(Text(whole, style="bold"))]
        return [Align.center(Text("On your own terminal type:", style="bold")), Align.center(Text(command, style="bold"))]

    # -- steps ------------------------------------------------------------------------------------
    def narrative(self, node: Node) -> None:
        """The case as the room reads it: wide, with room to breathe on a projector."""
        if not node.text:
            if node.title:
                self.heading(node.title)
            return
        if self.plain:
            self.ui.block(node.title, node.text)
            return
        from rich.panel import Panel
        from rich.text import Text

        pad = (1, 4) if self.projected else (1, 2)
        self.console.print(Panel(Text(tidy(node.text)), title=Text(node.title or "", style="bold"), border_style="cyan", padding=pad))

    def question(self, node: Node) -> None:
        """A decision's question and its options by letter, so a room can call them out."""
        prompt = one_line(node.prompt)
        hint = " (choose all that apply)" if kind_of(node.type).several and "all that apply" not in prompt.lower() else ""
        if self.plain:
            self.say(prompt + hint)
            for let, opt in lettered(node):
                self.say(f"  {let}. {' '.join(opt.text.split())}")
            self.say("")
            return
        from rich.table import Table
        from rich.text import Text

        self.console.print(Text(prompt + hint, style="bold"))
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(no_wrap=True)
        grid.add_column()
        for let, opt in lettered(node):
            grid.add_row(Text(f" {let} ", style="bold black on cyan"), Text(one_line(opt.text)))
            grid.add_row("", "")
        self.console.print(grid)

    def chart(self, node: Node, dist: Distribution) -> None:
        """The distribution as a bar chart; ASCII in plain mode."""
        who = "person" if dist.responses == 1 else "people"
        if self.plain:
            for line in plain_chart(node, dist):
                self.console.line(line)  # as built: the bars line up
            self.say(f"{dist.responses} {who} answered.")
            chosen = [opt.id for opt in node.options if opt.critical and dist.counts.get(opt.id, 0)]
            if chosen:  # however few chose it: a critical choice is named on the chart (issue 13)
                self.say(f"Critical choice{'s' if len(chosen) > 1 else ''} in the room: {letters_of(node, chosen)}.", "bold red")
            return
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column()
        for bar in bars(node, dist, width=min(40, max(10, self.console.width // 3))):
            colour = "red" if bar.option.critical else ("green" if bar.recommended else "cyan")
            label = Text(one_line(bar.option.text))
            if bar.recommended:
                label.append("  (recommended)", style="bold green")
            if bar.option.critical and bar.count:  # marked however few chose it (issue 13)
                label.append("  (critical)", style="bold red")
            grid.add_row(
                Text(f" {bar.letter} ", style="bold black on cyan"),
                Text(bar.text("█", "░"), style=colour),
                Text(bar.figure, style="bold"),
                label,
            )
        self.console.print(grid)
        self.console.print(Text(f"{dist.responses} {who} answered.", style="dim"))

    def reveal(self, node: Node, dist: Distribution, choice: RoomChoice, own: Answer | None = None) -> None:
        """The distribution, then the recommended option and its feedback (and the room's, if different).

        A split room is named by the branch prompt that follows on the trainer's screen, once (issue 13)."""
        self.heading(f"What the room chose: {' '.join((node.prompt or '').split())}")
        self.chart(node, dist)
        self.say("")
        if own is not None:
            self.own_feedback(engine.feedback_for(node, own))
            return
        recommended = [node.option(i) for i in node.recommended]
        for opt in recommended:
            self.say(f"Recommended: {letters_of(node, [opt.id])}. {' '.join(opt.text.split())}", "bold green")
            self.say(f"  {' '.join(opt.feedback.split())}")
        if kind_of(node.type).several:
            for opt in node.options:
                if opt.id not in node.recommended and dist.counts.get(opt.id, 0):
                    self.say(f"Also chosen, not recommended: {letters_of(node, [opt.id])}. {' '.join(opt.text.split())}", "bold yellow")
                    self.say(f"  {' '.join(opt.feedback.split())}")
            self.say(f"The room's selection (more than half ticked): {letters_of(node, choice.option_ids)}.", "bold")
        elif choice.clear and choice.option_ids and choice.option_ids != node.recommended[:1]:
            opt = node.option(choice.option_ids[0])
            style = "bold red" if opt.critical else "bold yellow"
            self.say(f"Most of the room chose: {letters_of(node, [opt.id])}. {' '.join(opt.text.split())}", style)
            if opt.critical:
                self.say(f"  {CRITICAL}", "red")
            self.say(f"  {' '.join(opt.feedback.split())}")
        if not kind_of(node.type).several:
            for opt in node.options:
                few = dist.counts.get(opt.id, 0)
                if opt.critical and few and opt.id not in choice.option_ids:  # a minority's critical choice is named too
                    self.say(f"Chosen by {few}, critical: {letters_of(node, [opt.id])}. {' '.join(opt.text.split())}", "bold red")
                    self.say(f"  {' '.join(opt.feedback.split())}")
        self.say("")

    def own_feedback(self, fb: Feedback) -> None:
        """A learner's own choice after the reveal. A group session has no score and no pass (its
        record says so), so the choice is told as recommended or not, with no points (issue 13), and
        a critical one by what it means for the child and the case."""
        verdict = "Recommended" if fb.points >= fb.best_points and not fb.critical else "Not the recommended choice"
        if fb.critical:
            verdict = CRITICAL
        style = "red" if fb.critical else ("green" if verdict == "Recommended" else "yellow")
        self.say(verdict, f"bold {style}")
        for opt in fb.chosen:
            self.ui.item("You chose: ", opt.text)
            if opt.real_case is not None and opt.real_case.did == "failing":
                self.say(f"  In the real case: {one_line(opt.real_case.note)}")
            self.say(f"  {opt.feedback.strip()}")
        if fb.chosen == [] and fb.recommended:
            self.say("You chose none of the options.")
        for opt in fb.missed:
            self.ui.item("Also needed: ", opt.text)
            self.say(f"  {opt.feedback.strip()}")
        if fb.recommended and not {o.id for o in fb.recommended} <= {o.id for o in fb.chosen} and not fb.missed:
            self.ui.item("Recommended: ", fb.recommended[0].text)
            self.say(f"  {fb.recommended[0].feedback.strip()}")
        self.say("")

    def key_question(self, kq: KeyQuestion, title: str = "Key question for discussion") -> None:
        self.ui.block(title, kq.question, style="green")

    def model_points(self, kq: KeyQuestion) -> None:
        self.ui.model_points(kq)
        self.say("")

    def room_ending(self, scenario: Scenario, node: Node, room: engine.State) -> None:
        """The ending the room reached, then what its path repeated of the real case: its critical
        choices, what went wrong and what went well. No score: a group session has none."""
        self.ui.ending(node)
        result = engine.result(scenario, room)
        notes = {(c.node_id, c.option_id): c.note for c in result.real_failings}
        if result.critical:
            self.say("The room followed a critical choice:", "bold red")
            for node_id, option_id in result.critical:  # each under its decision: several read "A." alone
                self.ui.item("- ", self._at(scenario.nodes[node_id], [option_id]))
                note = notes.pop((node_id, option_id), None)
                self.say(f"  In the real case: {one_line(note)}" if note else f"  {CRITICAL}")
        if notes:
            self.say("The room repeated what went wrong in the real case:", "bold red")
            for (node_id, option_id), note in notes.items():
                self.ui.item("- ", self._at(scenario.nodes[node_id], [option_id]))
                self.say(f"  {one_line(note)}")
        good = [c for c in result.real_case if c.did == "good"]
        if good:
            self.say("The room did what the real officers or staff did well:", "bold green")
            for choice in good:
                self.ui.item("- ", one_line(choice.note))
        self.say("")

    def room_decisions(self, scenario: Scenario, room: engine.State) -> None:
        """Each branch the room followed beside the recommended one, and why that one is recommended."""
        self.heading("The room's decisions beside the recommended ones")
        for a in room.answers:
            node = scenario.nodes[a.node_id]
            if not kind_of(node.type).choice:
                continue
            self.say(one_line(node.prompt), "bold")
            self.ui.item("  The room followed: ", self._options(node, a.option_ids))
            self.ui.item("  Recommended: ", self._options(node, list(node.recommended)))
            if sorted(a.option_ids) != sorted(node.recommended):
                for opt_id in node.recommended:
                    self.say(f"    {one_line(node.option(opt_id).feedback)}")
        self.say("")

    def ending(self, scenario: Scenario, node: Node) -> None:
        self.ui.ending(node)
        self.ui.real_case(scenario)

    def decisions(self, scenario: Scenario, besides: list[Beside]) -> None:
        """A learner's own choice at each decision beside the branch the room followed and the recommended option."""
        self.heading("Your decisions beside the room's and the recommended ones")
        if not besides:
            self.say("The room took no decisions while you were in the session.")
        for b in besides:
            node = scenario.nodes[b.node_id]
            self.say(one_line(node.prompt), "bold")
            if b.mine is None:
                self.say("  You gave no answer of your own here (you had not joined yet, or it closed first).")
            else:
                self.ui.item("  You chose: ", self._options(node, b.mine))
            self.ui.item("  The room followed: ", self._options(node, b.room))
            self.ui.item("  Recommended: ", self._options(node, list(node.recommended)))
            if b.mine is not None and any(node.option(i).critical for i in b.mine):
                self.say(f"  {CRITICAL}", "red")
        self.say("")

    @staticmethod
    def _at(node: Node, ids: list[str]) -> str:
        """Options with the decision they were chosen at, for a list that gathers several decisions."""
        return f"At \u201c{one_line(node.prompt or node.title or node.id)}\u201d: {SessionView._options(node, ids)}"

    @staticmethod
    def _options(node: Node, ids: list[str]) -> str:
        if not ids:
            return "none of the options"
        shown = [f"{letters_of(node, [i])}. {one_line(node.option(i).text)}" for i in ids]
        return " ".join(text if text.endswith((".", "?", "!")) or n == len(shown) - 1 else text + ";" for n, text in enumerate(shown))  # never ".;"

    # -- the discussion clock -------------------------------------------------------------------
    def countdown(self, seconds: float, wait_key: WaitKey) -> bool:
        """Count the discussion down; any key (Enter) ends it early. True if it ran to the end."""
        end = time.monotonic() + seconds
        if self.plain:
            return self._plain_countdown(seconds, end, wait_key)
        from rich.live import Live

        face = self._face
        with Live(face(seconds), console=self.console, auto_refresh=False, transient=False) as live:
            while (left := end - time.monotonic()) > 0:
                live.update(face(left), refresh=True)
                if ends(wait_key(min(1.0, left))):
                    live.update(face(left, "Discussion ended."), refresh=True)
                    return False
            live.update(face(0, "Time is up."), refresh=True)
        return True

    def countdown_rows(self, seconds: float) -> int:
        """Rows the discussion clock takes as drawn at this width (its digits wrap on a narrow screen)."""
        return self.rows_of(self._face(seconds))

    def rows_of(self, drawn: Any) -> int:
        """Rows a live panel takes at the terminal's width, measured by drawing it (its cursor waits on its last row)."""
        return len(self.console.render_lines(drawn, self.console.options, pad=False))

    def _inside(self) -> int:
        """Columns inside a panel with padding (1, 2) at the terminal's width now (read at each draw)."""
        return max(1, int(self.console.width) - 6)

    def _face(self, left: float, note: str = "Press Enter to end the discussion early.") -> Any:
        from rich.align import Align
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        digits = Text("\n".join(fitted(clock(left), self._inside())), style="bold yellow" if left > 30 else "bold red")
        body = Group(Align.center(digits), Text(""), Align.center(Text(note, style="bold")))
        return Panel(body, title=Text("Discussion", style="bold"), border_style="green", padding=(1, 2))

    def _plain_countdown(self, seconds: float, end: float, wait_key: WaitKey) -> bool:
        self.say(f"Discussion: {clock(seconds)}. Press Enter to end it early.")
        said = int(seconds // 60)
        while (left := end - time.monotonic()) > 0:
            minutes = int(left // 60) + (1 if left % 60 else 0)
            if minutes < said and minutes > 0:
                said = minutes
                self.say(f"{minutes} minute{'s' if minutes != 1 else ''} left.")
            if ends(wait_key(min(1.0, left))):
                self.say("Discussion ended.")
                return False
        self.say("Time is up.")
        return True
