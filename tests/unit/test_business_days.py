"""Business days (Mon-Fri) since a review was requested, and the overdue flag (more than 5).
November 2026: Mon 2, Fri 6, Sat 7, Sun 8, Mon 9, Tue 10, Fri 13, Mon 16."""

from __future__ import annotations

from datetime import date

import pytest
from scorecard.domain.business_days import business_days_between, is_overdue


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 2), date(2026, 11, 2), 0),  # same day: nothing has passed
        (date(2026, 11, 2), date(2026, 11, 1), 0),  # end before start
        (date(2026, 11, 2), date(2026, 11, 3), 1),  # Mon -> Tue: Tue
        (date(2026, 11, 6), date(2026, 11, 9), 1),  # Fri -> Mon: Sat, Sun skipped, Mon
        (date(2026, 11, 7), date(2026, 11, 8), 0),  # Sat -> Sun: a weekend only
        (date(2026, 11, 2), date(2026, 11, 9), 5),  # one week: Tue Wed Thu Fri Mon
        (date(2026, 11, 2), date(2026, 11, 10), 6),  # + Tue
        (date(2026, 11, 7), date(2026, 11, 13), 5),  # Sat -> Fri: Mon..Fri
        (date(2026, 11, 7), date(2026, 11, 16), 6),  # + Mon 16
        (date(2026, 11, 2), date(2026, 11, 30), 20),  # four whole weeks
        (date(2026, 12, 31), date(2027, 1, 4), 2),  # Thu -> Mon across the year: Fri 1, Mon 4
    ],
)
def test_business_days_between(start: date, end: date, expected: int) -> None:
    assert business_days_between(start, end) == expected


def test_overdue_after_more_than_five_business_days() -> None:
    requested = date(2026, 11, 2)  # a Monday
    assert not is_overdue(requested, date(2026, 11, 6))  # 4: Tue-Fri
    assert not is_overdue(requested, date(2026, 11, 8))  # still 4 on Sunday
    assert not is_overdue(requested, date(2026, 11, 9))  # exactly 5: not yet "older than 5"
    assert is_overdue(requested, date(2026, 11, 10))  # 6
    # Asked on a Saturday: the clock starts on Monday; overdue on the second Monday.
    assert not is_overdue(date(2026, 11, 7), date(2026, 11, 13))  # 5
    assert is_overdue(date(2026, 11, 7), date(2026, 11, 16))  # 6


def test_the_week_shortcut_agrees_with_counting_day_by_day() -> None:
    from datetime import timedelta

    start = date(2026, 1, 1)
    for offset in range(0, 60):
        end = start + timedelta(days=offset)
        by_day = sum(1 for n in range(1, offset + 1) if (start + timedelta(days=n)).weekday() < 5)
        assert business_days_between(start, end) == by_day
