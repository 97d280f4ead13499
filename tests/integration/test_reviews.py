"""Reviews and policy routes through the real API handler: a partner asks, ops adjust by excluding
a job, the partner is rescored at once; a candidate policy's effect is simulated."""

from __future__ import annotations

from typing import Any

from integration_support import Lambdas, get_item
from lambda_events import api_event, caller, load_event, response_json

OPS = caller("ops")


def call(lambdas: Lambdas, event: dict[str, Any]) -> tuple[int, Any]:
    response = lambdas.api(event)
    return int(response["statusCode"]), response_json(response)


def seed(lambdas: Lambdas) -> float:
    """acme-01 with the sample events (J-101 three days late with a defect), scored as of 2026-11-01."""
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1
    status, score = call(lambdas, load_event("api_get_score"))
    assert status == 200
    return float(score["score"])


def resolution(review_id: str, **body: Any) -> dict[str, Any]:
    path = f"/v1/reviews/{review_id}/resolution"
    event = api_event("api_post_resolution", path=path, path_parameters={"review_id": review_id})
    if body:
        event = api_event(
            "api_post_resolution", path=path, path_parameters={"review_id": review_id}, body=body
        )
    return event


def test_a_partner_asks_ops_adjust_and_the_score_follows(lambdas: Lambdas, table: str) -> None:
    before = seed(lambdas)
    assert before == 74.2  # the sample's score (tests/integration/test_api_handlers.py works it out)

    status, review = call(lambdas, load_event("api_post_review"))
    assert status == 201
    assert (review["status"], review["job_ids"], review["requested_by"]) == (
        "open",
        ["J-101"],
        "partner:acme-01",
    )

    status, listed = call(lambdas, load_event("api_get_reviews"))
    assert status == 200
    assert [r["review_id"] for r in listed["reviews"]] == [review["review_id"]]

    status, resolved = call(lambdas, resolution(review["review_id"]))
    assert status == 200
    assert resolved["review"]["status"] == "adjusted"
    assert resolved["review"]["excluded_job_ids"] == ["J-101"]
    assert resolved["rescored"]["scored"] == 1
    # Without the late, defective J-101 only the on-time J-100 counts: the score must rise.
    assert resolved["score"] > before
    job = get_item(table, "PARTNER#acme-01", "JOB#J-101")
    assert job is not None and job["excluded"] == {"BOOL": True}

    status, jobs = call(lambdas, load_event("api_get_jobs_late"))
    assert status == 200
    assert jobs["jobs"] == []  # an excluded job is ignored everywhere

    status, score = call(lambdas, load_event("api_get_score"))
    assert score["score"] == resolved["score"]
    assert "J-101" not in [entry["job_id"] for entry in score["ledger"]]

    status, again = call(lambdas, resolution(review["review_id"]))
    assert status == 409
    assert again["error"]["code"] == "conflict"


def test_an_unknown_job_rejects_the_whole_resolution(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    _, review = call(lambdas, load_event("api_post_review"))
    excluded = ["NOPE-2", "J-101", "NOPE-1"]
    status, body = call(
        lambdas, resolution(review["review_id"], decision="adjusted", excluded_job_ids=excluded)
    )
    assert status == 422
    assert body["error"]["code"] == "validation_failed"
    # Each unknown id named in its own details entry, as a review request's 422 does (sorted: the
    # resolution stores its excluded ids sorted).
    assert body["error"]["details"] == [
        {"field": "excluded_job_ids", "job_id": "NOPE-1"},
        {"field": "excluded_job_ids", "job_id": "NOPE-2"},
    ]
    assert "NOPE-1" in body["error"]["message"] and "NOPE-2" in body["error"]["message"]
    assert "excluded" not in (get_item(table, "PARTNER#acme-01", "JOB#J-101") or {})
    _, listed = call(lambdas, load_event("api_get_reviews"))
    assert listed["reviews"][0]["status"] == "open"  # nothing of the resolution was written


def test_upheld_excludes_nothing_and_adjusted_needs_a_job(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    _, review = call(lambdas, load_event("api_post_review"))
    rid = review["review_id"]
    assert call(lambdas, resolution(rid, decision="upheld", excluded_job_ids=["J-101"]))[0] == 422
    assert call(lambdas, resolution(rid, decision="adjusted", excluded_job_ids=[]))[0] == 422
    status, upheld = call(lambdas, resolution(rid, decision="upheld", note="the delay was ours"))
    assert status == 200
    assert (upheld["review"]["status"], upheld["rescored"], upheld["score"]) == ("upheld", None, 74.2)


def test_only_ops_resolve_and_partners_see_only_their_reviews(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    _, review = call(lambdas, load_event("api_post_review"))
    partner = caller("partner", "acme-01")
    path = f"/v1/reviews/{review['review_id']}/resolution"
    event = api_event("api_post_resolution", path=path, caller=partner)
    assert call(lambdas, event)[0] == 403
    other = api_event("api_get_reviews", caller=caller("partner", "other-02"))
    assert call(lambdas, other)[0] == 403
    assert call(lambdas, resolution("rv-unknown"))[0] == 404


def test_the_policy_and_a_simulation(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    status, policy = call(lambdas, load_event("api_get_policy"))
    assert status == 200
    assert policy["version"] == "v1"
    assert [t["min"] for t in policy["tiers"]] == ["92", "85", "70", "0"]

    # The candidate raises "standard" to 75: acme-01's 74.2 drops to probation; the grade (C) stays.
    status, simulation = call(lambdas, load_event("api_post_policy_simulate"))
    assert status == 200
    assert simulation["candidate_policy_version"] == "v2-candidate"
    assert simulation["partners_evaluated"] == 1
    assert (simulation["grade_changes"], simulation["tier_changes"]) == (0, 1)
    (change,) = simulation["changes"]
    assert change["partner_id"] == "acme-01"
    assert (change["current"]["tier"], change["candidate"]["tier"]) == ("standard", "probation")
    assert change["current"]["score"] == change["candidate"]["score"] == 74.2


def test_a_malformed_candidate_policy_is_422(lambdas: Lambdas, table: str) -> None:
    event = api_event("api_post_policy_simulate", body={"policy": {"version": "v9"}})
    status, body = call(lambdas, event)
    assert status == 422
    assert body["error"]["code"] == "validation_failed"
