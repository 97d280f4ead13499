"""Policy versions through the handlers (docs/api.md, issue 9 item 2): ops store a version, adopt it from
a day on; runs before that day keep the old version (a re-run reproduces the old score), runs from it
use the new one, and every score and history point names its version. Today is NOW: 2026-11-02."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import Lambdas, get_item, job_events
from lambda_events import api_event, caller, response_json, sample_body
from scorecard.adapters.score_repository import score_document as document_json
from scorecard.domain.policy import load_policy

PARTNER = "ver-01"
CANDIDATE = "v2-delivery"  # events/api_post_policy_version.json: v2 with on-time weighted 0.60


@pytest.fixture
def v2(lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch) -> Lambdas:
    monkeypatch.setenv("POLICY_VERSION", "v2")
    return lambdas


def post_version(lambdas: Lambdas, body: Any) -> tuple[int, Any]:
    response = lambdas.api(api_event("api_post_policy_version", body=body))
    return response["statusCode"], response_json(response)


def adopt(lambdas: Lambdas, body: Any) -> tuple[int, Any]:
    response = lambdas.api(api_event("api_put_policy_active", body=body))
    return response["statusCode"], response_json(response)


def versions(lambdas: Lambdas) -> Any:
    response = lambdas.api(api_event("api_get_policy_versions"))
    assert response["statusCode"] == 200, response["body"]
    return response_json(response)


def seed(lambdas: Lambdas) -> None:
    """12 jobs over October, due 10 days after the offer; the first 4 shipped 3 days late."""
    events: list[dict[str, Any]] = []
    for j in range(12):
        offered = date(2026, 10, 1) + timedelta(days=j)
        due = offered + timedelta(days=10)
        shipped = due + timedelta(days=3) if j < 4 else due - timedelta(days=1)
        events += job_events(PARTNER, f"J{j}", offered=offered, due=due, shipped=shipped, inspected=2)
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]


def score_item(table: str) -> dict[str, Any]:
    item = get_item(table, f"PARTNER#{PARTNER}", "SCORE")
    assert item is not None
    document: dict[str, Any] = json.loads(document_json(item))
    return document


def history_point(table: str, day: str) -> dict[str, Any]:
    item = get_item(table, f"PARTNER#{PARTNER}", f"HIST#{day}")
    assert item is not None
    point: dict[str, Any] = json.loads(item["point"]["S"])
    return point


def test_a_version_is_stored_once_and_never_changes(v2: Lambdas) -> None:
    body = sample_body("api_post_policy_version")
    status, stored = post_version(v2, body)
    assert status == 201, stored
    assert (stored["version"], stored["source"], stored["created_by"]) == (CANDIDATE, "stored", "ops")
    assert stored["note"] == "delivery matters more this quarter"
    assert stored["policy"]["weights"]["on_time"] == "0.60"

    again, same = post_version(v2, body)  # a retry: answered with what is stored
    assert (again, same) == (200, stored)

    other = {**body, "policy": {**body["policy"], "demotion_runs": 5}}
    status, error = post_version(v2, other)
    assert status == 409 and error["error"]["code"] == "conflict"
    assert "stored already with other content" in error["error"]["message"]

    builtin = {"policy": load_policy("v1").model_dump(mode="json")}
    status, error = post_version(v2, builtin)
    assert status == 409 and "built in" in error["error"]["message"]

    listed = versions(v2)
    assert [(v["version"], v["source"]) for v in listed["versions"]] == [
        ("v1", "builtin"),
        ("v2", "builtin"),
        ("v3", "builtin"),
        (CANDIDATE, "stored"),
    ]
    assert listed["versions"][2]["policy"]["demotion_runs"] == 3  # the first content stays


def _bad(change: dict[str, Any]) -> dict[str, Any]:
    policy = sample_body("api_post_policy_version")["policy"] | {"version": "bad-1"} | change
    return {"policy": policy}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        (
            {"grades": [{"grade": "B", "min": 80}, {"grade": "A", "min": 90}, {"grade": "D", "min": 0}]},
            "policy",
            "grade bands must be listed from the highest minimum down",
        ),
        (
            {"grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 10}]},
            "policy",
            "the lowest grade band must start at 0",
        ),
        (
            {"weights": {"on_time": "1.5", "quality": "0", "communication": "0", "engagement": "0"}},
            "policy.weights.on_time",
            "less than or equal to 1",
        ),
        (
            {"weights": {"on_time": "0", "quality": "0", "communication": "0", "engagement": "0"}},
            "policy",
            "at least one component weight must be positive",
        ),
        ({"window": {"base_days": 30, "min_jobs": 10, "max_days": 20}}, "policy.window", "max_days"),
        ({"timezone": "Mars/Olympus"}, "policy.timezone", "timezone"),
        ({"surprise": 1}, "policy.surprise", "Extra inputs are not permitted"),
        ({"version": "no spaces please"}, "policy.version", "pattern"),
        (
            {"signals": [{"name": "nps", "source": "metric", "component": "nps"}]},
            "policy",
            "neither communication, engagement nor a component of extra_weights",
        ),
        ({"extra_weights": {"quality": "0.1"}}, "policy", "must not repeat a base component"),
        (
            {"tiers": list(reversed(load_policy("v2").model_dump(mode="json")["tiers"]))},
            "policy",
            "tiers must be listed elite, preferred, standard, probation",
        ),
        (
            {"late_credit": [{"max_days_late": n, "credit": f"0.{90 - n}"} for n in range(1, 12)]},
            "policy.late_credit",
            "at most 10 items",
        ),
        (
            {"late_credit": [{"max_days_late": 3, "credit": "0.5"}, {"max_days_late": 1, "credit": "0.25"}]},
            "policy",
            "late_credit: max_days_late must ascend",
        ),
        (
            {"late_credit": [{"max_days_late": 1, "credit": "1"}]},
            "policy.late_credit.0.credit",
            "less than 1",
        ),
        ({"targets": {"speed": "50"}}, "policy", "targets name no component of this policy"),
        ({"targets": {"on_time": "101"}}, "policy.targets.on_time", "less than or equal to 100"),
    ],
    ids=[
        "grades-order",
        "grades-floor",
        "weight-range",
        "weights-zero",
        "window-order",
        "timezone",
        "unknown-field",
        "version-name",
        "signal-component",
        "extra-clash",
        "tier-order",
        "late-credit-steps",
        "late-credit-order",
        "late-credit-share",
        "target-component",
        "target-range",
    ],
)
def test_each_kind_of_bad_policy_is_named(v2: Lambdas, change: dict[str, Any], field: str, says: str) -> None:
    status, error = post_version(v2, _bad(change))
    assert status == 422, error
    assert error["error"]["code"] == "validation_failed"
    details = error["error"]["details"]
    assert any(d["field"].startswith(field) and says in d["message"] for d in details), details
    assert [v["version"] for v in versions(v2)["versions"]] == ["v1", "v2", "v3"]  # nothing stored


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (
            {"version": CANDIDATE, "effective_from": "2026-11-01"},
            "effective_from",
            "before today (2026-11-02)",
        ),
        (
            {"version": CANDIDATE, "effective_from": "2027-11-04"},
            "effective_from",
            "more than 366 days ahead",
        ),
        ({"version": "v9", "effective_from": "2026-11-03"}, "version", "policy version v9 is unknown"),
    ],
    ids=["past", "too-far", "unknown-version"],
)
def test_an_adoption_is_refused_with_a_reason(
    v2: Lambdas, body: dict[str, Any], field: str, says: str
) -> None:
    assert post_version(v2, sample_body("api_post_policy_version"))[0] == 201
    status, error = adopt(v2, body)
    assert status == 422, error
    assert says in error["error"]["message"]
    assert error["error"]["details"] == [{"field": field}]
    assert versions(v2)["adoptions"] == []


def test_a_partner_may_not_adopt_even_with_a_broken_body(v2: Lambdas) -> None:
    """Roles before bodies: a partner gets 403 whatever it sends."""
    event = api_event("api_put_policy_active", caller=caller("partner", PARTNER), raw_body="{not json")
    response = v2.api(event)
    assert response["statusCode"] == 403, response["body"]


def test_runs_before_the_adoption_day_keep_the_old_version(v2: Lambdas, table: str) -> None:
    seed(v2)
    assert post_version(v2, sample_body("api_post_policy_version"))[0] == 201

    assert v2.daily({"as_of": "2026-11-02"})["failed"] == []
    before = score_item(table)
    assert before["policy_version"] == "v2"

    status, adoption = adopt(v2, sample_body("api_put_policy_active"))  # from 2026-11-03
    assert status == 200, adoption
    assert (adoption["version"], adoption["effective_from"], adoption["adopted_by"]) == (
        CANDIDATE,
        "2026-11-03",
        "ops",
    )
    assert adoption["reason"] == "approved by the partner council on 2026-11-01"
    listed = versions(v2)
    assert listed["active"] == {"version": "v2", "effective_from": None}  # today is still v2
    assert [a["version"] for a in listed["upcoming"]] == [CANDIDATE]
    assert [a["version"] for a in listed["adoptions"]] == [CANDIDATE]
    policy_today = v2.api(api_event("api_get_policy"))
    assert response_json(policy_today)["version"] == "v2"

    assert v2.daily({"as_of": "2026-11-03"})["failed"] == []
    after = score_item(table)
    assert after["policy_version"] == CANDIDATE
    # Same evidence (the window is the same 12 jobs, 4 of them late), another weighting: on-time and
    # quality weigh 0.60/0.30 instead of 0.45/0.35, and on-time is the weak component here.
    assert after["components"]["on_time"]["value"] == before["components"]["on_time"]["value"]
    assert after["components"]["on_time"]["weight"] == 0.6
    assert after["score"] < before["score"]

    # Re-running the day before the adoption reproduces its score under its own version.
    assert v2.daily({"as_of": "2026-11-02"})["failed"] == []
    point = history_point(table, "2026-11-02")
    assert (point["score"], point["policy_version"]) == (before["score"], "v2")
    assert history_point(table, "2026-11-03")["policy_version"] == CANDIDATE
    assert score_item(table)["as_of"] == "2026-11-03"  # the backfill left the current score alone
