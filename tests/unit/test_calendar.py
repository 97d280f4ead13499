"""The calendar bounds of every input date (domain/calendar.py) and the bounded JSON body parser
(api/resolvers.py): hand-picked edges."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from scorecard.api.params import MAX_JSON_DEPTH, MAX_NUMBER_CHARS, parse_json_body
from scorecard.domain.calendar import VALIDATION_NOW, IsoDate, TimezoneName, latest_date
from scorecard.domain.events import EVENT_ADAPTER, parse_stored_event
from scorecard.domain.policy import ScoringPolicy, load_policy


class Dated(BaseModel):
    day: IsoDate


class Zoned(BaseModel):
    zone: TimezoneName


NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def parse_day(value: str, now: datetime | None = NOW) -> date:
    context = {"now": now} if now is not None else None
    return Dated.model_validate({"day": value}, context=context).day


@pytest.mark.parametrize("value", ["2000-01-01", "2026-11-02", "2031-11-02"])
def test_dates_within_2000_and_today_plus_five_years_pass(value: str) -> None:
    assert parse_day(value) == date.fromisoformat(value)


@pytest.mark.parametrize("value", ["0001-01-01", "1999-12-31", "2031-11-03", "9999-12-31"])
def test_dates_outside_the_bounds_fail_naming_the_range(value: str) -> None:
    with pytest.raises(ValidationError, match="2000-01-01 … today \\+ 5 years"):
        parse_day(value)


def test_the_upper_bound_comes_from_the_injected_clock() -> None:
    assert parse_day("2035-01-01", now=datetime(2030, 6, 1, tzinfo=UTC)) == date(2035, 1, 1)
    token = VALIDATION_NOW.set(NOW)
    try:
        with pytest.raises(ValidationError):
            parse_day("2035-01-01", now=None)
    finally:
        VALIDATION_NOW.reset(token)
    assert parse_day("2035-01-01", now=None) == date(2035, 1, 1)  # no clock: the lower bound only
    with pytest.raises(ValidationError):
        parse_day("1999-12-31", now=None)


def test_five_years_after_29_february_is_28_february() -> None:
    assert latest_date(date(2028, 2, 29)) == date(2033, 2, 28)


@pytest.mark.parametrize("value", ["2026-2-1", "20261101", "2026-02-30", "2026-11-02T00:00:00Z"])
def test_only_real_yyyy_mm_dd_dates_parse(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_day(value)
    assert "fromisoformat" not in str(error.value) and "day is out of range" not in str(error.value)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "UTC\x00", "a" * 65])
def test_unknown_timezones_fail_with_a_clean_message(zone: str) -> None:
    with pytest.raises(ValidationError) as error:
        Zoned(zone=zone)
    text = str(error.value)
    assert "TZPATH" not in text and "ZoneInfo" not in text and "absolute" not in text


def test_known_timezones_pass() -> None:
    assert Zoned(zone="America/Chicago").zone == "America/Chicago"


def policy_with(**changes: Any) -> dict[str, Any]:
    data = load_policy().model_dump(mode="json")
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = data
        for part in parents:
            target = target[part]
        target[leaf] = value
    return data


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("weights__on_time", "1.01"),
        ("weights__engagement", "-0.1"),
        ("monthly__quality_weight", "1e999999"),
        ("quality_dpt_divisor", "0"),
        ("quality_dpt_divisor", "0.0009"),
        ("quality_dpt_divisor", "1000001"),
        ("job_weight_floor", "1e-999999"),
    ],
)
def test_policy_numbers_are_bounded(path: str, value: str) -> None:
    with pytest.raises(ValidationError):
        ScoringPolicy.model_validate(policy_with(**{path: value}))


def test_policy_numbers_at_their_bounds_pass() -> None:
    policy = ScoringPolicy.model_validate(
        policy_with(weights__on_time="1", quality_dpt_divisor="0.001", job_weight_floor="1000000")
    )
    assert policy.quality_dpt_divisor == policy.quality_dpt_divisor.__class__("0.001")


# ---- the JSON body parser ----------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_bodies_within_the_bounds_parse_as_json_does() -> None:
    text = json.dumps({"events": [{"a": 1, "b": [1.5, "x", None, True]}], "n": -12345678901234567890})
    assert parse_json_body(text) == json.loads(text)
    assert parse_json_body(nested(MAX_JSON_DEPTH)) == json.loads(nested(MAX_JSON_DEPTH))
    assert parse_json_body("9" * MAX_NUMBER_CHARS) == int("9" * MAX_NUMBER_CHARS)


@pytest.mark.parametrize(
    "text",
    [
        nested(MAX_JSON_DEPTH + 1),
        '{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1),
        "[" * 100_000,
        nested(100_000),
        "9" * (MAX_NUMBER_CHARS + 1),
        "1" + "0" * 5000,
        "0." + "1" * 5000,
        "{",
    ],
)
def test_bodies_beyond_the_bounds_are_json_decode_errors(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json_body(text)


def test_stored_events_are_reread_without_the_bounds() -> None:
    """Stored events were validated at ingestion; re-reading never rejects them (scores stay computable)."""
    stored = json.dumps(
        {
            "event_id": "e-1",
            "type": "job.offered",
            "partner_id": "P-1",
            "job_id": "J-1",
            "occurred_at": "1999-12-31T23:00:00Z",
            "value": "10.00",
            "part_count": 1,
            "due_date": "1999-12-31",
        }
    )
    event = parse_stored_event(stored)
    assert event.occurred_at == datetime(1999, 12, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="2000-01-01"):
        EVENT_ADAPTER.validate_json(stored)
