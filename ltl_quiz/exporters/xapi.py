"""xAPI 1.0.3 statements for every attempt, for a learning record store (LRS).

Per attempt, in order: ``attempted`` when it began; ``answered`` for each decision, multi and
reflection (a ``cmi.interaction`` activity: ``choice`` with the recommended options as its
``correctResponsesPattern``, or ``long-fill-in`` for written answers); then, once completed,
``completed`` and (for an individual attempt, which has a verdict) ``passed`` or ``failed`` with
the score and the time spent. A group session's attempt is completed but neither passed nor failed.

The attempt's life is recorded too, from what the store already holds: ``suspended`` when the
learner left (the last moment they were seen active) and ``resumed`` when they came back, both
read from a break of more than ``BREAK_SECONDS`` between one step's answer and the next step being
shown (in play the next step follows within a second, so such a gap is a sitting that ended);
``suspended`` after the last step of an attempt idle for ``IDLE_SECONDS`` or abandoned; and
``abandoned`` (the ADL verb) when it was marked abandoned. Group-session attempts go at the room's
pace, so their gaps are not breaks and they get none of these. ``voiding_statement`` voids a
statement the LRS accepted that the store no longer supports (see ``ltl_quiz.lrs``).

Statement ids are name-based UUIDs (version 5) of the attempt and the step, so the same attempt
always yields the same ids: an LRS keeps one copy however often it is exported or pushed.
Activity ids live under the configurable home page, so a force can use an address it controls.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from ltl_quiz.errors import InputError
from ltl_quiz.exporters.rows import People, their_own
from ltl_quiz.exporters.scenarios import ScenarioLibrary

# A statement is JSON: what ``json.dumps`` writes and an LRS reads back.
from ltl_quiz.json_types import JSONObject
from ltl_quiz.scenario.kinds import answer_kinds, answered_kinds, interaction, kind_of
from ltl_quiz.scenario.model import Scenario
from ltl_quiz.store import Store
from ltl_quiz.store.queries import Filters, attempts_with_answers
from ltl_quiz.store.rows import ExportedAnswer, ExportedAttempt
from ltl_quiz.store.voids import void_id
from ltl_quiz.text import one_line

VERSION = "1.0.3"
NAMESPACE = uuid.UUID("6c0c1f5e-3b0a-5d4e-9a51-4c5471757a21")  # ltl-quiz's own, fixed for ever
DEFAULT_HOME_PAGE = "https://ltl-quiz.invalid"
LANGUAGE = "en-GB"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, JSONObject] = {name: {"id": ADL + name, "display": {LANGUAGE: name}} for name in ("attempted", "answered", "completed", "passed", "failed")}
LIFE_VERBS = {
    "suspended": ADL + "suspended",
    "resumed": ADL + "resumed",
    "abandoned": "https://w3id.org/xapi/adl/verbs/abandoned",  # the ADL/cmi5 verb: ended without completing
    "voided": ADL + "voided",
}
VERBS.update({name: {"id": iri, "display": {LANGUAGE: name}} for name, iri in LIFE_VERBS.items()})
BREAK_SECONDS = 120.0  # a longer gap between a step's answer and the next step's showing is a break
IDLE_SECONDS = 3600.0  # an unfinished attempt untouched this long has been left
SYSTEM_ACCOUNT = "ltl-quiz"  # the actor of voiding statements: the tool correcting its own record
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"



@dataclass(frozen=True)
class XapiSettings:
    """Where accounts and activities live: the ``homePage`` of every actor's account and the root of activity ids."""

    home_page: str = DEFAULT_HOME_PAGE

    @classmethod
    def checked(cls, home_page: str | None) -> XapiSettings:
        value = (home_page or DEFAULT_HOME_PAGE).rstrip("/")
        if not value.startswith(("https://", "http://")) or " " in value or len(value) < 10:
            raise InputError(f"--home-page {value!r} is not a web address; give your force's, e.g. https://learning.example.police.uk")
        return cls(value)

    def iri(self, *parts: str) -> str:
        return "/".join([self.home_page, "xapi", *(quote(p, safe="") for p in parts)])


def statements(
    store: Store, filters: Filters, library: ScenarioLibrary, people: People, settings: XapiSettings
) -> Iterator[JSONObject]:
    """Every statement for the attempts ``filters`` selects, one attempt's worth in memory at a time."""
    steps = (*answered_kinds(), *answer_kinds(answering="read"))  # passages too: a learner can leave at one
    for attempt, answer_rows in attempts_with_answers(store, filters, steps):
        yield from AttemptStatements(attempt, answer_rows, library, people, settings).all()


