"""The learner's terminal for the case commands: the ``Terminal`` the application layer is given
(prompts, lines, a runner), and what ``list``, ``show`` and ``support`` draw."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ltl_quiz.errors import Left
from ltl_quiz.support import SUPPORT
from ltl_quiz.text import counted
from ltl_quiz.ui.prompts import PlainPrompter, Prompter, QuestionaryPrompter, ScriptedPrompter, load_answers

if TYPE_CHECKING:
    from ltl_quiz.app.listing import Cases
    from ltl_quiz.scenario.model import Scenario
    from ltl_quiz.store.journal import OfflineSafeStore
    from ltl_quiz.ui.render import Renderer
    from ltl_quiz.ui.runner import Runner
    from ltl_quiz.ui.tables import Layout


def warn(text: str) -> None:
    """A line on standard error (a scenario file left out, say)."""
    print(text, file=sys.stderr)


def prompter_for(ui: Renderer, answers_file: str | None) -> Prompter:
    if answers_file:
        return ScriptedPrompter(load_answers(answers_file), answers_file, ui.say)
    return PlainPrompter(ui.say) if ui.plain else QuestionaryPrompter()


class LearnerTerminal:
    """This terminal, as ``ltl_quiz.app.ports.Terminal``: the renderer's lines and the prompts."""

    def __init__(self, ui: Renderer, answers_file: str | None = None):
        self.ui = ui
        self.prompter = prompter_for(ui, answers_file)

    def say(self, text: str) -> None:
        self.ui.say(text)

    def warn(self, text: str) -> None:
        warn(text)

    def runner(self, store: OfflineSafeStore, scenario: Scenario) -> Runner:
        from ltl_quiz.ui.runner import Runner

        return Runner(store, scenario, self.ui, self.prompter)


def list_cases(ui: Renderer, cases: Cases) -> None:
    """The case studies as lines (plain, or none to list) or as a rich table."""
    if ui.plain or not cases.rows:
        for line in cases.lines():
            ui.say(line)
        return
    from ltl_quiz.ui.tables import print_table

    header = ["#", "id", "title", "themes", "tracks", "min"]
    rows = [[str(r["case_study"]), r["id"], r["title"], ", ".join(r["themes"]), ", ".join(r["tracks"]), str(r["minutes"])] for r in cases.rows]
    print_table(ui, header, rows, title="Learning the Lessons, issue 39: case studies", narrower=_narrower(rows), readable=READABLE)


READABLE = 24  # columns a title or a list of themes needs to read as prose rather than a word a line


def _narrower(rows: list[list[str]]) -> list[Layout]:
    """The case list for narrower terminals, widest first: the themes under the title; then the id,
    title and themes in one column (80 columns); then everything but the number in one column."""
    under, stacked, cards = [], [], []
    for n, case_id, title, themes, tracks, minutes in rows:
        under.append([n, case_id, f"{title}\nThemes: {themes}", tracks, minutes])
        stacked.append([n, f"{case_id}\n{title}\nThemes: {themes}", tracks, minutes])
        cards.append([n, f"{case_id}\n{title}\nThemes: {themes}\nTracks: {tracks}; about {counted(float(minutes), 'minute')}"])
    return [
        (["#", "id", "title", "tracks", "min"], under),
        (["#", "case study: id, title, themes", "tracks", "min"], stacked),
        (["#", "case study"], cards),
    ]


def show_case(ui: Renderer, scenario: Scenario) -> None:
    """One case study described: summary, roles, content note and key questions."""
    ui.heading(f"Case study {scenario.source.case_study}: {scenario.title}")
    ui.say(scenario.summary.strip())
    ui.say("")
    ui.say(f"id: {scenario.id}  version: {scenario.version}  about {counted(scenario.minutes, 'minute')}  pass mark {scenario.pass_mark}%")
    ui.say(f"Themes: {', '.join(scenario.themes)}")
    for track in scenario.audiences:
        ui.say(f"{track.capitalize()} track: {scenario.roles[track].strip()}")
    ui.say(f"Learning report: {scenario.source.url}")
    ui.block("Content note", scenario.content_note, style="yellow")
    for track in scenario.audiences:
        ui.heading(f"Key questions for the {track} track")
        for kq in scenario.key_questions(track):
            ui.say(f"- {kq.question.strip()}")


def support(ui: Renderer) -> None:
    """The organisations, a screenful at a time at a terminal (ui.pager): printed at once, the
    list's 100 rows left only its last group in view, the introduction and Samaritans scrolled away.
    Piped or plain, it is printed whole."""
    from ltl_quiz.ui.pager import Pager

    def draw() -> None:
        ui.heading("Support and information (Learning the Lessons, issue 39)")
        ui.say("If anything in these cases has affected you, you are not alone. These organisations can help.")
        ui.say(f"To talk now: {_samaritans()}", "bold")
        for group, services in SUPPORT.items():
            ui.heading(group)
            for s in services:
                ui.say(f"{s.name}: {s.url}", "bold")
                ui.say(f"  {s.about}")

    ask = QuestionaryPrompter() if sys.stdin.isatty() else PlainPrompter(ui.say)  # no keys to read: nothing is paged
    try:
        Pager(ui, ask).page("support", draw)
    except Left:  # a Ctrl-C at a "more": the reader has what they wanted, or wants out; nothing to save, no error
        return


def _samaritans() -> str:
    """The entry that is open around the clock, as one line, ahead of the list."""
    found = next(s for services in SUPPORT.values() for s in services if s.name == "Samaritans")
    return f"{found.about} {found.url}"
