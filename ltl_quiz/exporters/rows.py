"""The row model every tabular export shares: columns, the rows themselves, and spreadsheet safety.

Rows are plain tuples of Python values (text, numbers, booleans, ISO 8601 UTC text for times,
None for nothing), built one at a time from the streaming queries. Each writer (csv, json, xlsx)
only changes how a value is written, so every format carries exactly the same data.

Spreadsheet safety: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or LibreOffice as a formula (CSV/formula injection). ``neutralise``
puts an apostrophe before such text, the OWASP advice, for the csv writer; the xlsx writer keeps
the text as typed in a quote-prefixed string cell instead; JSON keeps the text exactly as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ltl_quiz.engine.state_machine import GROUP_MODES, group_record
from ltl_quiz.exporters.scenarios import ScenarioLibrary
from ltl_quiz.pseudonym import Pseudonymiser
from ltl_quiz.scenario.kinds import answer_kinds, answered_kinds, answering_of, written_kinds
from ltl_quiz.scenario.model import COMPETENCIES
from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters, answers_query, attempts_query, minutes, stream
from ltl_quiz.store.rows import ExportedAnswer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WHATS = ("completions", "answers", "reflections")
TICK_EVERY = 2000  # rows written between two progress ticks, in every format

PackedT = TypeVar("PackedT")  # what the parts an answers row shares are packed into (a tuple; quoted CSV text)
RowT = TypeVar("RowT")  # one answers row as its writer takes it


@dataclass(frozen=True)
class Column:
    """One column: its machine key (csv header, JSON key), its label for people (xlsx) and its kind."""

    key: str
    label: str
    kind: str = "text"  # text | int | float | bool | datetime
    width: int = 16


def written(text: str | None) -> bool:
    """Whether a reflection holds anything written (the same test wherever reflections are counted)."""
    return bool(text and text.strip())


def their_own(mode: str, kind: str, option_ids: str | None, free_text: str | None, entered: object) -> bool:
    """THE rule for whether a stored answer row is the learner's own, with a mark: every export
    format, xAPI and the CPD record ask it, and it agrees with the session report.

    A solo attempt's rows are all its learner's. In a group session a participant's attempt has a
    row for every step the room took; theirs are the choices the room's record holds an answer of
    theirs for (``entered``, see ``queries.entered_in_room``: "none of these" at a multi is an
    answer though its ``option_ids`` are "[]", as for a step they did not answer) and what they
    wrote. A choice naming options is theirs too, should a store hold no room record for it."""
    if mode not in GROUP_MODES or written(free_text) or option_ids not in (None, "[]"):
        return True
    return bool(entered) and answering_of(kind) == "choose"


def neutralise(value: str | None) -> str | None:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _same(value: str | None) -> str | None:
    return value


class People:
    """Who is named in a row: staff numbers and trainers as they are, or as pseudonyms with names dropped;
    and whose written reflections may go to a CPD lead (``sharing``: those who said yes, see
    ``store/consent.py``; by default nobody). What is left out is counted."""

    def __init__(self, pseudonymiser: Pseudonymiser | None = None, sharing: frozenset[str] = frozenset()):
        self.pseudonymiser = pseudonymiser
        self.sharing = sharing
        self.withheld: dict[str, set[int]] = {}  # staff number -> hashes of (attempt, seq) left out; only counted, never written

    def withholds(self, learner_id: str, attempt_id: str, seq: int, text: str | None) -> bool:
        """THE rule for every export: a reflection is left out unless its learner chose to share it,
        and is counted as left out only where something was written (a session participant who wrote
        nothing has no reflection to withhold); each counted once, however many sheets it would be on."""
        if learner_id in self.sharing:
            return False
        if written(text):
            self.withheld.setdefault(learner_id, set()).add(hash((attempt_id, seq)))  # an int a reflection: small however many
        return True

    def reflection(self, learner_id: str, attempt_id: str, seq: int, kind: str, text: str | None) -> str | None:
        """A reflection's written text, or None for a learner who has not chosen to share it."""
        if not written(text) or kind not in written_kinds():
            return text
        return None if self.withholds(learner_id, attempt_id, seq, text) else text

    def withheld_counts(self) -> tuple[int, int]:
        """(learners, reflections) whose text was left out."""
        return len(self.withheld), sum(len(v) for v in self.withheld.values())

    @property
    def pseudonymised(self) -> bool:
        return self.pseudonymiser is not None

    def learner(self, learner_id: str) -> str:
        return self.pseudonymiser(learner_id) if self.pseudonymiser else learner_id

    def name(self, name: str | None) -> str | None:
        return None if self.pseudonymiser else name

    def trainer(self, trainer: str | None) -> str | None:
        if trainer is None or not self.pseudonymiser:
            return trainer
        return self.pseudonymiser("trainer:" + trainer)


