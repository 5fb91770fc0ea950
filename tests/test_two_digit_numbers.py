"""A number of two digits typed at a list of ten or more picks that row (found by hand at 80x24).

The guided menu lists ten case studies and says "type a number": typing 10 picked case study 1,
since '1' moved to row 1, '0' did nothing and Enter took it. Case 1's profile ticks ten options too.
"""

from __future__ import annotations

from ltl_quiz.ui.prompt_lines import Checkbox, Select

TEN = [(f"c{n}", f"Case study {n}") for n in range(1, 11)]


def test_typing_10_picks_the_tenth_row_and_1_then_2_picks_the_second() -> None:
    menu = Select("Which case study?", TEN)
    for key in "10":
        menu.number(key)
    assert menu.submit() == "c10"
    for key in "12":  # 12 is no row: the 2 starts again
        menu.number(key)
    assert menu.submit() == "c2"
    menu.move(1)
    menu.number("1")
    assert menu.submit() == "c1"  # a move ends the number typed before it


def test_ticking_by_a_two_digit_number_ticks_that_row_only() -> None:
    boxes = Checkbox("Which apply?", TEN)
    for key in "10":
        boxes.number(key)
    assert boxes.submit() == ["c10"]
    boxes.number("3")
    assert boxes.submit() == ["c3", "c10"]
