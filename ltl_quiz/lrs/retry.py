"""When a batch is tried again, and for how long: which answers are transient, the back-off and
Retry-After waits (capped), and what is said for an answer that sending again cannot fix."""

from __future__ import annotations

import email.utils
import random
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ltl_quiz.lrs.endpoint import Endpoint
    from ltl_quiz.lrs.transport import Answer

TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
MAX_WAIT = 60.0  # the longest back-off or Retry-After wait between two tries, whatever the LRS asks
DEADLINE = 120.0  # seconds a whole try (connect, send, answer) may take, however slowly bytes arrive
BATCH_DEADLINE = 300.0  # seconds one batch may take over all its tries and the waits between them


def backoff_wait(attempt: int, asked: float | None, backoff: float) -> float:
    """Seconds before try ``attempt + 1``: what the LRS asked (Retry-After), else exponential back-off with jitter."""
    if asked is not None:
        return min(asked, MAX_WAIT)
    return min(backoff * 2 ** (attempt - 1) * (1 + random.random() / 4), MAX_WAIT)


def refusal(endpoint: Endpoint, status: int, detail: str) -> str:
    """What to tell the trainer when the LRS refuses a batch: by status, what to check or change."""
    where = f"the LRS at {endpoint.base}"
    if status in (401, 403):
        return f"{where} refused user '{endpoint.user}' (HTTP {status}: {detail}); check --user and --password (or LTL_QUIZ_LRS_USER, LTL_QUIZ_LRS_PASSWORD)"
    if status == 409:
        return f"{where} already holds statements with these ids but different content (HTTP 409: {detail}); were they pushed once with --pseudonymise and once without, or with another --home-page?"
    if status == 404:
        return f"{where} has no statements resource (HTTP 404); check --endpoint: it is the xAPI base address, e.g. https://lrs.example.org/xAPI/"
    return f"{where} rejected the statements (HTTP {status}: {detail}); nothing more was sent"


def redirected(endpoint: Endpoint, answer: Answer) -> str:
    """Why a redirect is not followed (the credentials would go elsewhere), and what to give instead."""
    to = f" to {answer.location}" if answer.location else ""
    return (
        f"the LRS at {endpoint.base} redirects (HTTP {answer.status}){to}; nothing was sent there, because a redirect "
        "would carry the credentials to another address: give the final xAPI address as --endpoint"
    )


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, in either of its forms: delay-seconds or an HTTP-date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
