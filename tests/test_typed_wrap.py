"""A reflection being typed wraps at word boundaries, also when a live session's pause redraws it (issue 13).

Hand play at 80x24: a live learner's reflection ran past the edge as "how ol" / "d the girl", and
the trainer's pause news drew it again split the same way, until it was submitted.
"""

from __future__ import annotations

from room_steps import room_to_the_reflection
from screen import ENTER, mid_word_breaks, words
from test_sessions_live_pause import PAUSED, joined

from ltl_quiz.sessions import model
from ltl_quiz.ui.typed_wrap import padded

LONG = "Who the men were, how old the girl really was, and whether anyone at the hotel had seen her there before tonight"


def test_a_reflection_typed_at_a_live_session_wraps_at_words_before_and_after_a_pause(example_dir, example_path, db_url) -> None:
    scenario, sessions, code, term = joined(example_dir, example_path, db_url, "--rich")
    try:
        room_to_the_reflection(sessions, code, scenario)
        term.wait_for(r"Your reflection, for your own record \(Enter to skip\):")
        term.settle(0.3)
        term.send(LONG)
        term.wait_for(r"before\s+tonight")
        term.settle(0.3)
        assert not mid_word_breaks(term.rows(), 80), term.text()
        sessions.pause(code)  # the trainer pauses: the news is drawn above the prompt, and the prompt again below it
        term.wait_for(PAUSED)
        term.wait_for(r"before\s+tonight")
        term.settle(0.3)
        assert words(LONG) in words(term.text()) and not mid_word_breaks(term.rows(), 80), term.text()
        term.send(ENTER)
        term.wait_for("Saved")
        step = model.step_of(scenario, sessions.session(code).state)
        assert step is not None
        (mine,) = [a for a in sessions.answers(code, step.seq) if a.learner_id == "R1"]
        assert mine.text == LONG  # the spaces that carry a word to the next row are drawn, never typed
    finally:
        term.close()


def test_padding_moves_whole_words_and_keeps_every_character_in_place() -> None:
    drawn, where = padded("Who the men were, how old", 10, start=4)
    rows = [(" " * 4 + drawn)[i : i + 10] for i in range(0, 4 + len(drawn), 10)]
    assert [row.strip() for row in rows] == ["Who", "the men", "were, how", "old"], rows
    assert "".join(drawn[i] for i in where[:-1]) == "Who the men were, how old" and where[-1] == len(drawn)
    assert padded("a" * 25, 10)[0] == "a" * 25  # a word longer than a row is left to the terminal
