"""Reading-free strategies: play a scenario without reading it, and see whether that passes.

A pass must mean the learner showed the judgement the case is about. A learner who always picks
the longest option, or the one with the most guidance words, or ticks every box at a multi, has
read nothing, so none of these may ever pass. Each strategy here picks from what is on the screen
(the options' text and order) and nothing else, and is played through the engine itself: in
practice order (the file's: in assessed mode the order is shuffled afresh, so a strategy that goes
by position is a blind guess there).

The figures that need every path (the best score on a path that repeats a real failing, the share
of decisions whose best option is the longest) come from the one path analysis, ``paths.py``, and
``validate`` prints them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ltl_quiz.engine import state_machine as engine
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.kinds import kind_of
from ltl_quiz.scenario.model import Node, Option, Scenario

# Words a learner who has not read the case might take for the "right" answer's vocabulary.
GUIDANCE_WORDS = re.compile(
    r"\b(safeguard\w*|refer\w*|record\w*|risk\w*|app|policy|policies|procedure\w*|guidance|supervis\w*|"
    r"multi-agency|strategy|social care|children's services|social services|investigat\w*|evidence\w*|"
    r"vulnerab\w*|welfare|protect\w*|intelligence|assess\w*|escalat\w*|pace|working together|ncrs|"
    r"victims' code|special measures|abe|crime|report\w*|check\w*|immediately|urgent\w*|mash|"
    r"section 47|s47|inform\w*|document\w*|review\w*|training|quality|ensure|full\w*|every)\b",
    re.IGNORECASE,
)

Pick = Callable[[list[Option], Node], Option]
Tick = Callable[[list[Option], Node], list[Option]]


def guidance_words(text: str) -> int:
    return len(GUIDANCE_WORDS.findall(text))


def _by(key: Callable[[Option], Any], reverse: bool = False) -> Pick:
    def pick(options: list[Option], node: Node) -> Option:
        return (max if not reverse else min)(options, key=key)

    return pick


def _half(key: Callable[[Option], Any], reverse: bool = True) -> Tick:
    def tick(options: list[Option], node: Node) -> list[Option]:
        ranked = sorted(options, key=key, reverse=reverse)
        return ranked[: max(1, (len(ranked) + 1) // 2)]

    return tick


def _each(keep: Callable[[Option], bool]) -> Tick:
    """Tick every box the test keeps (a learner ticking by a surface feature, box by box)."""
    return lambda options, node: [o for o in options if keep(o)]


def _ranked(at: Callable[[int], int]) -> Pick:
    """The option at a rank by length, longest first: ``at`` maps how many options there are to the rank."""

    def pick(options: list[Option], node: Node) -> Option:
        ranked = sorted(options, key=lambda o: len(o.text), reverse=True)
        return ranked[min(at(len(ranked)), len(ranked) - 1)]

    return pick


# Words that turn an action into inaction: a learner may avoid them, or look for them.
HOLDING_WORDS = re.compile(r"\b(not|no|wait\w*|leave|later|only|until|nothing|without|close\w*|decline\w*)\b", re.IGNORECASE)
NEGATIONS = re.compile(r"\b(not|no|never|without|nothing|none|nor|cannot|can't|don't|doesn't|won't|isn't)\b", re.IGNORECASE)
# Who the case is about: a learner may take the option that keeps the child in view for the right one.
CHILD_WORDS = re.compile(
    r"\b(child\w*|girl\w*|boy\w*|victim\w*|young (?:person|people)|daughter\w*|son|sons|sister\w*|brother\w*|pupil\w*)\b",
    re.IGNORECASE,
)
# The verbs an action-minded answer opens with.
ACTION_VERBS = re.compile(
    r"^\W*(arrest|seize|refer|record|call|ask|go|send|make|take|hold|speak|visit|search|open|set|task|phone|contact|"
    r"book|start|raise|tell|escalate|attend|check|review|request|apply|get|put|flag|brief|ring|create|submit|"
    r"allocate|assign|treat|keep|secure|deploy|dispatch|reallocate|stay|insist|challenge|write|log|run)\b",
    re.IGNORECASE,
)
SPECIFICS = re.compile(r"\d+|\b(?:s|section|ss)\s?\d+|(?<=[a-z,;] )[A-Z][\w'-]+")
WORD = re.compile(r"[a-z][a-z'-]{3,}")
LONG_WORD = re.compile(r"\b[A-Za-z][A-Za-z'-]{8,}")  # nine letters or more: the vocabulary of a report


def holding_words(text: str) -> int:
    return len(HOLDING_WORDS.findall(text))


def _clauses(text: str) -> int:
    return text.count(",") + text.count(";") + len(re.findall(r"\band\b", text))


def _words(text: str | None) -> set[str]:
    """The content words of a text (four letters or more), for overlap between texts on screen."""
    return set(WORD.findall((text or "").lower()))


def _screen(node: Node) -> set[str]:
    return _words(" ".join(filter(None, [node.title, node.text, node.prompt])))


def _overlap(option: Option, node: Node) -> float:
    """How much of an option repeats the words on the screen above it (title, text, prompt)."""
    words = _words(option.text)
    return len(words & _screen(node)) / max(1, len(words))


def _likeness(option: Option, options: list[Option]) -> float:
    """Mean word overlap (Jaccard) of an option with the others: high is the centroid, low the odd one out."""
    mine = _words(option.text)
    others = [_words(o.text) for o in options if o is not option]
    return sum(len(mine & w) / max(1, len(mine | w)) for w in others) / max(1, len(others))


def _by_screen(key: Callable[[Option, Node, list[Option]], Any], reverse: bool = False) -> Pick:
    def pick(options: list[Option], node: Node) -> Option:
        return (max if not reverse else min)(options, key=lambda o: (key(o, node, options), len(o.text)))

    return pick


def _shares_screen_words(options: list[Option], node: Node) -> list[Option]:
    screen = _screen(node)
    return [o for o in options if _words(o.text) & screen]


def _above_mean_length(options: list[Option], node: Node) -> list[Option]:
    mean = sum(len(o.text) for o in options) / max(1, len(options))
    return [o for o in options if len(o.text) > mean]


def _length(o: Option) -> int:
    return len(o.text)


# Decision strategies: how a learner who does not read picks one option.
PICKS: dict[str, Pick] = {
    "longest": _by(_length),
    "shortest": _by(_length, reverse=True),
    "second-longest": _ranked(lambda n: 1),
    "median-length": _ranked(lambda n: n // 2),
    "most-guidance-words": _by(lambda o: (guidance_words(o.text), len(o.text))),
    "fewest-guidance-words": _by(lambda o: (guidance_words(o.text), len(o.text)), reverse=True),
    "most-words": _by(lambda o: len(o.text.split())),
    "most-clauses": _by(lambda o: (_clauses(o.text), len(o.text))),
    "most-commas": _by(lambda o: (o.text.count(","), len(o.text))),
    "no-holding-back": _by(lambda o: (-holding_words(o.text), len(o.text))),
    "most-holding-back": _by(lambda o: (holding_words(o.text), len(o.text))),
    "fewest-negations": _by(lambda o: (-len(NEGATIONS.findall(o.text)), len(o.text))),
    "most-capitals": _by(lambda o: (sum(ch.isupper() for ch in o.text), len(o.text))),
    "most-specifics": _by(lambda o: (len(SPECIFICS.findall(o.text)), len(o.text))),
    "most-child-words": _by(lambda o: (len(CHILD_WORDS.findall(o.text)), len(o.text))),
    "action-verb-first": _by(lambda o: (bool(ACTION_VERBS.match(o.text)), guidance_words(o.text), len(o.text))),
    "most-long-words": _by(lambda o: (len(LONG_WORD.findall(o.text)), len(o.text))),
    "echoes-the-screen": _by_screen(lambda o, node, options: _overlap(o, node)),
    "centroid": _by_screen(lambda o, node, options: _likeness(o, options)),
    "odd-one-out": _by_screen(lambda o, node, options: -_likeness(o, options)),
    "first": lambda options, node: options[0],
    "second": lambda options, node: options[min(1, len(options) - 1)],
    "last": lambda options, node: options[-1],
    "middle": lambda options, node: options[len(options) // 2],
}

# Multi strategies: how such a learner ticks boxes.
TICKS: dict[str, Tick] = {
    "every-box": lambda options, node: list(options),
    "no-box": lambda options, node: [],
    "longest-half": _half(_length),
    "shortest-half": _half(_length, reverse=False),
    "guidance-half": _half(lambda o: (guidance_words(o.text), len(o.text))),
    "any-guidance-word": _each(lambda o: guidance_words(o.text) > 0),
    "two-plus-guidance-words": _each(lambda o: guidance_words(o.text) >= 2),
    "no-holding-back": _each(lambda o: not holding_words(o.text)),
    "no-negations": _each(lambda o: not NEGATIONS.search(o.text)),
    "child-words": _each(lambda o: bool(CHILD_WORDS.search(o.text))),
    "action-verb-first": _each(lambda o: bool(ACTION_VERBS.match(o.text))),
    "all-but-shortest": lambda options, node: sorted(options, key=_length)[1:] or list(options),
    "all-but-longest": lambda options, node: sorted(options, key=_length)[:-1] or list(options),
    "two-longest": lambda options, node: sorted(options, key=_length, reverse=True)[:2],
    "longer-than-mean": _above_mean_length,
    "shares-screen-words": _shares_screen_words,
    "first-half": lambda options, node: options[: max(1, (len(options) + 1) // 2)],
    "longest-one": lambda options, node: [max(options, key=_length)],
}

# In assessed mode options are shuffled afresh for each attempt, so a strategy that goes by position
# is a blind guess there, and a guess passes now and then on any case that can be passed at all. The
# gate is the order a strategy can learn: practice order, the file's, the same every time.


@dataclass
class StrategyResult:
    """What one reading-free strategy scored on one track."""

    track: str
    pick: str
    tick: str
    mode: str
    seed: int
    score: int
    best: int
    percentage: float
    passed: bool
    ending: str | None
    critical: int

    @property
    def name(self) -> str:
        order = "" if self.mode == "practice" else f", assessed order {self.seed}"
        return f"{self.pick} / {self.tick}{order}"

    def as_dict(self) -> JSONObject:
        """Every field, in order; JSON names the strategies by what they answer (``decisions``, ``multis``)."""
        return {_JSON_NAMES.get(name, name): value for name, value in asdict(self).items()}


_JSON_NAMES = {"pick": "decisions", "tick": "multis"}


def play(scenario: Scenario, track: str, pick: Pick, tick: Tick, mode: str = "practice", seed: int = 0) -> engine.Result:
    """One attempt answered by ``pick`` at decisions and ``tick`` at multis, key questions written."""
    state = engine.start(scenario, track, mode, seed=seed)
    for _ in range(4 * len(scenario.nodes) + 10):
        node = engine.current(scenario, state)
        if kind_of(node.type).ending:
            break
        state = engine.answer(scenario, state, _respond(scenario, node, engine.options(scenario, state), pick, tick))[0]
    for kq in engine.pending_key_questions(scenario, state):
        state = engine.reflect(scenario, state, kq.id, engine.Reflect("An answer written without reading the case.", []))
    return engine.result(scenario, state)


def _respond(scenario: Scenario, node: Node, shown: list[Option], pick: Pick, tick: Tick) -> engine.Response:
    kind = kind_of(node.type)
    if kind.answering == "read":
        return engine.Continue()
    if kind.answering == "write":
        return engine.Reflect("An answer written without reading the case.", [])
    if not kind.several:
        return engine.Choose([pick(shown, node).id])
    return engine.Choose([o.id for o in tick(shown, node)])


def play_all(scenario: Scenario, tracks: list[str] | None = None) -> list[StrategyResult]:
    """Every decision strategy paired with every multi strategy, on every track, in practice order."""
    out = []
    for track in tracks or scenario.audiences:
        has_multi = any(kind_of(n.type).several and n.on_track(track) for n in scenario.nodes.values())
        ticks = TICKS if has_multi else dict(list(TICKS.items())[:1])  # with no multi, ticking changes nothing
        for pick_name, pick in PICKS.items():
            for tick_name, tick in ticks.items():
                r = play(scenario, track, pick, tick)
                out.append(
                    StrategyResult(
                        track, pick_name, tick_name, "practice", 0, r.score, r.best, r.percentage, r.passed, r.ending, len(r.critical)
                    )
                )
    return out
