"""How the emails write numbers, days and months: one string per value, computed once and handed to
both the text and the HTML part, so both carry exactly the same figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations: the notification emails format no month
    from scorecard.domain.snapshot import Month

PRODUCT = "Partner Scorecard"  # every email's product name (its header, the sender's display name)

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DASH = "\u2014"


def month_only(month: Month) -> str:
    return MONTH_NAMES[month.month - 1]


def month_name(month: Month) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def short_month(month: Month) -> str:
    return MONTH_NAMES[month.month - 1][:3]


def fmt_int(value: int) -> str:
    return f"{value:,}"


def fmt_pct(value: float | None) -> str:
    return DASH if value is None else f"{Decimal(str(value)):.1f}%"


def fmt_decimal(value: float | None) -> str:
    return DASH if value is None else f"{Decimal(str(value)):,.1f}"


def fmt_money(value: str) -> str:
    return f"${Decimal(value):,.2f}"


def fmt_full_day(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.day}, {day.year}"


def fmt_day(day: date | None, month: Month, missing: str = DASH) -> str:
    """'Oct 15'; the year is added when it is not the snapshot's year."""
    if day is None:
        return missing
    text = f"{MONTH_NAMES[day.month - 1][:3]} {day.day}"
    return text if day.year == month.year else f"{text}, {day.year}"
