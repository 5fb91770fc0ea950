"""A passage before a choice taller than the screen is read before the choice (issue 13, 80x24).

Hand play, case 1 on the officer track: "Building the intelligence profile" was drawn and at once
scrolled away by its ten lines of research (each two rows at 80 columns), so the learner ticked
research for a report whose passage they never saw. The passage now ends with a continue prompt
when the choice after it is taller than the screen.
"""

from __future__ import annotations

from screen import ENTER, next_prompt, words

PASSAGE = (
    "You start researching the intelligence to build an intelligence profile and a risk assessment. There is no "
    "force policy you know of that sets how far research into a report like this should go."
)
KEYS = {"confirm": "y" + ENTER, "select": "1" + ENTER, "checkbox": "1" + ENTER, "pause": ENTER}


def test_case_1s_research_passage_is_on_screen_until_a_key_brings_the_ten_options(terminal) -> None:
    term = terminal(["run", "1", "--track", "officer", "--mode", "practice", "--learner", "AB1", "--name", "Al Smith", "--rich"], 80, 24)
    before = ""
    while True:
        kind = next_prompt(term, before)
        assert kind not in (None, "checkbox"), term.text()  # never the ticks before the passage has been read
        if "Building the intelligence profile" in term.text():
            break
        before = term.text()
        term.send(KEYS[kind])
    assert kind == "pause", term.text()
    screen = words(" ".join(row.strip("│ ") for row in term.rows()))
    assert "Building the intelligence profile" in screen and PASSAGE in screen, term.text()
    assert "Which lines of research" not in screen, term.text()  # the choice is not drawn yet
    term.send(ENTER)
    assert next_prompt(term, term.text()) == "checkbox", term.text()
    assert "Which lines of research do you include?" in words(term.text()), term.text()
