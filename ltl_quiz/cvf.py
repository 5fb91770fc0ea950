"""Our scenario competencies mapped to the College of Policing's Competency and Values Framework.

The CVF (2016) has six competencies in three clusters; a CPD summary for a PDR is expected to name
the ones evidenced. This mapping is ltl-quiz's own reading of the CVF descriptors, not the
College's: each scenario competency goes to the one CVF competency whose descriptor it most
plainly shows. A competency is claimed only where the attempt earned points for it (the case
supports it); a competency with no clear home in the CVF is listed under its own name instead.
"""

from __future__ import annotations

CVF = {
    "professional_curiosity": "We analyse critically",
    "risk_assessment": "We analyse critically",
    "evidence": "We analyse critically",
    "vulnerability": "We are emotionally aware",
    "victim_voice": "We are emotionally aware",
    "multi_agency": "We are collaborative",
    "recording": "We take ownership",
    "supervision": "We deliver, support and inspire",
}


def evidenced(competencies: dict[str, int]) -> tuple[dict[str, list[str]], list[str]]:
    """(CVF competency -> our competencies that evidence it, our competencies with no CVF home), from positive points only."""
    mapped: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for name, points in sorted(competencies.items()):
        if points <= 0:
            continue
        if name in CVF:
            mapped.setdefault(CVF[name], []).append(name.replace("_", " "))
        else:
            unmapped.append(name.replace("_", " "))
    return dict(sorted(mapped.items())), unmapped
