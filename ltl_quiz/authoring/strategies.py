"""Reading-free strategies: play a scenario without reading it, and see whether that passes.

A pass must mean the learner showed the judgement the case is about. A learner who always picks
the longest option, or the one with the most guidance words, or ticks every box at a multi, has
read nothing, so none of these may ever pass. Each strategy here picks from what is on the screen
(the options' text and order) and nothing else, and is played through the engine itself.

Also here, because authors need them beside the strategies: the share of decisions whose
recommended option is also the longest (a giveaway), and the best score on a path that repeats a
failing of the real case (``real_case: {did: failing}``), which must never reach a pass.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ltl_quiz import engine
from ltl_quiz.graph import best_score
from ltl_quiz.model import Node, Option, Scenario
from ltl_quiz.scoring import award

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


# Decision strategies: how a learner who does not read picks one option.
PICKS: dict[str, Pick] = {
    "longest": _by(lambda o: len(o.text)),
    "shortest": _by(lambda o: len(o.text), reverse=True),
    "most-guidance-words": _by(lambda o: (guidance_words(o.text), len(o.text))),
    "fewest-guidance-words": _by(lambda o: (guidance_words(o.text), len(o.text)), reverse=True),
    "most-words": _by(lambda o: len(o.text.split())),
    "first": lambda options: options[0],
    "last": lambda options: options[-1],
    "middle": lambda options: options[len(options) // 2],
}

# Multi strategies: how such a learner ticks boxes.
TICKS: dict[str, Tick] = {
    "every-box": lambda options: list(options),
    "longest-half": _half(lambda o: len(o.text)),
    "shortest-half": _half(lambda o: len(o.text), reverse=False),
    "guidance-half": _half(lambda o: (guidance_words(o.text), len(o.text))),
    "all-but-shortest": lambda options: sorted(options, key=lambda o: len(o.text))[1:] or list(options),
    "first-half": lambda options: options[: max(1, (len(options) + 1) // 2)],
    "longest-one": lambda options: [max(options, key=lambda o: len(o.text))],
}


@dataclass
class StrategyResult:
    """What one reading-free strategy scored on one track."""

    track: str
    pick: str
    tick: str
    score: int
    best: int
    percentage: float
    passed: bool
    ending: str | None
    critical: int

    @property
    def name(self) -> str:
        return f"{self.pick} / {self.tick}"


def play(scenario: Scenario, track: str, pick: Pick, tick: Tick) -> engine.Result:
    """One attempt answered by ``pick`` at decisions and ``tick`` at multis, key questions written."""
    state = engine.start(scenario, track, "practice", seed=0)
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
    """Every decision strategy paired with every multi strategy, on every track."""
    out = []
    for track in tracks or scenario.audiences:
        for pick_name, pick in PICKS.items():
            for tick_name, tick in TICKS.items():
                r = play(scenario, track, pick, tick)
                out.append(StrategyResult(track, pick_name, tick_name, r.score, r.best, r.percentage, r.passed, r.ending, len(r.critical)))
    return out


def longest_is_best(scenario: Scenario) -> tuple[int, int]:
    """(decisions whose recommended option is also the longest, scored decisions)."""
    hits = total = 0
    for node in scenario.nodes.values():
        if node.type != "decision" or len({o.points for o in node.options}) < 2:
            continue
        total += 1
        best = node.option(node.recommended[0])
        longest = max(node.options, key=lambda o: len(o.text))
        hits += int(longest is best)
    return hits, total


@dataclass
class FailingReach:
    """The best a path can do on one track while repeating a failing of the real case."""

    track: str
    best: int
    score: int | None  # None: no path on this track takes a real failing without a critical option
    pass_mark: int
    failings: list[str] = field(default_factory=list)

    @property
    def percentage(self) -> float | None:
        return None if self.score is None else engine.percentage(self.score, self.best)

    @property
    def can_pass(self) -> bool:
        pct = self.percentage
        return pct is not None and pct >= self.pass_mark


def failing_reach(scenario: Scenario, track: str) -> FailingReach:
    """Highest score over paths that take a ``real_case: failing`` option and no critical one.

    A memoised search over (node, flags, failing taken yet): the same states the path walker
    uses, doubled, so it stays as cheap as ``validate`` itself.
    """

    @cache
    def best_from(node_id: str, flags: frozenset[str], tainted: bool) -> int | None:
        node = scenario.nodes[node_id]
        if node.type == "end":
            return 0 if tainted else None
        found: list[int] = []
        for chosen in _choices(node):
            got = award(node, chosen)
            if got.critical:
                continue
            new_flags = flags | got.flags
            routes = node.routes_for(chosen[0]) if node.type == "decision" else (node.next or [])
            target = next((r.goto for r in routes if r.matches(new_flags, track)), None)
            if target is None:
                continue
            now = tainted or any(_is_failing(node.option(c)) for c in chosen)
            sub = best_from(target, new_flags, now)
            if sub is not None:
                found.append(sub + got.points)
        return max(found) if found else None

    failings = [f"{n.id}: {o.id}" for n in scenario.nodes.values() if n.on_track(track) for o in n.options if _is_failing(o)]
    return FailingReach(track, best_score(scenario, track), best_from(scenario.start, frozenset(), False), scenario.pass_mark, failings)


def _is_failing(option: Option) -> bool:
    return option.real_case is not None and option.real_case.did == "failing"


def _choices(node: Node) -> list[list[str]]:
    if node.type == "decision":
        return [[o.id] for o in node.options]
    if node.type == "multi":
        ids = [o.id for o in node.options]
        return [[i for k, i in enumerate(ids) if mask >> k & 1] for mask in range(1 << len(ids))]
    return [[]]


def _main(argv: list[str]) -> int:
    """``python -m ltl_quiz.authoring.strategies FILE...``: the figures, for authors at work."""
    from ltl_quiz.loader import load_scenario

    bad = 0
    for arg in argv:
        scenario = load_scenario(Path(arg))
        hits, total = longest_is_best(scenario)
        print(f"{arg}: recommended is longest in {hits} of {total} decisions")
        for r in play_all(scenario):
            if r.passed or r.percentage >= scenario.pass_mark - 15:
                print(f"  {'PASSES' if r.passed else 'near'} {r.track} {r.name}: {r.percentage}% ({r.critical} critical)")
            bad += int(r.passed)
        for track in scenario.audiences:
            fr = failing_reach(scenario, track)
            state = "CAN PASS" if fr.can_pass else "ok"
            print(f"  {track}: {len(fr.failings)} real failings marked; best with one taken: {fr.percentage}% ({state})")
            bad += int(fr.can_pass)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
