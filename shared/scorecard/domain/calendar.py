"""The calendar every input date and instant must fall in, and the one clock validation compares to.

Dates outside 2000-01-01 … today + 5 years are never meaningful here (the marketplace's jobs, scores
and policies), and at the calendar's ends the date arithmetic of the scoring (day ends, windows,
UTC conversions) overflows: every date and instant a request carries is checked against these
bounds at the edge. "Today" is the validation clock (pydantic's context {"now": ...} or
VALIDATION_NOW, set by the API resolver per request), never a clock read here; without one (stored
events re-read) only the fixed lower bound applies.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationInfo

EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_INSTANT = datetime.combine(EARLIEST_DATE, time(), UTC)
FUTURE_YEARS = 5
DATE_RANGE_TEXT = f"{EARLIEST_DATE.isoformat()} … today + {FUTURE_YEARS} years"

# The clock the future checks compare against. Callers inject it, either through pydantic's
# validation context {"now": ...} or, where a framework runs the validation (the API resolver), by
# setting this variable around the call. Unset: no future check (re-reading stored events).
VALIDATION_NOW: ContextVar[datetime | None] = ContextVar("VALIDATION_NOW", default=None)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validation_now(info: ValidationInfo | None) -> datetime | None:
    """The injected clock of this validation: the context's "now", else VALIDATION_NOW."""
    context = info.context if info is not None else None
    now = context.get("now") if isinstance(context, dict) else None
    return now or VALIDATION_NOW.get()


def is_stored(info: ValidationInfo) -> bool:
    """Re-reading an event ingestion already validated (no bounds, no clock)."""
    return isinstance(info.context, dict) and bool(info.context.get("stored"))


def latest_date(today: date) -> date:
    """today + FUTURE_YEARS years (29 February maps to 28 February)."""
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def parse_iso_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date YYYY-MM-DD") from None


def check_date(value: date, now: datetime | None) -> date:
    if value < EARLIEST_DATE or (now is not None and value > latest_date(now.astimezone(UTC).date())):
        raise ValueError(f"must be within {DATE_RANGE_TEXT}")
    return value


def _bounded_date(value: date, info: ValidationInfo) -> date:
    if is_stored(info):
        return value
    return check_date(value, validation_now(info))


IsoDate = Annotated[
    date,
    BeforeValidator(parse_iso_date),
    AfterValidator(_bounded_date),
    Field(
        json_schema_extra={"formatMinimum": EARLIEST_DATE.isoformat(), "x-latest": f"today+{FUTURE_YEARS}y"}
    ),
]
"""A calendar date YYYY-MM-DD within 2000-01-01 … today + 5 years (today: the validation clock)."""


def known_zone(name: str) -> str:
    """An IANA timezone name this runtime knows; the error names the value, never zoneinfo's internals
    (TZPATH, file paths)."""
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        raise ValueError(f"unknown IANA timezone {name!r}") from None
    return name


TimezoneName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(known_zone),
    Field(description="IANA timezone, e.g. America/Chicago"),
]
