"""What ``ltl-quiz assign`` and ``ltl-quiz compliance`` do, as functions the thin CLI calls.

Everything asked for is checked (cases, track, mode, people, dates) before anything is written,
and the assignments are written in one transaction: a bad roster row creates nothing.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ltl_quiz.compliance.periods import parse_date, parse_every, parse_within
from ltl_quiz.errors import InputError
from ltl_quiz.text import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from ltl_quiz.compliance.report import Compliance
    from ltl_quiz.config import Learner
    from ltl_quiz.locations import Locations
    from ltl_quiz.store import Store

@dataclass(frozen=True)
class Who:
    """Whom an assignment names: exactly one of a unit, a roster file or staff numbers."""

    unit: str | None = None
    roster: Path | None = None
    learners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assigned:
    """What ``assign`` did: the cases, track, due date, how many people, new and repeated assignments."""

    scenario_ids: list[str]
    track: str
    due_on: date
    people: int
    created: int
    already: int
    today: date | None = None  # the day it was assigned, to say when the due date had already passed

    def warning(self) -> str | None:
        """A due date in the past is allowed (an assignment recorded late), but never silently."""
        if self.today is None or self.due_on >= self.today:
            return None
        return (
            f"warning: --due {self.due_on.isoformat()} is in the past (today is {self.today.isoformat()}): "
            f"{'everyone assigned is' if self.people != 1 else 'the person assigned is'} overdue at once unless already complete, "
            "and the ics reminders fall in the past"
        )

    def message(self) -> str:
        who = counted(self.people, "person", "people")
        said = f"Assigned {', '.join(self.scenario_ids)} ({self.track}) to {who}, due by {self.due_on.isoformat()}: {counted(self.created, 'assignment')}"
        return f"{said}." if not self.already else f"{said}; already assigned: {self.already} (the same terms, so not made again)."

    def as_json(self) -> dict[str, object]:
        return {
            "cases": self.scenario_ids,
            "track": self.track,
            "due_on": self.due_on.isoformat(),
            "people": self.people,
            "assigned": self.created,
            "already_assigned": self.already,
        }


def assign(
    where: Locations,
    cases: list[str],
    who: Who,
    due: str,
    track: str | None,
    mode: str | None,
    every: str | None,
    allow_sessions: bool,
) -> Assigned:
    """Check everything, write every assignment not already held in the same terms at once, and say what was done."""
    from ltl_quiz.engine.state_machine import MODES
    from ltl_quiz.store import Store
    from ltl_quiz.store.assignments import Plan, add

    if sum(bool(x) for x in (who.unit, who.roster, who.learners)) != 1:
        raise InputError("say whom to assign: one of --unit UNIT, --roster FILE or --learner STAFF_NUMBER")
    if mode is not None and mode not in MODES:
        raise InputError(f"--mode {mode!r} is not a mode; use practice or assessed (or leave it out for either)")
    due_on, months = parse_date(due, "--due"), parse_every(every)
    scenario_ids, track = _cases(where, cases, track)
    with Store(where.db_url) as store:
        people = _people(store, who)
        plan = Plan(scenario_ids, people, track, due_on, mode, months, allow_sessions, getpass.getuser())
        added = add(store, plan)
    return Assigned(scenario_ids, track, due_on, len(people), added.created, added.already, datetime.now(UTC).date())


def _cases(where: Locations, cases: list[str], track: str | None) -> tuple[list[str], str]:
    from ltl_quiz.scenario.loader import find_scenario, load_scenario

    ids, chosen = [], track
    for case in cases:
        scenario = load_scenario(find_scenario(where.scenarios, case))
        chosen = chosen or scenario.audiences[0]
        if chosen not in scenario.audiences:
            raise InputError(
                f"{scenario.id} has no {chosen} track (it has {', '.join(scenario.audiences)}); assign it with --track {scenario.audiences[0]}"
            )
        if scenario.id not in ids:
            ids.append(scenario.id)
    if not ids or chosen is None:
        raise InputError("name at least one case to assign")
    return ids, chosen


def _people(store: Store, who: Who) -> list[Learner]:
    from ltl_quiz.config import check_learner_id
    from ltl_quiz.sessions.roster import read_roster
    from ltl_quiz.store.assignments import known_learners, learners_in_unit

    if who.roster is not None:
        return read_roster(who.roster)
    if who.unit:
        people = learners_in_unit(store, who.unit)
        if not people:
            raise InputError(
                f"--unit {who.unit!r}: nobody in the store has that unit; check the spelling, or assign from a roster (--roster FILE)"
            )
        return people
    return known_learners(store, list(dict.fromkeys(check_learner_id(x) for x in who.learners)))


def compute(
    where: Locations, unit: str | None, due_within: str | None, today: date | None = None, learner_id: str | None = None
) -> Compliance:
    """The compliance report from the store, on ``today`` (default: today, UTC)."""
    from ltl_quiz.compliance.report import build
    from ltl_quiz.store import Store
    from ltl_quiz.store.assignments import standing_rows

    days = parse_within(due_within)
    with Store(where.db_url) as store, store.reading() as conn:
        rows = standing_rows(conn, learner_id)
    return build(rows, today or datetime.now(UTC).date(), unit=unit, due_within=days)


def compliance(where: Locations, unit: str | None, due_within: str | None, fmt: str, out: Path | None, stdout: TextIO | None = None) -> int:
    """Write the report in ``fmt`` to ``out`` (atomically) or ``stdout`` (the CLI passes its own;
    default: standard output); return its lines."""
    stdout = stdout or sys.stdout
    from ltl_quiz.compliance import formats

    if fmt not in formats.FORMATS:
        raise InputError(f"--format {fmt!r} is not offered; use one of {', '.join(formats.FORMATS)}")
    if fmt == "xlsx" and out is None:
        raise InputError("--format xlsx writes a file: give --out FILE.xlsx")
    return _stream(where, unit, due_within, fmt, out, stdout)


def _stream(where: Locations, unit: str | None, due_within: str | None, fmt: str, out: Path | None, stdout: TextIO) -> int:
    """The report in ``fmt`` straight from the store's rows to ``out`` (atomically) or ``stdout``:
    a force's 500,000 lines never become a list of objects (each writer gives the same text as
    its whole-report twin: ``formats.to_csv``, ``to_table``, ``to_json``, ``to_ics``, ``page.to_html``)."""
    from functools import partial

    from ltl_quiz.atomic import atomic_writer
    from ltl_quiz.compliance import formats, streams, workbook
    from ltl_quiz.compliance.report import Standings, unit_matches
    from ltl_quiz.store import Store
    from ltl_quiz.store.assignments import people, standing_batches

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    writers: dict[str, Callable[..., int]] = {
        "csv": formats.write_csv,
        "table": formats.write_table,
        "json": streams.write_json,
        "html": streams.write_html,
        "ics": partial(streams.write_ics, stamp=stamp),
        "xlsx": workbook.write_xlsx,
    }
    write = writers[fmt]
    standings = Standings(datetime.now(UTC).date(), due_within=parse_within(due_within))
    # closing(): the batches' cursor is closed while its connection is open, also when the
    # writing stops part-way (a pipe's reader gone), not later by the garbage collector.
    with Store(where.db_url) as store, store.reading() as conn, contextlib.closing(standing_batches(conn)) as batches:
        if out is None:
            return write(people(conn), batches, standings, unit_matches(unit), stdout)
        if fmt == "xlsx":
            with atomic_writer(out, "wb", encoding=None) as binary:
                return write(people(conn), batches, standings, unit_matches(unit), binary)
        with atomic_writer(out, newline="" if fmt in ("csv", "ics") else None) as handle:
            return write(people(conn), batches, standings, unit_matches(unit), handle)


def own_assignments(where: Locations, learner_id: str) -> dict[str, str]:
    """This learner's assignments by case, as they read in the menu and history ('due by 14 March 2027').

    Empty if the store cannot be reached: the learner can still take a case (the journal keeps it).
    """
    from ltl_quiz.compliance.report import WORDS
    from ltl_quiz.errors import StoreError

    try:
        report = compute(where, None, None, learner_id=learner_id)
    except StoreError:
        return {}
    notes: dict[str, str] = {}
    for x in report.lines:
        when = f" {WORDS[x.state]} {x.on.day} {x.on.strftime('%B %Y')}" if x.on else ""
        note = f"{x.state}{when}" + ("" if x.track == "officer" else f" ({x.track} track)")
        if x.earlier:  # the rule does not count it: say so, or the learner sees 'due' with no reason
            note += f" (you completed it on {x.earlier.day} {x.earlier.strftime('%B %Y')}, before it was assigned)"
        notes[x.scenario_id] = f"{notes[x.scenario_id]}; {note}" if x.scenario_id in notes else note
    return notes
