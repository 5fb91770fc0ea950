"""Certificates of completion anyone can verify: issue one for an attempt, check one by its code.

Only a completed, passed attempt the learner answered themselves gets a certificate of completion
(never an unfinished, failed or scripted one: a certificate that states something untrue is worse
than none). A group-session participant recorded as present gets a certificate of attendance: the
session, its date and trainer, no score and no verdict (the room's path is not their result). Issuing records
the code in the store, so ``verify`` can find the attempt from the code alone; verifying
recomputes the code from the record as it now stands, so a record changed in the database after
issue fails too. The key stays in the store (``store.settings``) and is never printed.
"""

from __future__ import annotations

import html.parser
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ltl_quiz.compliance.rule import BEFORE_START, COUNTS, EXPIRED, NO_ASSIGNMENT, NO_SESSIONS, OTHER_MODE, OTHER_TRACK, Counted
from ltl_quiz.engine.state_machine import group_record
from ltl_quiz.errors import Expired, InputError, NotCurrent, NotGenuine
from ltl_quiz.records.certificate_code import CertificateFields, code, matches, normalise
from ltl_quiz.text import percent

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations
    from ltl_quiz.store.rows import AttemptRow


# Each field as a sentence names it ("the expiry date on the certificate ... is not what was certified").
LABELS = {
    "staff_number": "staff number",
    "case": "case id",
    "date": "date",
    "expires": "expiry date ('valid until')",
    "scenario_version": "scenario version",
    "scenario_sha256": "scenario sha256",
    "attempt": "attempt id",
}


@dataclass(frozen=True)
class Issued:
    fields: CertificateFields
    code: str


def in_group(row: AttemptRow) -> bool:
    """A group-session participant's attempt with no verdict of its own: the room's path is not their score."""
    return group_record(row.mode, row.passed)


def fields_for(
    row: AttemptRow, expires: date | None, trainer: str = "", as_first_issued: bool = False, exact_percent: bool = False
) -> CertificateFields:
    """The certificate's fields from a stored attempt (an ``AttemptRow``).

    A group session's attendance states no score and no verdict, and who led it. ``as_first_issued``
    gives the fields the first version of ``certificate`` printed for such an attempt (a score of
    the room's path and 'not passed'), so a certificate issued then can still be recognised.
    ``exact_percent`` (implied by ``as_first_issued``) gives the score as certificates printed it
    before they used the figure every other record shows (``text.percent``): '35/40 (87.5%)'.
    """
    attendance = in_group(row) and not as_first_issued
    figure = f"{row.percentage:g}%" if as_first_issued or exact_percent else percent(row.percentage)
    return CertificateFields(
        name=row.learner_name,
        staff_number=row.learner_id,
        case=row.scenario_id,
        title=row.scenario_title,
        track=row.track,
        mode=row.mode,
        date=(row.finished_at or "")[:10],
        score="" if attendance else f"{row.score}/{row.best_score} ({figure})",
        verdict="" if attendance else "passed" if row.passed else "not passed",
        scenario_version=str(row.scenario_version),
        scenario_sha256=row.scenario_sha256,
        expires=expires.isoformat() if expires else "",
        attempt=row.id,
        trainer=trainer if attendance else "",
    )


def issue(where: Locations, attempt: str) -> Issued:
    """Check the attempt can be certified, record its code in the store, and return both."""
    from ltl_quiz.store import Store
    from ltl_quiz.store import certificates as stored
    from ltl_quiz.store.settings import certificate_key

    with Store(where.db_url) as store:
        row = store.attempt(attempt)
        if row.status != "completed" or not row.finished_at:
            raise InputError(f"attempt {row.id[:8]} is {row.status}: only a completed attempt can be certified")
        how = stored.answered_how(store, row.id)
        if how == "scripted":
            raise InputError(f"attempt {row.id[:8]} was answered from a script file, not by the learner: it cannot be certified")
        trainer = ""
        if in_group(row):
            present, trainer = stored.session_attendance(store, row)
            if not present:
                raise InputError(
                    f"attempt {row.id[:8]}: the store does not record {row.learner_id} as present at "
                    f"{f'session {row.session_code}' if row.session_code else 'its group session'}: "
                    "no certificate of attendance can be issued"
                )
        elif not row.passed:
            raise InputError(
                f"attempt {row.id[:8]} was not passed ({row.score}/{row.best_score}): a certificate shows a case complete, "
                "so none is issued for it; see 'ltl-quiz history' for a passed attempt"
            )
        cert = fields_for(row, stored.standing_of(store, row, datetime.now(UTC).date())[1], trainer)
        key = certificate_key(store)
        assert key is not None
        issued = Issued(cert, code(key, cert))
        stored.record(store, issued.code, row.id, cert.expires or None)
        return issued


