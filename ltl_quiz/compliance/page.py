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

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Compliance on {{ today }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: .2rem .5rem; text-align: left; }
.unit { break-inside: avoid; margin-bottom: 1.5rem; }
.key span { display: inline-block; margin-right: 1rem; }
.overdue { color: #c62828; font-weight: bold; }
@media print { body { margin: 1cm; } }
</style></head><body>
<h1>Compliance on {{ today }}</h1>
<p class="key">{% for s in order %}<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{{ colours[s] }}"/></svg> {{ s }}</span>{% endfor %}</p>
{% for unit in units %}
<section class="unit"><h2>{{ unit.name or "(no unit)" }}</h2>
<svg role="img" aria-label="{{ unit.label }}" width="{{ width }}" height="28" viewBox="0 0 {{ width }} 28">
{% for bar in unit.bars %}<rect x="{{ bar.x }}" y="0" width="{{ bar.w }}" height="28" fill="{{ bar.colour }}"><title>{{ bar.state }}: {{ bar.n }}</title></rect>{% endfor %}
</svg>
<p>{{ unit.label }}</p></section>
{% endfor %}
<h2>By case</h2>
<table><tr><th>case</th>{% for s in states %}<th>{{ s }}</th>{% endfor %}</tr>
{% for case, c in by_case.items() %}<tr><td>{{ case }}</td>{% for s in states %}<td>{{ c[s] }}</td>{% endfor %}</tr>{% endfor %}
</table>
<h2>Everyone</h2>
<table><tr><th>staff number</th><th>name</th><th>unit</th><th>case</th><th>track</th><th>standing</th></tr>
{% for x in lines %}<tr><td>{{ x.learner_id }}</td><td>{{ x.name }}</td><td>{{ x.unit }}</td><td>{{ x.scenario_id }}</td><td>{{ x.track }}</td>
<td class="{{ x.state }}">{{ x.phrase() }}</td></tr>{% endfor %}
</table></body></html>
"""


def to_html(report: Compliance) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    units = [_unit(name, counts) for name, counts in report.by_unit.items()]
    return env.from_string(TEMPLATE).render(
        today=report.today.isoformat(),
        units=units,
        order=ORDER,
        colours=COLOURS,
        width=WIDTH,
        states=STATES,
        by_case=report.by_case,
        lines=report.lines,
    )


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
