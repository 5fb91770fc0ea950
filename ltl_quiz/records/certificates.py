"""Certificates of completion anyone can verify: issue one for an attempt, check one by its code.

Only a completed attempt the learner answered themselves gets a certificate (never an unfinished
or scripted one: a certificate that states something untrue is worse than none). Issuing records
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

from ltl_quiz.errors import Expired, InputError, NotGenuine
from ltl_quiz.records.certificate_code import CertificateFields, code, matches, normalise

if TYPE_CHECKING:
    from ltl_quiz.locations import Locations
    from ltl_quiz.store.rows import AttemptRow


@dataclass(frozen=True)
class Issued:
    fields: CertificateFields
    code: str


def fields_for(row: AttemptRow, expires: date | None) -> CertificateFields:
    """The certificate's fields from a stored attempt (an ``AttemptRow``)."""
    return CertificateFields(
        name=row.learner_name,
        staff_number=row.learner_id,
        case=row.scenario_id,
        title=row.scenario_title,
        track=row.track,
        mode=row.mode,
        date=(row.finished_at or "")[:10],
        score=f"{row.score}/{row.best_score} ({row.percentage:g}%)",
        verdict="passed" if row.passed else "not passed",
        scenario_version=str(row.scenario_version),
        scenario_sha256=row.scenario_sha256,
        expires=expires.isoformat() if expires else "",
        attempt=row.id,
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
        cert = fields_for(row, stored.expiry_for(store, row))
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

    def lines(self) -> list[str]:
        f = self.fields
        state = "genuine and current" if self.current else f"genuine, but it expired on {f.expires}: the case is due again"
        lines = [
            f"{self.code}: {state}.",
            f"  {f.name} ({f.staff_number}) completed '{f.title}' ({f.case}), {f.track} track, {f.mode}, on {f.date}:",
            f"  score {f.score}, {f.verdict}; scenario version {f.scenario_version} (sha256 {f.scenario_sha256[:16]}...)",
        ]
        if f.expires:
            lines.append(f"  valid until {f.expires}")
        return lines


def verify(where: Locations, typed: str, claimed: dict[str, str | None], certificate: Path | None = None, today: date | None = None) -> Verdict:
    """Whether the certificate with this code is genuine (and current). Raises NotGenuine or Expired."""
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
        record = fields_for(row, date.fromisoformat(expires) if expires else None)
    if not matches(key, record, wanted):
        raise NotGenuine(f"{wanted}: NOT genuine: the record in the store has changed since this certificate was issued")
    presented = _presented(certificate) if certificate is not None else {}
    for name, value in {**presented, **{k: v for k, v in claimed.items() if v is not None}}.items():
        if value.strip() != getattr(record, name):
            raise NotGenuine(
                f"{wanted}: NOT genuine: the {name.replace('_', ' ')} on the certificate ({value.strip()!r}) is not what was certified"
            )
    if presented and not matches(key, replace(record, **presented), wanted):
        raise NotGenuine(f"{wanted}: NOT genuine: the certificate's fields do not match its code")
    today = today or datetime.now(UTC).date()
    current = not record.expires or today <= date.fromisoformat(record.expires)
    verdict = Verdict(record, wanted, current)
    if not current:
        raise Expired("\n".join(verdict.lines()))
    return verdict


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


def _presented(path: Path) -> dict[str, str]:
    from ltl_quiz.errors import FileRefused
    from ltl_quiz.files import read_regular

    try:
        text = read_regular(path, 1_000_000, "certificate").decode("utf-8")
    except (FileRefused, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the certificate {path}: {exc}") from None
    parser = _Fields()
    parser.feed(text)
    known = set(CertificateFields.names())
    found = {k: v.strip() for k, v in parser.found.items() if k in known}
    missing = known - set(found)
    if missing:
        raise InputError(f"{path}: not a certificate page from ltl-quiz (no {sorted(missing)[0]}); check the code with --name instead")
    return found
