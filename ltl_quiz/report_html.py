"""The learning report as one self-contained HTML page: inline CSS and SVG charts, nothing fetched.

A manager opens it from an e-mail or a shared drive, so it must work offline and print cleanly.
Every value from the store or a scenario is HTML-escaped.
"""

from __future__ import annotations

from html import escape as x

from ltl_quiz.report import Report

GREEN, AMBER, RED, BLUE, GREY = "#2e7d32", "#b26a00", "#c62828", "#1f3864", "#9aa5b1"

CSS = """
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; margin: 0; background: #f3f4f6; line-height: 1.4; }
main { max-width: 1100px; margin: 20px auto; background: #fff; padding: 28px 36px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { color: #1f3864; margin: 0 0 4px; font-size: 26px; }
h2 { color: #1f3864; border-top: 1px solid #c9ced6; padding-top: 16px; margin-top: 28px; font-size: 20px; }
.meta { color: #555; margin: 0 0 16px; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.tile { flex: 1 1 150px; border: 1px solid #d5dae1; border-radius: 6px; padding: 10px 14px; }
.tile b { display: block; font-size: 26px; color: #1f3864; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid #e1e5ea; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num { text-align: right; white-space: nowrap; }
.flag { display: inline-block; background: #fdecea; color: #a4262c; border: 1px solid #f3b7b3; border-radius: 10px; padding: 0 8px; font-size: 12px; margin: 2px 4px 2px 0; }
.rec { color: #2e7d32; font-weight: bold; }
.item { border: 1px solid #e1e5ea; border-radius: 6px; padding: 10px 14px; margin: 10px 0; break-inside: avoid; }
.item.flagged { border-color: #f3b7b3; background: #fffafa; }
.item h3 { font-size: 15px; margin: 0 0 4px; }
.item .stats { font-size: 13px; color: #444; margin-bottom: 6px; }
.opt { display: grid; grid-template-columns: 1fr 260px; gap: 8px; font-size: 13px; align-items: center; }
figure { margin: 8px 0 16px; }
figcaption { font-size: 13px; color: #555; }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; max-width: none; } }
"""


def to_html(report: Report) -> str:
    t = report.totals
    parts = [
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ltl-quiz learning report</title><style>{CSS}</style></head><body><main>",
        "<h1>Learning report: Learning the Lessons, issue 39</h1>",
        f'<p class="meta">Attempts: {x(report.filters)}. Generated {x(report.generated)} by ltl-quiz.</p>',
        '<div class="tiles">',
        _tile("Attempts", str(t["attempts"])),
        _tile("Completed", str(t["completed"])),
        _tile("Pass rate", _pct(t["pass_rate"])),
        _tile("Decisions flagged", str(t["flagged"])),
        "</div>",
    ]
    if not report.scenarios:
        parts.append("<p>No attempts match these filters.</p>")
    else:
        parts += _completions(report)
        parts += _competencies(report)
        parts += _items(report)
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _tile(label: str, value: str) -> str:
    return f'<div class="tile">{x(label)}<b>{x(value)}</b></div>'


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _completions(report: Report) -> list[str]:
    rows = [(f"{s.scenario_id} ({s.track})", s.pass_rate, s.mean_percentage) for s in report.scenarios]
    out = [
        "<h2>Completions and pass rate by scenario and track</h2>",
        f"<figure>{_pass_chart(rows)}<figcaption>Bars: pass rate of completed attempts. Ticks: mean score as a percentage of the best reachable.</figcaption></figure>",
        "<table><tr><th>Scenario</th><th>Track</th><th>Attempts</th><th>Completed</th><th>In progress</th><th>Abandoned</th>"
        "<th>Passed</th><th>Pass rate</th><th>Mean score</th><th>Mean minutes</th></tr>",
    ]
    for s in report.scenarios:
        out.append(
            f"<tr><td>{x(s.title)}<br><small>{x(s.scenario_id)}</small></td><td>{x(s.track)}</td>"
            + "".join(f'<td class="num">{v}</td>' for v in (s.attempts, s.completed, s.in_progress, s.abandoned, s.passed))
            + f'<td class="num">{_pct(s.pass_rate)}</td><td class="num">{_pct(s.mean_percentage)}</td><td class="num">{_num(s.mean_minutes)}</td></tr>'
        )
    out.append("</table>")
    return out


def _pass_chart(rows: list[tuple[str, float | None, float | None]]) -> str:
    """Horizontal bars of pass rate (0-100%) with a tick for the mean score, one row per scenario and track."""
    label_w, bar_w, row_h, top = 300, 560, 26, 24
    height = top + row_h * len(rows) + 8
    width = label_w + bar_w + 70
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="Pass rate by scenario and track" font-size="12">'
    ]
    for pct in (0, 25, 50, 75, 100):
        gx = label_w + bar_w * pct / 100
        svg.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 6}" stroke="#d5dae1"/>')
        svg.append(f'<text x="{gx:.1f}" y="{top - 10}" text-anchor="middle" fill="#555">{pct}%</text>')
    for i, (label, rate, mean) in enumerate(rows):
        y = top + i * row_h
        svg.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{x(_clip(label, 44))}</text>')
        if rate is not None:
            colour = GREEN if rate >= 70 else AMBER if rate >= 40 else RED
            svg.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * rate / 100:.1f}" height="{row_h - 8}" fill="{colour}"><title>{x(label)}: pass rate {rate:g}%</title></rect>'
            )
            end = max(rate, min(mean or 0.0, 100.0))
            svg.append(f'<text x="{label_w + bar_w * end / 100 + 8:.1f}" y="{y + 16}" fill="#333">{rate:g}%</text>')
        else:
            svg.append(f'<text x="{label_w + 4}" y="{y + 16}" fill="#777">no completed attempts</text>')
        if mean is not None:
            mx = label_w + bar_w * min(mean, 100) / 100
            svg.append(
                f'<line x1="{mx:.1f}" y1="{y + 1}" x2="{mx:.1f}" y2="{y + row_h - 1}" stroke="{BLUE}" stroke-width="3"><title>mean score {mean:g}%</title></line>'
            )
    svg.append("</svg>")
    return "".join(svg)


