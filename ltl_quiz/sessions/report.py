"""A session's record in one structure: who took part, the room's path, what was chosen and said.

``build`` gathers it from the store (the same dictionary is printed by ``--json``);
``ltl_quiz.ui.sessions.record`` draws it for people. Texts (prompts, options, questions) come
from the scenario file; if that has changed since the session, ids stand in for anything it no
longer has.
"""

from __future__ import annotations

from typing import Any

from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER, answer_kinds, answering_of, kind_of
from ltl_quiz.scenario.model import Node, Scenario
from ltl_quiz.sessions.letters import letter
from ltl_quiz.sessions.orchestration import SessionStore
from ltl_quiz.store import Store
from ltl_quiz.store.queries import minutes, time_spent
from ltl_quiz.text import one_line


def build(store: Store, code: str, scenario: Scenario) -> JSONObject:
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
    choice_keys = {nid for nid, n in scenario.nodes.items() if kind_of(n.type).choice}
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
    if end is not None and kind_of(end.type).ending:
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
    node = scenario.nodes.get(record.key) if record.kind != KEY_QUESTION_ANSWER else None
    answering = answering_of(record.kind)
    if answering == "read":
        out["title"] = node.title if node else None
    elif answering == "choose":
        out.update(_decision(node, record))
        out["answers"] = [
            {"learner": a.learner_id, "name": names.get(a.learner_id, a.learner_id), "options": a.option_ids, "entered_by": a.entered_by}
            for a in given
        ]
    else:
        kq_id = node.key_question if node is not None and record.kind in answer_kinds(answering="write") else record.key
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
