"""What the learner reads: the case, feedback and the debrief, drawn with rich or as plain text.

Plain mode (``--plain``, ``NO_COLOR``, or output that is not a terminal) uses no colour and no box
drawing, only headings and lines, so a screen reader reads it in order. Scenario text is never
parsed as rich markup: an author's square brackets are printed as written.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from ltl_quiz.support import SUPPORT_HINT
from ltl_quiz.text import one_line, tidy, visible

if TYPE_CHECKING:  # annotations only: keeps the import of this module cheap
    from ltl_quiz.engine import Feedback, Result, State
    from ltl_quiz.language.notes import Note
    from ltl_quiz.model import KeyQuestion, Node, Scenario


def wants_plain(flag: bool | None) -> bool:
    """``--plain``/``--rich`` when given; otherwise plain under NO_COLOR or when not a terminal."""
    if flag is not None:
        return flag
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()


class PlainConsole:
    """Lines of text and nothing else; rich is not even imported, which also keeps start-up fast."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def line(self, text: str) -> None:
        print(visible(text), file=self.stream or sys.stdout, flush=True)  # keep order with stderr


def make_console(plain: bool, stderr: bool = False) -> Any:
    if plain:
        return PlainConsole(sys.stderr if stderr else None)
    from ltl_quiz.ui.console import SafeConsole

    return SafeConsole(highlight=False, emoji=False, stderr=stderr)


