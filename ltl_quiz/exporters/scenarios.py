"""The scenario text behind stored answers: question, options and the recommended choice, by id.

The store keeps ids (node, option, key question), not wording, so exports, reports and CPD records
look the wording up in the scenario files. A file may since have been removed or edited; then the
lookup falls back to the ids, which are always exported too, so a row is never lost or wrong, only
less readable. Each scenario is parsed once, the first time one of its attempts is seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ltl_quiz.errors import LtlQuizError
from ltl_quiz.scenario.kinds import answer_kinds, kind_of
from ltl_quiz.scenario.model import KeyQuestion, Node, Scenario
from ltl_quiz.scenario.scoring import award
from ltl_quiz.text import one_line


@dataclass(frozen=True)
class Choice:
    """What one stored choice means: the question, the option(s) chosen and the recommended one(s)."""

    question: str
    chosen_ids: str
    chosen: str
    recommended_ids: str
    recommended: str
    best_points: int | None


@dataclass(frozen=True)
class Question:
    """A key question and its model points, or the bare id when the scenario no longer has it."""

    id: str
    text: str
    model_points: tuple[str, ...]


class ScenarioLibrary:
    """Scenarios of one folder, loaded lazily by id, with memoised lookups for the hot export loop."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._scenarios: dict[str, Scenario | None] = {}
        self._choices: dict[tuple[str, str, str], Choice] = {}

    def get(self, scenario_id: str) -> Scenario | None:
        """The scenario with this id, or None when its file is missing or no longer loads."""
        if scenario_id not in self._scenarios:
            self._scenarios[scenario_id] = self._load(scenario_id)
        return self._scenarios[scenario_id]

    def _load(self, scenario_id: str) -> Scenario | None:
        if self.folder is None or not self.folder.is_dir():
            return None
        from ltl_quiz.scenario.loader import find_scenario, parse_scenario

        try:
            scenario, _, _ = parse_scenario(find_scenario(self.folder, scenario_id))
        except LtlQuizError:
            return None
        return scenario if scenario.id == scenario_id else None

    def node(self, scenario_id: str, node_id: str) -> Node | None:
        scenario = self.get(scenario_id)
        return scenario.nodes.get(node_id) if scenario else None

    def choice(self, scenario_id: str, node_id: str, option_ids_json: str) -> Choice:
        """The meaning of a stored choice, keyed by the raw JSON so the export loop never parses it twice."""
        key = (scenario_id, node_id, option_ids_json)
        found = self._choices.get(key)
        if found is None:
            found = self._choices[key] = self._choice(scenario_id, node_id, json.loads(option_ids_json or "[]"))
        return found

    def _choice(self, scenario_id: str, node_id: str, chosen: list[str]) -> Choice:
        node = self.node(scenario_id, node_id)
        if node is None or not kind_of(node.type).choice:
            return Choice(node_id, "; ".join(chosen), "; ".join(chosen), "", "", None)
        by_id = {o.id: o for o in node.options}
        recommended = node.recommended
        try:
            best = award(node, recommended).points
        except KeyError:
            best = None
        return Choice(
            question=one_line(node.prompt or node_id),
            chosen_ids="; ".join(chosen),
            chosen="; ".join(one_line(by_id[i].text) if i in by_id else i for i in chosen),
            recommended_ids="; ".join(recommended),
            recommended="; ".join(one_line(by_id[i].text) for i in recommended),
            best_points=best,
        )

    def key_question(self, scenario_id: str, node_id: str, kind: str) -> Question:
        """The key question a reflection answered: a reflection node names it, a debrief answer is it."""
        scenario = self.get(scenario_id)
        kq_id = node_id
        if kind in answer_kinds(answering="write") and scenario is not None and node_id in scenario.nodes:
            kq_id = scenario.nodes[node_id].key_question or node_id
        kq: KeyQuestion | None = None
        if scenario is not None:
            try:
                kq = scenario.key_question(kq_id)
            except KeyError:
                kq = None
        if kq is None:
            return Question(kq_id, kq_id, ())
        return Question(kq.id, one_line(kq.question), tuple(one_line(p) for p in kq.model_points))
