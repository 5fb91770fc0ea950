"""Every command of ``ltl-quiz``: the module that holds it and its one-line summary, in help order.

The group imports a command's module only when that command runs or its own help is shown, so
``ltl-quiz --help`` builds no command at all (a test checks each summary against the command's help).
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    module: str  # a module of the ltl_quiz.cli package
    summary: str
    group: bool = False  # a group of sub-commands (its module's ``commands`` is that group)


COMMANDS: dict[str, Entry] = {
    "run": Entry("cases", "Work through one case study: content note, decisions, debrief and key questions."),
    "resume": Entry("cases", "Carry on an attempt where it stopped."),
    "validate": Entry("authoring", "Check scenario files: schema, graph, flags, key questions; report paths and score ranges."),
    "list": Entry("cases", "List the case studies: id, title, themes, tracks and minutes."),
    "show": Entry("cases", "Describe one case study: summary, roles, content note and key questions."),
    "history": Entry("cases", "List attempts, newest last, with status and score."),
    "abandon": Entry("cases", "Mark an unfinished attempt as abandoned, so it no longer waits to be resumed."),
    "support": Entry("cases", "Where to find support: the organisations listed in Learning the Lessons issue 39."),
    "where": Entry("cases", "Print the folders and database in use."),
    "new": Entry("authoring", "Write a new scenario skeleton that validates, with a comment on every field."),
    "schema": Entry("authoring", "Print (or write) the JSON Schema of the scenario format, for editors' completion and checks."),
    "graph": Entry(
        "authoring", "Show a scenario's map: nodes by type, options and points on edges, critical options, flags, endings' scores."
    ),
    "test": Entry(
        "authoring", "Run test plans (expected ending, score, pass), random walks and reading-free strategies; exit 1 on failure."
    ),
    "export": Entry("records", "Export attempts, answers or reflections as csv, xlsx, json, jsonl or xAPI statements."),
    "cpd": Entry("records", "A learner's CPD record of their completed case studies, in reflective style."),
    "report": Entry("records", "Completions, pass rates, item analysis, reliability (alpha) and where learners stop."),
    "sync": Entry("stores", "Send the attempts this computer journalled while the store could not be reached. Safe to run twice."),
    "merge": Entry(
        "stores",
        "Bring another store's attempts into this one (learners matched by staff number), never what was erased here. "
        "Conflicts are reported, never overwritten.",
    ),
    "assign": Entry("compliance", "Assign cases to a unit, a roster or learners, with a due date, track, mode and renewal interval."),
    "compliance": Entry("compliance", "Who is complete, due, overdue or expiring on each assigned case, with totals per unit and case."),
    "certificate": Entry("compliance", "A printable certificate for one passed attempt (or attendance at a group session), with a code anyone can verify."),
    "verify": Entry(
        "compliance", "Say whether a certificate is genuine and current (exit 0), not genuine (1), or genuine but not current: expired, not passed (2)."
    ),
    "lrs": Entry("lrs", "Send xAPI statements to a learning record store (LRS).", group=True),
    "session": Entry("sessions", "Group sessions for trainers: a room works through a case together, on one screen or live.", group=True),
    "db": Entry("db", "Look after the results store (SQLite or PostgreSQL): status, upgrade, backup.", group=True),
}
