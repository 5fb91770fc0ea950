"""``ltl-quiz validate`` as a library call: check files and report what every path can reach."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ltl_quiz.errors import Problem, ScenarioError
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.catalogue import scan
from ltl_quiz.scenario.loader import display_name, parse_scenario
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.scenario.path_report import TrackReport
from ltl_quiz.scenario.paths import analyse
from ltl_quiz.scenario.yaml_source import Located
from ltl_quiz.text import counted

# A check the core does not own (the language coach's, say): warnings for a file that loaded.
TextCheck = Callable[[Scenario, Located, Path], list[Problem]]


@dataclass
class FileReport:
    """Everything validate learned about one file."""

    path: str
    scenario_id: str | None = None
    problems: list[Problem] = field(default_factory=list)
    tracks: dict[str, TrackReport] = field(default_factory=dict)
    node_types: dict[str, int] = field(default_factory=dict)
    key_questions: dict[str, int] = field(default_factory=dict)

    def errors(self, strict: bool) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error" or strict]

    def as_dict(self, strict: bool) -> JSONObject:
        return {
            "path": self.path,
            "id": self.scenario_id,
            "ok": not self.errors(strict),
            "errors": [_problem(p) for p in self.problems if p.severity == "error"],
            "warnings": [_problem(p) for p in self.problems if p.severity == "warning"],
            "nodes": self.node_types,
            "key_questions": self.key_questions,
            "tracks": {name: t.as_dict() for name, t in self.tracks.items()},
        }

    def lines(self, strict: bool) -> list[str]:
        """What validate prints for this file on standard output: the verdict and each track's figures."""
        out = [f"{self.path}: {'ok' if not self.errors(strict) else 'FAILED'}"]
        for name, t in self.tracks.items():
            out += track_lines(name, t)
        return out


def longest_overall(reports: list[FileReport]) -> tuple[int, int]:
    """(decisions whose best option is the longest, scored decisions) across files, each decision once."""
    hits = total = 0
    for r in reports:
        hits += len({n for t in r.tracks.values() for n in t.longest})
        total += len({n for t in r.tracks.values() for n in t.scored})
    return hits, total


def summary_lines(reports: list[FileReport]) -> list[str]:
    """One line over every file: the issue's measure of a giveaway is across all the scenarios."""
    hits, total = longest_overall(reports)
    if len(reports) < 2 or not total:
        return []
    return [f"all {counted(len(reports), 'file')}: best option longest in {hits} of {counted(total, 'decision')} ({round(100 * hits / total)}%)"]


def track_lines(name: str, t: TrackReport) -> list[str]:
    """A track's paths and score range, then how well a pass on it discriminates."""
    endings = counted(len(t.endings), 'ending')
    if t.exact:
        head = f"  {name}: {_paths(t.paths)}, {endings}, score {t.min_score} to {t.max_score}"
    else:
        paths = "too many paths to count" if t.paths is None else f"at most {_paths(t.paths)}"
        head = f"  {name}: {paths}, at most {endings}, score {t.min_score} to at most {t.max_score}"
    out = [head]
    if t.pass_score is None:
        out.append("    pass: no path can pass")
    elif t.passing is None:
        out.append(f"    pass: {t.pass_score} of {t.max_score}; too many paths or scores to count those that pass")
    else:
        out.append(f"    pass: {_count(t.passing)} of {_paths(t.paths)} can pass ({t.pass_mark}% is {t.pass_score} of {t.max_score})")
    out.append("    " + _failing_line(t))
    if t.decisions:
        share = round(100 * t.longest_share)
        out.append(f"    best option longest: {len(t.longest)} of {counted(t.decisions, 'decision')} ({share}%)")
    return out


def _paths(n: int | None) -> str:
    """A path count and its noun: "1 path", "12 paths", "about 10^14 paths"."""
    return counted(n, "path") if n is not None and n < 10**12 else f"{_count(n)} paths"


def _count(n: int | None) -> str:
    """A path count as a person reads it: exact up to a trillion, then its order of magnitude."""
    if n is None:
        return "?"
    return str(n) if n < 10**12 else f"about 10^{len(str(n)) - 1}"


def _failing_line(t: TrackReport) -> str:
    if not t.failings:
        return "real failings: none marked on this track"
    best = t.failing_best
    marked = f"real failings: {len(t.failings)} marked"
    if best is None:
        return f"{marked}; every path repeating one takes a critical option"
    verdict = "PASSES" if best.can_pass else ("fails" if best.proven else "not proven to fail")
    bound = "" if t.exact else "at most "
    return f"{marked}; the best path repeating one scores {bound}{best.score} of {t.max_score} ({best.percentage}%): {verdict}"


def _problem(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "field": p.field, "message": p.message}


def validate_file(path: Path, text_checks: Sequence[TextCheck] = ()) -> FileReport:
    """One file's problems and figures; ``text_checks`` (given by the caller, so the core does not
    depend on them) add their warnings once the file has loaded."""
    report = FileReport(display_name(path))
    try:
        scenario, located, problems = parse_scenario(path)
    except ScenarioError as exc:
        report.problems = exc.problems
        return report
    report.scenario_id = scenario.id
    report.problems = problems
    report.node_types = dict(sorted(Counter(n.type for n in scenario.nodes.values()).items()))
    report.key_questions = {t: len(q) for t, q in scenario.case.key_questions.items()}
    if not any(p.severity == "error" for p in problems):
        analysis = analyse(scenario, located)
        report.problems += analysis.problems
        report.tracks = analysis.tracks
    for check in text_checks:
        report.problems += check(scenario, located, path)
    return report


def validate(paths: list[Path], follow_links: bool = False, text_checks: Sequence[TextCheck] = ()) -> list[FileReport]:
    """Validate every scenario file under ``paths``; duplicate scenario ids are errors too."""
    files, skipped = scan(paths, follow_links)
    reports = [validate_file(p, text_checks) for p in files]
    for s in skipped:  # an entry of a folder that cannot even be read is a failure, not silence
        reports.append(FileReport(display_name(s.path), problems=[Problem(display_name(s.path), 1, 1, "", s.reason)]))
    seen: dict[str, str] = {}
    for r in reports:
        if r.scenario_id and r.scenario_id in seen:
            r.problems.append(
                Problem(r.path, 1, 1, "id", f"id '{r.scenario_id}' is also used by {seen[r.scenario_id]}; ids must be unique")
            )
        elif r.scenario_id:
            seen[r.scenario_id] = r.path
    return reports
