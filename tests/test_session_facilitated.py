"""A facilitated session end to end through the CLI: roll call, entry by person and by hands, an override, pause, resume, report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from screen import ENTER, Terminal
from typer.testing import CliRunner

from ltl_quiz.cli import app
from ltl_quiz.config import Learner
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store


def typed(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "room.csv"
    path.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,Jo Bloggs,Response\nPC103,Sam Patel,CID\n", encoding="utf-8")
    return path


def session_cmd(example_dir: Path, *args: str) -> list[str]:
    return ["--scenarios", str(example_dir), "session", *args]


def code_in(output: str) -> str:
    found = re.search(r"Session ([A-Z0-9]{6}) created", output)
    assert found, output
    return found.group(1)


def test_scripted_facilitated_session_with_override_pause_and_resume(
    runner: CliRunner, example_dir: Path, roster: Path, db_url: str
) -> None:
    start = session_cmd(example_dir, "start", "example-welfare-call", "--trainer", "Pat Trainer", "--roster", str(roster))
    first = runner.invoke(
        app,
        [*start, "--discussion-minutes", "5"],
        input=typed(
            "n",  # not everyone is here
            "sam",  # Sam Patel is absent
            "",  # the opening passage
            "1",  # enter each person's choice
            "1 b, jo b",  # both choose B: tell the caller to ring 101
            "",  # reveal
            "2",  # follow A, not the room's choice
            "",  # a reason is required
            "To see what a welfare check would find",
            "3",  # pause at the multi
        ),
    )
    assert first.exit_code == 0, first.output
    code = code_in(first.output)
    out = first.output
    assert "== Content note: A welfare call about a child ==" in out
    assert "The room's role (officer track): You are a call handler." in out
    assert "2 here. Absent: Sam Patel." in out
    assert "The room: 1 Alex Smith; 2 Jo Bloggs" in out
    assert "Entered: Alex Smith B; Jo Bloggs B" in out
    assert "All 2 entered (Enter reveals) >" in out
    assert f"A  {'.' * 30}  0 (0%)  recommended\n   Grade it for attendance and send officers for a welfare check.\n" in out
    assert f"B  {'#' * 30}  2 (100%)\n" in out
    assert "Most of the room chose: B. Tell the caller it is not an emergency and to ring 101." in out
    assert "  Critical: one of the most serious mistakes in this case, for the child's safety and for the case itself." in out  # no pass (issue 13)
    assert (
        "  B. Tell the caller it is not an emergency and to ring 101. (the room's choice)" in out
    )  # lettered once, not "1. B." (issue 13)
    assert "Give a short reason: the record says which branch was followed and why." in out
    assert f"Session {code} is paused; everything so far is saved. To carry on: ltl-quiz --scenarios {example_dir.resolve()} session resume {code}" in out
    sessions = SessionStore(Store(db_url))
    assert sessions.session(code).status == "paused"

    again = runner.invoke(
        app,
        session_cmd(example_dir, "resume", code.lower()),
        input=typed(
            "2",  # a show of hands at the multi
            "",  # voters: everyone here (2)
            "2",  # hands for A
            "1",  # hands for B
            "y",  # follow the room's selection (a bare Enter answers no yes/no: issue 13)
            "",  # end the discussion early
            "Who the men are; how she got there.",  # the trainer's notes
            "",  # close the session
        ),
    )
    assert again.exit_code == 0, again.output
    out = again.output
    assert f"Carrying on session {code} (facilitated) at step 3." in out
    assert "Discussion: 5:00. Press Enter to end it early." in out and "Discussion ended." in out
    assert "Also chosen, not recommended: B. Leave if she says she is fine." in out
    assert "The room's selection (more than half ticked): A." in out
    assert f"== Session {code} closed ==" in out
    assert "2 participants now have a completion record linked to this session." in out

    row = sessions.session(code)
    assert (row.status, row.trainer, row.kind) == ("closed", "Pat Trainer", "facilitated")
    steps = {s.key: s for s in sessions.steps(code)}
    grading = steps["call-grading"]
    assert (grading.method, grading.counts, grading.responses) == ("individual", {"send-officers": 0, "tell-caller-101": 2}, 2)
    assert (grading.room_choice, grading.followed, grading.reason) == (
        ["tell-caller-101"],
        ["send-officers"],
        "To see what a welfare check would find",
    )
    actions = steps["welfare-actions"]
    assert (actions.method, actions.counts, actions.responses) == ("hands", {"speak-to-girl-alone": 2, "leave-if-she-says-fine": 1}, 2)
    assert (actions.room_choice, actions.followed, actions.reason) == (["speak-to-girl-alone"], ["speak-to-girl-alone"], None)
    assert steps["officer-reflection"].notes == "Who the men are; how she got there."

    store = Store(db_url)
    records = {a.learner_id: a for a in store.attempts() if a.session_code == code}
    assert sorted(records) == ["PC101", "PC102"]  # the absent participant has no record
    for learner_id, attempt in records.items():
        assert (attempt.status, attempt.mode, attempt.passed, attempt.ending) == ("completed", "facilitated", None, "girl-safe")
        rows = store.answers(attempt.id)
        assert [(r["seq"], r["node_id"], r["kind"]) for r in rows] == [
            (0, "call-received", "passage"),
            (1, "call-grading", "decision"),
            (2, "welfare-actions", "multi"),
            (3, "officer-reflection", "reflection"),
        ], learner_id
        assert json.loads(rows[1]["option_ids"]) == ["tell-caller-101"] and rows[1]["critical"]  # their own answer
        assert json.loads(rows[2]["option_ids"]) == []  # a show of hands records nobody's own choice
        assert attempt.score == 0 and attempt.critical_failures == [["call-grading", "tell-caller-101"]]

    report = runner.invoke(app, session_cmd(example_dir, "report", code))
    assert report.exit_code == 0, report.output
    text = report.output
    assert f"== Session {code}: case study 2, A welfare call about a child (officer track) ==" in text
    assert "Facilitated on one screen. Trainer: Pat Trainer." in text
    assert "3. Sam Patel (PC103, CID): absent." in text
    assert re.search(
        r"1\. Alex Smith \(PC101, Response\): present, [\d.]+ min; 1 answer given individually, 0 reflections\. Record: attempt [0-9a-f]{8} \(completed\)\.",
        text,
    )
    assert "Step 2. How do you grade the call? [decision; each person's choice, entered by the trainer]" in text
    assert "Branch followed: A (the trainer chose another branch). Why: To see what a welfare check would find" in text
    assert "Individual answers: Alex Smith B; Jo Bloggs B" in text
    assert "Step 3. What do the attending officers need to do? Choose all that apply. [multi; a show of hands]" in text
    assert "Trainer's notes: Who the men are; how she got there." in text
    assert "Ending reached: The girl is safeguarded." in text
    data = json.loads(runner.invoke(app, session_cmd(example_dir, "report", code, "--json")).output)
    assert data["trainer"] == "Pat Trainer" and data["status"] == "closed"
    assert [s["kind"] for s in data["steps"]] == ["passage", "decision", "multi", "reflection"]
    assert data["steps"][1]["override"] is True and data["steps"][2]["override"] is False

    listed = json.loads(runner.invoke(app, session_cmd(example_dir, "list", "--json")).output)
    assert [(s["code"], s["status"], s["participants"]) for s in listed] == [(code, "closed", 2)]
    assert runner.invoke(app, session_cmd(example_dir, "resume", code)).output.strip() == (
        f"error: session {code} has ended; see its record: ltl-quiz --scenarios {example_dir.resolve()} session report {code}"
    )


def test_a_closed_terminal_pauses_and_resume_keeps_the_entries(runner, example_dir, roster, db_url) -> None:
    start = session_cmd(example_dir, "start", "1", "--trainer", "Pat", "--roster", str(roster))
    first = runner.invoke(app, start, input=typed("y", "", "1", "alex a", "PC103 b"))  # the input ends mid-entry
    assert first.exit_code == 130
    code = code_in(first.output)
    assert first.output.strip().endswith(
        f"Session {code} is paused; everything so far is saved. To carry on: ltl-quiz --scenarios {example_dir.resolve()} session resume {code}"
    )  # the scenarios folder given, so that the hint works as printed (issue 13)
    again = runner.invoke(
        app, session_cmd(example_dir, "resume", code), input=typed("1", "jo a", "", "1", "2", "", "3", "0", "y", "", "", "")
    )
    assert again.exit_code == 0, again.output
    assert "3 of 3 entered" not in again.output and "All 3 entered (Enter reveals) >" in again.output  # the first two were kept
    step = next(s for s in SessionStore(Store(db_url)).steps(code) if s.key == "call-grading")
    assert (step.counts, step.room_choice) == ({"send-officers": 2, "tell-caller-101": 1}, ["send-officers"])


def test_show_of_hands_without_a_roster_and_a_tie(runner, example_dir, db_url) -> None:
    start = session_cmd(example_dir, "start", "1", "--trainer", "Pat")
    # no roster: the trainer is asked, and says this is a demonstration (issue 13)
    result = runner.invoke(app, start, input=typed("2", "", "", "1", "x", "3", "3", "2", "", "", "", "", ""))
    assert "Nobody is on this session's list, so nobody would get a record of it." in result.output
    assert result.exit_code == 0, result.output
    assert "'x' is not a count; type a whole number such as 0 or 7." in result.output
    assert "The room is split between A and B." in result.output
    assert "The room is split between A and B. Which branch does the room follow?" in result.output
    code = code_in(result.output)
    step = next(s for s in SessionStore(Store(db_url)).steps(code) if s.key == "call-grading")
    assert (step.method, step.responses, step.followed) == ("hands", 6, ["tell-caller-101"])
    assert step.reason == "The room is split between A and B; the trainer chose B"
    assert "0 participants now have a completion record" in result.output


@pytest.mark.parametrize(
    ("extra", "message", "code"),
    [
        (["--participant", "PC9"], "error: participant PC9 is new here; give their name too, as --participant 'PC9,NAME,UNIT'", 1),
        (["--discussion-minutes", "0"], "error: --discussion-minutes 0 is out of range; give a number of minutes above 0 and up to 120", 2),
    ],
)
def test_bad_options_create_nothing(runner, example_dir, db_url, extra: list[str], message: str, code: int) -> None:
    result = runner.invoke(app, session_cmd(example_dir, "start", "1", "--trainer", "Pat", *extra))
    assert result.exit_code == code  # a value the option cannot take is a usage error (issue 13)
    assert result.output.strip() == message
    assert SessionStore(Store(db_url)).sessions() == []


def test_a_bad_roster_row_creates_nothing(runner, example_dir, tmp_path, db_url) -> None:
    bad = tmp_path / "room.csv"
    bad.write_text("Staff number,Name,Unit\nPC101,Alex Smith,Response\nPC102,,Response\n", encoding="utf-8")
    result = runner.invoke(app, session_cmd(example_dir, "start", "1", "--trainer", "Pat", "--roster", str(bad)))
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {bad}:3: no name for PC102; put it in the second column"
    assert "Traceback" not in result.output
    assert SessionStore(Store(db_url)).sessions() == []


def test_known_participants_by_staff_number_and_rich_screens_by_keystroke(runner, example_dir, db_url) -> None:
    """The rich screen on a real pty, each key typed once its prompt is on screen: arrow-key menus, typed entry, confirms."""
    Store(db_url).save_learner(Learner("PC101", "Alex Smith", "Response"))
    args = session_cmd(
        example_dir, "start", "1", "--trainer", "Pat", "--participant", "PC101", "--participant", "PC102,Jo Bloggs", "--rich"
    )
    term = Terminal(args, 100, 40)
    try:
        for wait, keys in [
            ("Are all 2 here", "y" + ENTER),  # everyone is here
            ("Press any key|Begin the case|Continue", ENTER),  # the opening passage
            ("How will you record the room's answers", "1" + ENTER),  # each person's choice
            (r"0 of 2 entered.*>", "1 a, jo a" + ENTER),
            (r"All 2 entered \(Enter reveals\)", ENTER),
            ("Which branch does the room follow", "1" + ENTER),  # follow the room's choice
            ("How will you record the room's answers", "2" + ENTER),  # a show of hands (each step starts on a clear screen)
            ("How many people are voting", ENTER),  # 2 voting
            ("Hands up for A", "2" + ENTER),
            ("Hands up for B", "0" + ENTER),
            ("Follow the room's selection", "y" + ENTER),
            ("the model answer points come next: press any key", ENTER),  # after the discussion, never with the question (issue 13)
            ("Notes from the discussion", "Talked it through" + ENTER),
            # the ending comes in a debrief's parts, each with its prompt (issue 13): it was one paged block
            (r"The ending, part 1 of 4\.\s+Continue to the room's\s+decisions", ENTER),
            (r"The ending, part 2 of 4\.\s+Continue to what\s+really\s+happened", ENTER),
            (r"The ending, part 3 of 4\.\s+Continue to the\s+references", ENTER),
            (r"The ending, part 4 of 4\.\s+Close the\s+session", ENTER),
        ]:
            term.wait_for(wait)
            term.settle(0.1)
            term.send(keys)
        term.wait_for("Session [A-Z0-9]{6} closed")
        term.settle()
        output = "\n".join(term.history_rows())
        assert term.wait_exit() == 0, output
    finally:
        term.close()
    assert "2 participants now have a completion record linked to this session." in " ".join(output.split())
    code = re.search(r"Session ([A-Z0-9]{6}) closed", output).group(1)
    people = SessionStore(Store(db_url)).participants(code)
    assert [(p.learner_id, p.name, p.unit, p.present) for p in people] == [
        ("PC101", "Alex Smith", "Response", True),
        ("PC102", "Jo Bloggs", "", True),
    ]
    assert SessionStore(Store(db_url)).steps(code)[-1].notes == "Talked it through"


def test_paused_after_the_reveal_resumes_at_the_branch(runner, example_dir, db_url) -> None:
    first = runner.invoke(app, session_cmd(example_dir, "start", "1", "--trainer", "Pat"), input=typed("2", "", "", "1", "1", "3"))
    assert first.exit_code == 130  # the terminal closed at "Which branch does the room follow?"
    code = code_in(first.output)
    assert SessionStore(Store(db_url)).session(code).state.phase == "revealed"
    again = runner.invoke(app, session_cmd(example_dir, "resume", code), input=typed("2", "Explore", "1", "4", "4", "0", "y", "", "", ""))
    assert again.exit_code == 0, again.output
    assert re.search(r"^B  #{22}\.{8}  3 \(75%\)$", again.output, re.MULTILINE)  # the distribution comes back from the record
    step = SessionStore(Store(db_url)).step(code, 1)
    assert (step.room_choice, step.followed, step.reason) == (["tell-caller-101"], ["send-officers"], "Explore")


def test_no_roster_asks_for_the_room_and_keeps_who_is_added(runner, example_dir, db_url) -> None:
    start = session_cmd(example_dir, "start", "1", "--trainer", "Pat")
    result = runner.invoke(app, start, input=typed("1", "PC7,Kim,Response,extra", "PC7,Kim Ode,Response", "", "3"))
    assert "Not added: --participant 1 'PC7,Kim,Response,extra'" in result.output
    code = code_in(result.output)
    assert [p.learner_id for p in SessionStore(Store(db_url)).participants(code)] == ["PC7"]


def test_no_roster_can_stop_before_anything_is_made(runner, example_dir, db_url) -> None:
    result = runner.invoke(app, session_cmd(example_dir, "start", "1", "--trainer", "Pat"), input=typed("3"))
    assert result.exit_code != 0 and "Nothing was started" in result.output
    assert SessionStore(Store(db_url)).sessions() == []


def test_a_line_with_one_bad_entry_keeps_the_rest_and_a_split_multi_offers_a_real_choice(runner, example_dir, roster, db_url) -> None:
    start = session_cmd(example_dir, "start", "1", "--trainer", "Pat", "--roster", str(roster))
    steps = ["y", "", "1", "1 a, jo a, sam z", "sam a", "", "1", "2", "", "1", "1", "1", "", "", "", ""]
    result = runner.invoke(app, start, input=typed(*steps))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Not entered: 'sam z': 'z' is not an option; give one letter, A to B" in out
    assert "Entered: Alex Smith A; Jo Bloggs A" in out  # the good two kept (issue 13)
    assert "Follow the room's selection (none)" not in out
    assert "No action was chosen by a majority of the room. Which actions does the room take?" in out
    code = code_in(out)
    step = next(s for s in SessionStore(Store(db_url)).steps(code) if s.key == "welfare-actions")
    assert step.followed == ["speak-to-girl-alone"]
    assert step.reason == "No action was chosen by a majority of the room; the trainer chose A"
    assert out.index("the model answer points come next: press Enter") < out.index("Notes from the discussion")


def test_a_plain_pause_at_a_terminal_takes_no_enter_typed_before_it(example_dir, db_url) -> None:
    """A trainer's double Enter at the roll call: the second, typed before "Continue to the next
    decision" was asked, must not take the room past the passage it has not read (issue 13)."""
    args = session_cmd(example_dir, "start", "1", "--trainer", "Pat", "--participant", "PC1,Al Smith,CID", "--plain")
    term = Terminal(args, 80, 24)
    try:
        term.wait_for(r"Are all 1 here\? \[y/n\]")
        term.settle(0.2)
        code = re.search(r"Session ([A-Z0-9]{6}) created", "\n".join(term.history_rows())).group(1)
        term.send("y" + ENTER + ENTER)  # the second Enter comes before the pause is asked
        term.wait_for("Continue to the next decision")
        term.settle(1.0)  # time for the typed-ahead Enter to have acted, had it been kept
        sessions = SessionStore(Store(db_url))
        assert sessions.session(code).state.room.node_id == "call-received", term.text()
        assert "How will you record" not in term.text()
        term.send(ENTER)  # pressed now, with the pause on screen: the room goes on
        term.wait_for("How will you record the room's answers")
        assert sessions.session(code).state.room.node_id == "call-grading"
    finally:
        term.close()
