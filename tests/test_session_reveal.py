"""The reveal as the room sees it (issue 13): a critical choice is marked however few chose it."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from ltl_quiz.scenario.loader import load_scenario
from ltl_quiz.sessions import tally
from ltl_quiz.ui.render import PlainConsole, Renderer
from ltl_quiz.ui.sessions.view import SessionView


def revealed(example_path: Path, plain: bool, counts: dict[str, int]) -> str:
    node = load_scenario(example_path).nodes["call-grading"]
    out = io.StringIO()
    console = PlainConsole(out) if plain else Console(file=out, width=120, color_system=None, highlight=False)
    dist = tally.from_hands(node, counts)
    SessionView(Renderer(console, plain), projected=True).reveal(node, dist, tally.room_choice(node, dist))
    return " ".join(out.getvalue().split())


def test_a_critical_choice_only_a_minority_made_is_marked_on_the_chart_and_named(example_path: Path) -> None:
    for plain in (True, False):
        shown = revealed(example_path, plain, {"send-officers": 3, "tell-caller-101": 1})
        assert "Chosen by 1, critical: B. Tell the caller it is not an emergency and to ring 101." in shown
        assert ("Critical choice in the room: B." if plain else "ring 101. (critical)") in shown
        assert "cannot pass" not in shown


def test_nobody_choosing_the_critical_option_marks_nothing(example_path: Path) -> None:
    for plain in (True, False):
        shown = revealed(example_path, plain, {"send-officers": 4, "tell-caller-101": 0})
        assert "critical" not in shown.lower()


def test_the_rooms_critical_choices_at_its_ending_name_their_decision(example_path: Path) -> None:
    """A room's ending listed its critical choices as "- B. ..." alone; with several decisions the
    letters said nothing of where each was chosen. Each now names its decision's question."""
    from ltl_quiz.engine import state_machine as engine

    scenario = load_scenario(example_path)
    room = engine.start(scenario, "officer", "practice", seed=7)
    for response in (engine.Continue(), engine.Choose(["tell-caller-101"])):
        room, _ = engine.answer(scenario, room, response)
    while not engine.at_end(scenario, room):
        node = engine.current(scenario, room)
        step = engine.Reflect("", []) if node.type == "reflection" else engine.Choose([node.options[0].id]) if node.options else engine.Continue()
        room, _ = engine.answer(scenario, room, step)
    for plain in (True, False):
        out = io.StringIO()
        console = PlainConsole(out) if plain else Console(file=out, width=120, color_system=None, highlight=False)
        SessionView(Renderer(console, plain)).room_ending(scenario, engine.current(scenario, room), room)
        shown = " ".join(out.getvalue().split())
        grading = " ".join((scenario.nodes["call-grading"].prompt or "").split())
        assert f"- At \u201c{grading}\u201d: B. Tell the caller" in shown, shown


def test_feedback_read_to_a_room_never_says_a_pass_is_at_stake() -> None:
    """Case 3's feedback, written for one attempt, says "so the attempt cannot pass"; read out in a
    group session (which has no score and no pass) it said so to the room. It is now said of an
    attempt of one's own, in the reveal and in a learner's own feedback alike."""
    from records_factory import SCENARIOS

    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.sessions.room_words import for_room

    scenario = load_scenario(SCENARIOS / "03-first-response-rape-report.yaml")
    critical = next(o for o in scenario.nodes["first-task"].options if o.critical)
    assert "attempt cannot pass" in " ".join(critical.feedback.split())  # the case's own words
    node = for_room(scenario).nodes["first-task"]  # the case as every session command runs it
    for plain in (True, False):
        out = io.StringIO()
        console = PlainConsole(out) if plain else Console(file=out, width=120, color_system=None, highlight=False)
        view = SessionView(Renderer(console, plain), projected=True)
        dist = tally.from_hands(node, {critical.id: 3})
        view.reveal(node, dist, tally.room_choice(node, dist))
        view.own_feedback(engine.feedback_for(node, engine.Answer(node.id, node.type, [critical.id], None, [], 0, {}, [critical.id])))
        shown = " ".join(out.getvalue().split())
        assert "cannot pass" not in shown and "an attempt of one's own making this choice could not pass" in shown, shown


def test_several_options_in_one_line_are_not_joined_by_a_stray_semicolon(example_path: Path) -> None:
    """The live ending listed a multi's choices as "...telling someone.; D. Ask where": each
    option's own full stop now ends it, and a semicolon comes only where it has none."""
    node = load_scenario(example_path).nodes["welfare-actions"]
    ids = [o.id for o in node.options[:2]]
    shown = SessionView._options(node, ids)
    assert ".;" not in shown and shown.startswith("A. ") and " B. " in shown, shown
