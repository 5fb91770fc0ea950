"""``ltl-quiz validate`` as a library call: check files and report what every path can reach."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ltl_quiz.catalogue import scan
from ltl_quiz.errors import Problem, ScenarioError
from ltl_quiz.graph import TrackReport, analyse
from ltl_quiz.loader import display_name, parse_scenario


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

    def as_dict(self, strict: bool) -> dict[str, Any]:
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


def _problem(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "field": p.field, "message": p.message}


def validate_file(path: Path) -> FileReport:
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
    from ltl_quiz.language.scenario_text import language_warnings  # the lexicon loads only for validate

    report.problems += language_warnings(scenario, located, path)
    return report


def validate(paths: list[Path], follow_links: bool = False) -> list[FileReport]:
    """Validate every scenario file under ``paths``; duplicate scenario ids are errors too."""
    files, skipped = scan(paths, follow_links)
    reports = [validate_file(p) for p in files]
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
