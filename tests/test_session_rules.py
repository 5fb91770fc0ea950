"""The pure rules of group sessions: join codes, rosters, quick entry, distributions and the room's path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltl_quiz.config import Learner
from ltl_quiz.engine import state_machine as engine
from ltl_quiz.errors import InputError, RosterError, SessionMoved, SessionNotFound
from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import model, tally
from ltl_quiz.sessions.codes import ALPHABET, LENGTH, new_code, normalise_code
from ltl_quiz.sessions.entry import find_person, parse_entries
from ltl_quiz.sessions.records import OwnAnswer, participant_answer
from ltl_quiz.sessions.roster import parse_participant, parse_roster, read_roster
from ltl_quiz.ui.sessions.chart import plain_chart

PEOPLE = [Learner("PC101", "Alex Smith", "Response"), Learner("PC102", "Jo Bloggs"), Learner("PC103", "Joanne Khan", "CID")]


@pytest.fixture
def scenario(example_path: Path):
    return load_scenario(example_path)


# -- join codes ---------------------------------------------------------------------------------
def test_codes_are_short_and_unambiguous() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) > 190  # random, so clashes are rare (the store retries the rare one)
    for code in codes:
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    assert not set("0O1IL5S") & set(ALPHABET)


def test_a_typed_code_is_normalised_or_refused() -> None:
    assert normalise_code(" k7p-m3q ") == "K7PM3Q"
    with pytest.raises(SessionNotFound, match=r"'K7P0' is not a session code: a code has no 0 in it \(it never uses I, L, O, S, 0, 1 or 5\)"):
        normalise_code("K7P0")


def test_a_refused_code_of_six_letters_and_digits_is_told_what_is_wrong_with_it() -> None:
    """'NOPE12' was told "a code is 6 letters and digits", which it is (play6): the message now
    names the characters no code uses, and which of them were typed."""
    with pytest.raises(SessionNotFound) as refused:
        normalise_code("NOPE12")
    said = str(refused.value)
    assert "6 letters and digits" not in said and "a code has no O or 1 in it" in said, said
    assert all(c in said for c in set("ILOS015")) and not set("ILOS015") & set(ALPHABET)


# -- rosters ------------------------------------------------------------------------------------
def test_roster_with_header_blank_lines_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "room.csv"
    path.write_bytes("\ufeffStaff number,Name,Unit\nPC101,Alex Smith,Response\n\n PC102 , Jo Bloggs ,\n".encode())
    assert read_roster(path) == [Learner("PC101", "Alex Smith", "Response"), Learner("PC102", "Jo Bloggs", "")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PC101,Alex\n,Jo,Kent\n", "room.csv:2: no staff number in the first column; every row needs one"),
        ("PC101,Alex\nPC102\n", "room.csv:2: no name for PC102; put it in the second column"),
        ("PC101,Alex\nPC 1,Jo\n", "room.csv:2: staff number 'PC 1' is not usable; use letters, digits, '-', '_', '.' or '/' (up to 64)"),
        ("PC101,Alex,A,extra\n", "room.csv:1: 4 columns; a row has three: staff number, name, unit"),
        ("PC101,Alex\nPC101,Alex again\n", "room.csv:2: staff number PC101 is already on line 1; list each person once"),
        ('PC101,"Alex\nSmith",Kent\nPC102\n', "room.csv:3: no name for PC102; put it in the second column"),
        ("Staff number,Name,Unit\n\n", "room.csv: the roster lists nobody; give one person a line as staff number, name, unit"),
        ("PC101,Alex\n,x\nPC102\n", "room.csv:2: no staff number in the first column; every row needs one (1 more bad rows: lines 3)"),
    ],
)
def test_a_bad_roster_row_is_named_by_its_line(text: str, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "room.csv")
    assert str(caught.value) == message


def test_unreadable_rosters(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match=r"cannot read the roster .*missing.csv: No such file or directory; check the path"):
        read_roster(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("PC101,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(RosterError, match=r"latin.csv: the roster is not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8'"):
        read_roster(latin)


staff = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789-_./", min_size=1, max_size=12)
names = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x00"), min_size=1, max_size=30).filter(
    lambda s: s.strip() and "name" not in s.lower()
)
units = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=20)


@given(st.lists(st.tuples(staff, names, units), min_size=1, max_size=15, unique_by=lambda r: r[0]))
def test_any_roster_written_by_a_spreadsheet_reads_back(rows: list[tuple[str, str, str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert parse_roster(out.getvalue(), "room.csv") == [Learner(s, n.strip(), u.strip()) for s, n, u in rows]


@given(st.lists(st.tuples(staff, names), min_size=1, max_size=10, unique_by=lambda r: r[0]), st.data())
def test_a_bad_row_anywhere_is_reported_at_its_line(rows: list[tuple[str, str]], data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(rows)))
    lines = [f'{s},"{n.replace(chr(34), chr(34) * 2)}"' for s, n in rows]
    lines.insert(at, "has space,Someone")
    with pytest.raises(RosterError) as caught:
        parse_roster("\n".join(lines) + "\n", "room.csv")
    assert str(caught.value).startswith(f"room.csv:{at + 1}: staff number 'has space' is not usable")


def test_participant_options() -> None:
    assert parse_participant("PC101", 1) == Learner("PC101", "", "")
    assert parse_participant("PC101,Alex Smith,Response", 2) == Learner("PC101", "Alex Smith", "Response")
    with pytest.raises(RosterError, match=r"--participant 3 'a b': staff number 'a b' is not usable"):
        parse_participant("a b", 3)


# -- quick entry --------------------------------------------------------------------------------
def test_find_a_person_by_number_staff_number_or_name() -> None:
    assert find_person("2", PEOPLE).id == "PC102"
    assert find_person("pc103", PEOPLE).id == "PC103"
    assert find_person("alex", PEOPLE).id == "PC101"
    assert find_person("khan", PEOPLE).id == "PC103"
    assert find_person("jo", PEOPLE).id == "PC102"  # a whole name beats the start of another
    with pytest.raises(InputError, match=r"'j' could be Jo Bloggs, Joanne Khan; type more of the name, or their number"):
        find_person("j", PEOPLE)
    with pytest.raises(InputError, match=r"'zed' is nobody on the list; use their number \(1 to 3\), staff number or name"):
        find_person("zed", PEOPLE)


def test_parse_entries_at_a_decision_and_a_multi(scenario) -> None:
    decision, multi = scenario.nodes["call-grading"], scenario.nodes["welfare-actions"]
    got = parse_entries("1 a, jo b ; Joanne Khan A", PEOPLE, decision)
    assert [(e.learner_id, e.option_ids) for e in got] == [
        ("PC101", ["send-officers"]),
        ("PC102", ["tell-caller-101"]),
        ("PC103", ["send-officers"]),
    ]
    assert [e.option_ids for e in parse_entries("1 ba, 2 -", PEOPLE, multi)] == [["speak-to-girl-alone", "leave-if-she-says-fine"], []]
    with pytest.raises(InputError, match=r"'1 c': 'c' is not an option; give one letter, A to B"):
        parse_entries("1 c", PEOPLE, decision)
    with pytest.raises(InputError, match=r"'a': give the person then the letter of their choice"):
        parse_entries("a", PEOPLE, decision)
    with pytest.raises(InputError, match=r"'2 az': 'Z' is not an option; use letters A to B, or '-' for none"):
        parse_entries("2 az", PEOPLE, multi)


# -- distributions and the room's choice --------------------------------------------------------
def test_room_choice_majority_tie_and_nobody(scenario) -> None:
    node = scenario.nodes["call-grading"]
    dist = tally.from_choices(node, [["send-officers"], ["tell-caller-101"], ["tell-caller-101"]])
    assert (dist.counts, dist.responses) == ({"send-officers": 1, "tell-caller-101": 2}, 3)
    assert tally.room_choice(node, dist) == tally.RoomChoice(["tell-caller-101"])
    tie = tally.room_choice(node, tally.from_hands(node, {"send-officers": 4, "tell-caller-101": 4}))
    assert tie.option_ids == [] and tie.tied == ["send-officers", "tell-caller-101"]
    nobody = tally.room_choice(node, tally.from_choices(node, []))
    assert nobody.option_ids == [] and not nobody.clear


def test_multi_selection_is_more_than_half(scenario) -> None:
    node = scenario.nodes["welfare-actions"]
    dist = tally.from_hands(node, {"speak-to-girl-alone": 3, "leave-if-she-says-fine": 2}, voters=4)
    assert tally.room_choice(node, dist).option_ids == ["speak-to-girl-alone"]  # 2 of 4 is not more than half
    with pytest.raises(InputError, match="more hands for one action than the 4 people voting"):
        tally.from_hands(node, {"speak-to-girl-alone": 5}, voters=4)
    with pytest.raises(InputError, match="cannot be negative"):
        tally.from_hands(node, {"speak-to-girl-alone": -1}, voters=4)


def test_plain_chart(scenario) -> None:
    node = scenario.nodes["call-grading"]
    lines = plain_chart(node, tally.from_hands(node, {"send-officers": 3, "tell-caller-101": 1}), width=20)
    assert lines == [
        "A  ###############.....  3 (75%)  recommended",
        "   Grade it for attendance and send officers for a welfare check.",
        "B  #####...............  1 (25%)",
        "   Tell the caller it is not an emergency and to ring 101.",
    ]


# -- the room's path ----------------------------------------------------------------------------
def test_the_room_walks_the_case_a_step_at_a_time(scenario) -> None:
    state = model.first_state(scenario, "officer", "live", "T0")
    assert state.phase == "lobby" and model.step_of(scenario, state) == model.Step(0, "passage", "call-received")
    with pytest.raises(SessionMoved, match=r"the session is at step 1 \(lobby\), not step 1 \(reading\)"):
        model.advance(scenario, state, 0, engine.Continue(), "T1")
    state = model.begin(scenario, state, 0, "T1")
    state = model.advance(scenario, state, 0, engine.Continue(), "T2")
    assert (state.seq, state.phase) == (1, "reading")
    with pytest.raises(SessionMoved):
        model.reveal(state, 1)  # not open yet
    state = model.reveal(model.open_step(scenario, state, 1, "T3"), 1)
    state = model.advance(scenario, state, 1, engine.Choose(["tell-caller-101"]), "T4")
    step = model.step_of(scenario, state)
    assert step == model.Step(2, "reflection", "officer-reflection") and state.phase == "open" and state.opened_at == "T4"
    assert step.key_question_id(scenario) == "officer-questions"
    state = model.advance(scenario, state, 2, engine.Reflect("The room's notes"), "T5")
    assert state.phase == "finished" and model.step_of(scenario, state) is None
    assert model.SessionState.from_json(state.to_json()) == state
    assert [(s.key, followed) for s, followed in model.room_path(state.room)] == [
        ("call-received", []),
        ("call-grading", ["tell-caller-101"]),
        ("officer-reflection", []),
    ]


def test_the_manager_track_ends_with_its_key_question_in_the_debrief(scenario) -> None:
    state = model.first_state(scenario, "manager", "facilitated", "T0")
    assert state.phase == "reading"
    state = model.advance(scenario, state, 0, engine.Continue(), "T1")
    state = model.reveal(model.open_step(scenario, state, 1, "T2"), 1)
    state = model.advance(scenario, state, 1, engine.Choose(["review-systems-checks"]), "T3")
    assert model.step_of(scenario, state) == model.Step(2, "key_question", "manager-training") and state.phase == "open"


def test_a_participants_row_holds_only_what_they_gave(scenario) -> None:
    decision = model.Step(1, "decision", "call-grading")
    mine = participant_answer(scenario, decision, OwnAnswer(["tell-caller-101"]))
    assert (mine.option_ids, mine.points, mine.critical) == (["tell-caller-101"], 0, ["tell-caller-101"])
    assert participant_answer(scenario, decision, None) == engine.Answer("call-grading", "decision")
    reflection = model.Step(2, "reflection", "officer-reflection")
    assert participant_answer(scenario, reflection, OwnAnswer([], "  ", [0])).text is None
    assert participant_answer(scenario, reflection, OwnAnswer([], "Who", [1, 0, 1])).covered == [0, 1]
