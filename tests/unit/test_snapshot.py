"""Monthly Partner Performance Snapshot (docs/snapshots.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from builders import POLICY, JobBuilder, completed_job, day
from scorecard.domain.jobs import JobState
from scorecard.domain.snapshot import Month, SnapshotLine, SnapshotMetrics, compute_monthly_snapshot

OCT = Month(2026, 10)


def snapshot(jobs: list[JobBuilder], month: Month = OCT, excluded: set[str] | None = None) -> SnapshotMetrics:
    states: list[JobState] = [job.fold(excluded=job.job_id in (excluded or set())) for job in jobs]
    return compute_monthly_snapshot(states, month, POLICY)


def october() -> list[JobBuilder]:
    return [
        # offered, read, accepted in October; 6 parts on time (10-10), 4 late (10-20, due 10-15)
        JobBuilder("J1")
        .offered("2026-10-01T08:00:00Z", due=day(10, 15), value="1000.50", parts=10)
        .read("2026-10-01T09:00:00Z")
        .accepted(day(10, 2))
        .shipped(day(10, 10), 6)
        .inspected(day(10, 11), 6, 1)
        .shipped(day(10, 20), 4)
        .inspected(day(10, 21), 4, 0),
        # offered, first read and accepted in September; completed on time in October
        JobBuilder("J2")
        .offered(day(9, 25), due=day(10, 5), value="200", parts=5)
        .read(day(9, 26))
        .read(day(10, 3))  # read again in October: not a first read
        .accepted(day(9, 27))
        .shipped(day(10, 4), 5)
        .inspected(day(10, 5), 5, 0),
        # offered, read (twice) and accepted in October; 2 of 4 parts shipped on time, not completed
        JobBuilder("J3")
        .offered(day(10, 20), due=day(11, 15), value="99.99", parts=4)
        .read(day(10, 21))
        .read(day(10, 22))
        .accepted(day(10, 22))
        .shipped(day(10, 30), 2)
        .inspected(day(10, 31), 2, 1),
        # only offered in October
        JobBuilder("J4").offered(day(10, 25), due=day(11, 30), value="5000"),
        # shipped and completed in September; its October inspection belongs to that shipment
        JobBuilder("J5")
        .offered(day(8, 20), due=day(9, 30), value="50", parts=3)
        .accepted(day(8, 21))
        .shipped(day(9, 29), 3)
        .inspected(day(10, 2), 3, 3),
        # offered in September, accepted in October, cancelled by the partner in October (late)
        JobBuilder("J6")
        .offered("2026-09-30T23:00:00Z", due=day(10, 20), value="300", parts=2)
        .accepted(day(10, 3))
        .cancelled(day(10, 12), "partner"),
    ]


def test_every_field_of_a_month() -> None:
    s = snapshot(october())
    assert s.month == OCT
    assert s.jobs_on_board == 3  # J1, J3, J4
    assert s.jobs_read == 2  # J1, J3 (J3 read twice, J2 first read in September)
    assert s.jobs_accepted == 3  # J1, J3, J6
    assert s.value_accepted == Decimal("1400.49")  # 1000.50 + 99.99 + 300
    assert s.parts_shipped == 17  # J1 6 + 4, J2 5, J3 2 (J5 shipped in September)
    # on-time parts: J1 6 (10-10 <= 10-15), J2 5 (10-04 <= 10-05), J3 2 (10-30 <= 11-15) = 13
    # 100 * 13 / 17 = 76.47..
    assert s.pct_parts_on_time == Decimal("76.5")
    # inspected parts of October shipments: J1 6 + 4, J2 5, J3 2 = 17, defective 1 + 1 = 2 (J5 excluded)
    # DPT = 1000 * 2 / 17 = 117.647..
    assert s.dpt == Decimal("117.6")
    # completed in October: J1 (late), J2 (on time), J6 (partner cancellation: late)
    assert (s.jobs_completed, s.jobs_completed_on_time) == (3, 1)
    assert s.pct_jobs_on_time == Decimal("33.3")  # 100 / 3
    # round(0.5 * 33.33.. + 0.5 * max(0, 100 - 117.647../5)) = round(16.666.. + 0.5 * 76.470..)
    # = round(16.666.. + 38.235..) = round(54.90..) = 55
    assert s.monthly_score == 55
    assert s.grade == "D"


def test_late_and_defective_lines() -> None:
    s = snapshot(october())
    j1 = SnapshotLine("J1", day(10, 15), day(10, 20), 5, 10, 10, 1)
    j3 = SnapshotLine("J3", day(11, 15), day(10, 30), 0, 2, 2, 1)
    j6 = SnapshotLine("J6", day(10, 20), None, 0, 0, 0, 0)
    assert s.late_jobs == (j1, j6)
    assert s.defective_jobs == (j1, j3)


def test_value_accepted_is_a_two_place_decimal() -> None:
    s = snapshot(october())
    assert str(s.value_accepted) == "1400.49"
    empty = snapshot([JobBuilder("J").offered(day(10, 1), due=day(10, 9), value="12")])
    assert str(empty.value_accepted) == "0.00"
    whole = snapshot([JobBuilder("J").offered(day(10, 1), due=day(10, 9), value="12").accepted(day(10, 1))])
    assert str(whole.value_accepted) == "12.00"


def test_without_inspections_the_score_is_on_time_only() -> None:
    jobs = [
        completed_job("ON", shipped=day(10, 10), due=day(10, 12), parts=3),
        completed_job("LATE", shipped=day(10, 14), due=day(10, 12), parts=1),
    ]
    s = snapshot(jobs)
    assert s.dpt is None
    assert s.pct_parts_on_time == Decimal("75.0")  # 3 of 4 parts on time
    assert s.pct_jobs_on_time == Decimal("50.0")  # 1 of 2 jobs
    assert s.monthly_score == 50  # round(50)
    assert s.grade == "D"


def test_monthly_score_rounds_half_up() -> None:
    jobs = [
        completed_job("ON", shipped=day(10, 10), due=day(10, 12), inspected=200, defective=21),
        completed_job("LATE", shipped=day(10, 14), due=day(10, 12)),
    ]
    s = snapshot(jobs)
    # DPT = 1000 * 21 / 200 = 105 -> quality 100 - 21 = 79; 0.5 * 50 + 0.5 * 79 = 64.5 -> 65 (not 64)
    assert s.dpt == Decimal("105.0")
    assert s.monthly_score == 65
    assert s.grade == "D"


def test_monthly_grade_bands() -> None:
    # 3 of 4 jobs on time and DPT 20 (quality 96): 0.5 * 75 + 0.5 * 96 = 85.5 -> 86 -> B
    jobs = [
        completed_job(
            f"J{i}", shipped=day(10, 10 + i), due=day(10, 12), inspected=50 if i == 0 else 0, defective=1
        )
        for i in range(4)
    ]
    s = snapshot(jobs)
    assert (s.pct_jobs_on_time, s.dpt, s.monthly_score, s.grade) == (
        Decimal("75.0"),
        Decimal("20.0"),
        86,
        "B",
    )


def test_quality_floors_at_zero_in_the_monthly_score() -> None:
    jobs = [completed_job("J", shipped=day(10, 10), due=day(10, 12), inspected=10, defective=9)]
    s = snapshot(jobs)
    # DPT 900 -> 100 - 180 -> 0; round(0.5 * 100 + 0.5 * 0) = 50
    assert (s.dpt, s.monthly_score) == (Decimal("900.0"), 50)


def test_nothing_shipped_means_no_score_and_no_grade() -> None:
    jobs = [
        JobBuilder("OFFER").offered(day(10, 3), due=day(11, 3), value="10").read(day(10, 4)),
        JobBuilder("CXL")
        .offered(day(10, 1), due=day(10, 20))
        .accepted(day(10, 2))
        .cancelled(day(10, 9), "partner"),
    ]
    s = snapshot(jobs)
    assert (s.jobs_on_board, s.jobs_read, s.jobs_accepted) == (2, 1, 1)
    assert (s.parts_shipped, s.pct_parts_on_time, s.dpt) == (0, None, None)
    assert s.pct_jobs_on_time == Decimal("0.0")  # the partner cancellation completed late in October
    assert (s.monthly_score, s.grade) == (None, None)


def test_an_empty_month() -> None:
    s = snapshot([])
    assert (s.jobs_on_board, s.parts_shipped, s.value_accepted) == (0, 0, Decimal("0.00"))
    assert (s.pct_parts_on_time, s.dpt, s.pct_jobs_on_time, s.monthly_score, s.grade) == (None,) * 5


def test_shipped_but_nothing_completed_scores_quality_only() -> None:
    # docs/snapshots.md leaves pct_jobs_on_time undefined with no completed job; the code then scores
    # quality alone.
    job = (
        JobBuilder("J")
        .offered(day(9, 20), due=day(11, 30), parts=20)
        .shipped(day(10, 10), 10)
        .inspected(day(10, 11), 10, 1)
    )
    s = snapshot([job])
    # DPT = 1000 * 1 / 10 = 100 -> quality = 100 - 20 = 80
    assert (s.pct_jobs_on_time, s.dpt, s.monthly_score, s.grade) == (None, Decimal("100.0"), 80, "B")


def test_month_boundaries_follow_the_policy_timezone() -> None:
    # 2026-10-31T23:30-05:00 = 2026-11-01T04:30Z: November under UTC, October under Chicago time
    job = completed_job(
        "J", shipped="2026-10-31T23:30:00-05:00", due=day(11, 5), offered=day(10, 20), parts=2
    )
    utc = compute_monthly_snapshot([job.fold()], OCT, POLICY)
    chicago = compute_monthly_snapshot(
        [job.fold()], OCT, POLICY.model_copy(update={"timezone": "America/Chicago"})
    )
    assert (utc.parts_shipped, utc.jobs_completed) == (0, 0)
    assert (chicago.parts_shipped, chicago.jobs_completed, chicago.monthly_score) == (2, 1, 100)
    november = compute_monthly_snapshot([job.fold()], Month(2026, 11), POLICY)
    assert (november.parts_shipped, november.pct_jobs_on_time) == (2, Decimal("100.0"))


def test_first_and_last_instants_of_the_month() -> None:
    first = completed_job("FIRST", shipped="2026-10-01T00:00:00Z", due=day(10, 5))
    after = completed_job("AFTER", shipped="2026-11-01T00:00:00Z", due=day(11, 5), parts=4)
    s = snapshot([first, after])
    assert (s.parts_shipped, s.jobs_completed) == (1, 1)


def test_excluded_jobs_are_left_out() -> None:
    s = snapshot(october(), excluded={"J1", "J6"})
    # without J1 and J6: on board J3, J4; read J3; accepted J3 ($99.99); shipped J2 5 + J3 2 = 7, all on time
    assert (s.jobs_on_board, s.jobs_read, s.jobs_accepted, s.value_accepted) == (2, 1, 1, Decimal("99.99"))
    assert (s.parts_shipped, s.pct_parts_on_time) == (7, Decimal("100.0"))
    # DPT = 1000 * 1 / 7 = 142.857..; completed J2 only, on time
    assert (s.dpt, s.pct_jobs_on_time) == (Decimal("142.9"), Decimal("100.0"))
    # round(0.5 * 100 + 0.5 * (100 - 28.571..)) = round(50 + 35.714..) = 86
    assert (s.monthly_score, s.grade) == (86, "B")


def test_customer_cancelled_job_does_not_count_against_on_time_or_quality() -> None:
    void = (
        JobBuilder("VOID")
        .offered(day(10, 1), due=day(10, 5), value="700", parts=10)
        .read(day(10, 1))
        .accepted(day(10, 1))
        .shipped(day(10, 8), 4)  # late partial shipment...
        .inspected(day(10, 9), 4, 4)  # ...all defective
        .cancelled(day(10, 10), "customer")
    )
    good = completed_job(
        "GOOD", shipped=day(10, 10), due=day(10, 12), offered=day(10, 1), parts=2, inspected=2
    )
    s = snapshot([void, good])
    # the offer, read and acceptance happened: they count
    assert (s.jobs_on_board, s.jobs_read, s.jobs_accepted, s.value_accepted) == (2, 2, 2, Decimal("800.00"))
    # the voided job's shipment and inspection do not: only GOOD's 2 parts, on time, no defects
    assert (s.parts_shipped, s.pct_parts_on_time, s.dpt) == (2, Decimal("100.0"), Decimal("0.0"))
    assert (s.pct_jobs_on_time, s.monthly_score) == (Decimal("100.0"), 100)
    assert s.defective_jobs == ()


def test_inspection_before_any_shipment_belongs_to_the_first_shipment() -> None:
    job = (
        JobBuilder("J")
        .offered(day(9, 1), due=day(10, 30), parts=5)
        .inspected(day(9, 28), 5, 1)  # inspected at the partner's before shipping in October
        .shipped(day(10, 2), 5)
    )
    s = snapshot([job])
    assert s.dpt == Decimal("200.0")  # 1000 * 1 / 5
    assert snapshot([job], Month(2026, 9)).dpt is None  # nothing shipped in September


# ---- Month ----------------------------------------------------------------------------------------


def test_month_parse_and_navigation() -> None:
    assert Month.parse("2026-10") == OCT
    assert str(Month(2026, 1)) == "2026-01"
    assert (Month(2026, 12).next(), Month(2026, 1).previous()) == (Month(2027, 1), Month(2025, 12))
    assert OCT.first_day == day(10, 1)
    assert Month.of(day(10, 31)) == OCT


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "abcd-ef", "1969-12", ""]
)
def test_month_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(text)
