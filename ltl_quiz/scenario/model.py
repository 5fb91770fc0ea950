"""The scenario model: plain dataclasses that mirror the YAML format field for field.

The loader builds these from a file (see ``loader.py``); the engine and the validator read them.
Field types here are the schema: ``builder.py`` checks a parsed file against them, so the format
documented in ``docs/scenario-format.md`` has exactly one definition in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeGuard, get_args

from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.value_rules import SLUG, WEB_ADDRESS, KeyChoice, rules

# Every whole number in a content file lies within +/- INT_LIMIT, and a field may narrow that with
# ``metadata=rules(range=(low, high))`` (for a mapping, the range of each value). Every other value
# rule (id patterns, allowed keys, counts) is declared the same way, beside the field it governs;
# the loader and the JSON Schema both read them (``value_rules.py``), so each is written once.
INT_LIMIT = 10_000
POINTS_RANGE = (-100, 100)

Track = Literal["officer", "manager"]


def is_track(value: str) -> TypeGuard[Track]:
    """Whether ``value`` names a track: lets a track held as text look up the tables keyed by track."""
    return value in get_args(Track)


RefKind = Literal["legislation", "guidance", "policy", "research", "sidebar"]
COMPETENCIES: tuple[str, ...] = (
    "vulnerability",
    "professional_curiosity",
    "risk_assessment",
    "evidence",
    "recording",
    "supervision",
    "multi_agency",
    "victim_voice",
)


@dataclass
class Route:
    """One way on from a node; the first route whose conditions hold is taken."""

    goto: str
    if_flags: list[str] = field(default_factory=list, metadata={"key": "if"})
    unless: list[str] = field(default_factory=list)
    track: Track | None = None

    @property
    def conditional(self) -> bool:
        return bool(self.if_flags or self.unless or self.track)

    def matches(self, flags: frozenset[str] | set[str], track: str) -> bool:
        if self.track and self.track != track:
            return False
        return all(f in flags for f in self.if_flags) and not any(f in flags for f in self.unless)


RealCaseKind = Literal["failing", "good"]


@dataclass
class RealCase:
    """What the real officers or staff did, when an option repeats it: the debrief names it.

    ``did: failing`` marks an option that repeats a failing the seed records (what the IOPC, the
    force or a misconduct outcome found wanting); such an option must never allow a pass (it is
    ``critical``, or the scoring makes a pass unreachable, which ``validate`` proves). ``did: good``
    marks what the real people did well. ``note`` says what they did and what the seed says of it.
    """

    did: RealCaseKind
    note: str


@dataclass
class Option:
    """A choice at a decision or multi node, with the score and feedback it earns."""

    id: str = field(metadata=rules(pattern=SLUG))
    text: str
    feedback: str
    points: int = field(default=0, metadata=rules(range=POINTS_RANGE))
    competencies: dict[str, int] = field(
        default_factory=dict, metadata=rules(range=POINTS_RANGE, keys=KeyChoice(COMPETENCIES, "competency"))
    )
    cites: list[str] = field(default_factory=list)
    critical: bool = False
    sets: list[str] = field(default_factory=list, metadata=rules(pattern=SLUG))
    next: list[Route] | None = None
    real_case: RealCase | None = None


@dataclass
class Node:
    """One step of a case. Which fields apply depends on ``type``, one of the kinds in ``kinds.py``."""

    type: str  # the builder refuses a type that is not a declared kind
    id: str = field(default="", metadata={"from_key": True})
    track: Track | None = None
    title: str | None = None
    text: str | None = None
    prompt: str | None = None
    options: list[Option] = field(default_factory=list, metadata=rules(min_items=2))
    next: list[Route] | None = None
    key_question: str | None = None
    feedback: str | None = None
    matches_real_case: bool = False

    def on_track(self, track: str) -> bool:
        return self.track is None or self.track == track

    def option(self, option_id: str) -> Option:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise KeyError(option_id)

    def routes_for(self, option_id: str) -> list[Route]:
        """Where choosing ``option_id`` leads: the option's own ``next``, else the node's."""
        own = self.option(option_id).next if kind_of(self.type).routing == "option" else None
        return own or self.next or []

    @property
    def recommended(self) -> list[str]:
        """One option taken: the highest-scoring (first of equals). Any taken: every positive option."""
        if kind_of(self.type).several:
            return [o.id for o in self.options if o.points > 0]
        if not self.options:
            return []
        best = max(o.points for o in self.options)
        return [next(o.id for o in self.options if o.points == best)]


@dataclass
class Source:
    """Where the case comes from, so every record can point back to the learning report."""

    publication: str
    issue: int = field(metadata=rules(range=(1, 1000)))
    case_study: int = field(metadata=rules(range=(1, 100)))
    url: str = field(metadata=rules(pattern=WEB_ADDRESS))


@dataclass
class Reference:
    """Legislation, guidance or a sidebar the seed cites for this case, with its quoted passage."""

    id: str = field(metadata=rules(pattern=SLUG))
    title: str
    kind: RefKind
    quote: str | None = None
    url: str | None = None


@dataclass
class KeyQuestion:
    """A key question, word for word from the seed, and the points a good answer covers."""

    id: str = field(metadata=rules(pattern=SLUG))
    question: str
    model_points: list[str]


@dataclass
class Case:
    """The real case, shown in the debrief after the learner's own path."""

    what_happened: str
    outcomes: list[str]
    force_actions: list[str]
    references: list[Reference]
    key_questions: dict[Track, list[KeyQuestion]]


@dataclass
class Scenario:
    """One case study as a branching scenario."""

    id: str = field(metadata=rules(pattern=SLUG))
    title: str
    summary: str
    source: Source
    themes: list[str]
    audiences: list[Track] = field(metadata=rules(min_items=1, unique=True))
    minutes: int = field(metadata=rules(range=(1, 600)))
    pass_mark: int = field(metadata=rules(range=(0, 100)))
    version: int = field(metadata=rules(range=(1, INT_LIMIT)))
    content_note: str
    roles: dict[Track, str]
    start: str
    nodes: dict[str, Node] = field(metadata=rules(min_items=1, key_pattern=SLUG))
    case: Case
    # Not in the file: filled in by the loader.
    path: str = field(default="", metadata={"internal": True})
    sha256: str = field(default="", metadata={"internal": True})

    def key_questions(self, track: str) -> list[KeyQuestion]:
        return list(self.case.key_questions.get(track, [])) if is_track(track) else []

    def role(self, track: str) -> str:
        """The learner's role on ``track``; "" on a track the case is not written for."""
        return self.roles.get(track, "") if is_track(track) else ""

    def key_question(self, kq_id: str) -> KeyQuestion:
        for questions in self.case.key_questions.values():
            for kq in questions:
                if kq.id == kq_id:
                    return kq
        raise KeyError(kq_id)


@dataclass
class ScenarioSummary:
    """What ``list`` needs, without building the whole graph."""

    id: str
    title: str
    case_study: int
    themes: list[str]
    audiences: list[str]
    minutes: int
    path: str