class AttemptStatements:
    """The statements of one attempt; everything shared between them (actor, context) is built once."""

    def __init__(self, attempt: ExportedAttempt, answer_rows: Sequence[ExportedAnswer], library: ScenarioLibrary, people: People, settings: XapiSettings):
        self.a = attempt
        self.steps = answer_rows
        self.answers = [r for r in answer_rows if r.kind in answered_kinds()]
        self.library = library
        self.people = people
        self.settings = settings
        self.scenario: Scenario | None = library.get(attempt.scenario_id)
        self.actor = _agent(settings, people.learner(attempt.learner_id), people.name(attempt.learner_name))
        trainer = people.trainer(attempt.trainer)
        self.instructor = _agent(settings, _slug(trainer), None if people.pseudonymised else trainer) if trainer else None
        issue = self.scenario.source.issue if self.scenario else 39
        self.course: JSONObject = {"objectType": "Activity", "id": settings.iri("courses", f"learning-the-lessons-{issue}")}
        self.activity: JSONObject = {"objectType": "Activity", "id": settings.iri("scenarios", attempt.scenario_id)}

    def all(self) -> Iterator[JSONObject]:
        a = self.a
        yield self._statement("attempted", self._scenario_object(), a.started_at, parent=self.course)
        breaks = self._breaks()
        for row in self.steps:
            if row.seq in breaks:
                yield from self._left_and_back(row.seq, *breaks[row.seq])
            if row.kind in answered_kinds() and their_own(self.a.mode, row.kind, row.option_ids, row.free_text, row.entered):
                yield self._answered(row)
        yield from self._left_for_now()
        if a.status == "completed" and a.finished_at:
            duration = iso_duration(a.active_seconds)
            yield self._statement(
                "completed", self._scenario_object(), a.finished_at, {"completion": True, "duration": duration}, parent=self.course
            )
            if a.passed is not None:  # a group session is not an assessment: completed, with no verdict to report
                yield self._statement(
                    "passed" if a.passed else "failed", self._scenario_object(), a.finished_at, self._final(duration), parent=self.course
                )

    def _breaks(self) -> dict[int, tuple[str, str]]:
        """Steps the learner came back to after leaving: seq -> (last seen active, shown again)."""
        if self.a.session_code:
            return {}
        found: dict[int, tuple[str, str]] = {}
        last = self.a.started_at
        for row in self.steps:
            if _seconds(last, row.shown_at) > BREAK_SECONDS:
                found[row.seq] = (last, row.shown_at)
            last = row.answered_at
        return found

    def _left_and_back(self, seq: int, left: str, back: str) -> Iterator[JSONObject]:
        yield self._statement("suspended", self.activity, left, parent=self.course, key=f"suspended/{seq}")
        yield self._statement("resumed", self.activity, back, parent=self.course, key=f"resumed/{seq}")

    def _left_for_now(self) -> Iterator[JSONObject]:
        """After the last step: left (abandoned, or idle for IDLE_SECONDS), then abandoned if it was marked so."""
        a = self.a
        if a.session_code or a.status == "completed":
            return
        last = self.steps[-1].answered_at if self.steps else a.started_at
        seq = (self.steps[-1].seq if self.steps else 0) + 1
        idle = _seconds(last, datetime.now(UTC).isoformat()) > IDLE_SECONDS
        if a.status == "abandoned" or idle:
            yield self._statement("suspended", self.activity, last, parent=self.course, key=f"suspended/{seq}")
        if a.status == "abandoned":
            yield self._statement("abandoned", self.activity, a.updated_at, parent=self.course)

    def _final(self, duration: str) -> JSONObject:
        a = self.a
        score: JSONObject = {"scaled": round(max(-1.0, min(1.0, (a.percentage or 0.0) / 100.0)), 4), "raw": a.score}
        if a.score is not None and a.best_score and a.best_score > 0 and 0 <= a.score <= a.best_score:
            score.update(min=0, max=a.best_score)
        return {"score": score, "success": bool(a.passed), "completion": True, "duration": duration}

    def _answered(self, row: ExportedAnswer) -> JSONObject:
        if row.kind in answer_kinds(answering="choose"):
            obj, result = self._choice(row)
        else:
            obj, result = self._reflection(row)
        result["duration"] = iso_duration(row.seconds)
        return self._statement(
            "answered", obj, row.answered_at, result, parent=self.activity, grouping=self.course, key=f"{row.node_id}/{row.seq}"
        )

    def _choice(self, row: ExportedAnswer) -> tuple[JSONObject, JSONObject]:
        chosen = json.loads(row.option_ids or "[]")
        node = self.scenario.nodes.get(row.node_id) if self.scenario else None
        definition: JSONObject = {"type": INTERACTION, "interactionType": interaction(row.kind)}
        best = None
        if node is not None and kind_of(node.type).choice:
            definition["name"] = {LANGUAGE: _short(node.prompt or node.id)}
            definition["choices"] = [{"id": o.id, "description": {LANGUAGE: one_line(o.text)}} for o in node.options]
            definition["correctResponsesPattern"] = ["[,]".join(node.recommended)]
            best = self.library.choice(self.a.scenario_id, row.node_id, row.option_ids).best_points
        else:
            definition["name"] = {LANGUAGE: row.node_id}
        obj: JSONObject = {
            "objectType": "Activity",
            "id": self.settings.iri("scenarios", self.a.scenario_id, "decisions", row.node_id),
            "definition": definition,
        }
        # None chosen (a multi) is said by the score and success alone: strict LRSs (Ralph) refuse an empty response.
        result: JSONObject = {"response": "[,]".join(chosen)} if chosen else {}
        if best is not None and best > 0 and 0 <= row.points <= best:
            result["score"] = {"scaled": round(row.points / best, 4), "raw": row.points, "min": 0, "max": best}
            result["success"] = row.points == best and not row.critical
        return obj, result

    def _reflection(self, row: ExportedAnswer) -> tuple[JSONObject, JSONObject]:
        q = self.library.key_question(self.a.scenario_id, row.node_id, row.kind)
        definition: JSONObject = {
            "type": INTERACTION,
            "interactionType": interaction(row.kind),
            "name": {LANGUAGE: _short(q.text)},
            "description": {LANGUAGE: q.text},
        }
        obj: JSONObject = {
            "objectType": "Activity",
            "id": self.settings.iri("scenarios", self.a.scenario_id, "key-questions", q.id),
            "definition": definition,
        }
        covered = sorted(set(json.loads(row.covered or "[]")))
        result: JSONObject = {"extensions": {self.settings.iri("extensions", "model-points-covered"): covered}}
        text = self.people.reflection(self.a.learner_id, self.a.id, row.seq, row.kind, row.free_text)
        if text:  # no answer written (or not shared) means no response: an empty one is refused by strict LRSs (Ralph)
            result["response"] = text
        return obj, result

    def _scenario_object(self) -> JSONObject:
        definition: JSONObject = {"type": "http://adlnet.gov/expapi/activities/simulation", "name": {LANGUAGE: self.a.scenario_title}}
        if self.scenario is not None:
            definition["description"] = {LANGUAGE: one_line(self.scenario.summary)}
        return {**self.activity, "definition": definition}

    def _statement(
        self,
        verb: str,
        obj: JSONObject,
        when: str,
        result: JSONObject | None = None,
        *,
        parent: JSONObject,
        grouping: JSONObject | None = None,
        key: str | None = None,
    ) -> JSONObject:
        a = self.a
        context: JSONObject = {
            "registration": a.id,
            "contextActivities": {"parent": [parent], **({"grouping": [grouping]} if grouping else {})},
            "revision": str(a.scenario_version),
            "platform": "ltl-quiz",
            "language": LANGUAGE,
            "extensions": self._extensions(),
        }
        if self.instructor:
            context["instructor"] = self.instructor
        statement: JSONObject = {
            "id": str(uuid.uuid5(NAMESPACE, f"{a.id}/{key or verb}")),
            "actor": self.actor,
            "verb": VERBS[verb],
            "object": obj,
            "context": context,
            "timestamp": when,
            "version": VERSION,
        }
        if result:
            statement["result"] = result
        return statement

    def _extensions(self) -> JSONObject:
        ext: JSONObject = {
            self.settings.iri("extensions", "track"): self.a.track,
            self.settings.iri("extensions", "mode"): self.a.mode,
            self.settings.iri("extensions", "scenario-sha256"): self.a.scenario_sha256,
        }
        if self.a.session_code:
            ext[self.settings.iri("extensions", "session")] = self.a.session_code
        if self.a.how_answered:  # terminal, scripted or trainer: a scripted run is not the learner's own work
            ext[self.settings.iri("extensions", "how-answered")] = self.a.how_answered
        return ext


