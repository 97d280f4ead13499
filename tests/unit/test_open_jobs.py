"""Which outstanding jobs the evidence keeps reading whatever their age (domain.open_jobs): a job
accepted (or partly shipped), neither fully shipped nor cancelled, untouched for 90 days, gets a mark;
a marked job loses it once it ships, is cancelled or is no longer read at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from builders import PARTNER, JobBuilder, day
from fakes import FakePartnerRepository
from scorecard.domain.open_jobs import KEEP_AFTER, OpenJobMarks, open_job_marks
from scorecard.domain.policy import load_policy
from scorecard.services.daily import score_partners
from scorecard.services.snapshot_figures import in_scope

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
V3 = load_policy("v3")


def accepted(job_id: str, last_event: datetime, parts: int = 2) -> JobBuilder:
    """Offered and accepted on `last_event`'s day, due 10 days later."""
    return (
        JobBuilder(job_id)
        .offered(last_event - timedelta(hours=2), due=last_event.date() + timedelta(days=10), parts=parts)
        .accepted(last_event)
    )


def test_an_outstanding_job_untouched_for_90_days_is_marked_and_a_fresher_one_is_not() -> None:
    stale = accepted("STALE", NOW - KEEP_AFTER - timedelta(seconds=1))  # 90 days and 1 s
    fresh = accepted("FRESH", NOW - KEEP_AFTER)  # exactly 90 days: not yet
    assert open_job_marks([stale.fold(), fresh.fold()], frozenset(), NOW) == OpenJobMarks(("STALE",), ())


def test_a_partly_shipped_job_is_outstanding_and_a_shipped_cancelled_or_rejected_one_is_not() -> None:
    long_ago = NOW - timedelta(days=200)
    partly = accepted("PARTLY", long_ago).shipped(long_ago + timedelta(days=1), parts=1)  # 1 of 2
    shipped = accepted("SHIPPED", long_ago).shipped(long_ago + timedelta(days=1), parts=2)
    cancelled = accepted("CANCELLED", long_ago).cancelled(long_ago + timedelta(days=1), by="customer")
    rejected = JobBuilder("REJECTED").offered(long_ago, due=day(5, 20)).rejected(long_ago)
    offered_only = JobBuilder("OFFERED").offered(long_ago, due=day(5, 20))
    jobs = [job.fold() for job in (partly, shipped, cancelled, rejected, offered_only)]
    assert [job.job_id for job in jobs if job.outstanding] == ["PARTLY"]
    assert open_job_marks(jobs, frozenset(), NOW) == OpenJobMarks(("PARTLY",), ())


def test_a_marked_job_keeps_its_mark_while_outstanding_and_loses_it_once_closed_or_gone() -> None:
    long_ago = NOW - timedelta(days=300)
    still_open = accepted("OPEN", long_ago)
    now_shipped = accepted("SHIPPED", long_ago).shipped(NOW - timedelta(days=1), parts=2)
    now_cancelled = accepted("CANCELLED", long_ago).cancelled(NOW - timedelta(days=1), by="partner")
    kept = frozenset({"OPEN", "SHIPPED", "CANCELLED", "GONE"})  # GONE: marked, no longer read
    jobs = [job.fold() for job in (still_open, now_shipped, now_cancelled)]
    assert open_job_marks(jobs, kept, NOW) == OpenJobMarks((), ("CANCELLED", "GONE", "SHIPPED"))
    assert not open_job_marks([still_open.fold()], frozenset({"OPEN"}), NOW)  # nothing to write


def test_a_snapshot_keeps_a_kept_job_whatever_its_age_and_only_those_it_read_by_age_otherwise() -> None:
    """A month's snapshot lists the jobs with an event since its `snapshot_since`, and the kept ones:
    an outstanding job untouched for 200 days is still overdue at the month's end."""
    since = NOW - timedelta(days=120)
    stale = accepted("STALE", NOW - timedelta(days=200)).fold()
    old = accepted("OLD", NOW - timedelta(days=200)).fold()
    recent = accepted("RECENT", since).fold()
    assert [j.job_id for j in in_scope([stale, old, recent], since, frozenset({"STALE"}))] == [
        "STALE",
        "RECENT",
    ]
    assert [j.job_id for j in in_scope([stale, old, recent], since, frozenset())] == ["RECENT"]


def test_the_daily_run_marks_an_untouched_outstanding_job_and_releases_it_once_it_ships() -> None:
    """services.daily through the ports (the fake store): the mark is written by the run that finds
    the job untouched for 100 days, kept while it is, and released by the run after it ships."""
    store = FakePartnerRepository()
    stale = accepted("STALE", NOW - timedelta(days=100))
    store.add_job(PARTNER, "STALE", stale.events)
    today = NOW.date()
    score_partners(store, store, [PARTNER], today, V3, NOW)
    assert store.open_marks == {PARTNER: {"STALE"}}
    evidence = store.load_evidence(PARTNER, NOW)  # read whatever its age
    assert ([job.id for job in evidence.jobs], evidence.kept_open) == (["STALE"], frozenset({"STALE"}))

    score_partners(store, store, [PARTNER], today, V3, NOW)  # still outstanding: nothing changes
    assert store.open_marks == {PARTNER: {"STALE"}}
    store.add_job(PARTNER, "STALE", stale.shipped(NOW - timedelta(hours=1), parts=2).events)
    score_partners(store, store, [PARTNER], today, V3, NOW)
    assert store.open_marks == {PARTNER: set()}
