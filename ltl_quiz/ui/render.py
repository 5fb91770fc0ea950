"""What the learner reads: the case, feedback and the debrief, drawn with rich or as plain text.

Plain mode (``--plain``, ``NO_COLOR``, or output that is not a terminal) uses no colour and no box
drawing, only headings and lines, so a screen reader reads it in order. Scenario text is never
parsed as rich markup: an author's square brackets are printed as written.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any, TextIO

from ltl_quiz.invocation import as_invoked
from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER, kind_of
from ltl_quiz.support import SUPPORT_COMMAND, SUPPORT_HINT
from ltl_quiz.text import counted, one_line, percent, tidy, visible
from ltl_quiz.ui.wrap import hang, terminal_width

_MARKER = re.compile(r"^(?:[-*•]|\d+[.)]|[a-z][.)])\s+")  # a list item's marker: its lines hang after it

if TYPE_CHECKING:  # annotations only: keeps the import of this module cheap
    from ltl_quiz.config import Learner
    from ltl_quiz.engine.state_machine import Feedback, Result, State
    from ltl_quiz.language.notes import Note
    from ltl_quiz.scenario.model import KeyQuestion, Node, Scenario
    from ltl_quiz.ui.console import SafeConsole


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


def make_console(plain: bool, stderr: bool = False) -> PlainConsole | SafeConsole:
    if plain:
        return PlainConsole(sys.stderr if stderr else None)
    from ltl_quiz.ui.console import SafeConsole

    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():  # ask the terminal its width at every print: a COLUMNS set at start-up would outlive a resize
        environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        return SafeConsole(highlight=False, emoji=False, stderr=stderr, _environ=environ)
    return SafeConsole(highlight=False, emoji=False, stderr=stderr)


class Renderer:
    """Draws each part of an attempt; one instance per command, plain or rich.

    Every line is wrapped here, at word boundaries and to the terminal's width at the moment it
    is drawn (a resize between two passages is followed), with a hanging indent for list items
    and labelled lines: the terminal's own wrapping splits words, and a screen reader reads a
    list item's second line under its first. Plain output to a pipe or file is not wrapped.
    """

    def __init__(self, console: PlainConsole | SafeConsole, plain: bool):
        # PlainConsole when ``plain``, else SafeConsole: every use branches on ``plain``, which mypy cannot follow.
        self.console: Any = console
        self.plain = plain

    # -- building blocks ------------------------------------------------------------------------
    def width(self) -> int | None:
        """Columns to wrap to now (one short of the edge, where a terminal wraps by itself)."""
        if self.plain:
            stream = getattr(self.console, "stream", None) or sys.stdout
            columns = terminal_width(stream)
            return columns - 1 if columns else None
        return int(self.console.width) - 1

    def lines(self, text: str, width: int | None, prefix: str = "") -> list[str]:
        """``text`` (tidied: its own list items on their own lines) as the lines to draw."""
        out: list[str] = []
        first = prefix
        for line in tidy(text).split("\n") if text.strip() else [""]:
            marker = _MARKER.match(line)
            lead = first + (marker.group(0) if marker else "")
            body = line[marker.end() :] if marker else line
            out += hang(body, width, lead) if width else [lead + body]
            first = " " * len(prefix)
        return out

    def item(self, prefix: str, text: str, style: str | None = None) -> None:
        """A line that begins with ``prefix`` ("- ", "You chose: "), its continuation under its text."""
        drawn = self.lines(text, self.width(), prefix)
        if self.plain:
            for line in drawn:
                self.console.line(line)
            return
        from rich.text import Text

        self.console.print(Text("\n".join(drawn), style=style or ""), soft_wrap=True)

    def say(self, text: str = "", style: str | None = None) -> None:
        """One paragraph (or several); leading spaces are kept as an indent for every line."""
        text = as_invoked(text)
        indent = text[: len(text) - len(text.lstrip(" "))]
        if not text.strip():
            self.item("", "", style)
            return
        if "\n\n" in tidy(text):
            for n, paragraph in enumerate(tidy(text).split("\n\n")):
                if n:
                    self.item("", "", style)
                self.item(indent, paragraph, style)
            return
        self.item(indent, text, style)

    def heading(self, text: str) -> None:
        if self.plain:
            self.say("")
            self.say(f"== {text} ==")
        else:
            from rich.text import Text

            width = self.width() or 80
            if len(text) + 6 > width:  # a rule would cut a long title: wrap it instead
                self.item("", text, "bold")
                return
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

            width = int(self.console.width)
            inner = width - 6 if width >= 50 else width - 4  # borders, and padding while there is room for it
            pad = (1, 2) if width >= 50 else (0, 1)
            paragraphs = ["\n".join(self.lines(p, inner)) for p in body.split("\n\n")]
            head = Text(title or "", style="bold")
            if title and len(title) + 8 > width:  # a long title goes inside, wrapped, rather than cut on the border
                paragraphs.insert(0, "\n".join(self.lines(title, inner)))
                head = Text("")
            text = Text("\n\n".join(paragraphs))
            if head.plain == "" and title:
                text.stylize("bold", 0, len(paragraphs[0]))
            self.console.print(Panel(text, title=head, border_style=style, padding=pad))

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.item("- ", item.strip())

    # -- the attempt ----------------------------------------------------------------------------
    def content_note(self, scenario: Scenario) -> None:
        self.block(f"Content note: {scenario.title}", scenario.content_note, style="yellow")

    def opening(self, scenario: Scenario, track: str, mode: str) -> None:
        self.heading(f"Case study {scenario.source.case_study}: {scenario.title}")
        self.say(scenario.role(track).strip(), "bold")
        how = "feedback comes after each decision" if mode == "practice" else "feedback comes in the debrief"
        self.say(f"Track: {track}. Mode: {mode}, {how}. Press Ctrl-C at any prompt to stop; your work is kept.")
        self.say("")

    def node(self, node: Node) -> None:
        """A node's title and text as it is reached; an ending's are drawn by the debrief instead."""
        if kind_of(node.type).ending:
            return
        if node.text:
            self.block(node.title, node.text)
        elif node.title:
            self.heading(node.title)

    def feedback(self, fb: Feedback) -> None:
        """Feedback straight after a decision (practice mode) or in the debrief's review."""
        verdict = "Recommended" if fb.points >= fb.best_points and not fb.critical else "Not the recommended choice"
        if fb.critical:
            verdict = "Critical: this choice means the attempt cannot pass"
        style = "red" if fb.critical else ("green" if verdict == "Recommended" else "yellow")
        self.say(f"{verdict} ({fb.points} of {counted(fb.best_points, 'point')})", f"bold {style}")
        for opt in fb.chosen:
            self.item("You chose: ", opt.text)
            self.say(f"  {opt.feedback.strip()}")
        if fb.chosen == [] and fb.recommended:
            self.say("You chose none of the options.")
        for opt in fb.missed:
            self.item("Also needed: ", opt.text)
            self.say(f"  {opt.feedback.strip()}")
        chosen_ids = {o.id for o in fb.chosen}
        if fb.recommended and not {o.id for o in fb.recommended} <= chosen_ids and not fb.missed:
            rec = fb.recommended[0]
            self.item("Recommended: ", rec.text)
            self.say(f"  {rec.feedback.strip()}")
        self.say("")

    def ending(self, node: Node) -> None:
        self.block(f"Ending: {node.title}", node.text or "", style="magenta")
        if node.feedback:
            self.say(node.feedback.strip())
            self.say("")

    @staticmethod
    def summary(scenario: Scenario, result: Result) -> str:
        """The result in one line, kept in view at the foot of every part of the debrief."""
        verdict = "PASSED" if result.passed else "NOT PASSED"
        critical = ", a critical failure" if result.critical else ""
        return f"Score {result.score} of {result.best} ({percent(result.percentage)}), pass mark {scenario.pass_mark}%: {verdict}{critical}"

    def result(self, scenario: Scenario, state: State, result: Result) -> None:
        self.heading("Debrief: your result")
        verdict = "PASSED" if result.passed else "NOT PASSED"
        style = "bold green" if result.passed else "bold red"
        self.say(f"Score: {result.score} of {result.best} ({percent(result.percentage)}). Pass mark {scenario.pass_mark}%. {verdict}.", style)
        notes = {(c.node_id, c.option_id): c.note for c in result.real_failings}
        if result.critical:  # each once: what the real people did, where it repeats them, else why it is critical
            self.say("A critical failure means this attempt cannot pass, whatever the score:", "red")
            for node_id, option_id in result.critical:
                opt = scenario.nodes[node_id].option(option_id)
                self.item("- ", opt.text)
                note = notes.pop((node_id, option_id), None)
                self.say(f"  In the real case: {one_line(note)}" if note else f"  {opt.feedback.strip()}")
        if notes:
            self.say("You repeated what went wrong in the real case:", "red")
            for (node_id, option_id), note in notes.items():
                self.item("- ", scenario.nodes[node_id].option(option_id).text)
                self.say(f"  {one_line(note)}")
        good = [c for c in result.real_case if c.did == "good"]
        if good:
            self.say("You did what the real officers or staff did well:", "green")
            for choice in good:
                self.item("- ", one_line(choice.note))
        if result.competencies or result.competency_best:
            self.say("Competency profile (competency points, kept apart from the score: yours out of the most the path you took could earn):")
            for tag in sorted(set(result.competencies) | set(result.competency_best)):
                got, most = result.competencies.get(tag, 0), result.competency_best.get(tag, 0)
                self.item("- ", f"{tag.replace('_', ' ')}: {got} of {most}")
        self.say("")

    def review(self, feedbacks: list[Feedback]) -> None:
        self.heading("Your decisions beside the recommended ones")
        for fb in feedbacks:
            self.say(fb.prompt.strip(), "bold")
            self.feedback(fb)

    def real_case(self, scenario: Scenario) -> None:
        self.what_happened(scenario)
        self.references(scenario)

    def what_happened(self, scenario: Scenario) -> None:
        case = scenario.case
        self.block("What actually happened", case.what_happened, style="blue")
        self.heading("Outcomes for the officers and staff")
        self.bullets(case.outcomes)
        self.heading("Action taken by the force")
        self.bullets(case.force_actions)
        self.say("")

    def references(self, scenario: Scenario) -> None:
        self.heading("References")
        for ref in scenario.case.references:
            self.item("- ", ref.title + (f" ({ref.url})" if ref.url else ""))
            if ref.quote:
                self.say("  " + one_line(ref.quote))
        self.item("Full learning report: ", scenario.source.url)
        self.say("")

    def recap(self, scenario: Scenario, state: State, attempt_id: str, learner: Learner, question: str | None = None) -> None:
        """Where a resumed attempt stands, before its next prompt: the case, the step (or the debrief's
        key question, ``question`` "3 of 3"), the last passage, and whom it is recorded for (a shared
        computer's latest attempt may be a colleague's)."""
        self.heading(f"Carrying on: case study {scenario.source.case_study}, {scenario.title}")
        self.say(f"Recording for {learner.described}.")
        about = f"Attempt {attempt_id[:8]}, {state.track} track, {state.mode}."
        if question:  # the case and its debrief are behind the learner: no passage to recall
            self.say(f"{about} You are at key question {question} of the debrief; everything before it is saved.")
            self.say("")
            return
        step = len([a for a in state.answers if a.kind != KEY_QUESTION_ANSWER]) + 1
        self.say(f"{about} You are at step {step}; everything before it is saved.")
        passage = last_passage(scenario, state)
        if passage is not None:
            self.item("The last passage you read: ", passage.title or "(untitled)", "bold")
            for paragraph in recalled(passage.text or "", width=max(20, (self.width() or 80) - 3)):
                self.say(f"  {paragraph}")
        current = scenario.nodes[state.node_id]
        if kind_of(current.type).answering == "read":  # shown in full next: whether it was read before the stop is not known
            self.item("It goes on with: ", current.title or "(untitled)", "bold")
        self.say("")

    def key_question(self, kq: KeyQuestion, place: str = "") -> None:
        """A key question's panel; ``place`` ("2 of 7" in the debrief, or that it is a reflection
        during the case) says where it stands among those the learner answers."""
        self.block(f"Key question {place}" if place else "Key question", kq.question, style="green")

    def model_points(self, kq: KeyQuestion) -> None:
        self.say("Points a full answer would cover:", "bold")
        for i, point in enumerate(kq.model_points, start=1):
            self.item(f"{i}. ", point)

    def language_notes(self, notes: list[Note], scored: bool = True) -> None:
        """A short, respectful note on words in the learner's reflections; silent when there are none.
        ``scored``: False in a group session, which has no score to reassure anyone about."""
        if not notes:
            return
        self.heading("A note on language")
        score = " This does not change your score." if scored else ""
        self.say(f"Some words in your reflections can blame a child for abuse done to them.{score}")
        for note in notes:
            self.item("- ", f"You wrote \u201c{note.phrase}\u201d. {note.why}")
            self.say(f"  Instead: {note.instead}")
        self.say("")

    def closing(self, learner_id: str, attempt_id: str, scripted: bool = False) -> None:
        self.heading("Support and your record")
        self.say(SUPPORT_HINT)
        self.command(SUPPORT_COMMAND)
        self.say(f"Your attempt is saved as {attempt_id[:8]}. Your record of it:")
        self.command(f"ltl-quiz history --learner {learner_id}")
        if scripted:  # an answers file is nobody's own work: it stays out of CPD records and pass rates
            self.say("It was answered from a file, so it is marked scripted and left out of CPD records and pass rates.")
            return
        self.say("Your CPD record of the case studies you have completed:")
        self.command(f"ltl-quiz cpd {learner_id} --format html --out cpd.html")

    def command(self, line: str) -> None:
        """A command to type or copy, on a line of its own, indented, with no quotes and no full
        stop after it: quoted in a sentence, the whole line copied and pasted failed."""
        self.say(f"    {line}")


