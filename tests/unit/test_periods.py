"""The schedule guards (scorecard.domain.periods): a daily run takes a day up to today, a monthly run
a month that has ended; "today" is an argument (the policy timezone's, from the bootstrap's Clock)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scorecard.domain.periods import PeriodNotEnded, check_day, check_month
from scorecard.domain.snapshot import Month

TODAY = date(2026, 12, 7)  # the day the findings were measured


def test_a_day_up_to_today_is_run_and_a_later_one_refused() -> None:
    assert check_day(date(2026, 11, 1), TODAY) == date(2026, 11, 1)
    assert check_day(TODAY, TODAY) == TODAY  # today's run scores it as of its end so far
    with pytest.raises(PeriodNotEnded, match=r"^as_of: 2026-12-08 is after today \(2026-12-07") as refused:
        check_day(date(2026, 12, 8), TODAY)
    assert (refused.value.field, refused.value.reason) == (
        "as_of",
        "2026-12-08 is after today (2026-12-07 in the policy timezone)",
    )
    with pytest.raises(PeriodNotEnded, match=r"^date: 2026-12-31"):  # the local route names its own field
        check_day(date(2026, 12, 31), TODAY, "date")


def test_only_a_month_that_has_ended_is_snapshotted() -> None:
    assert check_month(Month(2026, 11), TODAY) == Month(2026, 11)
    with pytest.raises(PeriodNotEnded, match=r"^month: 2026-12 has not ended .*from 2027-01-01 on$"):
        check_month(Month(2026, 12), TODAY)  # the month in progress (the measured case)
    with pytest.raises(PeriodNotEnded):
        check_month(Month(2027, 1), TODAY)
    # On its last day a month has not ended; on the 1st of the next it has.
    with pytest.raises(PeriodNotEnded):
        check_month(Month(2026, 11), date(2026, 11, 30))
    assert check_month(Month(2026, 11), date(2026, 12, 1)) == Month(2026, 11)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(-400, 400))
def test_a_month_has_ended_exactly_when_its_last_day_is_before_today(today: date, shift: int) -> None:
    month = Month.of(today + timedelta(days=shift))
    try:
        check_month(month, today)
        ended = True
    except PeriodNotEnded:
        ended = False
    assert ended == (month.last_day < today) == (Month.of(today) != month and shift < 0)
