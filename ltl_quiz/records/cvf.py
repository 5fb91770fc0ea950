"""Our scenario competencies, mapped to the College of Policing's Competency and Values Framework (CVF).

The names below are the 2016 edition's, word for word as the College published them: six
competencies in three clusters, four values, three levels. The College's 2024 edition replaces
that one, and a learner's force may use it; the summary says which edition it names.

The mapping is ltl-quiz's own reading of the CVF descriptors, not the College's, and it claims a
CVF competency only where what the scenarios score under one of our tags is plainly that
competency in every case study. So ``vulnerability`` (mostly safeguarding action: grading a call,
bail conditions, a referral) and ``evidence`` (mostly evidential procedure: seizing a phone, an
ABE interview, securing a room) stay under their own names; ``supervision`` counts as leadership
only on the manager track, since on the officer track it scores asking a sergeant. Only a
passed attempt the learner answered alone counts: a failed one earns part-points on the very
choices the IOPC found wanting, and a group session is not an assessment. A score is never a
CVF level.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ltl_quiz.records.cpd import Entry

EDITION = "2016"
FRAMEWORK: dict[str, tuple[str, str]] = {  # cluster: its two competencies
    "Resolute, compassionate and committed": ("We are emotionally aware", "We take ownership"),
    "Inclusive, enabling and visionary leadership": ("We are collaborative", "We deliver, support and inspire"),
    "Intelligent, creative and informed policing": ("We analyse critically", "We are innovative and open-minded"),
}
COMPETENCIES: tuple[str, ...] = tuple(name for pair in FRAMEWORK.values() for name in pair)
VALUES: tuple[str, ...] = ("Integrity", "Impartiality", "Public service", "Transparency")
LEVELS: dict[int, str] = {1: "Practitioner", 2: "Supervisor/middle manager", 3: "Senior manager/executive"}

_BOTH_TRACKS = {
    "professional_curiosity": "We analyse critically",
    "risk_assessment": "We analyse critically",
    "victim_voice": "We are emotionally aware",
    "multi_agency": "We are collaborative",
    "recording": "We take ownership",
}
CVF: dict[str, dict[str, str]] = {  # track: our tag -> CVF competency
    "officer": dict(_BOTH_TRACKS),
    "manager": {**_BOTH_TRACKS, "supervision": "We deliver, support and inspire"},
}

HEADING = f"Competencies evidenced, mapped to the College of Policing Competency and Values Framework ({EDITION})"
NOTE = (
    f"ltl-quiz made this mapping, not the College of Policing: it is ltl-quiz's own reading of the CVF ({EDITION} edition), "
    "and the College has not reviewed or endorsed it or ltl-quiz. Only case studies I passed, answering on my own, count here. "
    "A case-study score does not assess or demonstrate any CVF level; these are examples to discuss at my PDR. "
    f"The College's CVF (2024) replaces the {EDITION} edition: check which one your force uses."
)
ALSO = "Also evidenced (no CVF competency claimed)"


def evidenced(competencies: dict[str, int], track: str) -> tuple[dict[str, list[str]], list[str]]:
    """(CVF competency -> our tags that evidence it, our tags with no CVF home on ``track``), positive points only."""
    mapping = CVF.get(track, {})
    mapped: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for name, points in sorted(competencies.items()):
        if points <= 0:
            continue
        if name in mapping:
            mapped.setdefault(mapping[name], []).append(name.replace("_", " "))
        else:
            unmapped.append(name.replace("_", " "))
    return dict(sorted(mapped.items())), unmapped


def claims(entries: Iterable[Entry]) -> tuple[dict[str, list[str]], list[str]]:
    """What a CPD summary may claim over ``entries`` (cpd.Entry): only passed attempts answered alone,
    each mapped on its own track; a tag claimed under the CVF is not listed again as unmapped."""
    mapped: dict[str, set[str]] = {}
    unmapped: set[str] = set()
    for e in entries:
        if e.passed is not True or e.scripted or e.in_group:
            continue
        ours, rest = evidenced(e.competencies, e.track)
        for cvf, tags in ours.items():
            mapped.setdefault(cvf, set()).update(tags)
        unmapped.update(rest)
    claimed = {tag for tags in mapped.values() for tag in tags}
    return {cvf: sorted(tags) for cvf, tags in sorted(mapped.items())}, sorted(unmapped - claimed)