_ATTEMPT = (
    Column("attempt_id", "Attempt ID", width=38),
    Column("learner_id", "Learner ID"),
    Column("name", "Name", width=22),
    Column("unit", "Unit", width=26),
    Column("scenario_id", "Scenario", width=30),
)
# columns that stand in more than one sheet, declared once
_VERSION = Column("scenario_version", "Version", "int", 9)
_TRACK = Column("track", "Track", width=10)
_HOW = Column("how_answered", "How answered", width=12)
_HOW_TAKEN = (_TRACK, Column("mode", "Mode", width=10), _HOW)
_NODE = Column("node_id", "Node", width=26)
_ANSWERED_AT = Column("answered_at", "Answered (UTC)", "datetime", 20)
_SESSION = (Column("session_code", "Session code", width=12), Column("trainer", "Trainer", width=22))

COMPLETIONS: tuple[Column, ...] = (
    *_ATTEMPT,
    Column("scenario_title", "Title", width=40),
    _VERSION,
    Column("scenario_sha256", "Scenario SHA-256", width=20),
    *_HOW_TAKEN,
    Column("status", "Status", width=12),
    Column("started", "Started (UTC)", "datetime", 20),
    Column("finished", "Finished (UTC)", "datetime", 20),
    Column("minutes_spent", "Minutes spent", "float", 10),
    Column("score", "Score", "int", 8),
    Column("best_score", "Best reachable", "int", 10),
    Column("percentage", "Percentage", "float", 10),
    Column("passed", "Passed", "bool", 8),
    Column("critical_failures", "Critical failures", "int", 10),
    Column("critical_choices", "Critical choices", width=30),
    *(Column(f"competency_{tag}", tag.replace("_", " ").capitalize(), "int", 12) for tag in COMPETENCIES),
    *_SESSION,
    Column("ending", "Ending", width=24),
)

ANSWERS: tuple[Column, ...] = (
    *_ATTEMPT,
    _VERSION,
    *_HOW_TAKEN,
    *_SESSION,
    Column("seq", "Step", "int", 6),
    _NODE,
    Column("kind", "Kind", width=12),
    Column("question", "Question", width=50),
    Column("chosen_option_ids", "Chosen option IDs", width=26),
    Column("chosen_option", "Option chosen", width=50),
    Column("recommended_option_ids", "Recommended option IDs", width=26),
    Column("recommended_option", "Recommended option", width=50),
    Column("points", "Points", "int", 8),
    Column("best_points", "Best points", "int", 8),
    Column("critical", "Critical", "bool", 8),
    Column("written_answer", "Written answer", width=50),
    Column("shown_at", "Shown (UTC)", "datetime", 20),
    _ANSWERED_AT,
    Column("seconds_taken", "Seconds taken", "float", 10),
)

REFLECTIONS: tuple[Column, ...] = (
    *_ATTEMPT,
    _TRACK,
    _HOW,
    *_SESSION,
    _NODE,
    Column("key_question_id", "Key question ID", width=26),
    Column("question", "Key question", width=50),
    Column("answer", "Answer", width=60),
    Column("model_points_ticked", "Model points ticked", "int", 10),
    Column("model_points_total", "Model points", "int", 10),
    Column("model_points_covered", "Points covered", width=50),
    Column("model_points_missed", "Points not covered", width=50),
    _ANSWERED_AT,
)

SHEETS: dict[str, tuple[Column, ...]] = {"completions": COMPLETIONS, "answers": ANSWERS, "reflections": REFLECTIONS}


def rows(what: str, store: Store, filters: Filters, library: ScenarioLibrary, people: People, safe: bool) -> Iterator[tuple]:
    """The rows of one sheet; ``safe`` neutralises text for spreadsheets."""
    build = {"completions": completion_rows, "answers": answer_rows, "reflections": reflection_rows}[what]
    return build(store, filters, library, people, neutralise if safe else _same)


def _attempt_columns(
    people: People, s: Callable, attempt_id: str, learner_id: str, name: str | None, unit: str | None, scenario_id: str
) -> tuple:
    """The first columns of every sheet (``_ATTEMPT``): whose attempt at which scenario, as ``people`` may name them."""
    return attempt_id, s(people.learner(learner_id)), s(people.name(name)), s(unit), scenario_id


def completion_rows(store: Store, filters: Filters, library: ScenarioLibrary, people: People, s: Callable) -> Iterator[tuple]:
    for r in stream(store, attempts_query(filters)):
        # the query leaves score, passed, competencies and ending empty unless the attempt is completed
        scored = not group_record(r.mode, r.passed)  # a group session's record: no score, as in its CPD record
        competencies = json.loads(r.competencies) if r.competencies is not None and scored else None
        # critical failures are part of the verdict, which an unfinished attempt has not reached: none to count
        critical = None if r.status != "completed" else json.loads(r.critical_failures or "[]") if scored else []
        yield (
            *_attempt_columns(people, s, r.id, r.learner_id, r.learner_name, r.learner_unit, r.scenario_id),
            s(r.scenario_title),
            r.scenario_version,
            r.scenario_sha256,
            r.track,
            r.mode,
            r.how_answered,
            r.status,
            r.started_at,
            r.finished_at,
            minutes(r.active_seconds),
            r.score if scored else None,
            r.best_score,
            r.percentage if scored else None,
            None if r.passed is None else bool(r.passed),
            None if critical is None else len(critical),
            s("; ".join(f"{node}: {option}" for node, option in critical or [])) or None,
            *((competencies.get(tag, 0) if competencies is not None else None) for tag in COMPETENCIES),
            s(r.session_code),
            s(people.trainer(r.trainer)),
            r.ending,
        )


