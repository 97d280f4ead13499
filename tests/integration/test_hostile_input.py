"""Hostile input gets a 4xx in the error shape, never a 5xx (issue 8, docs/api.md): each case here
answered 500 before, through the real Lambda handlers. Nothing of a rejected batch is written."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from integration_support import Lambdas, scan_all
from lambda_events import api_event, caller, load_event, response_json, sample_body

OPS = caller("ops")
SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
OFFER = SAMPLE_EVENTS[1]
assert OFFER["type"] == "job.offered"
SIMULATION: dict[str, Any] = sample_body("api_post_policy_simulate")
INTERNALS = ("timedelta", "TZPATH", "Traceback", "zoneinfo", "ZoneInfo", "datetime.", "decimal.")


def assert_4xx(response: dict[str, Any], status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = response_json(response)
    assert (response["statusCode"], set(body), body["error"]["code"]) == (status, {"error"}, code), body
    assert set(body["error"]) == {"code", "message", "details"}
    text = json.dumps(body)
    assert not [word for word in INTERNALS if word in text], text
    return body


def post_raw(lambdas: Lambdas, raw_body: str) -> dict[str, Any]:
    response: dict[str, Any] = lambdas.ingest(api_event("api_post_events", raw_body=raw_body))
    return response


def post_events(lambdas: Lambdas, events: list[dict[str, Any]]) -> dict[str, Any]:
    return post_raw(lambdas, json.dumps({"events": events}))


@pytest.fixture
def seeded(lambdas: Lambdas, table: str) -> Lambdas:
    """acme-01 with the sample batch recorded (so read routes get past the unknown-partner 404)."""
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200
    return lambdas


def fields(body: dict[str, Any]) -> list[tuple[int | None, str]]:
    return [(d.get("index"), d["field"]) for d in body["error"]["details"]]


# ---- bodies the JSON parser chokes on ------------------------------------------------------------


def test_deeply_nested_json_is_400(lambdas: Lambdas, table: str) -> None:
    assert_4xx(post_raw(lambdas, '{"events":' + "[" * 100_000), 400, "malformed_json")
    assert scan_all(table) == []


def test_nesting_deeper_than_the_bound_is_400_even_when_well_formed(lambdas: Lambdas, table: str) -> None:
    nested = "[" * 200 + "]" * 200  # parses in Python, but no request of this API nests so deep
    assert_4xx(post_raw(lambdas, '{"events": [' + nested + "]}"), 400, "malformed_json")


def test_a_5000_digit_integer_is_400(lambdas: Lambdas, table: str) -> None:
    offer = json.dumps(OFFER)
    assert '"part_count": 10' in offer
    body = '{"events": [' + offer.replace('"part_count": 10', '"part_count": 1' + "0" * 5000) + "]}"
    assert_4xx(post_raw(lambdas, body), 400, "malformed_json")
    assert scan_all(table) == []


def test_a_5000_digit_float_is_400(lambdas: Lambdas, table: str) -> None:
    offer = json.dumps(OFFER).replace('"part_count": 10', '"part_count": 1' + "0" * 5000 + ".5")
    assert_4xx(post_raw(lambdas, '{"events": [' + offer + "]}"), 400, "malformed_json")


# ---- dates and instants at the calendar's ends -----------------------------------------------------


def test_an_event_in_year_0001_is_422_and_nothing_is_written(lambdas: Lambdas, table: str) -> None:
    """The third event overflowed keys.instant_key after the first two were written (a 500)."""
    events = [dict(e) for e in SAMPLE_EVENTS[1:4]]
    events[2]["occurred_at"] = "0001-01-01T00:00:00+01:00"
    body = assert_4xx(post_events(lambdas, events), 422, "validation_failed")
    assert fields(body) == [(2, "occurred_at")]
    assert "2000-01-01" in body["error"]["details"][0]["message"]
    assert scan_all(table) == []


@pytest.mark.parametrize("occurred_at", ["1999-12-31T23:59:59Z", "2000-01-01T00:30:00+01:00"])
def test_an_event_before_2000_is_422(lambdas: Lambdas, table: str, occurred_at: str) -> None:
    body = assert_4xx(post_events(lambdas, [{**OFFER, "occurred_at": occurred_at}]), 422, "validation_failed")
    assert fields(body) == [(0, "occurred_at")]


@pytest.mark.parametrize("offset", ["+24:00", "+99:59", "-23:60"])
def test_an_impossible_utc_offset_is_422_without_python_internals(
    lambdas: Lambdas, table: str, offset: str
) -> None:
    event = {**OFFER, "occurred_at": "2026-10-01T12:00:00" + offset}
    body = assert_4xx(post_events(lambdas, [event]), 422, "validation_failed")
    assert fields(body) == [(0, "occurred_at")]


@pytest.mark.parametrize("due_date", ["0001-01-01", "1999-12-31", "9999-12-31", "2031-11-03", "2026-02-30"])
def test_a_due_date_outside_the_calendar_bounds_is_422(lambdas: Lambdas, table: str, due_date: str) -> None:
    """Bounds: 2000-01-01 … today + 5 years; today is the request's clock (2026-11-02)."""
    offer = {**OFFER, "due_date": due_date}
    change = {**OFFER, "event_id": "dc-1", "type": "job.due_date_changed", "due_date": due_date}
    change = {k: v for k, v in change.items() if k not in ("value", "part_count", "required_documents")}
    change["changed_by"] = "customer"
    body = assert_4xx(post_events(lambdas, [offer, change]), 422, "validation_failed")
    assert fields(body) == [(0, "due_date"), (1, "due_date")]
    assert scan_all(table) == []


