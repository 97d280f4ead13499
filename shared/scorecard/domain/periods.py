"""The schedule guards: which periods a scheduled run may take, the one place that says so.

The daily run scores a day up to today; the monthly run snapshots a month that has ended; both in the
policy timezone, with "today" an argument (the bootstrap's Clock; never a clock read here). The local
routes, the coordinators (scheduled or manual input) and the workers all call these, so a run of a
period that has not ended is refused before anything is queued, written, published or emailed.
"""

from __future__ import annotations

from datetime import date

from scorecard.domain.snapshot import Month


class PeriodNotEnded(ValueError):
    """A run asked for a period that has not ended in the policy timezone (a day after today, the
    current or a later month). `field` names the input that asked for it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def check_day(day: date, today: date, field: str = "as_of") -> date:
    """`day`, if a daily run may score it: up to today (today's run scores it as of its end so far). A
    later day has no evidence yet, and scoring it would move the tier in force ahead of the calendar."""
    if day > today:
        raise PeriodNotEnded(field, f"{day} is after today ({today} in the policy timezone)")
    return day


def check_month(month: Month, today: date, field: str = "month") -> Month:
    """`month`, if it has ended: a snapshot is final and emailed once (the current month is its
    month-to-date projection, computed on request)."""
    if month.last_day >= today:
        reason = (
            f"{month} has not ended (today is {today} in the policy timezone): "
            f"it can be snapshotted from {month.next().first_day} on"
        )
        raise PeriodNotEnded(field, reason)
    return month