def last_passage(scenario: Scenario, state: State) -> Node | None:
    """The last node with text the learner has answered, so surely read. Never the current node:
    a stop during a decision's feedback leaves the next passage current, unread."""
    ids = [a.node_id for a in state.answers if a.kind != KEY_QUESTION_ANSWER]
    for node_id in reversed(ids):
        node = scenario.nodes.get(node_id)
        if node is not None and node.text:
            return node
    return None


def recalled(text: str, rows: int = 8, width: int = 76) -> list[str]:
    """What the recap shows of the last passage read: all of it when it takes at most ``rows``
    rows at ``width``; else its end, the paragraphs (and, when its last one alone is too long, the
    sentences) that fit, after a "…". Its first sentence alone left out what the pending decision
    asks about (case 1: the woman and her nine-year-old child came in its second paragraph)."""
    import textwrap

    paragraphs = [one_line(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]

    def taken(lines: list[str]) -> int:
        return sum(len(textwrap.wrap(line, width)) for line in lines)

    if taken(paragraphs) <= rows:
        return paragraphs
    kept: list[str] = []
    while paragraphs and taken([paragraphs[-1], *kept]) <= rows - 1:  # a row spare for the "…" a cut start may add
        kept.insert(0, paragraphs.pop())
    if not kept and paragraphs:  # the last paragraph alone is too long: its last sentences
        sentences = re.split(r"(?<=[.!?])\s+", paragraphs[-1])
        while len(sentences) > 1 and taken(["\u2026 " + " ".join(sentences)]) > rows:
            sentences.pop(0)
        kept = [" ".join(sentences)]
    return ["\u2026 " + kept[0], *kept[1:]]
