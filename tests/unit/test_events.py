"""Event validation (docs/api.md)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scorecard.domain.events import (
    EVENT_ADAPTER,
    MONEY_TEXT,
    EventBatch,
    JobInspected,
    JobOffered,
    JobRead,
    JobShipped,
    PartnerLoggedIn,
    PartnerUpdateRequested,
    event_json,
    parse_stored_event,
    validation_context,
)

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
DROP = object()

# Minimal valid extra fields per type (docs/api.md, "Type-specific fields").
MINIMAL: dict[str, dict[str, Any]] = {
    "job.offered": {"value": "1250.00", "part_count": 3, "due_date": "2026-10-20"},
    "job.read": {},
    "job.accepted": {},
    "job.rejected": {"feedback": "too tight"},
    "job.cancelled": {"cancelled_by": "customer"},
    "job.status_updated": {"status": "production_started"},
    "job.document_uploaded": {"document_type": "certificate_of_conformance"},
    "job.shipped": {"parts_shipped": 2},
    "job.inspected": {"parts_inspected": 2, "parts_defective": 1, "ncmr_id": "NCMR-7"},
    "job.received": {},
    "job.due_date_changed": {"due_date": "2026-10-25", "changed_by": "platform"},
    "partner.update_requested": {"request_id": "R-1"},
    "partner.update_responded": {"request_id": "R-1"},
    "partner.logged_in": {},
    "partner.capacity_updated": {},
}
JOB_TYPES = [t for t in MINIMAL if t.startswith("job.")]
PARTNER_TYPES = [t for t in MINIMAL if t.startswith("partner.")]


def raw(type_: str = "job.read", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "event_id": "evt-1",
        "type": type_,
        "partner_id": "P-1",
        "occurred_at": "2026-10-01T12:00:00Z",
    }
    if type_.startswith("job."):
        data["job_id"] = "J-1"
    data.update(MINIMAL[type_])
    data.update(fields)
    return {k: v for k, v in data.items() if v is not DROP}


def parse(data: dict[str, Any], now: datetime | None = None) -> Any:
    context = validation_context(now) if now is not None else None
    return EVENT_ADAPTER.validate_python(data, context=context)


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {str(err["loc"][-1]) for err in exc.value.errors()}


# ---- every type ---------------------------------------------------------------------------------


@pytest.mark.parametrize("type_", list(MINIMAL))
def test_every_documented_type_parses_to_its_model(type_: str) -> None:
    event = parse(raw(type_))
    assert event.type == type_
    assert event.partner_id == "P-1"
    assert event.occurred_at == NOW


def test_offered_fields_are_typed() -> None:
    event = parse(raw("job.offered", required_documents=["inspection_report", "photos"]))
    assert isinstance(event, JobOffered)
    assert event.value == Decimal("1250.00")
    assert event.part_count == 3
    assert event.due_date == date(2026, 10, 20)
    assert event.required_documents == ["inspection_report", "photos"]


def test_optional_fields_default() -> None:
    offered = parse(raw("job.offered"))
    shipped = parse(raw("job.shipped"))
    rejected = parse(raw("job.rejected", feedback=DROP))
    inspected = parse(raw("job.inspected", ncmr_id=DROP))
    assert offered.required_documents == []
    assert shipped.direct_to_customer is False
    assert rejected.feedback is None
    assert (inspected.ncmr_id, inspected.report_url) == (None, None)


def test_json_round_trip_through_storage() -> None:
    event = parse(raw("job.inspected", report_url="https://reports.example/r/1.pdf"))
    again = parse_stored_event(event_json(event))
    assert again == event
    assert isinstance(again, JobInspected)
    assert again.report_url == "https://reports.example/r/1.pdf"


def test_unknown_type_is_rejected() -> None:
    data = raw("job.read")
    data["type"] = "job.teleported"
    with pytest.raises(ValidationError) as exc:
        parse(data)
    assert exc.value.errors()[0]["type"] == "union_tag_invalid"


def test_missing_type_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw("job.read", type=DROP))
    assert exc.value.errors()[0]["type"] == "union_tag_not_found"


@pytest.mark.parametrize(
    ("type_", "extra"),
    [("job.read", {"colour": "red"}), ("job.read", {"value": "10"}), ("job.shipped", {"carrier": "UPS"})],
)
def test_extra_fields_are_rejected(type_: str, extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw(type_, **extra))
    assert error_fields(exc) == set(extra)
    assert exc.value.errors()[0]["type"] == "extra_forbidden"


# ---- identifiers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("event_id", ["a", "A-z_0.9:x", "x" * 128, "2026-10-01T12:00:00.000Z:job.read"])
def test_event_id_accepts_its_charset_up_to_128(event_id: str) -> None:
    assert parse(raw(event_id=event_id)).event_id == event_id


@pytest.mark.parametrize("event_id", ["", "x" * 129, "has space", "slash/ed", "é", "semi;colon", "a\n"])
def test_event_id_rejects_outside_charset_or_length(event_id: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw(event_id=event_id))
    assert error_fields(exc) == {"event_id"}


@pytest.mark.parametrize("field", ["partner_id", "job_id"])
@pytest.mark.parametrize("value", ["P", "Ab_9-z", "p" * 64])
def test_entity_ids_accept_their_charset_up_to_64(field: str, value: str) -> None:
    assert getattr(parse(raw(**{field: value})), field) == value


@pytest.mark.parametrize("field", ["partner_id", "job_id"])
@pytest.mark.parametrize("value", ["", "p" * 65, "dot.ted", "co:lon", "sp ace", "ü"])
def test_entity_ids_reject_outside_charset_or_length(field: str, value: str) -> None:
    # '.' and ':' are fine in an event_id but not in a partner or job id.
    with pytest.raises(ValidationError) as exc:
        parse(raw(**{field: value}))
    assert error_fields(exc) == {field}


@pytest.mark.parametrize("type_", JOB_TYPES)
def test_job_id_is_required_for_job_types(type_: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw(type_, job_id=DROP))
    assert error_fields(exc) == {"job_id"}
    assert exc.value.errors()[0]["type"] == "missing"


@pytest.mark.parametrize("type_", PARTNER_TYPES)
def test_job_id_is_optional_but_checked_for_partner_types(type_: str) -> None:
    # docs/api.md lists job_id among the common fields, "required for job.* types": optional elsewhere.
    assert parse(raw(type_)).job_id is None
    assert parse(raw(type_, job_id="J-9")).job_id == "J-9"
    with pytest.raises(ValidationError) as exc:
        parse(raw(type_, job_id="J/9"))
    assert error_fields(exc) == {"job_id"}


def test_request_id_uses_the_entity_charset() -> None:
    assert isinstance(parse(raw("partner.update_requested", request_id="R_1-a")), PartnerUpdateRequested)
    with pytest.raises(ValidationError) as exc:
        parse(raw("partner.update_requested", request_id="R.1"))
    assert error_fields(exc) == {"request_id"}


# ---- occurred_at ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01T12:00:00Z", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("2026-10-01t12:00:00z", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("2026-10-01T14:00:00+02:00", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("2026-10-01T07:00:00-05:00", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("2026-10-01T12:00:00.5Z", datetime(2026, 10, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        # nanoseconds are truncated to Python's microseconds
        ("2026-10-01T12:00:00.123456789Z", datetime(2026, 10, 1, 12, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_occurred_at_accepts_rfc3339_with_offset(text: str, expected: datetime) -> None:
    event = parse(raw(occurred_at=text))
    assert event.occurred_at == expected
    assert event.occurred_at.utcoffset() is not None


def test_occurred_at_keeps_the_given_offset() -> None:
    event = parse(raw(occurred_at="2026-10-10T23:30:00-05:00"))
    assert event.occurred_at.utcoffset() == timedelta(hours=-5)
    assert event.occurred_at.astimezone(UTC) == datetime(2026, 10, 11, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-10-01T12:00:00",  # naive
        "2026-10-01 12:00:00",  # naive, space separator
        "2026-10-01",  # a date
        "2026-10-01T12:00Z",  # no seconds
        "2026-10-01T12:00:00+0200",  # offset without colon
        "2026-10-01T25:00:00Z",  # no such hour
        "2026-02-30T12:00:00Z",  # no such day
        1790000000,  # unix seconds
        1790000000.5,
        "1790000000",
        datetime(2026, 10, 1, 12, 0),  # naive datetime object
        None,
    ],
)
def test_occurred_at_rejects_naive_unix_and_malformed(value: object) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw(occurred_at=value))
    assert error_fields(exc) == {"occurred_at"}


def test_occurred_at_accepts_an_aware_datetime_object() -> None:
    value = datetime(2026, 10, 1, 9, tzinfo=timezone(timedelta(hours=-3)))
    assert parse(raw(occurred_at=value)).occurred_at == NOW


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01T12:00:00Z",  # now
        "2026-10-01T12:05:00Z",  # exactly now + 5 min
        "2026-10-01T14:05:00+02:00",  # the same instant with an offset
        "2020-01-01T00:00:00Z",  # the past is always fine
    ],
)
def test_occurred_at_up_to_five_minutes_ahead_is_accepted(text: str) -> None:
    assert parse(raw(occurred_at=text), now=NOW).occurred_at <= NOW + timedelta(minutes=5)


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01T12:05:01Z",  # now + 5 min 1 s
        "2026-10-01T12:05:00.000001Z",  # now + 5 min + 1 µs
        "2026-10-01T07:06:00-05:00",  # 12:06Z written with an offset
        "2026-10-02T00:00:00Z",
    ],
)
def test_occurred_at_more_than_five_minutes_ahead_is_rejected(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw(occurred_at=text), now=NOW)
    assert error_fields(exc) == {"occurred_at"}
    assert "future" in exc.value.errors()[0]["msg"]


def test_future_check_via_model_validate_context() -> None:
    data = raw("job.read", occurred_at="2026-10-01T12:10:00Z")
    with pytest.raises(ValidationError):
        JobRead.model_validate(data, context={"now": NOW})
    # 10 minutes ahead of NOW is fine five minutes later (now + 5 min = 12:10)
    later = NOW + timedelta(minutes=5)
    assert JobRead.model_validate(data, context={"now": later}).occurred_at == NOW + timedelta(minutes=10)


def test_stored_events_are_reread_without_the_clock() -> None:
    far_future = parse(raw(occurred_at="2099-01-01T00:00:00Z"))
    assert parse_stored_event(event_json(far_future)).occurred_at == datetime(2099, 1, 1, tzinfo=UTC)


# ---- type-specific rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(("inspected", "defective"), [(1, 0), (5, 5), (10, 3)])
def test_defective_up_to_inspected_is_accepted(inspected: int, defective: int) -> None:
    event = parse(raw("job.inspected", parts_inspected=inspected, parts_defective=defective))
    assert (event.parts_inspected, event.parts_defective) == (inspected, defective)


def test_defective_above_inspected_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw("job.inspected", parts_inspected=5, parts_defective=6))
    assert "parts_defective must not exceed parts_inspected" in str(exc.value)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"parts_inspected": 0, "parts_defective": 0}, "parts_inspected"),
        ({"parts_inspected": 3, "parts_defective": -1}, "parts_defective"),
        ({"parts_inspected": 3, "parts_defective": DROP}, "parts_defective"),
        ({"report_url": "ftp://x/y"}, "report_url"),
    ],
)
def test_inspection_field_rules(fields: dict[str, Any], bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw("job.inspected", **fields))
    assert error_fields(exc) == {bad}


@pytest.mark.parametrize(("value", "expected"), [("0", Decimal(0)), (0, Decimal(0)), (12.1, Decimal("12.1"))])
def test_offer_value_zero_or_more(value: object, expected: Decimal) -> None:
    # A float is read through its shortest repr: 12.1 stays 12.1, not 12.0999999...
    assert parse(raw("job.offered", value=value)).value == expected


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"value": "-0.01"}, "value"),
        ({"value": -1}, "value"),
        ({"value": "ten"}, "value"),
        ({"value": "1.005"}, "value"),  # USD: at most cents
        ({"part_count": 0}, "part_count"),
        ({"part_count": -3}, "part_count"),
        ({"part_count": DROP}, "part_count"),
        ({"due_date": "2026-10-1"}, "due_date"),
        ({"due_date": "2026-10-20T00:00:00Z"}, "due_date"),
        ({"due_date": "2026-13-01"}, "due_date"),
        ({"due_date": 20261020}, "due_date"),
        ({"required_documents": ["passport"]}, "0"),
    ],
)
def test_offer_field_rules(fields: dict[str, Any], bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw("job.offered", **fields))
    assert error_fields(exc) == {bad}


@pytest.mark.parametrize(
    ("type_", "fields", "bad"),
    [
        ("job.shipped", {"parts_shipped": 0}, "parts_shipped"),
        ("job.shipped", {"parts_shipped": DROP}, "parts_shipped"),
        ("job.cancelled", {"cancelled_by": "supplier"}, "cancelled_by"),
        ("job.cancelled", {"cancelled_by": DROP}, "cancelled_by"),
        ("job.status_updated", {"status": "shipped"}, "status"),
        ("job.document_uploaded", {"document_type": "invoice"}, "document_type"),
        ("job.due_date_changed", {"changed_by": "robot"}, "changed_by"),
        ("job.due_date_changed", {"due_date": "next week"}, "due_date"),
        ("partner.update_requested", {"request_id": DROP}, "request_id"),
    ],
)
def test_type_specific_field_rules(type_: str, fields: dict[str, Any], bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(raw(type_, **fields))
    assert error_fields(exc) == {bad}


def test_shipment_direct_to_customer() -> None:
    event = parse(raw("job.shipped", parts_shipped=4, direct_to_customer=True))
    assert isinstance(event, JobShipped)
    assert (event.parts_shipped, event.direct_to_customer) == (4, True)


# ---- batches -----------------------------------------------------------------------------------------


def batch(n: int) -> dict[str, Any]:
    return {"events": [raw("job.read", event_id=f"e{i}") for i in range(n)]}


@pytest.mark.parametrize("n", [1, 2, 500])
def test_batch_of_1_to_500_events(n: int) -> None:
    parsed = EventBatch.model_validate(batch(n), context=validation_context(NOW))
    assert len(parsed.events) == n
    assert parsed.events[-1].event_id == f"e{n - 1}"


@pytest.mark.parametrize("n", [0, 501])
def test_batch_size_outside_1_to_500_is_rejected(n: int) -> None:
    with pytest.raises(ValidationError) as exc:
        EventBatch.model_validate(batch(n))
    assert exc.value.errors()[0]["loc"] == ("events",)
    assert exc.value.errors()[0]["type"] == ("too_short" if n == 0 else "too_long")


def test_batch_rejects_extra_top_level_fields_and_non_lists() -> None:
    with pytest.raises(ValidationError) as exc:
        EventBatch.model_validate({**batch(1), "source": "portal"})
    assert exc.value.errors()[0]["loc"] == ("source",)
    with pytest.raises(ValidationError):
        EventBatch.model_validate({"events": raw("job.read")})
    with pytest.raises(ValidationError):
        EventBatch.model_validate({})


def test_batch_errors_name_each_bad_event_and_field() -> None:
    body = {
        "events": [
            raw("job.read", event_id="ok-1"),
            raw("job.shipped", event_id="bad-1", parts_shipped=0),
            raw("job.read", event_id="ok-2"),
            raw("job.inspected", event_id="bad-2", occurred_at="2026-10-01T12:30:00Z"),
        ]
    }
    with pytest.raises(ValidationError) as exc:
        EventBatch.model_validate(body, context=validation_context(NOW))
    locs = sorted(err["loc"] for err in exc.value.errors())
    assert locs == [
        ("events", 1, "job.shipped", "parts_shipped"),
        ("events", 3, "job.inspected", "occurred_at"),
    ]


def test_batch_mixes_types() -> None:
    body = {"events": [raw("partner.logged_in", event_id="a"), raw("job.offered", event_id="b")]}
    parsed = EventBatch.model_validate(body)
    assert [type(e) for e in parsed.events] == [PartnerLoggedIn, JobOffered]


# ---- the amount as the OpenAPI document describes it ------------------------------------------------


def test_the_document_gives_the_amount_string_its_shape() -> None:
    schema = JobOffered.model_json_schema()["properties"]["value"]
    assert {"type": "string", "pattern": MONEY_TEXT} in schema["anyOf"]


@settings(max_examples=200, derandomize=True)
@given(st.from_regex(MONEY_TEXT, fullmatch=True))
def test_every_amount_string_the_document_allows_is_accepted(text: str) -> None:
    assert parse(raw("job.offered", value=text)).value == Decimal(text)


@pytest.mark.parametrize("text", ["-1", "1.234", "1234567890123", "", "twelve"])
def test_amount_strings_the_validation_refuses_are_outside_the_documented_shape(text: str) -> None:
    # (The validation also takes "1e3", " 12" or ".5", which the document leaves out: it shows one form.)
    assert re.fullmatch(MONEY_TEXT, text) is None
    with pytest.raises(ValidationError) as exc:
        parse(raw("job.offered", value=text))
    assert error_fields(exc) == {"value"}