def voiding_statement(statement_id: str, attempt_id: str, when: str, settings: XapiSettings) -> JSONObject:
    """The statement that voids ``statement_id``: by ltl-quiz itself, naming nothing about the learner."""
    return {
        "id": void_id(statement_id),
        "actor": _agent(settings, SYSTEM_ACCOUNT, SYSTEM_ACCOUNT),
        "verb": VERBS["voided"],
        "object": {"objectType": "StatementRef", "id": statement_id},
        "context": {"registration": attempt_id},
        "timestamp": when,
        "version": VERSION,
    }


def _seconds(start: str, end: str) -> float:
    return (parse_timestamp(end) - parse_timestamp(start)).total_seconds()


def _agent(settings: XapiSettings, account_name: str, name: str | None) -> JSONObject:
    agent: JSONObject = {"objectType": "Agent", "account": {"homePage": settings.home_page, "name": account_name}}
    if name:
        agent["name"] = name
    return agent


def _slug(trainer: str | None) -> str:
    """An account name for a trainer known only by name: lower case, words joined by hyphens."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in (trainer or "").lower()).split()) or "trainer"


def _short(text: str, limit: int = 250) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def iso_duration(seconds: float | None) -> str:
    """ISO 8601 duration to the hundredth of a second (the precision xAPI keeps), e.g. PT1H2M3.45S."""
    centis = max(0, round((seconds or 0.0) * 100))
    hours, centis = divmod(centis, 360000)
    mins, centis = divmod(centis, 6000)
    secs = f"{centis // 100}.{centis % 100:02d}".rstrip("0").rstrip(".")
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "") + f"{secs}S"


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
