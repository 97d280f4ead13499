"""The snapshot lifecycle's pure parts (docs/snapshots.md): jobs overdue at month end, each job's share
of the figures and the restatement reasons naming them, the months open for restatement, the month to
date, the comparison that decides a restatement and its notice, and the bounded stored copy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from builders import POLICY, JobBuilder, completed_job, day
from scorecard.domain.snapshot import (
    JobFigures,
    Month,
    OverdueLine,
    compute_monthly_snapshot,
    is_open,
    open_months,
    restatement_reasons,
)
from scorecard.schemas.snapshots import MAX_LISTED, SnapshotDocument, SnapshotLineView
from scorecard.services.snapshot_figures import notice_worthy, snapshot_changes, snapshot_document

OCT = Month(2026, 10)


def test_jobs_overdue_at_month_end_with_days_late_and_parts_outstanding() -> None:
    jobs = [
        # due 10-20, 2 of 6 shipped: overdue, 31 - 20 = 11 days, 6 - 2 = 4 parts outstanding
        JobBuilder("PART")
        .offered(day(10, 5), due=day(10, 20), parts=6)
        .accepted(day(10, 6))
        .shipped(day(10, 18), 2),
        # due 10-02, accepted in September, nothing shipped: 31 - 2 = 29 days, 3 parts
        JobBuilder("NONE").offered(day(9, 20), due=day(10, 2), parts=3).accepted(day(9, 21)),
        # due 10-31 (the last day): not overdue yet at the end of the month's last run
        JobBuilder("LAST").offered(day(10, 5), due=day(10, 31), parts=1).accepted(day(10, 6)),
        # shipped in full on 11-02: still overdue at the end of October (shipping later does not change it)
        JobBuilder("LATER")
        .offered(day(10, 5), due=day(10, 25), parts=1)
        .accepted(day(10, 6))
        .shipped(day(11, 2), 1),
        # cancelled by the customer on 10-28: not overdue
        JobBuilder("CXL")
        .offered(day(10, 5), due=day(10, 20), parts=1)
        .accepted(day(10, 6))
        .cancelled(day(10, 28), "customer"),
        # never accepted: not the partner's job to ship
        JobBuilder("OFFER").offered(day(10, 5), due=day(10, 20), parts=1),
        # excluded by a review
        JobBuilder("EXCL").offered(day(10, 5), due=day(10, 20), parts=1).accepted(day(10, 6)),
    ]
    folded = [job.fold(excluded=job.job_id == "EXCL") for job in jobs]
    s = compute_monthly_snapshot(folded, OCT, POLICY)
    assert s.overdue_jobs == (
        OverdueLine("NONE", day(10, 2), 29, 3),
        OverdueLine("PART", day(10, 20), 11, 4),
        OverdueLine("LATER", day(10, 25), 6, 1),  # 31 - 25 = 6
    )
    # the score stays what shipped in October: PART's 2 parts on time (10-18 <= 10-20), nothing completed
    assert (s.parts_shipped, s.jobs_completed, s.monthly_score) == (2, 0, None)


def test_each_job_share_of_the_month() -> None:
    jobs = [
        completed_job("ON", shipped=day(10, 10), due=day(10, 12), parts=3, inspected=3, defective=1),
        JobBuilder("SEPT")
        .offered(day(9, 1), due=day(9, 5), parts=1)
        .accepted(day(9, 1))
        .shipped(day(9, 4), 1),
    ]
    s = compute_monthly_snapshot([job.fold() for job in jobs], OCT, POLICY)
    (figures,) = s.job_figures  # SEPT adds nothing to October: not listed
    assert figures.job_id == "ON"
    assert (
        figures.parts_shipped,
        figures.parts_on_time,
        figures.parts_inspected,
        figures.parts_defective,
    ) == (
        3,
        3,
        3,
        1,
    )
    assert (figures.completed, figures.on_time, figures.overdue) == (True, True, False)


def test_reasons_name_the_jobs_whose_share_moved() -> None:
    before = [
        JobFigures("A", offered=True, parts_shipped=10, parts_on_time=10, completed=True, on_time=True),
        JobFigures("B", parts_shipped=4, completed=True),
        JobFigures("C", offered=True),
    ]
    after = [
        JobFigures(
            "A",
            offered=True,
            parts_shipped=10,
            parts_on_time=10,
            parts_inspected=10,
            parts_defective=2,
            completed=True,
            on_time=True,
        ),
        JobFigures("B", excluded=True),
        JobFigures("C", offered=True),
        JobFigures("D", offered=True, accepted=True),
    ]
    assert restatement_reasons(before, after, OCT) == [
        "A: inspection of parts shipped in 2026-10: 2 defective of 10 inspected (was 0 of 0)",
        "B: excluded by a review",
        "D: offer and acceptance dated in 2026-10 recorded late",
    ]
    assert restatement_reasons(None, after, OCT) == [
        "evidence recorded since the previous revision changed the month's figures"
    ]


def test_reasons_are_bounded() -> None:
    after = [JobFigures(f"J{n:02d}", offered=True) for n in range(30)]
    reasons = restatement_reasons([], after, OCT)
    # 30 jobs moved: 19 named, then "and 11 more jobs" (20 entries in all)
    assert len(reasons) == 20 and reasons[-1] == "and 11 more jobs"


def test_a_month_is_open_for_restatement_days_after_it_ends() -> None:
    # October ends on 10-31; with 60 days it closes after 12-30 (10-31 + 60 days)
    assert not is_open(OCT, date(2026, 10, 31), 60)  # not ended
    assert is_open(OCT, date(2026, 11, 1), 60)
    assert is_open(OCT, date(2026, 12, 30), 60)
    assert not is_open(OCT, date(2026, 12, 31), 60)
    # on 12-15: November (ended 11-30) and October are open; September ended 9-30 + 60 = 11-29: closed
    assert open_months(date(2026, 12, 15), 60) == [Month(2026, 10), Month(2026, 11)]
    assert open_months(date(2026, 12, 15), 0) == []


def test_the_month_to_date_stops_at_as_of() -> None:
    jobs = [
        completed_job("EARLY", shipped=day(10, 5), due=day(10, 6), offered=day(10, 1)),
        completed_job("LATE", shipped=day(10, 20), due=day(10, 10), offered=day(10, 2)),
    ]
    # as of 10-12: EARLY shipped on time; LATE offered, not shipped; it is overdue (due 10-10, 2 days)
    folded = [job.fold(until=datetime(2026, 10, 13, tzinfo=UTC)) for job in jobs]
    s = compute_monthly_snapshot(folded, OCT, POLICY, as_of=day(10, 12))
    assert (s.jobs_on_board, s.parts_shipped, s.jobs_completed, s.pct_jobs_on_time) == (
        2,
        1,
        1,
        Decimal("100.0"),
    )
    assert [(o.job_id, o.days_late) for o in s.overdue_jobs] == [("LATE", 2)]


def _document(**changes: object) -> SnapshotDocument:
    s = compute_monthly_snapshot(
        [completed_job("ON", shipped=day(10, 10), due=day(10, 12), offered=day(10, 1)).fold()], OCT, POLICY
    )
    return snapshot_document("P-1", s, POLICY).model_copy(update=changes)


def test_the_comparison_that_decides_a_restatement_and_its_notice() -> None:
    before = _document()
    assert snapshot_changes(before, _document()) == []  # nothing moved: nothing to write
    moved = snapshot_changes(before, _document(jobs_on_board=2, monthly_score=75, grade="C"))
    assert [(c.field, c.before, c.after) for c in moved] == [
        ("jobs_on_board", 1, 2),
        ("monthly_score", 100, 75),
        ("grade", "A", "C"),
    ]
    assert notice_worthy(moved)
    assert not notice_worthy(snapshot_changes(before, _document(jobs_on_board=2)))
    assert notice_worthy(snapshot_changes(before, _document(bonus_eligible=True)))


def test_the_stored_copy_keeps_100_entries_per_list_and_the_totals() -> None:
    lines = [
        SnapshotLineView(
            job_id=f"J{n}",
            due_date=None,
            shipped_on=None,
            days_late=1,
            parts_shipped=1,
            parts_inspected=0,
            parts_defective=0,
        )
        for n in range(250)
    ]
    full = _document(late_jobs=lines, late_jobs_total=250)
    stored = full.bounded()
    assert type(stored) is SnapshotDocument and "job_figures" not in stored.model_dump()
    assert (len(stored.late_jobs), stored.late_jobs_total, MAX_LISTED) == (100, 250, 100)
