"""The learning report at the terminal: rich tables, or headings and plain lines under --plain.

A renderer only: every figure comes ready-made in ``ltl_quiz.records.report.Report`` (built by pure
functions over the store's sums), and the wording all renderings share (which attempts were
analysed, what the columns mean) comes from ``ltl_quiz.records.report`` too, so the terminal, the JSON
and the HTML page cannot say different things.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ltl_quiz.records.report import DROPOFF_NOTE, OVERALL_NOTE, Report, analysed_in_words, figure

if TYPE_CHECKING:
    from ltl_quiz.ui.render import Renderer


def show(report: Report, ui: Renderer) -> None:
    """The report for people: rich tables, or headings and lines under --plain."""
    ui.heading("Learning report")
    ui.say(f"Attempts: {report.filters}. Generated {report.generated}.")
    ui.say(report.summary)
    if not report.scenarios:
        ui.say("No attempts match.")
        return
    _show_completions(report, ui)
    ui.heading("Competency averages (mean points per completed attempt with a verdict)")
    rows = [
        [f"{s.scenario_id} ({s.track})", ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in s.competencies.items()) or "-"]
        for s in report.scenarios
    ]
    _table(ui, ["scenario", "competencies"], rows)
    if report.items:
        _show_items(report, ui)
    if report.overall:
        _show_overall(report, ui)
    if report.dropoff:
        _show_dropoff(report, ui)


def _show_items(report: Report, ui: Renderer) -> None:
    ui.heading("Item analysis of decisions")
    ui.say(f"Attempts analysed: {analysed_in_words(report.attempts_rule)}.")
    ui.say("Facility: mean mark as % of the maximum. Discrimination: correlation of the mark with the rest of the attempt (x100).")
    for item in report.items:
        flags = f"  FLAGGED: {', '.join(item.flags)}" if item.flags else ""
        ui.say(f"{item.scenario_id} / {item.node_id} ({item.kind}): {item.prompt}", "bold")
        ui.say(
            f"  n {item.n}, facility {figure(item.facility, '%')}, discrimination {figure(item.discrimination)}, "
            f"recommended chosen by {figure(item.right_share, '%')}{flags}",
            "red" if item.flags else None,
        )
        for o in item.options:
            mark = " (recommended)" if o.recommended else ""
            ui.say(f"    {o.share:5.1f}%  {o.count:>6}  {o.text}{mark}")


def _show_overall(report: Report, ui: Renderer) -> None:
    ui.heading("Overall statistics by scenario and track (Moodle's test statistics)")
    ui.say(f"Attempts analysed: {analysed_in_words(report.attempts_rule)}. {OVERALL_NOTE}")
    rows = [
        [
            f"{o.scenario_id} ({o.track})",
            str(o.attempts),
            str(o.items),
            figure(o.mean, "%"),
            figure(o.sd),
            figure(o.alpha),
            figure(o.sem),
            o.note or "",
        ]
        for o in report.overall
    ]
    _table(ui, ["scenario (track)", "attempts", "decisions", "item mean", "SD", "alpha", "SEM", "note"], rows)


def _show_dropoff(report: Report, ui: Renderer) -> None:
    ui.heading("Where learners stop: drop-off and time at each node")
    ui.say(DROPOFF_NOTE)
    rows = [
        [
            f"{d.scenario_id} / {d.node_id}",
            str(d.steps),
            figure(d.median_seconds, " s"),
            str(d.abandoned),
            str(d.in_progress),
        ]
        for d in report.dropoff
    ]
    _table(ui, ["scenario / node", "steps", "median time", "abandoned here", "unfinished here"], rows)


def _show_completions(report: Report, ui: Renderer) -> None:
    """The completions table; at 80 columns a case study's long id leaves too little room for the
    full headers, so narrower headers come next (the numbers are no wider), then the pass rate and
    score in one column, before "label: value" lines (which keep the full headers)."""
    from ltl_quiz.ui.tables import print_table

    ui.heading("Completions and pass rate by scenario and track")
    rows = [
        [
            f"{s.scenario_id} ({s.track})",
            str(s.attempts),
            str(s.completed),
            figure(s.pass_rate, "%"),
            figure(s.mean_percentage, "%"),
            figure(s.mean_minutes),
        ]
        for s in report.scenarios
    ]
    header = ["scenario (track)", "attempts", "completed", "pass rate", "mean score", "mean min"]
    short = ["scenario (track)", "attempts", "done", "pass rate", "mean score", "min"]
    joined = [[*r[:3], f"{r[3]} / {r[4]}", r[5]] for r in rows]
    print_table(ui, header, rows, narrower=[(short, rows), (["scenario (track)", "attempts", "done", "pass / score", "min"], joined)])


def _table(ui: Renderer, header: list[str], rows: list[list[str]]) -> None:
    from ltl_quiz.ui.tables import print_table

    print_table(ui, header, rows)
