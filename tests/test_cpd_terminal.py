"""`ltl-quiz cpd` read at a terminal: Markdown wrapped at word boundaries, the same document (issue 13).

Seen by hand at 80x24: the record came out a paragraph a line and the terminal split words at the
edge ("the attempt cannot p" / "ass"). At a terminal each paragraph, list item and quote is now
wrapped to the width; markdown-it-py (someone else's parser) reads the wrapped text as exactly the
document it was, and piped output is left as built.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt
from records_factory import scenario, walk, worst
from screen import Terminal, mid_word_breaks
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.store import Store
from ltl_quiz.ui.reflow import reflow

KIM = Learner("PC5003", "Kim Ode", "Response and patrol, North Yorkshire Police control room")


@pytest.fixture
def record(db_url: str) -> str:
    """Kim's record of two real cases, one taken the wrong way at every step (long feedback)."""
    with Store(db_url) as store:
        walk(store, scenario("03-first-response-rape-report"), KIM, "officer", pick=worst)
        walk(store, scenario("02-hotel-welfare-check"), KIM, "officer", start=datetime(2024, 4, 1, 9, 0, tzinfo=UTC))
    return KIM.id


def html(markdown: str) -> str:
    """The document a Markdown text is, whitespace aside (a soft break is a space)."""
    return re.sub(r"\s+", " ", MarkdownIt("commonmark").render(markdown))


def screen_rows(args: list[str], cols: int) -> list[str]:
    term = Terminal(args, cols, 24)
    try:
        assert term.wait_exit() == 0, term.text()
        return term.history_rows()
    finally:
        term.close()


@pytest.mark.parametrize("summary", [[], ["--summary"]])
@pytest.mark.parametrize("cols", [80, 40])
def test_the_record_at_a_terminal_breaks_no_word(record: str, cols: int, summary: list[str]) -> None:
    rows = screen_rows(["cpd", record, *summary], cols)
    breaks = [(above, below) for above, below in mid_word_breaks(rows, cols) if " " in above.strip()]
    assert breaks == [], "\n".join(rows)  # (a row without a space is the middle of an address longer than two rows)
    piped = CliRunner().invoke(app, ["cpd", record, *summary]).output
    assert all(len(line) <= cols for line in reflow(piped, cols - 1).split("\n") if "://" not in line)
    shown = set(" ".join(rows).replace("\\.", ".").split())  # a heading's "1." is "1\." once it is a setext heading
    missing = [word for word in piped.split() if word not in shown and "://" not in word and not word.startswith("#")]
    assert missing == [], "\n".join(rows)


@pytest.mark.parametrize("summary", [[], ["--summary"]])
@pytest.mark.parametrize("width", [79, 39, 24])
def test_wrapped_markdown_is_the_same_document(record: str, width: int, summary: list[str]) -> None:
    piped = CliRunner().invoke(app, ["cpd", record, *summary]).output
    wrapped = reflow(piped, width)
    assert wrapped != piped  # there was something to wrap
    assert html(wrapped) == html(piped)


def test_wrapping_keeps_block_syntax_out_of_the_line_starts() -> None:
    """A word that would begin a list, a rule or a heading underline stays with the word before it;
    a heading too long for a line becomes a setext heading; a hard break stays at the end."""
    text = (
        "# A very long heading for a record that will not fit\n\nSome words - then more words + others 1. and = signs\n"
        "then a last line  \nafter a hard break\n\n- an item with words enough to wrap - twice\n  continued here\n\n> a quoted answer long enough\n"
    )
    for width in range(12, 40):
        wrapped = reflow(text, width)
        assert html(wrapped) == html(text), (width, wrapped)
        assert all(len(line.rstrip()) <= width or " " not in line.strip() for line in wrapped.split("\n")), wrapped
