"""Certificates' fields and their verification code: pure, no store, no terminal.

The code is an HMAC-SHA256 of every field printed on the certificate, under the force's key,
cut to 50 bits and written in Crockford's base32 (no I, L, O or U to misread), as two groups of
five: short enough to type from paper, far too many to guess. Changing any printed field (name,
staff number, case, date, score, verdict, version, expiry, trainer...) changes the code.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass, fields

from ltl_quiz.engine.state_machine import GROUP_MODES

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
BITS = 50


@dataclass(frozen=True)
class CertificateFields:
    """Everything a certificate states, as text exactly as printed."""

    name: str
    staff_number: str
    case: str  # the scenario id
    title: str
    track: str
    mode: str
    date: str  # YYYY-MM-DD, when the attempt was completed
    score: str  # e.g. '42/50 (84%)'
    verdict: str  # passed | not passed
    scenario_version: str
    scenario_sha256: str
    expires: str  # YYYY-MM-DD, or '' if the case is not due for renewal
    attempt: str
    # Attendance at a group session only (no score, no verdict): who led it. Left out of the code
    # when empty, so the codes of certificates of individual attempts are what they always were.
    trainer: str = ""

    @classmethod
    def names(cls) -> list[str]:
        """The fields every certificate prints."""
        return [f.name for f in fields(cls) if f.name not in ATTENDANCE_ONLY]

    @property
    def attendance(self) -> bool:
        """A certificate of attendance at a group session: it states no score and no verdict."""
        return self.mode in GROUP_MODES and not self.score and not self.verdict

    def printed(self) -> list[str]:
        """The fields this certificate prints: an attendance certificate has no score or verdict, but its trainer."""
        if self.attendance:
            return [n for n in self.names() if n not in ("score", "verdict")] + list(ATTENDANCE_ONLY)
        return self.names()

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


ATTENDANCE_ONLY = ("trainer",)


def code(key: bytes, cert: CertificateFields) -> str:
    """The verification code for these fields under this key, e.g. '7K2QD-M9XBA'."""
    stated = {k: v for k, v in cert.as_dict().items() if v or k not in ATTENDANCE_ONLY}
    message = "\x1f".join(f"{k}={v}" for k, v in stated.items()).encode("utf-8")
    number = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big") >> (64 - BITS)
    chars = "".join(ALPHABET[(number >> shift) & 31] for shift in range(BITS - 5, -1, -5))
    return f"{chars[:5]}-{chars[5:]}"


def normalise(typed: str) -> str | None:
    """A code as typed ('7k2qd m9xba', '7K2QD-M9XBA') in its printed form, or None if it cannot be one."""
    chars = "".join(_READ_AS.get(c, c) for c in typed.upper() if c not in " -")
    if len(chars) != BITS // 5 or any(c not in ALPHABET for c in chars):
        return None
    return f"{chars[:5]}-{chars[5:]}"


def matches(key: bytes, cert: CertificateFields, typed: str) -> bool:
    return hmac.compare_digest(code(key, cert), normalise(typed) or "")