@dataclass(frozen=True)
class Verdict:
    fields: CertificateFields
    code: str
    current: bool
    counting: Counted = COUNTS  # the rule's word on it: counts for an assignment of its case, or why not
    first_issued: bool = False  # an attendance certificate as first issued, with the room's score on it
    why: str = ""  # the rule's reason (``counting``) as a sentence, with its dates

    def state(self) -> str:
        f = self.fields
        if not self.current:
            return f"genuine, but it expired on {f.expires}: the case is due again"
        if not f.attendance and f.verdict != "passed":
            return "genuine, but not passed: it does not show the case complete"
        if f.attendance and self.counting.reason is not None:
            return f"genuine, a record of attendance only: {self.why or self.counting.reason}, so it does not show the case complete"
        if self._uncounted_pass():
            return f"genuine, but it does not count for the assignment of this case: {self.why or self.counting.reason}"
        return "genuine and current"

    def _uncounted_pass(self) -> bool:
        """A passed attempt the learner's assignment of its case does not count (with no assignment, a pass is a pass)."""
        return self.counting.reason not in (None, NO_ASSIGNMENT)

    @property
    def good(self) -> bool:
        """Genuine and current: what ``state`` says last, reached by none of its exceptions."""
        f = self.fields
        if f.attendance:
            return self.current and self.counting.reason is None
        return self.current and f.verdict == "passed" and not self._uncounted_pass()

    def lines(self) -> list[str]:
        f = self.fields
        lines = [f"{self.code}: {self.state()}."]
        if f.attendance:
            led = f" led by {f.trainer}" if f.trainer else ""
            lines += [
                f"  {f.name} ({f.staff_number}) attended a {f.mode} group session on {f.date}{led}:",
                f"  '{f.title}' ({f.case}), {f.track} track; attendance, with no score and no verdict;",
                f"  scenario version {f.scenario_version} (sha256 {f.scenario_sha256[:16]}...)",
            ]
        else:
            lines += [
                f"  {f.name} ({f.staff_number}) completed '{f.title}' ({f.case}), {f.track} track, {f.mode}, on {f.date}:",
                f"  score {f.score}, {f.verdict}; scenario version {f.scenario_version} (sha256 {f.scenario_sha256[:16]}...)",
            ]
        if self.first_issued:
            lines.append("  The score and verdict printed on it are not a result: the store holds attendance, with no score or verdict.")
        if f.expires:
            lines.append(f"  valid until {f.expires}")
        return lines


def verify(
    where: Locations, typed: str, claimed: dict[str, str | None], certificate: Path | None = None, today: date | None = None
) -> Verdict:
    """Whether the certificate with this code is genuine (and current). Raises NotGenuine or NotCurrent."""
    from ltl_quiz.errors import AttemptNotFound
    from ltl_quiz.store import Store
    from ltl_quiz.store import certificates as stored
    from ltl_quiz.store.settings import certificate_key

    wanted = normalise(typed)
    if wanted is None:
        raise InputError(f"{typed!r} is not a verification code; it is ten letters and digits, e.g. 7K2QD-M9XBA")
    with Store(where.db_url) as store:
        found = stored.find(store, wanted)
        key = certificate_key(store, create=False)
        if found is None or key is None:
            raise NotGenuine(f"{wanted}: NOT genuine: no certificate with this code was issued from this store")
        attempt_id, expires = found
        try:
            row = store.attempt(attempt_id)
        except AttemptNotFound:
            raise NotGenuine(f"{wanted}: NOT valid: the record it certified is no longer held (erased)") from None
        ends = date.fromisoformat(expires) if expires else None
        present, trainer = stored.session_attendance(store, row) if in_group(row) else (True, "")
        today = today or datetime.now(UTC).date()
        counting = stored.standing_of(store, row, today)[0]
    if not present:
        raise NotGenuine(f"{wanted}: NOT valid: the store does not record {row.learner_id} as present at session {row.session_code}")
    record = fields_for(row, ends, trainer)
    issued_as = _issued_form(key, wanted, row, ends, record)
    _check_presented(key, wanted, issued_as, claimed, certificate)
    current = not record.expires or today <= date.fromisoformat(record.expires)
    verdict = Verdict(record, wanted, current, counting, in_group(row) and issued_as is not record, why_not(counting, row))
    if not verdict.good:
        raise (Expired if not current else NotCurrent)("\n".join(verdict.lines()))
    return verdict


