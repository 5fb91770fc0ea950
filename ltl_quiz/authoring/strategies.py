"""Reading-free strategies: play a scenario without reading it, and see whether that passes.

A pass must mean the learner showed the judgement the case is about. A learner who always picks
the longest option, or the one with the most guidance words, or ticks every box at a multi, has
read nothing, so none of these may ever pass. Each strategy here picks from what is on the screen
(the options' text and order) and nothing else, and is played through the engine itself: in
practice order (the file's: in assessed mode the order is shuffled afresh, so a strategy that goes
by position is a blind guess there).

The figures that need every path (the best score on a path that repeats a real failing, the share
of decisions whose best option is the longest) come from the one path analysis, ``graph.py``, and
``validate`` prints them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ltl_quiz import engine
from ltl_quiz.model import Node, Option, Scenario

# Words a learner who has not read the case might take for the "right" answer's vocabulary.
GUIDANCE_WORDS = re.compile(
    r"\b(safeguard\w*|refer\w*|record\w*|risk\w*|app|policy|policies|procedure\w*|guidance|supervis\w*|"
    r"multi-agency|strategy|social care|children's services|social services|investigat\w*|evidence\w*|"
    r"vulnerab\w*|welfare|protect\w*|intelligence|assess\w*|escalat\w*|pace|working together|ncrs|"
    r"victims' code|special measures|abe|crime|report\w*|check\w*|immediately|urgent\w*|mash|"
    r"section 47|s47|inform\w*|document\w*|review\w*|training|quality|ensure|full\w*|every)\b",
    re.IGNORECASE,
)

Pick = Callable[[list[Option]], Option]
Tick = Callable[[list[Option]], list[Option]]


def guidance_words(text: str) -> int:
    return len(GUIDANCE_WORDS.findall(text))


def _by(key: Callable[[Option], Any], reverse: bool = False) -> Pick:
    def pick(options: list[Option]) -> Option:
        return (max if not reverse else min)(options, key=key)

    return pick


def _half(key: Callable[[Option], Any], reverse: bool = True) -> Tick:
    def tick(options: list[Option]) -> list[Option]:
        ranked = sorted(options, key=key, reverse=reverse)
        return ranked[: max(1, (len(ranked) + 1) // 2)]

    return tick


# Words that turn an action into inaction: a learner may avoid them, or look for them.
HOLDING_WORDS = re.compile(r"\b(not|no|wait\w*|leave|later|only|until|nothing|without|close\w*|decline\w*)\b", re.IGNORECASE)


def holding_words(text: str) -> int:
    return len(HOLDING_WORDS.findall(text))


def _clauses(text: str) -> int:
    return text.count(",") + text.count(";") + len(re.findall(r"\band\b", text))


# Decision strategies: how a learner who does not read picks one option.
PICKS: dict[str, Pick] = {
    "longest": _by(lambda o: len(o.text)),
    "shortest": _by(lambda o: len(o.text), reverse=True),
    "most-guidance-words": _by(lambda o: (guidance_words(o.text), len(o.text))),
    "fewest-guidance-words": _by(lambda o: (guidance_words(o.text), len(o.text)), reverse=True),
    "most-words": _by(lambda o: len(o.text.split())),
    "most-clauses": _by(lambda o: (_clauses(o.text), len(o.text))),
    "no-holding-back": _by(lambda o: (-holding_words(o.text), len(o.text))),
    "most-capitals": _by(lambda o: (sum(ch.isupper() for ch in o.text), len(o.text))),
    "first": lambda options: options[0],
    "second": lambda options: options[min(1, len(options) - 1)],
    "last": lambda options: options[-1],
    "middle": lambda options: options[len(options) // 2],
}

# Multi strategies: how such a learner ticks boxes.
TICKS: dict[str, Tick] = {
    "every-box": lambda options: list(options),
    "no-box": lambda options: [],
    "longest-half": _half(lambda o: len(o.text)),
    "shortest-half": _half(lambda o: len(o.text), reverse=False),
    "guidance-half": _half(lambda o: (guidance_words(o.text), len(o.text))),
    "any-guidance-word": lambda options: [o for o in options if guidance_words(o.text)],
    "no-holding-back": lambda options: [o for o in options if not holding_words(o.text)],
    "all-but-shortest": lambda options: sorted(options, key=lambda o: len(o.text))[1:] or list(options),
    "first-half": lambda options: options[: max(1, (len(options) + 1) // 2)],
    "longest-one": lambda options: [max(options, key=lambda o: len(o.text))],
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "track": self.track,
            "decisions": self.pick,
            "multis": self.tick,
            "mode": self.mode,
            "seed": self.seed,
            "score": self.score,
            "best": self.best,
            "percentage": self.percentage,
            "passed": self.passed,
            "ending": self.ending,
            "critical": self.critical,
        }


def play(scenario: Scenario, track: str, pick: Pick, tick: Tick, mode: str = "practice", seed: int = 0) -> engine.Result:
    """One attempt answered by ``pick`` at decisions and ``tick`` at multis, key questions written."""
    state = engine.start(scenario, track, mode, seed=seed)
    for _ in range(4 * len(scenario.nodes) + 10):
        node = engine.current(scenario, state)
        if node.type == "end":
            break
        state = engine.answer(scenario, state, _respond(scenario, node, engine.options(scenario, state), pick, tick))[0]
    for kq in engine.pending_key_questions(scenario, state):
        state = engine.reflect(scenario, state, kq.id, engine.Reflect("An answer written without reading the case.", []))
    return engine.result(scenario, state)


def _respond(scenario: Scenario, node: Node, shown: list[Option], pick: Pick, tick: Tick) -> engine.Response:
    if node.type == "passage":
        return engine.Continue()
    if node.type == "reflection":
        return engine.Reflect("An answer written without reading the case.", [])
    if node.type == "decision":
        return engine.Choose([pick(shown).id])
    return engine.Choose([o.id for o in tick(shown)])


def play_all(scenario: Scenario, tracks: list[str] | None = None) -> list[StrategyResult]:
    """Every decision strategy paired with every multi strategy, on every track, in practice order."""
    out = []
    for track in tracks or scenario.audiences:
        has_multi = any(n.type == "multi" and n.on_track(track) for n in scenario.nodes.values())
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
