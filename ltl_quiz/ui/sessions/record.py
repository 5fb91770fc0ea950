"""A session's record drawn for people (``ltl-quiz session report``), from the data ``sessions.report.build`` gathers.

The plain and rich renderers share these lines; the bar charts come from the session view.
"""

from __future__ import annotations

from typing import Any

from ltl_quiz.scenario.kinds import answering_of
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.sessions import tally
from ltl_quiz.text import counted, one_line
from ltl_quiz.ui.sessions.view import SessionView

METHODS = {
    "individual": "each person's choice, entered by the trainer",
    "hands": "a show of hands",
    "live": "answered at their own terminals",
}


def show(view: SessionView, scenario: Scenario, report: dict[str, Any]) -> None:
    """The record for people: the plain and rich renderers share these lines."""
    sc = report["scenario"]
    view.heading(f"Session {report['code']}: case study {sc['case_study']}, {sc['title']} ({report['track']} track)")
    kind = "Facilitated on one screen" if report["kind"] == "facilitated" else "Live, each learner at their own terminal"
    view.say(f"{kind}. Trainer: {report['trainer']}. Started {report['created_at'][:16].replace('T', ' ')} UTC; {report['status']}.")
    if sc["changed_since"]:
        view.say(f"Note: {sc['id']} has been edited since this session; texts are from the current file.")
    _people(view, report["participants"])
    view.heading("The room's path")
    for step in report["steps"]:
        _show_step(view, scenario, step)
    if report["ending"]:
        end = report["ending"]
        real = " (as in the real case)" if end["matches_real_case"] else ""
        view.say(f"Ending reached: {end['title']}{real}.", "bold")


def _people(view: SessionView, people: list[dict[str, Any]]) -> None:
    present = [p for p in people if p["attempt"]]
    view.heading(f"Participants ({len(present)} took part)")
    if not people:
        view.say("No named participants: the room answered by a show of hands.")
    for p in people:
        who = f"{p['list_no']}. {p['name']} ({p['learner']}{', ' + p['unit'] if p['unit'] else ''})"
        if not p["attempt"]:
            view.say(f"{who}: absent.")
            continue
        minutes = f"{p['minutes']:g} min" if p["minutes"] is not None else "time not recorded"
        left = " (left early)" if p["left_at"] else ""
        answers = _count(p["answers_given"], "answer")
        reflections = _count(p["reflections"], "reflection")
        view.say(
            f"{who}: present{left}, {minutes}; {answers} given individually, {reflections}. Record: attempt {p['attempt'][:8]} ({p['status']})."
        )


def _count(n: int, noun: str) -> str:
    return counted(n, noun)


def _show_step(view: SessionView, scenario: Scenario, step: dict[str, Any]) -> None:
    n = step["step"]
    answering = answering_of(step["kind"])
    if answering == "read":
        view.say(f"Step {n}. {step['title'] or step['key']}")
        return
    if answering == "choose":
        view.say("")
        how = METHODS.get(step["method"] or "", "not revealed")
        view.say(f"Step {n}. {step['prompt']}  [{step['kind']}; {how}]", "bold")
        node = scenario.nodes.get(step["key"])
        letters = {d["option"]: d["letter"] for d in step["distribution"]}
        if node is not None and step["method"]:
            view.chart(node, tally.Distribution({d["option"]: d["count"] for d in step["distribution"]}, step["responses"]))
        if step["method"]:
            choice = ", ".join(letters.get(i, i) for i in step["room_choice"]) or "no clear choice"
            view.say(f"The room's choice: {choice}.")
        if step["followed"] or step["closed_at"]:
            followed = ", ".join(letters.get(i, i) for i in step["followed"]) or "none"
            why = f" Why: {step['reason']}" if step["reason"] else ""
            view.say(f"Branch followed: {followed}{' (the trainer chose another branch)' if step['override'] else ''}.{why}")
        if step["answers"]:
            view.say(
                "Individual answers: "
                + "; ".join(f"{a['name']} {', '.join(letters.get(i, i) for i in a['options']) or 'none'}" for a in step["answers"])
            )
        return
    view.say("")
    view.say(f"Step {n}. Key question: {step['question']}", "bold")
    view.say(f"Trainer's notes: {step['notes']}" if step["notes"] else "Trainer's notes: none.")
    for r in step["reflections"]:
        ticked = f" (covered points {', '.join(map(str, r['covered']))})" if r["covered"] else ""
        view.say(f"  {r['name']}: {one_line(r['text'])}{ticked}")
    if step["reflections_not_shared"]:
        n = step["reflections_not_shared"]
        view.say(
            f"  {counted(n, 'reflection')} written here {'are' if n != 1 else 'is'} kept by {'their writers' if n != 1 else 'its writer'}: not shared."
        )
