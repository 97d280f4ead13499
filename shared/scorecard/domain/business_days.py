"""Business days (Mon-Fri) for the review queue's `overdue` flag. Pure: dates come in as arguments
(the caller turns instants into days in the policy timezone); no holiday calendar."""

from __future__ import annotations

from datetime import date, timedelta

REVIEW_DUE_BUSINESS_DAYS = 5  # an open review older than this many business days is overdue

_SATURDAY = 5


def business_days_between(start: date, end: date) -> int:
    """Business days d with start < d <= end (the days that have passed since `start`); 0 when end <= start.

    Counted in whole weeks (5 business days each) plus the remaining days, so it is O(1)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < _SATURDAY:
            count += 1
    return count


def is_overdue(requested_on: date, today: date, allowed: int = REVIEW_DUE_BUSINESS_DAYS) -> bool:
    """More than `allowed` business days have passed since the request day."""
    return business_days_between(requested_on, today) > allowed
