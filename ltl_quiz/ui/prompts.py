"""How a learner answers: arrow-key prompts (questionary), numbered plain prompts, or a file.

All three share one small interface, so the runner does not care which it has. Each prompt is
given a ``key`` (the node or key-question id) so that an answers file can be matched to it.
Leaving (Ctrl-C, or a terminal that closes) raises ``Left`` from every kind of prompt.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ltl_quiz.errors import AnswersError, Left

Choice = tuple[str, str]  # (value, label)
LETTERED = re.compile(r"^([A-Z])\. ")  # options a room calls out by letter: "B. Tell the caller..."


class Prompter(Protocol):
    def say(self, text: str) -> None: ...
    def confirm(self, key: str, message: str, default: bool = True) -> bool: ...
    def select(self, key: str, message: str, choices: Sequence[Choice]) -> str: ...
    def checkbox(self, key: str, message: str, choices: Sequence[Choice]) -> list[str]: ...
    def text(self, key: str, message: str) -> str: ...
    def tick(self, key: str, message: str, points: Sequence[str]) -> list[int]: ...
    def pause(self, key: str, message: str) -> None: ...


class QuestionaryPrompter:
    """Arrow keys and space, as in most terminal tools; numbers also work as shortcuts.

    Keys pressed before a prompt is drawn are thrown away first: an Enter pressed to read on
    through a passage must never answer the decision that follows it.
    """

    lists_points = True  # the tick prompt shows the model points itself: they are read once
    pauses_after_ending = True  # the ending has its own prompt: debrief part 1 filled the screen below it
    pages = True  # a person reads a screen: a block taller than it comes a screenful at a time (ui.pager)

    on_resize: Callable[[], None] | None = None  # draws again what the prompt stands under, at the width the terminal has now

    def _ask(self, question: Any) -> Any:
        from ltl_quiz.ui.choosers import discard_typeahead
        from ltl_quiz.ui.echo import hush

        discard_typeahead(erase_echo=True)
        hush()  # the prompt puts back the settings it finds: keys typed after it, while the next passage is drawn, are not echoed
        if self.on_resize is not None:
            _redrawn_on_resize(question.application, self.on_resize)
        try:
            return question.unsafe_ask()  # raises on Ctrl-C, unlike ask(), so we can keep the attempt
        except (KeyboardInterrupt, EOFError):
            raise Left() from None

    def say(self, text: str) -> None:
        """A line between prompts (why an answer was refused), where questionary draws them."""
        print(text)

    def confirm(self, key: str, message: str, default: bool = True) -> bool:
        from ltl_quiz.ui import choosers

        return bool(self._ask(choosers.confirm(message)))  # no default: Enter alone answers nothing

    def select(self, key: str, message: str, choices: Sequence[Choice]) -> str:
        from ltl_quiz.ui import choosers

        return str(self._ask(choosers.select(message, choices)))

    def checkbox(self, key: str, message: str, choices: Sequence[Choice]) -> list[str]:
        from ltl_quiz.ui import choosers

        return list(self._ask(choosers.checkbox(message, choices)))

    def text(self, key: str, message: str) -> str:
        from ltl_quiz.ui import choosers

        answer = str(self._ask(choosers.text(message)))
        choosers.echo(message, answer)
        return answer

    def tick(self, key: str, message: str, points: Sequence[str]) -> list[int]:
        picked = self.checkbox(key, message, [(str(i), p.strip()) for i, p in enumerate(points)])
        return sorted(int(v) for v in picked)

    def pause(self, key: str, message: str) -> None:
        from ltl_quiz.ui import choosers

        self._ask(choosers.pause(message))

    def more(self, key: str, message: str) -> None:
        """The pager's pause between two pages of one block: erased once a key is pressed, so the
        next page goes on from the row it stood on (left, its empty row split a panel or a sentence)."""
        from ltl_quiz.ui import choosers

        self._ask(choosers.pause(message, erase=True))


def _redrawn_on_resize(app: Any, redraw: Callable[[], None]) -> None:
    """When the terminal is resized while ``app`` waits, ``redraw`` the screen above it (the
    terminal had rewrapped the panels drawn at the old width, their borders broken across rows),
    then the prompt below it, with its answer so far, as prompt_toolkit does after any print."""

    def resized() -> None:
        from prompt_toolkit.application import run_in_terminal
        from prompt_toolkit.application.current import set_app

        with set_app(app):
            run_in_terminal(redraw)

    app._on_resize = resized  # read when the prompt starts (its SIGWINCH handler) and on each resize


class LineReader(Protocol):
    """Where plain answers come from: standard input, a file, or a session's ``LineSource``."""

    def readline(self) -> str: ...


