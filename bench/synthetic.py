"""Realistic records for the benches: random walks through the real case studies on both tracks.

Shared by bench/export.py and bench/scale.py. The walks themselves are the authoring tools' own
(``ltl_quiz.authoring.walks.play``), so bench data follows exactly the rules a learner meets.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
UNITS = ["North Yorkshire, control room", "West Midlands, CID", "Kent, safeguarding hub", "Dyfed-Powys, response", "Met, online CSE team"]
TEXTS = [
    "I would ask who the men are, how she got there and whether she feels safe.",
    "Check force systems for previous concerns and record what I searched and found.",
    "Refer to children's social care and make sure the strategy discussion happens.",
    "Speak to her on her own, without blame, and listen to what she says.",
]


def walks(per_track: int, rng: random.Random) -> list[dict[str, Any]]:
    """``per_track`` finished attempts on every case and track: their figures and their answers."""
    from ltl_quiz.authoring.walks import play
    from ltl_quiz.engine import state_machine as engine
    from ltl_quiz.scenario.loader import load_scenario

    found = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        for track in scenario.audiences:
            for _ in range(per_track):
                state = play(scenario, track, rng, text=rng.choice(TEXTS))
                result = engine.result(scenario, state)
                found.append(
                    {
                        "scenario": scenario,
                        "track": track,
                        "state": json.dumps(state.to_json()),
                        "score": result.score,
                        "best": result.best,
                        "percentage": result.percentage,
                        "passed": result.passed,
                        "critical": json.dumps([list(c) for c in result.critical]),
                        "competencies": json.dumps(result.competencies, sort_keys=True),
                        "ending": result.ending,
                        "answers": [a for a in state.answers if a.kind != "passage"],
                    }
                )
    return found
