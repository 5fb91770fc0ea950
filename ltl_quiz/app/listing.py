"""What ``list``, ``history`` and ``where`` report, as result objects: ``.lines()`` for people,
the records for ``--json``. The CLI prints them; a rich table of the cases is drawn in ``ui``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from ltl_quiz import config
from ltl_quiz.app.opening import open_store
from ltl_quiz.locations import redact
from ltl_quiz.text import counted, percent

SCRIPTED = "scripted"  # attempts.how_answered of a run from an answers file (``run --answers``)
SCRIPTED_MARK = "scripted: answered from a file"

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations
    from ltl_quiz.scenario.catalogue import CaseSummary


def offered(where: Locations, warn: Callable[[str], None]) -> list[CaseSummary]:
    """The cases a learner may be offered; one warning about each file left out."""
    from ltl_quiz.scenario.catalogue import summaries

    catalogue = summaries(where.scenarios, where.cache_file, where.follow_links)
    for line in catalogue.skipped:
        warn(f"warning: {line}")
    return catalogue.rows


@dataclass(frozen=True)
class Cases:
    """The case studies in the scenarios folder, one summary dict each (what ``list --json`` prints)."""

    folder: str
    rows: list[CaseSummary]

    def lines(self) -> list[str]:
        if not self.rows:
            return [f"No scenarios in {self.folder}."]
        out = []
        for r in self.rows:
            out.append(f"{r['case_study']}. {r['id']}: {r['title']}")
            out.append(f"   tracks: {', '.join(r['tracks'])}; about {counted(r['minutes'], 'minute')}; themes: {', '.join(r['themes'])}")
        return out


def list_cases(where: Locations, warn: Callable[[str], None]) -> Cases:
    return Cases(str(where.scenarios), offered(where, warn))


class AttemptRecord(TypedDict):
    """One attempt as ``history`` lists it and ``history --json`` prints it."""

    attempt: str
    learner: str
    name: str
    scenario: str
    track: str
    mode: str
    status: str
    started: str
    finished: str | None
    how_answered: str | None
    score: int | None  # score, percentage, passed and critical failures: None until the attempt has a verdict
    best: int | None
    percentage: float | None
    passed: bool | None
    critical_failures: int | None


@dataclass(frozen=True)
class History:
    """A learner's (or everyone's) attempts, newest last, and their assignments."""

    records: list[AttemptRecord]
    learner_id: str | None
    store: str  # the store's URL, password redacted
    assigned: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [lead + text for lead, text in self.entries()]

    def entries(self) -> list[tuple[str, str]]:
        """(lead, text) for each line: a screen wraps ``text`` under itself, after the lead, so that
        a record's continuation is indented and one record never runs into the next."""
        out = [("Assigned: ", f"{case}: {note}") for case, note in sorted(self.assigned.items())]
        if not self.records:
            whose = "" if self.learner_id is None else f" for {self.learner_id}"
            return [*out, ("", f"No attempts yet{whose} in the store {self.store}.")]
        for r in self.records:
            share = r["percentage"]  # None exactly when passed is: no verdict yet
            score = f"{r['score']}/{r['best']} ({percent(share)}) {verdict(r)}" if r["passed"] is not None and share is not None else ""
            started = r["started"][:16].replace("T", " ")
            text = f"{started}  {r['learner']}  {r['scenario']} ({r['track']}, {r['mode']})  {r['status']}  {score}".rstrip()
            if r["how_answered"] == SCRIPTED:  # as the exports, the report and the CPD record mark it
                text += f"  ({SCRIPTED_MARK})"
            out.append((f"{r['attempt'][:8]}  ", text))
        return out


def verdict(record: AttemptRecord) -> str:
    """"passed", or "not passed" with its reason: a critical decision fails an attempt whatever its score."""
    if record["passed"]:
        return "passed"
    critical = record["critical_failures"]
    return f"not passed: {'a critical decision' if critical == 1 else f'{critical} critical decisions'}" if critical else "not passed: below the pass mark"


def history(where: Locations, learner_id: str | None, with_assignments: bool = True) -> History:
    """The attempts of ``learner_id`` (default: the remembered learner; everyone's if none)."""
    with open_store(where) as store:
        if learner_id is None:
            remembered = config.remembered_learner(where.config_file, where.db_url)
            learner_id = remembered.id if remembered else None
        rows = store.attempts(learner_id)
    records: list[AttemptRecord] = [
        {
            "attempt": r.id,
            "learner": r.learner_id,
            "name": r.learner_name,
            "scenario": r.scenario_id,
            "track": r.track,
            "mode": r.mode,
            "status": r.status,
            "started": r.started_at,
            "finished": r.finished_at,
            "how_answered": r.how_answered,
            # only a completed attempt has a verdict: an unfinished one shows no score and no pass
            "score": r.score if r.has_verdict else None,
            "best": r.best_score,
            "percentage": r.percentage if r.has_verdict else None,
            "passed": r.passed if r.has_verdict else None,
            "critical_failures": len({c[0] for c in r.critical_failures}) if r.has_verdict else None,  # decisions, not options
        }
        for r in rows
    ]
    assigned: dict[str, str] = {}
    if with_assignments and learner_id is not None:
        from ltl_quiz.app.compliance import own_assignments

        assigned = own_assignments(where, learner_id)
    return History(records, learner_id, redact(where.db_url), assigned)


@dataclass(frozen=True)
class Places:
    """The folders and database in use (the database's password never shown)."""

    home: str
    scenarios: str
    database: str
    config: str

    def as_dict(self) -> dict[str, str]:
        return {"home": self.home, "scenarios": self.scenarios, "database": self.database, "config": self.config}

    def lines(self) -> list[str]:
        return [f"{key}: {value}" for key, value in self.as_dict().items()]


def places(where: Locations) -> Places:
    return Places(str(where.home), str(where.scenarios), redact(where.db_url), str(where.config_file))
