"""`resume`'s recap recalls enough of the last passage to know what the next prompt asks (issue 13).

Hand play: case 1 stopped at "The nine-year-old" ("What do you make of the child living with the
woman's ex-partner?") was resumed with the last passage cut to its first sentence, "Your
intelligence profile identifies the user of the email address as a man who works as a bus
driver." The woman and her child, whom the decision is about, were left out.
"""

from __future__ import annotations

import re

from typer.testing import CliRunner

from ltl_quiz.cli import app

ARGS = ["run", "1", "--track", "officer", "--learner", "AB1", "--name", "Al Smith", "--plain"]


def test_case_1_resumed_at_the_nine_year_old_recalls_the_woman_and_her_child(runner: CliRunner, db_url: str) -> None:
    stopped = runner.invoke(app, ARGS, input="y\n" + "1\n" * 6)  # content note; then to the decision about the child
    hint = re.search(r"To carry on: ltl-quiz resume (\w+)$", stopped.output.strip())
    assert stopped.exit_code == 130 and hint, stopped.output
    assert "What do you make of the child living with the woman's ex-partner?" in stopped.output.split("Press Enter")[-1], stopped.output
    attempt = hint[1]
    again = runner.invoke(app, ["resume", attempt, "--plain"], input="")
    recap = again.output.split("== The nine-year-old ==")[0]
    assert "Carrying on: case study 1" in recap and "The last passage you read: What the research shows" in recap, again.output
    assert "The woman has a nine-year-old child. The child lives with the woman's ex-partner." in recap, again.output


def test_a_long_passage_is_recalled_by_its_last_paragraph_shortened_at_its_start() -> None:
    from ltl_quiz.ui.render import recalled

    first = "The first paragraph sets the scene at some length. " * 6
    last = "She is nine. She lives with her father, who works nights. " * 4
    paragraphs = recalled(f"{first}\n\n{last}", rows=4, width=60)
    assert paragraphs[-1].endswith("who works nights.") and not any("first paragraph" in p for p in paragraphs)
    assert paragraphs[0].startswith("\u2026 ") and sum(-(-len(p) // 60) for p in paragraphs) <= 4, paragraphs
    whole = recalled("A short passage.\n\nIt fits,\nline breaks and all.", rows=4, width=60)
    assert whole == ["A short passage.", "It fits, line breaks and all."]
