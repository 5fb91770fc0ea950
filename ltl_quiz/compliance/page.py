"""The compliance report as one self-contained HTML page for a manager: a bar chart per unit, then
every person and case. Jinja2 with autoescaping: names and units come from rosters anyone can edit.

The chart is inline SVG with its numbers also written as text, so it prints, needs no script, and
says the same thing to a screen reader as to the eye.
"""

from __future__ import annotations

from ltl_quiz.compliance.report import STATES, Compliance

COLOURS = {"complete": "#2e7d32", "expiring": "#f9a825", "due": "#1565c0", "overdue": "#c62828"}
ORDER = ("complete", "expiring", "due", "overdue")
WIDTH = 600
_CHART = {"order": ORDER, "colours": COLOURS, "width": WIDTH, "states": STATES}

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: .2rem .5rem; text-align: left; }
.unit { break-inside: avoid; margin-bottom: 1.5rem; }
.key span { display: inline-block; margin-right: 1rem; }
.overdue { color: #c62828; font-weight: bold; }
@media print { body { margin: 1cm; } }
"""


def to_html(report: Compliance, rows: str | None = None) -> str:
    """The page, from ``templates/compliance.html.j2`` through the one page helper every HTML page uses.

    ``rows``: the table of everyone, already escaped (``streams.write_html`` makes it as the store's
    rows arrive); without it, made here from the report's lines, each cell escaped the same way."""
    from ltl_quiz.compliance.streams import html_person, html_tail
    from ltl_quiz.templating import markup, page

    if rows is None:
        rows = "".join(
            html_person(x.learner_id, x.name, x.unit) + html_tail((x.scenario_id, x.track, x.due_on, x.every_months, None), x[7:])
            for x in report.lines
        )
    units = [_unit(name, counts) for name, counts in report.by_unit.items()]
    return page("compliance.html.j2", CSS, report=report, today=report.today.isoformat(), units=units, chart=_CHART, rows=markup(rows))


def _unit(name: str, counts: dict[str, int]) -> dict[str, object]:
    total = sum(counts.values()) or 1
    bars, x = [], 0.0
    for state in ORDER:
        w = WIDTH * counts[state] / total
        if counts[state]:
            bars.append({"x": round(x, 2), "w": round(w, 2), "colour": COLOURS[state], "state": state, "n": counts[state]})
        x += w
    label = ", ".join(f"{counts[s]} {s}" for s in ORDER)
    return {"name": name, "bars": bars, "label": label}
