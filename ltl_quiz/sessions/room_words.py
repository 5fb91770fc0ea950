"""Scenario text said to a room: a group session has no score and no pass (its records say so).

Option feedback is written for one learner's attempt ("...so the attempt cannot pass"). Read out
to a room, that told people a pass was at stake when none is; the sentence still says something
true and worth knowing, about what the choice would mean for an attempt of one's own.
"""

from __future__ import annotations

import re

_CANNOT_PASS = re.compile(r"\b([Tt]he|[Aa]n?|[Tt]his)\s+attempt(\s+)cannot(\s+)pass\b")


def in_room(text: str) -> str:
    """``text`` with every "the attempt cannot pass" said of an attempt of one's own."""
    return _CANNOT_PASS.sub(_said_of_ones_own, text)


def _said_of_ones_own(match: re.Match[str]) -> str:
    article = "An" if match.group(1)[0].isupper() else "an"
    return f"{article} attempt of one's own making this choice{match.group(2)}could not{match.group(3)}pass"
