"""The scoring window (docs/scoring.md): (D-30d, D], extended to the 10 most recent completions, capped at
180d."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from builders import POLICY, JobBuilder, completed_job, component, day, instant, score
from scorecard.domain.jobs import JobState
from scorecard.domain.window import Window, day_end, day_start, select_window

D = day(10, 31)  # as of the end of 2026-10-31
END = datetime(2026, 11, 1, tzinfo=UTC)  # the window ends with day D (exclusive bound)
BASE_START = datetime(2026, 10, 2, tzinfo=UTC)  # D-29: days 10-02 .. 10-31 are the 30 days
# D-179 = 2026-05-05: 26 days left of May after the 5th + 30 + 31 + 31 + 30 + 31 = 179
CAP_START = datetime(2026, 5, 5, tzinfo=UTC)


def done(job_id: str, at: object, *, value: str = "100", on_time: bool = True) -> JobBuilder:
    shipped = instant(at)  # type: ignore[arg-type]
    due = shipped.date() if on_time else date(2026, 1, 1)
    return completed_job(job_id, shipped=shipped, due=due, value=value, offered=date(2026, 1, 2))


def fold_all(jobs: list[JobBuilder], excluded: set[str] | None = None) -> list[JobState]:
    until = day_end(D, POLICY.zone)
    return [job.fold(until=until, excluded=job.job_id in (excluded or set())) for job in jobs]


def window_of(jobs: list[JobBuilder], excluded: set[str] | None = None) -> Window:
    window = select_window(fold_all(jobs, excluded), D, POLICY)
    assert window is not None
    return window


def ids(window: Window) -> list[str]:
    return [wj.job.job_id for wj in window.jobs]


def test_day_bounds_in_the_policy_zone() -> None:
    assert day_start(D, POLICY.zone) == datetime(2026, 10, 31, tzinfo=UTC)
    assert day_end(D, POLICY.zone) == END
    chicago = POLICY.model_copy(update={"timezone": "America/Chicago"}).zone
    # 2026-11-01 00:00 CDT (-05:00) = 05:00Z; DST ends later that night
    assert day_end(D, chicago) == datetime(2026, 11, 1, 5, tzinfo=UTC)


def test_ten_jobs_in_30_days_make_a_plain_window() -> None:
    jobs = [done(f"J{i:02d}", day(10, 2 + i)) for i in range(10)]  # 10-02 .. 10-11
    jobs.append(done("OLD", "2026-10-01T23:59:59Z"))  # day D-30: outside (D-30d, D]
    window = window_of(jobs)
    assert (window.start, window.end) == (BASE_START, END)
    assert window.start_date == day(10, 2)
    assert (window.extended, window.provisional) == (False, False)
    # most recent first
    assert ids(window) == [f"J{i:02d}" for i in range(9, -1, -1)]


def test_first_instant_of_day_d_minus_29_is_inside() -> None:
    jobs = [done(f"J{i}", day(10, 20 + i)) for i in range(9)]
    jobs.append(done("EDGE", "2026-10-02T00:00:00Z"))
    window = window_of(jobs)
    assert window.extended is False
    assert len(window.jobs) == 10
    assert ids(window)[-1] == "EDGE"


def test_completion_after_day_d_is_outside() -> None:
    jobs = [done(f"J{i}", day(10, 20 + i)) for i in range(10)]
    late = done("NEXT-DAY", "2026-11-01T00:00:00Z").fold()  # folded without a cut-off on purpose
    window = select_window([*fold_all(jobs), late], D, POLICY)
    assert window is not None
    assert "NEXT-DAY" not in ids(window)
    assert len(window.jobs) == 10


def test_fewer_than_10_extends_back_to_the_10th_most_recent_completion() -> None:
    recent = [done(f"R{i}", d) for i, d in enumerate([day(10, 28), day(10, 25), day(10, 20), day(10, 10)])]
    older_days = [
        day(9, 20),
        day(9, 10),
        day(8, 31),
        day(8, 21),
        day(8, 11),
        day(8, 1),  # the 10th most recent completion
        day(7, 22),
        day(7, 12),
    ]
    older = [done(f"O{i}", d) for i, d in enumerate(older_days)]
    window = window_of(recent + older)
    assert window.start == datetime(2026, 8, 1, 12, tzinfo=UTC)  # the 10th completion itself
    assert window.end == END
    assert window.start_date == day(8, 1)
    assert (window.extended, window.provisional) == (True, False)
    assert ids(window) == ["R0", "R1", "R2", "R3", "O0", "O1", "O2", "O3", "O4", "O5"]


def test_jobs_tied_with_the_10th_come_along() -> None:
    jobs = [done(f"R{i}", day(10, 20 + i)) for i in range(8)]
    jobs += [done("TIE-A", day(8, 1)), done("TIE-B", day(8, 1)), done("TIE-C", day(8, 1))]
    window = window_of(jobs)
    assert len(window.jobs) == 11  # 8 recent + all three completed at the 10th's instant
    assert window.start == datetime(2026, 8, 1, 12, tzinfo=UTC)


def test_fewer_than_10_in_180_days_is_provisional_and_reaches_back_to_the_cap() -> None:
    jobs = [
        done("A", day(10, 30)),
        done("B", day(10, 15)),
        done("C", day(8, 1)),
        done("D", day(6, 1)),
        done("CAP", "2026-05-05T00:00:00Z"),  # first instant of day D-179
        done("PAST-CAP", "2026-05-04T23:59:59Z"),
    ]
    window = window_of(jobs)
    assert (window.start, window.end) == (CAP_START, END)
    assert (window.extended, window.provisional) == (True, True)
    assert ids(window) == ["A", "B", "C", "D", "CAP"]


def test_ten_jobs_reaching_exactly_the_cap_are_not_provisional() -> None:
    jobs = [done(f"R{i}", day(10, 20 + i)) for i in range(9)]
    jobs += [done("CAP", "2026-05-05T00:00:00Z"), done("PAST-CAP", "2026-05-04T23:59:59Z")]
    window = window_of(jobs)
    assert (window.start, window.extended, window.provisional) == (CAP_START, True, False)
    assert len(window.jobs) == 10


def test_no_completion_in_180_days_means_no_window_and_no_score() -> None:
    old = done("OLD", "2026-05-04T23:59:59Z")
    open_job = JobBuilder("OPEN").offered(day(10, 1), due=day(11, 30)).accepted(day(10, 2))
    assert select_window(fold_all([old, open_job]), D, POLICY) is None
    result = score([old, open_job], D)
    assert (result.score, result.grade, result.window, result.next_grade) == (None, None, None, None)
    assert (result.ledger, result.components, result.provisional) == ((), (), False)


def test_excluded_jobs_do_not_count_towards_the_10() -> None:
    jobs = [done(f"J{i}", day(10, 2 + i)) for i in range(10)]
    window = window_of(jobs, excluded={"J5"})
    # 9 jobs left in 180 days: provisional, stretched to the cap
    assert (window.provisional, window.start, len(window.jobs)) == (True, CAP_START, 9)
    assert "J5" not in ids(window)


def test_open_and_voided_jobs_are_not_window_jobs() -> None:
    jobs = [done(f"J{i}", day(10, 2 + i)) for i in range(10)]
    void = done("VOID", day(10, 20))
    void.events.pop()  # drop the shipment...
    void.cancelled(day(10, 21), "customer")  # ...and let the customer cancel
    partial = JobBuilder("PARTIAL").offered(day(10, 1), due=day(10, 30), parts=5).shipped(day(10, 3), 2)
    window = window_of([*jobs, void, partial])
    assert "VOID" not in ids(window)
    assert "PARTIAL" not in ids(window)
    assert len(window.jobs) == 10


def test_partner_cancellation_completes_inside_the_window() -> None:
    cancelled = JobBuilder("CXL").offered(day(10, 1), due=day(10, 30)).accepted(day(10, 2))
    cancelled.cancelled(day(10, 3), "partner")
    window = window_of([cancelled])
    assert ids(window) == ["CXL"]
    assert window.jobs[0].completion.via == "partner_cancellation"


def test_contains_is_start_inclusive_end_exclusive() -> None:
    window = window_of([done(f"J{i}", day(10, 2 + i)) for i in range(10)])
    assert window.contains(BASE_START) is True
    assert window.contains(datetime(2026, 10, 1, 23, 59, 59, tzinfo=UTC)) is False
    assert window.contains(datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)) is True
    assert window.contains(END) is False
    assert window.contains(None) is False


def test_window_days_follow_the_policy_timezone() -> None:
    chicago = POLICY.model_copy(update={"timezone": "America/Chicago"})
    # 2026-11-01T03:00Z is 2026-10-31 22:00 in Chicago: inside day D there, after day D in UTC
    evening = done("EVENING", "2026-11-01T03:00:00Z").fold()
    window = select_window([evening], D, chicago)
    assert window is not None
    assert ids(window) == ["EVENING"]
    assert window.end == datetime(2026, 11, 1, 5, tzinfo=UTC)
    assert select_window([evening], D, POLICY) is None


def test_offers_count_only_inside_an_extended_window() -> None:
    # 10 completed jobs, the 10th most recent on 08-01 12:00: the window starts at that instant.
    jobs = [done(f"R{i}", day(10, 20 + i)) for i in range(9)] + [done("TENTH", day(8, 1))]
    before = JobBuilder("BEFORE").offered("2026-08-01T11:59:59Z", due=day(12, 1)).read(day(8, 2))
    at_start = JobBuilder("AT-START").offered("2026-08-01T12:00:00Z", due=day(12, 1))
    result = score([*jobs, before, at_start], D)
    assert result.window is not None
    assert result.window.start == datetime(2026, 8, 1, 12, tzinfo=UTC)
    engagement = next(c for c in result.components if c.name == "engagement")
    # the completed jobs were offered on 2026-01-02, before the window: only AT-START counts,
    # unread and unanswered -> engagement = mean(0, 0) = 0
    assert engagement.evidence == {"offers": 1, "read": 0, "answered": 0}
    assert component(result, "engagement") == 0
    assert [e.job_id for e in result.ledger if not e.completed] == ["AT-START"]


def test_an_extra_on_time_job_can_shrink_an_extended_window() -> None:
    """A consequence of the spec's window rule, kept visible: the 10th job in 30 days closes the
    extension, so an old heavy on-time job drops out."""
    late_small = [done(f"L{i}", day(10, 20 + i), value="1", on_time=False) for i in range(9)]
    old_big = done("BIG", day(7, 1), value="10000")
    before = score([*late_small, old_big], D)
    # on_time = 100 * sqrt(10000) / (sqrt(10000) + 9 * sqrt(1)) = 100 * 100 / 109 = 91.74..
    assert component(before, "on_time") == Decimal("91.7")
    after = score([*late_small, old_big, done("NEW", day(10, 30), value="1")], D)
    # 10 jobs in 30 days: the window is (D-30d, D] only; on_time = 100 * 1 / 10 = 10
    assert component(after, "on_time") == 10
    assert after.window is not None
    assert after.window.extended is False