class PlainPrompter:
    """Numbered choices read as lines: works with screen readers, pipes and no mouse.

    Everything is said once, in order: the tick prompt lists the model points itself (so the
    runner does not list them first), and a multi's "none" is typed as 0, never taken from an
    empty line that may have been meant for something else.
    """

    lists_points = True

    def __init__(self, write: Any, stream: LineReader | None = None):
        self.write = write  # a function printing one line
        self.stream = stream

    @property
    def pauses_after_ending(self) -> bool:
        """A person reading a terminal gets the ending to themselves before the debrief (at 24 rows
        the debrief's first part scrolled it away unread); piped or scripted input and output do not:
        a line they were never written for must not be taken from them, nor a run left waiting."""
        return self.stream is None and sys.stdin.isatty() and sys.stdout.isatty()

    def _discard(self) -> None:
        """Throw away what was typed before the question was asked: it must not answer it."""
        if self.stream is None:
            from ltl_quiz.ui.choosers import discard_typeahead

            discard_typeahead()

    def _line(self, message: str, fresh: bool = True) -> str:
        """One line typed in answer to ``message``; ``fresh``: nothing typed before it was asked."""
        from ltl_quiz.ui.echo import echoing

        if fresh:
            self._discard()
        self.write(message)
        try:
            with echoing():  # shown as it is typed; keys pressed while anything else is drawn are not
                line = (self.stream or sys.stdin).readline()
        except KeyboardInterrupt:
            raise Left() from None
        if not line:
            raise Left()
        return line.strip()

    def say(self, text: str) -> None:
        """A line between prompts (why an answer was refused), in order with the questions."""
        self.write(text)

    def confirm(self, key: str, message: str, default: bool = True) -> bool:
        """Yes or no, typed: Enter alone answers nothing, as at the arrow-key prompt (issue 13: a
        bare Enter took "Is that you?" and the content note's "continue?" as yes). ``default``
        is for an answers file; a person at a terminal is never given a pre-selected answer."""
        asking = f"{message} [y/n]"
        while True:
            reply = self._line(asking).lower()
            if reply in ("y", "yes", "n", "no"):
                return reply.startswith("y")
            # the question is on the line above: asked again whole, its hint was read twice over
            asking = f"{'Nothing typed yet. ' if not reply else ''}Type y for yes or n for no, then press Enter:"

    def _list(self, message: str, choices: Sequence[Choice]) -> tuple[dict[str, int], str, str]:
        """Say the question and its options once each. Returns what a reply may name (the numbers,
        and the letters when a room calls options out by letter, shown as "B. ..." and never as
        "2. B. ..."), what the marks are called, and their range, e.g. ("letters", "A to C")."""
        self.write(message)
        names: dict[str, int] = {}
        marks = []
        for i, (_, label) in enumerate(choices):
            found = LETTERED.match(label)
            names[str(i + 1)] = i
            if found:
                names[found.group(1).lower()] = i
            marks.append(found.group(1) if found else str(i + 1))
            self.write(f"  {label}" if found else f"  {i + 1}. {label}")
        kinds = "letters" if marks and all(m.isalpha() for m in marks) else "numbers"
        first, last = (marks[0], marks[-1]) if kinds == "letters" else ("1", str(len(choices)))
        return names, kinds, f"{first} to {last}"

    def select(self, key: str, message: str, choices: Sequence[Choice]) -> str:
        names, kinds, span = self._list(message, choices)
        while True:
            reply = self._line(f"Type a {kinds[:-1]} from {span} and press Enter:")
            if reply.lower() in names:
                return choices[names[reply.lower()]][0]
            self.write(f"'{reply}' is not one of the {kinds} {span}.")

    def checkbox(self, key: str, message: str, choices: Sequence[Choice]) -> list[str]:
        names, kinds, span = self._list(message, choices)
        while True:
            reply = self._line(f"Type the {kinds} of all that apply, separated by spaces or commas, or 0 for none, then press Enter:")
            parts = reply.lower().replace(",", " ").split()
            if parts == ["0"] or reply.lower() == "none":
                return []
            if parts and all(p in names for p in parts):
                return [choices[i][0] for i in sorted({names[p] for p in parts})]
            self.write(f"Use only the {kinds} {span}, or 0 for none.")

    def text(self, key: str, message: str) -> str:
        return self._line(message)

    def tick(self, key: str, message: str, points: Sequence[str]) -> list[int]:
        picked = self.checkbox(key, message, [(str(i), p.strip()) for i, p in enumerate(points)])
        return sorted(int(v) for v in picked)

    def pause(self, key: str, message: str) -> None:
        self._line(message.replace("Press any key", "Press Enter").replace("press any key", "press Enter"))  # a line prompt only sees Enter


