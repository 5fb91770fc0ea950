"""The attempt state machine and its scoring. Pure: no terminal, no database, no clock.

``start`` makes a state; ``answer`` takes a state and a response and returns the next state and
the feedback owed now (none in assessed mode, where it waits for the debrief). States serialise
to JSON and back, which is how an attempt is stored and resumed exactly where it stopped.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field, replace
from typing import Any, cast

from ltl_quiz.errors import InputError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.kinds import KEY_QUESTION_ANSWER, answer_kinds, kind_of
from ltl_quiz.scenario.model import KeyQuestion, Node, Option, Scenario
from ltl_quiz.scenario.paths import best_score
from ltl_quiz.scenario.scoring import award, competency_best, percentage
from ltl_quiz.text import typed

MODES = ("practice", "assessed")
# A group session is of one of these kinds, and its participants' attempts are recorded in that mode:
# facilitated (the trainer enters the room's answers on one screen) or live (each at their own terminal).
FACILITATED, LIVE = "facilitated", "live"
GROUP_MODES = (FACILITATED, LIVE)


def group_record(mode: str, passed: bool | None) -> bool:
    """A group-session participant's record with no verdict of its own: the room's path is not their score."""
    return mode in GROUP_MODES and passed is None


@dataclass(frozen=True)
class Answer:
    """One thing the learner did: a choice, a reflection, or reading on past a passage."""

    node_id: str
    kind: str  # passage | decision | multi | reflection | key_question
    option_ids: list[str] = field(default_factory=list)
    text: str | None = None
    covered: list[int] = field(default_factory=list)
    points: int = 0
    competencies: dict[str, int] = field(default_factory=dict)
    critical: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class State:
    """Everything needed to carry on an attempt; derived figures (score...) are computed from it."""

    scenario_id: str
    scenario_version: int
    scenario_sha256: str
    track: str
    mode: str
    seed: int
    node_id: str
    flags: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    def to_json(self) -> JSONObject:
        return asdict(self)

    @classmethod
    def from_json(cls, data: JSONObject) -> State:
        """The state ``to_json`` wrote (a key State does not have is refused; one it lacks takes its default)."""
        answers = [Answer(**cast("dict[str, Any]", a)) for a in cast("list[JSONObject]", data.get("answers", []))]
        return cls(**cast("dict[str, Any]", {**data, "answers": answers}))


@dataclass(frozen=True)
class Continue:
    """Read on past a passage."""


@dataclass(frozen=True)
class Choose:
    """One option id at a decision, any number at a multi."""

    option_ids: list[str]


@dataclass(frozen=True)
class Reflect:
    """A written answer to a key question and the model points the learner ticked (0-based)."""

    text: str
    covered: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        # typed at a prompt or given by an answers file: kept without control characters (NUL among them)
        object.__setattr__(self, "text", typed(self.text) if isinstance(self.text, str) else self.text)


Response = Continue | Choose | Reflect


@dataclass(frozen=True)
class Feedback:
    """What the learner is told about one decision: theirs beside the recommended, and why."""

    node_id: str
    prompt: str
    chosen: list[Option]
    recommended: list[Option]
    points: int
    best_points: int
    critical: list[Option]
    missed: list[Option] = field(default_factory=list)  # multi: recommended options not chosen


@dataclass(frozen=True)
class RealCaseChoice:
    """A choice that repeats what the real officers or staff did (``real_case`` on the option)."""

    node_id: str
    option_id: str
    did: str  # failing | good
    note: str


@dataclass(frozen=True)
class Result:
    """The attempt's figures, derived from its answers."""

    score: int
    best: int
    percentage: float
    passed: bool
    competencies: dict[str, int]
    critical: list[tuple[str, str]]  # (node id, option id)
    ending: str | None
    real_case: list[RealCaseChoice] = field(default_factory=list)
    competency_best: dict[str, int] = field(default_factory=dict)  # each tag's maximum on the path taken

    @property
    def real_failings(self) -> list[RealCaseChoice]:
        return [c for c in self.real_case if c.did == "failing"]


