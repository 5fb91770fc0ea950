"""Renewal intervals (``12m``, ``1y``, ``3y``) and look-ahead windows (``30d``), parsed once.

Months are kept as months, not days: "every 12 months" from 31 January must fall on the last day
of January a year on, not drift by leap days.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from ltl_quiz.errors import BadOptionValue

_EVERY = re.compile(r"^\s*(\d{1,3})\s*([my])\s*$", re.IGNORECASE)
_WITHIN = re.compile(r"^\s*(\d{1,4})\s*d?\s*$", re.IGNORECASE)


def parse_every(text: str | None) -> int | None:
    """Months in a renewal interval such as '12m' or '3y'; None for a once-only assignment."""
    if text is None or text.strip() == "":
        return None
    found = _EVERY.match(text)
    if not found or int(found.group(1)) == 0:
        raise BadOptionValue(f"--every {text!r} is not an interval; use months or years, e.g. 12m, 1y or 3y")
    months = int(found.group(1)) * (12 if found.group(2).lower() == "y" else 1)
    if months > 120:
        raise BadOptionValue(f"--every {text!r} is longer than ten years; use at most 10y")
    return months


def parse_within(text: str | None) -> int | None:
    """Days in a look-ahead window such as '30d' (or '30')."""
    if text is None:
        return None
    found = _WITHIN.match(text)
    if not found:
        raise BadOptionValue(f"--due-within {text!r} is not a number of days; use e.g. 30d")
    return int(found.group(1))


@lru_cache(maxsize=8192)
def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadOptionValue(f"{option} {text!r} is not a date; use YYYY-MM-DD") from None