def _competencies(report: Report) -> list[str]:
    tags = sorted({tag for s in report.scenarios for tag in s.competencies})
    if not tags:
        return []
    out = ["<h2>Competency averages (mean points per completed attempt)</h2>", "<table><tr><th>Scenario</th><th>Track</th>"]
    out[-1] += "".join(f"<th>{x(tag.replace('_', ' '))}</th>" for tag in tags) + "</tr>"
    top = max((v for s in report.scenarios for v in s.competencies.values()), default=1.0) or 1.0
    for s in report.scenarios:
        cells = "".join(f'<td class="num">{_mini_bar(s.competencies.get(tag), top)}</td>' for tag in tags)
        out.append(f"<tr><td>{x(s.scenario_id)}</td><td>{x(s.track)}</td>{cells}</tr>")
    out.append("</table>")
    return out


def _mini_bar(value: float | None, top: float) -> str:
    if value is None:
        return "-"
    width = 60 * max(0.0, value) / top
    return f'<svg width="64" height="12" aria-hidden="true"><rect width="{width:.1f}" height="12" fill="{BLUE}"/></svg> {value:g}'


def _items(report: Report) -> list[str]:
    if not report.items:
        return []
    out = [
        "<h2>Item analysis of every decision</h2>",
        "<p>Facility index: the mean mark as a percentage of the maximum mark. Discrimination index: the correlation between the mark for "
        "this decision and the marks for the rest of the attempt, times 100 (both as Moodle's quiz statistics define them). "
        "Completed attempts only.</p>",
        f"<figure>{_scatter(report)}<figcaption>Each dot is a decision: red dots are flagged. Below 20 on the vertical axis a decision "
        "barely separates stronger from weaker attempts. Decisions whose marks do not vary have no discrimination index and no dot.</figcaption></figure>",
    ]
    for item in report.items:
        flags = "".join(f'<span class="flag">{x(f)}</span>' for f in item.flags)
        out.append(f'<div class="item{" flagged" if item.flags else ""}"><h3>{x(item.prompt)}</h3>')
        out.append(
            f'<div class="stats">{x(item.scenario_id)} / {x(item.node_id)} ({x(item.kind)}) &middot; {item.n} attempts &middot; '
            f"facility {_pct(item.facility)} &middot; discrimination {_num(item.discrimination)} &middot; "
            f"recommended chosen by {_pct(item.right_share)} {flags}</div>"
        )
        for o in item.options:
            colour = GREEN if o.recommended else GREY
            label = f"{x(o.text)}" + (' <span class="rec">(recommended)</span>' if o.recommended else "")
            bar = f'<svg width="200" height="14" aria-hidden="true"><rect width="200" height="14" fill="#eef1f5"/><rect width="{2 * o.share:.1f}" height="14" fill="{colour}"/></svg>'
            out.append(f'<div class="opt"><div>{label}</div><div>{bar} {o.share:g}% ({o.count})</div></div>')
        out.append("</div>")
    return out


def _scatter(report: Report) -> str:
    """Facility (x, 0-100) against discrimination (y, -100 to 100) for every decision that has both."""
    w, h, left, bottom, top, right = 560, 300, 48, 36, 12, 16
    pw, ph = w - left - right, h - top - bottom

    def px(f: float) -> float:
        return left + pw * max(0.0, min(100.0, f)) / 100

    def py(d: float) -> float:
        return top + ph * (100 - max(-100.0, min(100.0, d))) / 200

    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="Facility against discrimination" font-size="11">'
    ]
    svg.append(f'<rect x="{left}" y="{py(100):.1f}" width="{pw}" height="{py(20) - py(100):.1f}" fill="#eef7ee"/>')
    for f in (0, 25, 50, 75, 100):
        svg.append(
            f'<line x1="{px(f):.1f}" y1="{top}" x2="{px(f):.1f}" y2="{top + ph}" stroke="#e1e5ea"/><text x="{px(f):.1f}" y="{h - 20}" text-anchor="middle">{f}</text>'
        )
    for d in (-100, -50, 0, 20, 50, 100):
        svg.append(
            f'<line x1="{left}" y1="{py(d):.1f}" x2="{left + pw}" y2="{py(d):.1f}" stroke="#e1e5ea"/><text x="{left - 6}" y="{py(d) + 4:.1f}" text-anchor="end">{d}</text>'
        )
    svg.append(f'<text x="{left + pw / 2}" y="{h - 4}" text-anchor="middle" fill="#333">facility index (%)</text>')
    svg.append(
        f'<text x="12" y="{top + ph / 2}" text-anchor="middle" fill="#333" transform="rotate(-90 12 {top + ph / 2})">discrimination</text>'
    )
    for item in report.items:
        if item.facility is None or item.discrimination is None:
            continue
        d = item.discrimination
        colour = RED if item.flags else BLUE
        svg.append(
            f'<circle cx="{px(item.facility):.1f}" cy="{py(d):.1f}" r="5" fill="{colour}" fill-opacity="0.8"><title>{x(item.scenario_id)} / {x(item.node_id)}: facility {item.facility:g}, discrimination {_num(item.discrimination)}</title></circle>'
        )
    svg.append("</svg>")
    return "".join(svg)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