def start(scenario: Scenario, track: str, mode: str = "practice", seed: int | None = None) -> State:
    """A fresh attempt at the start node. ``seed`` fixes the option order in assessed mode."""
    if track not in scenario.audiences:
        raise InputError(f"track '{track}' is not offered by {scenario.id}; use one of: {', '.join(scenario.audiences)}")
    if mode not in MODES:
        raise InputError(f"mode '{mode}' is not known; use one of: {', '.join(MODES)}")
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    return State(scenario.id, scenario.version, scenario.sha256, track, mode, seed, scenario.start)


def current(scenario: Scenario, state: State) -> Node:
    return scenario.nodes[state.node_id]


def at_end(scenario: Scenario, state: State) -> bool:
    return kind_of(current(scenario, state).type).ending


def options(scenario: Scenario, state: State) -> list[Option]:
    """The current node's options in the order to show them: shuffled, reproducibly, when assessed."""
    node = current(scenario, state)
    opts = list(node.options)
    if state.mode == "assessed":
        random.Random(f"{state.seed}:{node.id}").shuffle(opts)
    return opts


def answer(scenario: Scenario, state: State, response: Response) -> tuple[State, Feedback | None]:
    """Apply one response at the current node; return the new state and any feedback owed now."""
    node = current(scenario, state)
    kind = kind_of(node.type)
    if kind.answering == "none":
        raise InputError("this attempt has reached its ending; answer the key questions in the debrief")
    stored = kind.answer_kind or kind.name
    if kind.answering == "read":
        _expect(response, Continue, node)
        return _advance(scenario, state, node, Answer(node.id, stored), node.next), None
    if kind.answering == "write":
        _expect(response, Reflect, node)
        assert isinstance(response, Reflect) and node.key_question
        rec = _reflection(scenario, node.id, node.key_question, response, stored)
        return _advance(scenario, state, node, rec, node.next), None
    _expect(response, Choose, node)
    assert isinstance(response, Choose)
    chosen = _check_choice(node, response.option_ids)
    got = award(node, chosen)
    rec = Answer(node.id, stored, chosen, None, [], got.points, dict(got.competencies), list(got.critical))
    flags = sorted(set(state.flags) | got.flags)
    routes = node.routes_for(chosen[0]) if kind.routing == "option" else node.next
    new = _advance(scenario, replace(state, flags=flags), node, rec, routes)
    return new, (feedback_for(node, rec) if state.mode == "practice" else None)


def pending_key_questions(scenario: Scenario, state: State) -> list[KeyQuestion]:
    """Key questions of the track not yet answered: asked in the debrief, once the case has ended."""
    done = {a.node_id for a in state.answers if a.kind == KEY_QUESTION_ANSWER}
    asked = (scenario.nodes[a.node_id].key_question for a in state.answers if a.kind in answer_kinds(answering="write"))
    done |= {kq_id for kq_id in asked if kq_id}  # a reflection node always names one (the loader checks)
    return [kq for kq in scenario.key_questions(state.track) if kq.id not in done]


def reflect(scenario: Scenario, state: State, kq_id: str, response: Reflect) -> State:
    """Record a debrief answer to one of the track's key questions."""
    if not at_end(scenario, state):
        raise InputError("key questions are answered in the debrief, after the case has ended")
    if kq_id not in {kq.id for kq in pending_key_questions(scenario, state)}:
        raise InputError(f"'{kq_id}' is not an unanswered key question of the {state.track} track")
    rec = _reflection(scenario, kq_id, kq_id, response, KEY_QUESTION_ANSWER)
    return replace(state, answers=[*state.answers, rec])


def finished(scenario: Scenario, state: State) -> bool:
    """The case has ended and every key question of the track has an answer."""
    return at_end(scenario, state) and not pending_key_questions(scenario, state)


