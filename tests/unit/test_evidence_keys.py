"""The per-event layout's keys (adapters/keys.py, adapters/aggregate_items.py): which aggregate an item
belongs to, the order of an aggregate's items, and the index-key rule the daily read relies on: the
first item of a job holds the lowest key of all its items, whatever order its events arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from scorecard.adapters import keys
from scorecard.adapters.aggregate_items import evidence_index_key

KEY = "2026-10-05T09:00:00.000000Z"


def test_every_item_of_a_job_names_its_job_even_when_its_id_looks_like_an_infix() -> None:
    for job_id in ("A", "E", "EV", "J-1"):
        job = keys.job_sk(job_id)
        own, first, later = job, keys.first_evidence_sk(job), keys.evidence_sk(job, KEY, "e:1")
        overflow = keys.overflow_sk(job, "e:2")
        assert {keys.aggregate_sk_of(sk) for sk in (own, first, later, overflow)} == {job}
        assert [keys.is_first_evidence(sk) for sk in (own, first, later, overflow)] == [
            False,
            True,
            False,
            False,
        ]
        assert [keys.is_later_evidence(sk) for sk in (own, first, later, overflow)] == [
            False,
            False,
            True,
            False,
        ]
        assert keys.event_id_of_later_evidence(later) == "e:1"


def test_a_jobs_items_sort_own_first_later_by_key_then_old_overflow() -> None:
    job = keys.job_sk("J-1")
    later = [keys.evidence_sk(job, f"2026-10-0{day}T09:00:00.000000Z", f"e{9 - day}") for day in (3, 1, 2)]
    items = [keys.overflow_sk(job, "x"), *later, keys.first_evidence_sk(job), job]
    first, last = keys.evidence_range(job)
    assert sorted(items) == [job, keys.first_evidence_sk(job), *sorted(later), keys.overflow_sk(job, "x")]
    assert [first <= sk <= last for sk in sorted(items)] == [True] * 5 + [False]  # old overflow: outside
    low, high = keys.aggregate_range(job)
    assert all(low <= sk <= high for sk in items)
    # no other job's items fall inside either range ("J-1" vs "J-10", "J-1-b")
    for other in ("J-10", "J-1-b", "J-0"):
        for sk in (keys.job_sk(other), keys.first_evidence_sk(keys.job_sk(other))):
            assert not low <= sk <= high, sk


def test_an_events_key_is_its_instant_raised_to_the_jobs_lowest_key() -> None:
    at = datetime(2026, 10, 5, 9, tzinfo=UTC)
    assert evidence_index_key(at, None) == KEY  # a job's first event: its own instant, in UTC
    assert evidence_index_key(at, "2026-10-06T00:00:00.000000Z") == "2026-10-06T00:00:00.000000Z"  # older
    assert evidence_index_key(at, "2026-10-04T00:00:00.000000Z") == KEY  # newer: its own


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40))
def test_whatever_the_arrival_order_the_first_item_holds_the_lowest_key(offsets: list[int]) -> None:
    """Events arrive in the given order (minutes after an origin); each is keyed from the lowest key the
    job has when it arrives, as the event store does. Then: the first item's key is the lowest, every key
    is at or above its own instant, and the highest key is the newest instant (the job's latest event,
    where the running record lists it)."""
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    instants = [origin + timedelta(minutes=m) for m in offsets]
    lowest: str | None = None
    assigned = []
    for at in instants:
        key = evidence_index_key(at, lowest)
        lowest = key if lowest is None else min(lowest, key)
        assigned.append(key)
    assert min(assigned) == assigned[0]
    assert all(key >= keys.instant_key(at) for key, at in zip(assigned, instants, strict=True))
    assert max(assigned) == keys.instant_key(max(instants))