class Renderer:
    """Draws each part of an attempt; one instance per command, plain or rich."""

    def __init__(self, console: Any, plain: bool):
        self.console = console
        self.plain = plain

    # -- building blocks ------------------------------------------------------------------------
    def say(self, text: str = "", style: str | None = None) -> None:
        """One paragraph; plain mode leaves wrapping to the terminal or screen reader."""
        indent = text[: len(text) - len(text.lstrip(" "))]
        if self.plain:
            self.console.line(indent + tidy(text))
            return
        from rich.padding import Padding
        from rich.text import Text

        # an indent holds for wrapped lines too, so feedback stays visibly under its choice
        self.console.print(Padding(Text(tidy(text), style=style), (0, 0, 0, len(indent))))

    def heading(self, text: str) -> None:
        if self.plain:
            self.say("")
            self.say(f"== {text} ==")
        else:
            from rich.text import Text

            self.console.rule(Text(text, style="bold"))

    def block(self, title: str | None, body: str, style: str = "cyan") -> None:
        """A passage of narrative: a panel in rich mode, a heading and paragraphs in plain mode."""
        body = tidy(body)
        if self.plain:
            if title:
                self.heading(title)
            for paragraph in body.split("\n\n"):
                self.say(paragraph)
            self.say("")
        else:
            from rich.panel import Panel
            from rich.text import Text

            self.console.print(Panel(Text(body), title=Text(title or "", style="bold"), border_style=style, padding=(1, 2)))

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.say(f"- {item.strip()}")

    # -- the attempt ----------------------------------------------------------------------------
    def content_note(self, scenario: Scenario) -> None:
        self.block(f"Content note: {scenario.title}", scenario.content_note, style="yellow")

    def opening(self, scenario: Scenario, track: str, mode: str) -> None:
        self.heading(f"Case study {scenario.source.case_study}: {scenario.title}")
        self.say(scenario.roles.get(track, "").strip(), "bold")  # type: ignore[call-overload]
        how = "Feedback comes after each decision." if mode == "practice" else "Assessed: feedback comes in the debrief."
        self.say(f"Track: {track}. Mode: {mode}. {how} Press Ctrl-C at any prompt to stop; your work is kept.")
        self.say("")

    def node(self, node: Node) -> None:
        if node.text and node.type != "end":
            self.block(node.title, node.text)
        elif node.title and node.type != "end":
            self.heading(node.title)

    def feedback(self, fb: Feedback) -> None:
        """Feedback straight after a decision (practice mode) or in the debrief's review."""
        verdict = "Recommended" if fb.points >= fb.best_points and not fb.critical else "Not the recommended choice"
        if fb.critical:
            verdict = "Critical: a child would be left unsafeguarded"
        style = "red" if fb.critical else ("green" if verdict == "Recommended" else "yellow")
        self.say(f"{verdict} ({fb.points} of {fb.best_points} points)", f"bold {style}")
        for opt in fb.chosen:
            self.say(f"You chose: {opt.text.strip()}")
            self.say(f"  {opt.feedback.strip()}")
        if fb.chosen == [] and fb.recommended:
            self.say("You chose none of the options.")
        for opt in fb.missed:
            self.say(f"Also needed: {opt.text.strip()}")
            self.say(f"  {opt.feedback.strip()}")
        chosen_ids = {o.id for o in fb.chosen}
        if fb.recommended and not {o.id for o in fb.recommended} <= chosen_ids and not fb.missed:
            rec = fb.recommended[0]
            self.say(f"Recommended: {rec.text.strip()}")
            self.say(f"  {rec.feedback.strip()}")
        self.say("")

    def ending(self, node: Node) -> None:
        self.block(f"Ending: {node.title}", node.text or "", style="magenta")
        if node.feedback:
            self.say(node.feedback.strip())
            self.say("")

    def result(self, scenario: Scenario, state: State, result: Result) -> None:
        self.heading("Debrief")
        verdict = "PASSED" if result.passed else "NOT PASSED"
        style = "bold green" if result.passed else "bold red"
        self.say(f"Score: {result.score} of {result.best} ({result.percentage:g}%). Pass mark {scenario.pass_mark}%. {verdict}.", style)
        if result.critical:
            self.say("A critical safeguarding failure means this attempt cannot pass, whatever the score:", "red")
            for node_id, option_id in result.critical:
                opt = scenario.nodes[node_id].option(option_id)
                self.say(f"- {opt.text.strip()}")
                self.say(f"  {opt.feedback.strip()}")
        failings = result.real_failings
        if failings:
            self.say("You repeated what went wrong in the real case:", "red")
            for choice in failings:
                self.say(f"- {scenario.nodes[choice.node_id].option(choice.option_id).text.strip()}")
                self.say(f"  {one_line(choice.note)}")
        good = [c for c in result.real_case if c.did == "good"]
        if good:
            self.say("You did what the real officers or staff did well:", "green")
            for choice in good:
                self.say(f"- {one_line(choice.note)}")
        if result.competencies:
            self.say("Competency profile: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(result.competencies.items())))
        self.say("")

    def review(self, feedbacks: list[Feedback]) -> None:
        self.heading("Your decisions beside the recommended ones")
        for fb in feedbacks:
            self.say(fb.prompt.strip(), "bold")
            self.feedback(fb)

    def real_case(self, scenario: Scenario) -> None:
        case = scenario.case
        self.block("What actually happened", case.what_happened, style="blue")
        self.heading("Outcomes for the officers and staff")
        self.bullets(case.outcomes)
        self.heading("Action taken by the force")
        self.bullets(case.force_actions)
        self.heading("References")
        for ref in case.references:
            self.say(f"- {ref.title}" + (f" ({ref.url})" if ref.url else ""))
            if ref.quote:
                self.say("  " + one_line(ref.quote))
        self.say(f"Full learning report: {scenario.source.url}")
        self.say("")

    def key_question(self, kq: KeyQuestion) -> None:
        self.block("Key question", kq.question, style="green")

    def model_points(self, kq: KeyQuestion) -> None:
        self.say("Points a full answer would cover:", "bold")
        for i, point in enumerate(kq.model_points, start=1):
            self.say(f"{i}. {point.strip()}")

    def language_notes(self, notes: list[Note]) -> None:
        """A short, respectful note on words in the learner's reflections; silent when there are none."""
        if not notes:
            return
        self.heading("A note on language")
        self.say("Some words in your reflections can blame a child for abuse done to them. This does not change your score.")
        for note in notes:
            self.say(f"- You wrote \u201c{note.phrase}\u201d. {note.why}")
            self.say(f"  Instead: {note.instead}")
        self.say("")

    def closing(self, learner_id: str, attempt_id: str, scripted: bool = False) -> None:
        self.heading("Support and your record")
        self.say(SUPPORT_HINT)
        self.say(f"Your attempt is saved as {attempt_id[:8]}. Your record of it: 'ltl-quiz history --learner {learner_id}'.")
        if scripted:  # an answers file is nobody's own work: it stays out of CPD records and pass rates
            self.say("It was answered from a file, so it is marked scripted and left out of CPD records and pass rates.")
            return
        self.say(f"Your CPD record of the case studies you have completed: 'ltl-quiz cpd {learner_id} --format html --out cpd.html'.")