def result(scenario: Scenario, state: State) -> Result:
    """Score, percentage of the best reachable, pass or fail, competencies and critical failures."""
    score = sum(a.points for a in state.answers)
    competencies: dict[str, int] = {}
    for a in state.answers:
        for tag, value in a.competencies.items():
            competencies[tag] = competencies.get(tag, 0) + value
    critical = [(a.node_id, option_id) for a in state.answers for option_id in a.critical]
    best = best_score(scenario, state.track)
    pct = percentage(score, best)
    ending = state.node_id if at_end(scenario, state) else None
    passed = ending is not None and pct >= scenario.pass_mark and not critical
    maxima = competency_maxima(scenario, state)
    return Result(score, best, pct, passed, competencies, critical, ending, real_case_choices(scenario, state), maxima)


def competency_maxima(scenario: Scenario, state: State) -> dict[str, int]:
    """Each competency's most on the path this learner took: the best answer at every decision
    and multi they reached, so a profile reads "3 of 4", not a bare 3 with nothing to weigh it by."""
    maxima: dict[str, int] = {}
    for a in state.answers:
        if a.kind in answer_kinds(answering="choose"):
            for tag, value in competency_best(scenario.nodes[a.node_id]).items():
                maxima[tag] = maxima.get(tag, 0) + value
    return maxima


def real_case_choices(scenario: Scenario, state: State) -> list[RealCaseChoice]:
    """The learner's choices that repeat what the real people did, well or badly, in order."""
    out = []
    for a in state.answers:
        for option_id in a.option_ids:
            rc = scenario.nodes[a.node_id].option(option_id).real_case
            if rc is not None:
                out.append(RealCaseChoice(a.node_id, option_id, rc.did, rc.note))
    return out


def review(scenario: Scenario, state: State) -> list[Feedback]:
    """Feedback on every scored answer, in order: the debrief's decision-by-decision review."""
    return [feedback_for(scenario.nodes[a.node_id], a) for a in state.answers if a.kind in answer_kinds(answering="choose")]


def feedback_for(node: Node, rec: Answer) -> Feedback:
    chosen = [node.option(i) for i in rec.option_ids]
    recommended = [node.option(i) for i in node.recommended]
    best = award(node, node.recommended).points
    missed = [o for o in recommended if o.id not in rec.option_ids] if kind_of(node.type).several else []
    critical = [o for o in chosen if o.critical]
    return Feedback(node.id, node.prompt or "", chosen, recommended, rec.points, best, critical, missed)


def _advance(scenario: Scenario, state: State, node: Node, rec: Answer, routes: Any) -> State:
    flags = set(state.flags)
    target = next((r.goto for r in routes or [] if r.matches(flags, state.track)), None)
    if target is None:  # the validator rules this out; a hand-edited file could still do it
        raise InputError(f"no route out of '{node.id}' matches; run 'ltl-quiz validate' on {scenario.path}")
    return replace(state, node_id=target, answers=[*state.answers, rec])


def _reflection(scenario: Scenario, node_id: str, kq_id: str, response: Reflect, kind: str) -> Answer:
    kq = scenario.key_question(kq_id)
    bad = [i for i in response.covered if not 0 <= i < len(kq.model_points)]
    if bad:
        raise InputError(f"model point {bad[0] + 1} does not exist; '{kq_id}' has {len(kq.model_points)}")
    return Answer(node_id, kind, [], response.text, sorted(set(response.covered)))


def _check_choice(node: Node, ids: list[str]) -> list[str]:
    known = [o.id for o in node.options]
    for option_id in ids:
        if option_id not in known:
            raise InputError(f"'{option_id}' is not an option at '{node.id}'; use one of: {', '.join(known)}")
    if not kind_of(node.type).several and len(ids) != 1:
        raise InputError(f"'{node.id}' takes exactly one option, got {len(ids)}")
    if len(set(ids)) != len(ids):
        raise InputError(f"an option is chosen twice at '{node.id}'")
    return list(ids)


def _expect(response: Response, kind: type, node: Node) -> None:
    if not isinstance(response, kind):
        raise InputError(f"'{node.id}' is a {node.type} node and cannot take {type(response).__name__}")