def flat_row(
    prefix: tuple, seq: int, text: tuple, points: int | None, critical: bool, written: str | None, shown: str, answered: str, seconds: float
) -> tuple:
    """An answers row as one flat tuple: the shape every writer but the fast CSV path takes."""
    return (*prefix, seq, *text[0], points, text[1], bool(critical), written, shown, answered, seconds)


def answer_rows(store: Store, filters: Filters, library: ScenarioLibrary, people: People, s: Callable) -> Iterator[tuple]:
    """One flat tuple per decision, multi and reflection answer (never passages): ``shaped_answer_rows``'s plain form."""
    return shaped_answer_rows(store, filters, library, people, s, tuple, flat_row)


def shaped_answer_rows(
    store: Store,
    filters: Filters,
    library: ScenarioLibrary,
    people: People,
    s: Callable,
    pack: Callable[[tuple], PackedT],
    shape: Callable[..., RowT],
) -> Iterator[RowT]:
    """One row per decision, multi and reflection answer (never passages): the hot loop of a big export.

    Everything that is the same for an attempt (learner, scenario, session), or for one choice at
    one node (question and option wording), is worked out once, passed through ``pack`` (the CSV
    writer packs it into ready-quoted text) and reused; per row there is one dictionary look-up
    and one call of ``shape``, which lays the row out for the writer.
    """
    current = None
    prefix: Any = ()
    texts: dict[tuple[str, str, str, str], tuple[Any, int | None]] = {}
    for row in stream(store, answers_query(filters, answered_kinds())):
        attempt_id, learner_id, scenario_id, mode = row[0], row[1], row[4], row[7]
        seq, node_id, kind, option_ids, free_text, _covered, points, critical, shown_at, answered_at, seconds, entered = row[11:]
        if attempt_id != current:
            current = attempt_id
            prefix = pack(_attempt_part(row, people, s))
        key = (scenario_id, node_id, kind, option_ids)
        text = texts.get(key)
        if text is None:
            words, best = _answer_text(library, key, s)
            text = texts[key] = (pack((node_id, kind, *words)), best)
        if not their_own(mode, kind, option_ids, free_text, entered):
            points = None  # a group session's step this participant did not answer themselves: no mark, not 0
        free_text = people.reflection(learner_id, attempt_id, seq, kind, free_text)
        yield shape(prefix, seq, text, points, critical, s(free_text) if free_text else None, shown_at, answered_at, seconds)


def _attempt_part(row: ExportedAnswer, people: People, s: Callable) -> tuple:
    """The columns an answers row shares with every other answer of its attempt: its attempt, learner,
    name, unit, scenario, version, track, mode, how it was answered, session and trainer."""
    return (
        *_attempt_columns(people, s, row.attempt_id, row.learner_id, row.learner_name, row.learner_unit, row.scenario_id),
        row.scenario_version,
        row.track,
        row.mode,
        row.how_answered,
        s(row.session_code),
        s(people.trainer(row.trainer)),
    )


def _answer_text(library: ScenarioLibrary, key: tuple[str, str, str, str], s: Callable) -> tuple[tuple, int | None]:
    scenario_id, node_id, kind, option_ids = key
    if kind in answer_kinds(answering="choose"):
        c = library.choice(scenario_id, node_id, option_ids)
        return (s(c.question), s(c.chosen_ids), s(c.chosen), s(c.recommended_ids) or None, s(c.recommended) or None), c.best_points
    q = library.key_question(scenario_id, node_id, kind)
    return (s(q.text), None, None, None, None), None


def reflection_rows(store: Store, filters: Filters, library: ScenarioLibrary, people: People, s: Callable) -> Iterator[tuple]:
    for r in stream(store, answers_query(filters, written_kinds())):
        if people.withholds(r.learner_id, r.attempt_id, r.seq, r.free_text):
            continue  # the row is the reflection (its text and the points it ticked): left out whole, as documented
        q = library.key_question(r.scenario_id, r.node_id, r.kind)
        covered = sorted(set(json.loads(r.covered or "[]")))
        known = q.model_points
        yield (
            *_attempt_columns(people, s, r.attempt_id, r.learner_id, r.learner_name, r.learner_unit, r.scenario_id),
            r.track,
            r.how_answered,
            s(r.session_code),
            s(people.trainer(r.trainer)),
            r.node_id,
            q.id,
            s(q.text),
            s(r.free_text),
            len(covered),
            len(known) if known else None,
            s(" | ".join(known[i] for i in covered if i < len(known))) if known else s(", ".join(str(i + 1) for i in covered)),
            s(" | ".join(p for i, p in enumerate(known) if i not in covered)) if known else None,
            r.answered_at,
        )