class ScriptedPrompter:
    """Answers from an ``--answers`` file: node id -> option id(s) or text; key question id -> text.

    A prompt the file does not answer is an error naming the prompt and what it needs, never a
    wait for input that will not come. The attempt it makes is stored as ``scripted``, so that no
    record mistakes it for a learner's own work.
    """

    how_answered = "scripted"  # ltl_quiz.store.db.SCRIPTED; other prompters are a person at a terminal

    def __init__(self, answers: dict[str, Any], source: str, echo: Any):
        self.answers = answers
        self.source = source
        self.echo = echo
        self.used: set[str] = set()

    def _echo(self, message: str, lines: list[str]) -> None:
        """Show the prompt and the scripted answer, as a transcript a trainer can read."""
        self.echo(message)
        for line in lines:
            self.echo(f"> {line}")

    def say(self, text: str) -> None:
        """A line in the transcript, as the scripted prompts and answers are."""
        self.echo(text)

    def _get(self, key: str, needs: str) -> Any:
        if key not in self.answers:
            raise AnswersError(f"{self.source}: no answer for '{key}'; add '{key}: {needs}'")
        self.used.add(key)
        return self.answers[key]

    def confirm(self, key: str, message: str, default: bool = True) -> bool:
        return bool(self.answers.get(key, default))

    def select(self, key: str, message: str, choices: Sequence[Choice]) -> str:
        ids = [value for value, _ in choices]
        value = self._get(key, f"one of {', '.join(ids)}")
        if value not in ids:
            raise AnswersError(f"{self.source}: {key}: {value!r} is not an option; use one of: {', '.join(ids)}")
        self._echo(message, [dict(choices)[value]])
        return str(value)

    def checkbox(self, key: str, message: str, choices: Sequence[Choice]) -> list[str]:
        ids = [value for value, _ in choices]
        value = self._get(key, f"[{', '.join(ids)}] (any of them)")
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in ids]
        if bad:
            raise AnswersError(f"{self.source}: {key}: {bad[0]!r} is not an option; use any of: {', '.join(ids)}")
        self._echo(message, [dict(choices)[v] for v in values] or ["(none)"])
        return [str(v) for v in values]

    def _reflection(self, key: str) -> Any:
        return self._get(key, "your written answer")

    def text(self, key: str, message: str) -> str:
        value = self._reflection(key)
        text = value.get("text", "") if isinstance(value, dict) else value
        if not isinstance(text, str) or not text.strip():
            raise AnswersError(f"{self.source}: {key}: give the reflection as text")
        self._echo(message, [text.strip()])
        return text

    def tick(self, key: str, message: str, points: Sequence[str]) -> list[int]:
        value = self.answers.get(key)
        covered = value.get("covered", []) if isinstance(value, dict) else []
        if not isinstance(covered, list) or not all(isinstance(i, int) and 1 <= i <= len(points) for i in covered):
            raise AnswersError(f"{self.source}: {key}: 'covered' lists model point numbers from 1 to {len(points)}")
        return sorted(i - 1 for i in covered)

    def pause(self, key: str, message: str) -> None:
        return None


def load_answers(path: str) -> dict[str, Any]:
    """Read an answers file: a YAML map, refused clearly when it is anything else."""
    from pathlib import Path

    from ltl_quiz.errors import ScenarioError
    from ltl_quiz.scenario.yaml_source import load_file

    try:
        data = load_file(Path(path)).data
    except ScenarioError as exc:
        raise AnswersError(f"answers file {exc}") from None
    if not isinstance(data, dict):
        raise AnswersError(f"{path}: an answers file is a map of node id to answer")
    return {str(k): v for k, v in data.items()}
