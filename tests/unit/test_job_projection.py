"""The job projection (docs/scoring.md): due dates, partial shipments, cancellations, timezones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import msgspec
import pytest
from builders import POLICY, JobBuilder, day, event, instant, request_events
from scorecard.domain.jobs import Completion, JobState, fold_job
from scorecard.domain.requests import fold_request

UTC_ZONE = POLICY.zone
CHICAGO = ZoneInfo("America/Chicago")


def accepted_job(due_dom: int = 10, parts: int = 10, job_id: str = "J-1") -> JobBuilder:
    """Offered 2026-10-01 (due 2026-10-<due_dom>), read and accepted the same day."""
    return (
        JobBuilder(job_id)
        .offered("2026-10-01T08:00:00Z", due=day(10, due_dom), value="2500.00", parts=parts)
        .read("2026-10-01T09:00:00Z")
        .accepted("2026-10-01T10:00:00Z")
    )


# ---- the offer ----------------------------------------------------------------------------------


def test_offer_fields_and_answers() -> None:
    job = (
        JobBuilder("J-1")
        .offered("2026-10-01T08:00:00Z", due=day(10, 20), value="1250.50", parts=3, docs=["photos"])
        .read("2026-10-01T09:30:00Z")
        .rejected("2026-10-01T11:00:00Z", feedback="no capacity")
        .fold()
    )
    assert job.offered_at == instant("2026-10-01T08:00:00Z")
    assert (job.value, job.part_count, job.due_date) == (Decimal("1250.50"), 3, day(10, 20))
    assert job.required_documents == frozenset({"photos"})
    assert job.first_read_at == instant("2026-10-01T09:30:00Z")
    assert job.answered_at == instant("2026-10-01T11:00:00Z")
    assert job.accepted_at is None
    assert job.outcome(UTC_ZONE) == "open"


def test_first_offer_first_read_and_earliest_answer_win_regardless_of_arrival() -> None:
    job = (
        JobBuilder("J-1")
        .offered("2026-10-02T08:00:00Z", due=day(10, 30), value="999", parts=9)  # a later re-offer
        .read("2026-10-03T00:00:00Z")
        .accepted("2026-10-02T12:00:00Z")
        .offered("2026-10-01T08:00:00Z", due=day(10, 20), value="100", parts=2)  # the first offer
        .read("2026-10-01T09:00:00Z")
        .rejected("2026-10-02T10:00:00Z")
    )
    state = job.fold()
    assert (state.value, state.part_count, state.due_date) == (Decimal(100), 2, day(10, 20))
    assert state.first_read_at == instant("2026-10-01T09:00:00Z")
    # answered = the earlier of accepted (10-02 12:00) and rejected (10-02 10:00)
    assert state.answered_at == instant("2026-10-02T10:00:00Z")


# ---- partial shipments --------------------------------------------------------------------------


def test_partial_shipments_complete_on_the_shipment_that_brings_all_parts_out() -> None:
    # 10 parts due 10-10: 4 shipped on 10-05, the other 6 on 10-12 -> completed 10-12, 2 days late
    job = accepted_job(due_dom=10, parts=10).shipped(day(10, 5), 4).shipped(day(10, 12), 6)
    state = job.fold()
    assert state.parts_shipped == 10
    assert state.completion(UTC_ZONE) == Completion(
        at=instant(day(10, 12)), on_time=False, via="shipment", local_date=day(10, 12), days_late=2
    )
    assert state.outcome(UTC_ZONE) == "completed"


def test_partial_shipment_alone_leaves_the_job_open() -> None:
    job = accepted_job(parts=10).shipped(day(10, 5), 4).shipped(day(10, 12), 6)
    until = datetime(2026, 10, 12, 0, 0, tzinfo=UTC)  # before the second shipment
    state = job.fold(until=until)
    assert state.parts_shipped == 4
    assert state.completion(UTC_ZONE) is None
    assert state.outcome(UTC_ZONE) == "open"


def test_last_shipment_on_the_due_date_is_on_time_even_if_earlier_ones_were_too() -> None:
    # due 10-10; the last of 3 shipments (3+3+4 = 10 parts) at 23:59:59 on 10-10 is still on the due date
    job = (
        accepted_job(due_dom=10, parts=10)
        .shipped(day(10, 3), 3)
        .shipped(day(10, 6), 3)
        .shipped("2026-10-10T23:59:59Z", 4)
    )
    completion = job.fold().completion(UTC_ZONE)
    assert completion is not None
    assert (completion.on_time, completion.local_date, completion.days_late) == (True, day(10, 10), 0)
    assert completion.at == instant("2026-10-10T23:59:59Z")


def test_extra_parts_after_completion_do_not_move_it() -> None:
    # 5 parts, all shipped 10-09 (on time for 10-10); a 2-part replacement on 10-15 changes nothing
    job = accepted_job(due_dom=10, parts=5).shipped(day(10, 9), 5).shipped(day(10, 15), 2)
    state = job.fold()
    assert state.parts_shipped == 7
    completion = state.completion(UTC_ZONE)
    assert completion is not None
    assert (completion.at, completion.on_time) == (instant(day(10, 9)), True)


def test_shipments_fold_in_time_order_not_arrival_order() -> None:
    job = accepted_job(due_dom=10, parts=10).shipped(day(10, 12), 6).shipped(day(10, 5), 4)
    state = job.fold()
    assert [s.parts for s in state.shipments] == [4, 6]
    assert state.first_shipment_at() == instant(day(10, 5))
    completion = state.completion(UTC_ZONE)
    assert completion is not None
    assert (completion.at, completion.days_late) == (instant(day(10, 12)), 2)


# ---- due date changes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changed_by", "due", "on_time", "days_late"),
    [
        ("customer", day(10, 15), True, 0),  # moved to 10-15: shipping 10-12 is on time
        ("platform", day(10, 15), True, 0),
        ("partner", day(10, 10), False, 2),  # a partner-asked extension does not move it: 12 - 10 = 2
    ],
)
def test_due_date_change_by_party(changed_by: str, due: object, on_time: bool, days_late: int) -> None:
    job = accepted_job(due_dom=10).due_changed(day(10, 3), day(10, 15), changed_by).shipped(day(10, 12), 10)
    state = job.fold()
    assert state.offered_due_date == day(10, 10)
    assert state.due_date == due
    completion = state.completion(UTC_ZONE)
    assert completion is not None
    assert (completion.on_time, completion.days_late) == (on_time, days_late)


def test_customer_can_move_the_due_date_earlier() -> None:
    # due 10-10 pulled in to 10-05 by the customer; shipping 10-08 is 3 days late
    job = accepted_job(due_dom=10).due_changed(day(10, 2), day(10, 5), "customer").shipped(day(10, 8), 10)
    completion = job.fold().completion(UTC_ZONE)
    assert completion is not None
    assert (completion.on_time, completion.days_late) == (False, 3)


def test_latest_customer_or_platform_change_wins_by_time_not_arrival() -> None:
    job = (
        accepted_job(due_dom=10)
        .due_changed(day(10, 4), day(10, 8), "platform")  # later change, arrives first
        .due_changed(day(10, 2), day(10, 15), "customer")
        .shipped(day(10, 12), 10)
    )
    state = job.fold()
    assert state.due_date == day(10, 8)
    completion = state.completion(UTC_ZONE)
    assert completion is not None
    assert (completion.on_time, completion.days_late) == (False, 4)  # 12 - 8


def test_partner_change_after_a_customer_change_is_ignored() -> None:
    job = (
        accepted_job(due_dom=10)
        .due_changed(day(10, 2), day(10, 15), "customer")
        .due_changed(day(10, 5), day(10, 20), "partner")
        .shipped(day(10, 18), 10)
    )
    state = job.fold()
    assert state.due_date == day(10, 15)
    completion = state.completion(UTC_ZONE)
    assert completion is not None
    assert (completion.on_time, completion.days_late) == (False, 3)  # 18 - 15
    assert [c.changed_by for c in state.due_date_changes] == ["customer", "partner"]


def test_a_later_change_to_an_earlier_date_still_wins() -> None:
    # latest = most recent change, not the latest date: 10-25 (set 10-04) replaced by 10-20 (set 10-06)
    job = (
        accepted_job(due_dom=10)
        .due_changed(day(10, 6), day(10, 20), "customer")
        .due_changed(day(10, 4), day(10, 25), "platform")
    )
    assert job.fold().due_date == day(10, 20)


# ---- cancellations ------------------------------------------------------------------------------


def test_partner_cancellation_after_acceptance_completes_the_job_late() -> None:
    job = accepted_job().shipped(day(10, 4), 3).cancelled("2026-10-05T09:00:00Z", "partner")
    state = job.fold()
    assert state.completion(UTC_ZONE) == Completion(
        at=instant("2026-10-05T09:00:00Z"),
        on_time=False,
        via="partner_cancellation",
        local_date=day(10, 5),
        days_late=0,
    )
    assert state.outcome(UTC_ZONE) == "completed"
    assert state.voided_by_other_party is False


def test_partner_cancellation_before_acceptance_is_void() -> None:
    job = (
        JobBuilder("J-1")
        .offered(day(10, 1), due=day(10, 10))
        .cancelled(day(10, 2), "partner")
        .accepted(day(10, 3))  # accepted only after cancelling
    )
    state = job.fold()
    assert state.completion(UTC_ZONE) is None
    assert state.outcome(UTC_ZONE) == "void"


@pytest.mark.parametrize("by", ["customer", "platform"])
def test_customer_or_platform_cancellation_voids_the_job(by: str) -> None:
    job = accepted_job(parts=10).shipped(day(10, 4), 3).cancelled(day(10, 20), by)
    state = job.fold()
    assert state.completion(UTC_ZONE) is None
    assert state.outcome(UTC_ZONE) == "void"
    assert state.voided_by_other_party is True


def test_shipping_everything_after_a_customer_cancellation_does_not_complete_it() -> None:
    job = accepted_job(parts=2).cancelled(day(10, 5), "customer").shipped(day(10, 6), 2)
    state = job.fold()
    assert state.completion(UTC_ZONE) is None
    assert state.outcome(UTC_ZONE) == "void"


def test_customer_cancellation_after_full_shipment_leaves_it_completed() -> None:
    job = accepted_job(due_dom=10, parts=2).shipped(day(10, 12), 2).cancelled(day(10, 20), "customer")
    state = job.fold()
    completion = state.completion(UTC_ZONE)
    assert completion is not None
    assert (completion.via, completion.on_time, completion.days_late) == ("shipment", False, 2)
    assert state.voided_by_other_party is False
    assert state.outcome(UTC_ZONE) == "completed"


def test_first_cancellation_wins() -> None:
    job = accepted_job().cancelled(day(10, 6), "partner").cancelled(day(10, 5), "customer")
    state = job.fold()
    assert (state.cancelled_by, state.cancelled_at) == ("customer", instant(day(10, 5)))
    assert state.outcome(UTC_ZONE) == "void"


# ---- timezones ----------------------------------------------------------------------------------


def test_evening_shipment_in_chicago_is_the_next_day_in_utc() -> None:
    # 2026-10-10T23:30-05:00 = 2026-10-11T04:30Z: under the UTC policy that is 10-11, 1 day late
    job = accepted_job(due_dom=10, parts=1).shipped("2026-10-10T23:30:00-05:00", 1)
    completion = job.fold().completion(UTC_ZONE)
    assert completion is not None
    assert (completion.local_date, completion.on_time, completion.days_late) == (day(10, 11), False, 1)


def test_same_shipment_is_on_time_under_a_chicago_policy() -> None:
    policy = POLICY.model_copy(update={"timezone": "America/Chicago"})
    assert policy.zone == CHICAGO
    job = accepted_job(due_dom=10, parts=1).shipped("2026-10-10T23:30:00-05:00", 1)
    completion = job.fold().completion(policy.zone)
    assert completion is not None
    assert (completion.local_date, completion.on_time, completion.days_late) == (day(10, 10), True, 0)


def test_early_morning_shipment_east_of_utc_is_the_previous_day_in_utc() -> None:
    # 2026-10-11T01:00+09:00 = 2026-10-10T16:00Z: on time for 10-10 under UTC
    job = accepted_job(due_dom=10, parts=1).shipped("2026-10-11T01:00:00+09:00", 1)
    completion = job.fold().completion(UTC_ZONE)
    assert completion is not None
    assert (completion.local_date, completion.on_time) == (day(10, 10), True)


# ---- fold mechanics -----------------------------------------------------------------------------


def test_resent_events_have_no_second_effect() -> None:
    job = accepted_job(parts=10).shipped(day(10, 5), 4).inspected(day(10, 6), 4, 1)
    once = job.fold()
    twice = fold_job(job.partner_id, job.job_id, job.events + job.events)
    assert twice == once
    assert (twice.parts_shipped, twice.parts_inspected, twice.parts_defective) == (4, 4, 1)
    assert len(twice.events) == 5  # offered, read, accepted, shipped, inspected: one copy each


def test_until_keeps_events_at_or_before_the_instant() -> None:
    job = accepted_job(parts=10).shipped("2026-10-05T12:00:00Z", 4).shipped("2026-10-05T12:00:01Z", 6)
    state = job.fold(until=instant("2026-10-05T12:00:00Z"))
    assert state.parts_shipped == 4
    assert state.completion(UTC_ZONE) is None


def test_inspections_and_defects_add_up() -> None:
    job = accepted_job(parts=10).inspected(day(10, 6), 4, 1, ncmr="N-1").inspected(day(10, 9), 6, 2)
    state = job.fold()
    assert (state.parts_inspected, state.parts_defective) == (10, 3)  # 4 + 6, 1 + 2
    assert [i.ncmr_id for i in state.inspections] == ["N-1", None]


def test_documents_first_upload_per_type_and_completeness() -> None:
    job = (
        JobBuilder("J-1")
        .offered(day(10, 1), due=day(10, 10), docs=["inspection_report", "certificate_of_conformance"])
        .document(day(10, 7), "inspection_report")
        .document(day(10, 5), "inspection_report")
        .document(day(10, 6), "photos")
    )
    state = job.fold()
    assert state.documents == (("inspection_report", instant(day(10, 5))), ("photos", instant(day(10, 6))))
    assert state.all_documents_uploaded is False  # the certificate of conformance is missing
    done = job.document(day(10, 8), "certificate_of_conformance").fold()
    assert done.all_documents_uploaded is True
    assert done.documents_uploaded == {"inspection_report", "photos", "certificate_of_conformance"}


def test_status_update_must_precede_the_first_shipment() -> None:
    before = accepted_job().status(day(10, 3)).shipped(day(10, 4), 3).shipped(day(10, 9), 7).fold()
    after = accepted_job().shipped(day(10, 4), 3).status(day(10, 5)).shipped(day(10, 9), 7).fold()
    at_same_instant = accepted_job().status(day(10, 4)).shipped(day(10, 4), 10).fold()
    assert before.status_update_before_first_shipment(instant(day(10, 9))) is True
    assert after.status_update_before_first_shipment(instant(day(10, 9))) is False
    assert at_same_instant.status_update_before_first_shipment(instant(day(10, 4))) is False


def test_without_shipments_a_status_update_before_completion_counts() -> None:
    job = accepted_job().status(day(10, 3)).cancelled(day(10, 5), "partner").fold()
    assert job.status_update_before_first_shipment(instant(day(10, 5))) is True
    assert job.status_update_before_first_shipment(instant(day(10, 3))) is False


def test_partner_level_events_never_change_a_job() -> None:
    job = accepted_job()
    noise = [event("partner.logged_in", day(10, 2), "login-1"), *request_events("R-1", day(10, 2))]
    with_noise = fold_job(job.partner_id, job.job_id, [*job.events, *noise])
    plain = job.fold()
    assert (with_noise.accepted_at, with_noise.shipments, with_noise.due_date) == (
        plain.accepted_at,
        plain.shipments,
        plain.due_date,
    )


# ---- update requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responded", "within"),
    [
        ("2026-10-06T10:00:00Z", True),  # exactly 24 h
        ("2026-10-05T10:30:00+02:00", True),  # 08:30Z, 30 min after the request
        ("2026-10-06T10:00:01Z", False),  # 24 h + 1 s
        (None, False),
    ],
)
def test_update_request_answered_within_24h(responded: str | None, within: bool) -> None:
    request = fold_request("R-1", request_events("R-1", "2026-10-05T10:00:00Z", responded))
    assert request.requested_at == instant("2026-10-05T10:00:00Z")
    assert request.answered_within(timedelta(hours=24)) is within


def test_update_request_fold_ignores_later_events_and_duplicates() -> None:
    events = request_events("R-1", "2026-10-05T10:00:00Z", "2026-10-05T12:00:00Z")
    early = fold_request("R-1", events + events, until=instant("2026-10-05T11:00:00Z"))
    assert (early.requested_at, early.responded_at) == (instant("2026-10-05T10:00:00Z"), None)
    full = fold_request("R-1", list(reversed(events)))
    assert full.responded_at == instant("2026-10-05T12:00:00Z")


def test_the_fold_records_compare_and_hash_by_value() -> None:
    """They are frozen msgspec Structs: equal records are one key of a set or dict, and no field can
    be assigned after construction (mypy holds them read-only too)."""
    job = (
        JobBuilder("J1")
        .offered(datetime(2026, 3, 2, 9, tzinfo=UTC), due=day(3, 10))
        .shipped(datetime(2026, 3, 9, tzinfo=UTC), 10)
    )
    first, again = job.fold(), job.fold()
    assert first is not again and first == again
    assert {first.shipments[0]: "x"}[again.shipments[0]] == "x"
    assert first.completion(UTC_ZONE) == again.completion(UTC_ZONE)
    assert hash(first.completion(UTC_ZONE)) == hash(again.completion(UTC_ZONE))
    with pytest.raises(AttributeError):
        first.shipments[0].parts = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        first.excluded = True  # type: ignore[misc]


def test_the_part_totals_always_add_up_the_shipments_and_inspections() -> None:
    """JobState's totals are summed in __post_init__ (a Struct has no init=False field): a total given
    to the constructor is overwritten, and a replaced state sums its new shipments."""
    state = (
        accepted_job(parts=10)
        .shipped(day(10, 5), 4)
        .shipped(day(10, 6), 3)
        .inspected(day(10, 7), 5, 2)
        .fold()
    )
    assert (state.parts_shipped, state.parts_inspected, state.parts_defective) == (7, 5, 2)  # 4 + 3
    given = JobState(
        state.partner_id,
        state.job_id,
        shipments=state.shipments,
        inspections=state.inspections,
        parts_shipped=99,
        parts_inspected=99,
        parts_defective=99,
    )
    assert (given.parts_shipped, given.parts_inspected, given.parts_defective) == (7, 5, 2)
    fewer = msgspec.structs.replace(state, shipments=state.shipments[:1], inspections=())
    assert (fewer.parts_shipped, fewer.parts_inspected, fewer.parts_defective) == (4, 0, 0)
    assert msgspec.structs.replace(state, excluded=True).parts_shipped == 7
