"""A session's record in one structure: who took part, the room's path, what was chosen and said.

``build`` gathers it from the store (the same dictionary is printed by ``--json``); ``show``
prints it for people. Texts (prompts, options, questions) come from the scenario file; if that has
changed since the session, ids stand in for anything it no longer has.
"""

from __future__ import annotations

from typing import Any

from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.sessions import tally
from ltl_quiz.sessions.chart import letter
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.sessions.view import SessionView
from ltl_quiz.store import Store
from ltl_quiz.store.queries import minutes, time_spent
from ltl_quiz.text import one_line


def build(store: Store, code: str, scenario: Scenario) -> dict[str, Any]:
    """Everything recorded about one session, as plain data. A written reflection's text is in it
    only for learners who chose to share theirs (``store/consent.py``); the others are counted."""
    from ltl_quiz.store.consent import sharing

    shares = sharing(store)
    sessions = SessionStore(store)
    row = sessions.session(code)
    people = sessions.participants(code)
    names = {p.learner_id: p.name for p in people}
    attempts = {p.attempt_id: store.attempt(p.attempt_id) for p in people if p.attempt_id}
    spent = time_spent(store, list(attempts))  # the one definition every record uses
    given = sessions.answers(code)
    choice_keys = {nid for nid, n in scenario.nodes.items() if n.type in ("decision", "multi")}
    report: dict[str, Any] = {
        "code": row.code,
        "kind": row.kind,
        "trainer": row.trainer,
        "status": row.status,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "scenario": {
            "id": row.scenario_id,
            "title": scenario.title,
            "case_study": scenario.source.case_study,
            "version": row.state.room.scenario_version,
            "sha256": row.scenario_sha256,
            "changed_since": scenario.sha256 != row.scenario_sha256,
        },
        "track": row.track,
        "participants": [],
        "steps": [],
        "ending": None,
    }
    for p in people:
        attempt = attempts.get(p.attempt_id or "")
        mine = [a for a in given if a.learner_id == p.learner_id]
        report["participants"].append(
            {
                "list_no": p.list_no,
                "learner": p.learner_id,
                "name": p.name,
                "unit": p.unit,
                "present": p.present,
                "joined_at": p.joined_at,
                "left_at": p.left_at,
                "attempt": p.attempt_id,
                "status": attempt.status if attempt else None,
                "minutes": minutes(spent.get(attempt.id)) if attempt else None,
                "how_answered": attempt.how_answered if attempt else None,
                "answers_given": sum(1 for a in mine if a.key in choice_keys),
                "reflections": sum(1 for a in mine if (a.text or "").strip()),
            }
        )
    for record in sessions.steps(code):
        report["steps"].append(_step(scenario, record, [a for a in given if a.seq == record.seq], names, shares))
    end = scenario.nodes.get(row.state.room.node_id)
    if end is not None and end.type == "end":
        report["ending"] = {"node": end.id, "title": end.title, "matches_real_case": end.matches_real_case}
    return report


def _step(scenario: Scenario, record: Any, given: list[Any], names: dict[str, str], shares: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "step": record.seq + 1,
        "kind": record.kind,
        "key": record.key,
        "shown_at": record.shown_at,
        "closed_at": record.closed_at,
    }
    node = scenario.nodes.get(record.key) if record.kind != "key_question" else None
    if record.kind == "passage":
        out["title"] = node.title if node else None
    elif record.kind in ("decision", "multi"):
        out.update(_decision(node, record))
        out["answers"] = [
            {"learner": a.learner_id, "name": names.get(a.learner_id, a.learner_id), "options": a.option_ids, "entered_by": a.entered_by}
            for a in given
        ]
    else:
        kq_id = node.key_question if node is not None and record.kind == "reflection" else record.key
        question: str | None
        try:
            question = scenario.key_question(kq_id or "").question
        except KeyError:
            question = kq_id
        out.update({"key_question": kq_id, "question": one_line(question), "notes": record.notes})
        written = [a for a in given if (a.text or "").strip()]
        out["reflections"] = [
            {"learner": a.learner_id, "name": names.get(a.learner_id, a.learner_id), "text": a.text, "covered": [i + 1 for i in a.covered]}
            for a in written
            if a.learner_id in shares
        ]
        out["reflections_not_shared"] = len(written) - len(out["reflections"])
    return out


def _decision(node: Node | None, record: Any) -> dict[str, Any]:
    options = node.options if node is not None else []
    recommended = set(node.recommended) if node is not None else set()
    known = {o.id for o in options}
    distribution = [
        {
            "option": o.id,
            "letter": letter(i),
            "text": one_line(o.text),
            "count": record.counts.get(o.id, 0),
            "recommended": o.id in recommended,
            "critical": o.critical,
        }
        for i, o in enumerate(options)
    ]
    distribution += [
        {"option": k, "letter": "?", "text": k, "count": v, "recommended": False, "critical": False}
        for k, v in record.counts.items()
        if k not in known
    ]
    followed, choice = record.followed, record.room_choice
    return {
        "prompt": one_line(node.prompt) if node is not None else record.key,
        "method": record.method,
        "responses": record.responses,
        "distribution": distribution,
        "room_choice": choice,
        "followed": followed,
        "override": bool(record.closed_at) and bool(choice) and followed != choice,
        "reason": record.reason,
        "opened_at": record.opened_at,
        "revealed_at": record.revealed_at,
    }


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
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _show_step(view: SessionView, scenario: Scenario, step: dict[str, Any]) -> None:
    n = step["step"]
    if step["kind"] == "passage":
        view.say(f"Step {n}. {step['title'] or step['key']}")
        return
    if step["kind"] in ("decision", "multi"):
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
            f"  {n} reflection{'' if n == 1 else 's'} written here {'are' if n != 1 else 'is'} kept by {'their writers' if n != 1 else 'its writer'}: not shared."
        )
