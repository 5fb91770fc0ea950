"""The learning report as one self-contained HTML page: inline CSS and SVG charts, nothing fetched.

A manager opens it from an e-mail or a shared drive, so it must work offline and print cleanly:
headings stay with what follows them, table headers repeat on each page, a decision's options are
never split, and an option's "share (n)" stays on one line beside its bar. The page is the Jinja2
template ``templates/report.html.j2`` (autoescaping on); the SVG charts are built here, every value
in them escaped, and inserted whole.
"""

from __future__ import annotations

from html import escape as x

from ltl_quiz.records.report import DROPOFF_NOTE, OVERALL_NOTE, Report, analysed_in_words, figure

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
.opt { display: grid; grid-template-columns: 1fr 300px; gap: 8px; font-size: 13px; align-items: center; }
.opt .share { white-space: nowrap; }
figure { margin: 8px 0 16px; }
figcaption { font-size: 13px; color: #555; }
svg { max-width: 100%; height: auto; }
.opt svg, svg.mini { max-width: none; }
table.competencies { font-size: 12px; }
tr.stopped td { background: #fff6e5; }
@page { size: A4; margin: 14mm 12mm 16mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, Helvetica, sans-serif; color: #555; } }
@media print {
  body { background: #fff; }
  main { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  h1, h2, h3 { break-after: avoid-page; page-break-after: avoid; }
  .block, figure, tr, .item, .tiles { break-inside: avoid-page; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def to_html(report: Report) -> str:
    from ltl_quiz.templating import markup, page

    t = report.totals
    tags = sorted({tag for s in report.scenarios for tag in s.competencies})
    top = max((v for s in report.scenarios for v in s.competencies.values()), default=1.0) or 1.0
    rows = [(f"{s.scenario_id} ({s.track})", s.pass_rate, s.mean_percentage) for s in report.scenarios]
    return page(
        "report.html.j2",
        CSS,
        report=report,
        tiles=[
            ("Attempts", str(t["attempts"])),
            ("Completed", str(t["completed"])),
            *([("In group sessions (no verdict)", str(report.ungraded))] if report.ungraded else []),
            ("Pass rate", _pct(t["pass_rate"])),
            ("Decisions flagged", str(t["flagged"])),
        ],
        tags=tags,
        pass_chart=markup(_pass_chart(rows)) if rows else "",
        scatter=markup(_scatter(report)) if report.items else "",
        mini_bar=lambda value: markup(_mini_bar(value, top)),
        share_bar=lambda option: markup(_share_bar(option.share, option.recommended)),
        pct=_pct,
        num=figure,
        seconds=_seconds,
        analysed=analysed_in_words(report.attempts_rule),
        overall_note=OVERALL_NOTE,
        dropoff_note=DROPOFF_NOTE,
    )


def _pct(value: float | None) -> str:
    return figure(value, "%")


def _seconds(value: float | None) -> str:
    return figure(value, " s")


def _share_bar(share: float, recommended: bool) -> str:
    colour = GREEN if recommended else GREY
    return f'<svg width="200" height="14" aria-hidden="true"><rect width="200" height="14" fill="#eef1f5"/><rect width="{2 * share:.1f}" height="14" fill="{colour}"/></svg>'


def _pass_chart(rows: list[tuple[str, float | None, float | None]]) -> str:
    """Horizontal bars of pass rate (0-100%) with a tick for the mean score, one row per scenario and track."""
    label_w, bar_w, row_h, top = 300, 560, 26, 24
    height = top + row_h * len(rows) + 8
    width = label_w + bar_w + 70
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="Pass rate by scenario and track" font-size="12">'
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


def _mini_bar(value: float | None, top: float) -> str:
    if value is None:
        return "-"
    width = 32 * max(0.0, value) / top
    return (
        f'<svg class="mini" width="34" height="10" aria-hidden="true"><rect width="{width:.1f}" height="10" fill="{BLUE}"/></svg> {value:g}'
    )


def _scatter(report: Report) -> str:
    """Facility (x, 0-100) against discrimination (y, -100 to 100) for every decision that has both."""
    w, h, left, bottom, top, right = 560, 300, 48, 36, 12, 16
    pw, ph = w - left - right, h - top - bottom

    def px(f: float) -> float:
        return left + pw * max(0.0, min(100.0, f)) / 100

    def py(d: float) -> float:
        return top + ph * (100 - max(-100.0, min(100.0, d))) / 200

    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="Facility against discrimination" font-size="11">'
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
        colour = RED if item.flags else BLUE
        svg.append(
            f'<circle cx="{px(item.facility):.1f}" cy="{py(item.discrimination):.1f}" r="5" fill="{colour}" fill-opacity="0.8"><title>{x(item.scenario_id)} / {x(item.node_id)}: facility {item.facility:g}, discrimination {figure(item.discrimination)}</title></circle>'
        )
    svg.append("</svg>")
    return "".join(svg)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