def test_a_due_date_five_years_ahead_is_accepted(lambdas: Lambdas, table: str) -> None:
    response = post_events(lambdas, [{**OFFER, "due_date": "2031-11-02"}])
    assert response["statusCode"] == 200, response["body"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1999-12-31", "2031-11-03"])
def test_jobs_as_of_the_calendars_ends_is_422(seeded: Lambdas, as_of: str) -> None:
    event = api_event("api_get_jobs_late", caller=OPS, query={"filter": "all", "as_of": as_of})
    body = assert_4xx(seeded.api(event), 422, "validation_failed")
    assert [d["field"] for d in body["error"]["details"]] == ["query.as_of"]
    assert "2000-01-01" in body["error"]["details"][0]["message"]


@pytest.mark.parametrize(("first", "last"), [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_score_history_at_the_calendars_ends_is_422(seeded: Lambdas, first: str, last: str) -> None:
    event = api_event("api_get_score_history", caller=OPS, query={"from": first, "to": last})
    assert_4xx(seeded.api(event), 422, "validation_failed")


# ---- candidate policies ------------------------------------------------------------------------------


def simulate(lambdas: Lambdas, **changes: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(SIMULATION))
    for path, value in changes.items():
        target = body
        *parents, leaf = path.split("__")
        for part in parents:
            target = target[part]
        target[leaf] = value
    response: dict[str, Any] = lambdas.api(api_event("api_post_policy_simulate", body=body))
    return response


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", ""])
def test_an_unknown_timezone_in_a_candidate_policy_is_422(lambdas: Lambdas, table: str, zone: str) -> None:
    body = assert_4xx(simulate(lambdas, policy__timezone=zone), 422, "validation_failed")
    assert [d["field"] for d in body["error"]["details"]] == ["policy.timezone"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("policy__weights__on_time", "1e999999"),
        ("policy__weights__quality", "1.5"),
        ("policy__quality_dpt_divisor", "1e-999999"),
        ("policy__quality_dpt_divisor", "1e999999"),
        ("policy__job_weight_floor", "1e999999"),
        ("policy__job_weight_floor", "1e-999999"),
        ("policy__monthly__on_time_weight", "1e999999"),
    ],
)
def test_out_of_range_policy_numbers_are_422(lambdas: Lambdas, table: str, path: str, value: str) -> None:
    assert_4xx(simulate(lambdas, **{path: value}), 422, "validation_failed")


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_a_simulation_as_of_the_calendars_ends_is_422(seeded: Lambdas, as_of: str) -> None:
    body = assert_4xx(simulate(seeded, as_of=as_of), 422, "validation_failed")
    assert [d["field"] for d in body["error"]["details"]] == ["as_of"]


def test_the_sample_simulation_still_answers(lambdas: Lambdas, table: str) -> None:
    assert lambdas.api(load_event("api_post_policy_simulate"))["statusCode"] == 200


@pytest.mark.parametrize("raw", [b"\xff\xfe{", b'{"events": "\xc3"}'])
def test_a_base64_body_that_is_not_utf8_is_400(lambdas: Lambdas, table: str, raw: bytes) -> None:
    event = api_event("api_post_events", raw_body=base64.b64encode(raw).decode())
    event["isBase64Encoded"] = True
    assert_4xx(lambdas.ingest(event), 400, "malformed_json")


def test_a_body_that_is_not_base64_is_400(lambdas: Lambdas, table: str) -> None:
    event = api_event("api_post_events", raw_body="not base64 at all!")
    event["isBase64Encoded"] = True
    assert_4xx(lambdas.ingest(event), 400, "malformed_json")
