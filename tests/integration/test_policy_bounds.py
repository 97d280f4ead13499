"""Bounded policies (issue 20 item 3): a policy document is at most 64 KB of JSON, with at most 20
signals, 10 grade bands, 10 tiers and 20 benefits per tier (and as many extra components as
signals). A valid policy past DynamoDB's 400 KB item (6,000 benefits, 20,000 grade bands) was a 500
on POST /v1/policy/versions and POST /v1/policy/backtests; now a body over 64 KB on a route that
takes a policy is a 413, a list past its bound a 422 naming it, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from integration_support import Lambdas, scan_all
from lambda_events import api_event, response_json, sample_body
from scorecard.adapters.aws import client
from scorecard.domain.policy import (
    MAX_BENEFITS_PER_TIER,
    MAX_GRADE_BANDS,
    MAX_POLICY_BYTES,
    MAX_SIGNALS,
    MAX_TIERS,
)

SAMPLE_POLICY: dict[str, Any] = sample_body("api_post_policy_version")["policy"]
# the routes that take a policy, and the body each takes around it
ROUTES: dict[str, Any] = {
    "api_post_policy_version": lambda policy: {"policy": policy, "note": "bounds"},
    "api_post_policy_backtest": lambda policy: {"policy": policy, "from": "2026-10-03", "to": "2026-11-01"},
    "api_post_policy_simulate": lambda policy: {"policy": policy},
}


@pytest.fixture(autouse=True)
def backtest_queue(table: str, monkeypatch: pytest.MonkeyPatch) -> str:
    url: str = client("sqs").create_queue(QueueName="bounds-backtests")["QueueUrl"]
    monkeypatch.setenv("BACKTEST_QUEUE_URL", url)
    return url


def queued(url: str) -> int:
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def post(lambdas: Lambdas, sample: str, policy: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = lambdas.api(api_event(sample, body=ROUTES[sample](policy)))
    return response


def error(response: dict[str, Any], status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = response_json(response)
    assert (response["statusCode"], list(body), body["error"]["code"]) == (status, ["error"], code), str(
        body
    )[:2000]
    assert set(body["error"]) == {"code", "message", "details"}
    return body


def benefits(count: int) -> list[dict[str, Any]]:
    return [{"name": f"benefit_{n:05d}_" + "x" * 50, "lead_time_bonus_days": 2} for n in range(count)]


def many_benefits(count: int) -> dict[str, Any]:
    return {**SAMPLE_POLICY, "version": "v-benefits", "benefits": {"elite": benefits(count)}}


def many_grade_bands(count: int) -> dict[str, Any]:
    # the highest minimum first, the last at 0: valid bands, but count of them
    bands = [{"grade": "A", "min": 90}] * (count - 1) + [{"grade": "D", "min": 0}]
    return {**SAMPLE_POLICY, "version": "v-grades", "grades": bands}


def metric_signals(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"metric_{n}",
            "source": "metric",
            "component": "engagement",
            "scale_min": 0,
            "scale_max": 10,
        }
        for n in range(count)
    ]


def largest_policy() -> dict[str, Any]:
    """Every list at its bound: 20 signals (each feeding its own extra component), 10 grade bands,
    the 4 tiers with 20 benefits each, the longest names."""
    signals = [
        {
            "name": f"metric_{n:02d}_" + "m" * 22,
            "source": "metric",
            "component": f"component_{n:02d}_" + "c" * 19,
            "scale_min": "-999999.99",
            "scale_max": "999999.99",
        }
        for n in range(MAX_SIGNALS)
    ]
    bands = [{"grade": "A", "min": 100}] * (MAX_GRADE_BANDS - 1) + [{"grade": "D", "min": 0}]
    tier_benefits = [
        {"name": f"benefit_{n:02d}_" + "b" * 53, "lead_time_bonus_days": 365}
        for n in range(MAX_BENEFITS_PER_TIER)
    ]
    weights = {"on_time": "0.2", "quality": "0.2", "communication": "0.2", "engagement": "0.2"}
    return {
        **SAMPLE_POLICY,
        "version": "v-largest-" + "x" * 22,
        "timezone": "America/Argentina/ComodRivadavia",
        "weights": weights,
        "grades": bands,
        "benefits": dict.fromkeys(("elite", "preferred", "standard", "probation"), tier_benefits),
        "extra_weights": {signal["component"]: "0.01" for signal in signals},
        "signals": signals,
    }


# ---- the 500s of the issue ----------------------------------------------------------------------------


@pytest.mark.parametrize("sample", list(ROUTES))  # the 500s were on versions and backtests
def test_a_policy_of_6000_benefits_is_413_not_500(
    lambdas: Lambdas, table: str, backtest_queue: str, sample: str
) -> None:
    policy = many_benefits(6000)
    assert len(json.dumps(policy)) > 400 * 1024  # past DynamoDB's item limit
    error(post(lambdas, sample, policy), 413, "payload_too_large")
    assert (scan_all(table), queued(backtest_queue)) == ([], 0)


@pytest.mark.parametrize("sample", list(ROUTES))  # the 500s were on versions and backtests
def test_a_policy_of_20000_grade_bands_is_413_not_500(
    lambdas: Lambdas, table: str, backtest_queue: str, sample: str
) -> None:
    error(post(lambdas, sample, many_grade_bands(20_000)), 413, "payload_too_large")
    assert (scan_all(table), queued(backtest_queue)) == ([], 0)


# ---- the bounds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", list(ROUTES))
def test_each_list_past_its_bound_is_422_naming_it(lambdas: Lambdas, table: str, sample: str) -> None:
    cases = [
        (many_benefits(MAX_BENEFITS_PER_TIER + 1), "policy.benefits.elite"),
        (many_grade_bands(MAX_GRADE_BANDS + 1), "policy.grades"),
        ({**SAMPLE_POLICY, "signals": metric_signals(MAX_SIGNALS + 1)}, "policy.signals"),
        ({**SAMPLE_POLICY, "tiers": SAMPLE_POLICY["tiers"] * 3}, "policy.tiers"),  # 12
        (
            {**SAMPLE_POLICY, "extra_weights": {f"extra_{n}": "0" for n in range(MAX_SIGNALS + 1)}},
            "policy.extra_weights",
        ),
    ]
    answers = []
    for policy, _ in cases:
        body = error(post(lambdas, sample, policy), 422, "validation_failed")
        answers.append([detail["field"] for detail in body["error"]["details"]])
    assert answers == [[field] for _, field in cases]
    assert scan_all(table) == []


def test_the_largest_policy_the_bounds_allow_fits_64_kb_with_room() -> None:
    from scorecard.domain.policy import ScoringPolicy

    policy = ScoringPolicy.model_validate_json(json.dumps(largest_policy()))
    assert len(policy.signals) == MAX_SIGNALS and len(policy.grades) == MAX_GRADE_BANDS
    # stored compact: about 17 KB; sent indented, about 25 KB
    assert len(policy.model_dump_json()) < MAX_POLICY_BYTES // 3
    assert len(json.dumps(largest_policy(), indent=4)) < MAX_POLICY_BYTES // 2
    assert len(policy.tiers) <= MAX_TIERS


def test_the_largest_policy_is_stored_and_backtested(lambdas: Lambdas, table: str) -> None:
    stored = post(lambdas, "api_post_policy_version", largest_policy())
    assert stored["statusCode"] == 201, stored["body"][:2000]
    queued = post(lambdas, "api_post_policy_backtest", largest_policy())
    assert queued["statusCode"] == 202, queued["body"][:2000]


def test_a_body_of_64_kb_is_taken_and_one_byte_more_is_413(lambdas: Lambdas, table: str) -> None:
    body = json.dumps({"policy": SAMPLE_POLICY, "note": "bounds"})
    padded = body[:-1] + " " * (MAX_POLICY_BYTES - len(body)) + "}"
    assert len(padded.encode()) == MAX_POLICY_BYTES
    taken = lambdas.api(api_event("api_post_policy_version", raw_body=padded))
    assert taken["statusCode"] == 201, taken["body"]
    over = api_event("api_post_policy_version", raw_body=padded[:-1] + " }")
    error(lambdas.api(over), 413, "payload_too_large")


def test_other_routes_keep_the_one_mib_limit(lambdas: Lambdas, table: str) -> None:
    """A batch of events over 64 KB is still taken (bodies up to 1 MiB)."""
    raw = json.dumps({"events": sample_body("api_post_events")["events"]}, indent=200)
    assert len(raw) > MAX_POLICY_BYTES
    response = lambdas.ingest(api_event("api_post_events", raw_body=raw))
    assert response["statusCode"] == 200, response["body"]


# ---- backtests refuse what they could not finish ----------------------------------------------------


def long_window(version: str, max_days: int) -> dict[str, Any]:
    return {
        **SAMPLE_POLICY,
        "version": version,
        "window": {"base_days": 30, "min_jobs": 10, "max_days": max_days},
    }


def test_a_backtest_whose_replay_could_not_finish_is_422_naming_why(
    lambdas: Lambdas, table: str, backtest_queue: str
) -> None:
    """A candidate whose window reaches 10 years back replays ~4,000 jobs a partner a day: its batches
    would time out and retry until they dead-letter, the backtest `running` forever."""
    from scorecard.services.backtests import MAX_BACKTEST_WINDOW_DAYS

    # inline: named by its field
    body = error(
        post(lambdas, "api_post_policy_backtest", long_window("v-long", 3660)), 422, "validation_failed"
    )
    assert [d["field"] for d in body["error"]["details"]] == ["policy.window.max_days"]
    assert "could not finish" in body["error"]["message"] and "3660" in body["error"]["message"]
    # by name: a stored version
    assert post(lambdas, "api_post_policy_version", long_window("v-long", 3660))["statusCode"] == 201
    by_name = {"version": "v-long", "from": "2026-10-03", "to": "2026-11-01"}
    body = error(lambdas.api(api_event("api_post_policy_backtest", body=by_name)), 422, "validation_failed")
    assert [d["field"] for d in body["error"]["details"]] == ["version"]
    assert client("sqs").receive_message(QueueUrl=backtest_queue).get("Messages", []) == []
    # the bound itself is taken
    at_bound = post(lambdas, "api_post_policy_backtest", long_window("v-366", MAX_BACKTEST_WINDOW_DAYS))
    assert at_bound["statusCode"] == 202, at_bound["body"]


def test_a_backtest_over_a_version_in_force_that_could_not_finish_is_422(
    lambdas: Lambdas, table: str, backtest_queue: str
) -> None:
    """Each day is replayed under the version in force that day too: one adopted today (2026-11-02)
    with a 10-year window makes a range ending today unfinishable; the day before is not."""
    assert post(lambdas, "api_post_policy_version", long_window("v-long", 3660))["statusCode"] == 201
    adoption = {"version": "v-long", "effective_from": "2026-11-02", "reason": "bounds"}
    assert lambdas.api(api_event("api_put_policy_active", body=adoption))["statusCode"] == 200
    candidate = {"version": "v2", "from": "2026-10-20", "to": "2026-11-02"}
    body = error(lambdas.api(api_event("api_post_policy_backtest", body=candidate)), 422, "validation_failed")
    assert [d["field"] for d in body["error"]["details"]] == ["from", "to"]
    assert "v-long" in body["error"]["message"]
    before = {"version": "v2", "from": "2026-10-20", "to": "2026-11-01"}
    assert lambdas.api(api_event("api_post_policy_backtest", body=before))["statusCode"] == 202