def why_not(counting: Counted, row: AttemptRow) -> str:
    """The rule's reason an attempt does not count, as a sentence with the dates it turns on ("" if it counts)."""
    a, reason = counting.assignment, counting.reason
    what = "the session" if in_group(row) else "the pass"
    if reason is None or a is None:
        return "" if reason is None else f"{reason} (for {row.learner_id})"
    sentences = {
        OTHER_TRACK: f"the assignment of this case is on the {a.track} track, not the {row.track} track",
        NO_SESSIONS: "the assignment of this case does not allow sessions (assign with --allow-sessions to count them)",
        OTHER_MODE: f"the assignment of this case asks for the {a.mode} mode, not {row.mode}",
        BEFORE_START: f"{what} ({_moment(row.finished_at or '')}) was before the assignment of this case started ({_moment(a.starts_at)})",
        EXPIRED: f"the assignment of this case must be renewed every {a.every_months} months, and {what} on {(row.finished_at or '')[:10]} is older",
    }
    return sentences.get(reason, reason)


def _moment(stamp: str) -> str:
    """'2026-12-04 01:41 UTC' from a stored ISO 8601 UTC time: the minute, as two moments on one day may need."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if len(stamp) >= 16 else stamp


def _issued_form(key: bytes, wanted: str, row: AttemptRow, ends: date | None, record: CertificateFields) -> CertificateFields:
    """The fields the certificate was issued with: the record as printed now, or as an earlier
    version printed it (the score's exact percentage; for a group session, the room's score and
    'not passed' printed in error), so a genuine certificate issued then still verifies."""
    earlier = fields_for(row, ends, as_first_issued=True) if in_group(row) else fields_for(row, ends, exact_percent=True)
    for form in (record, earlier):
        if matches(key, form, wanted):
            return form
    raise NotGenuine(f"{wanted}: NOT genuine: the record in the store has changed since this certificate was issued")


def _check_presented(key: bytes, wanted: str, record: CertificateFields, claimed: dict[str, str | None], certificate: Path | None) -> None:
    """Every field typed from paper, or read from the certificate's page, is what was certified."""
    presented = _presented(certificate, record.printed()) if certificate is not None else {}
    for name, value in {**presented, **{k: v for k, v in claimed.items() if v is not None}}.items():
        if value.strip() != getattr(record, name):
            raise NotGenuine(
                f"{wanted}: NOT genuine: the {LABELS.get(name, name)} on the certificate ({value.strip()!r}) is not what was certified"
            )
    if presented and not matches(key, replace(record, **presented), wanted):
        raise NotGenuine(f"{wanted}: NOT genuine: the certificate's fields do not match its code")


class _Fields(html.parser.HTMLParser):
    """The text of every element marked ``data-field`` in a certificate page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        field = dict(attrs).get("data-field")
        if field:
            self._open = field
            self.found.setdefault(field, "")  # an empty field (no expiry) is still a field

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.found[self._open] = self.found.get(self._open, "") + data


def _presented(path: Path, printed: list[str]) -> dict[str, str]:
    from ltl_quiz.errors import FileRefused
    from ltl_quiz.files import read_regular

    try:
        text = read_regular(path, 1_000_000, "certificate").decode("utf-8")
    except (FileRefused, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the certificate {path}: {exc}") from None
    parser = _Fields()
    parser.feed(text)
    known = set(printed)
    found = {k: v.strip() for k, v in parser.found.items() if k in known}
    missing = known - set(found)
    if missing:
        raise InputError(f"{path}: not a certificate page from ltl-quiz (no {sorted(missing)[0]}); check the code with --name instead")
    return found
