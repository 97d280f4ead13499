"""One truth: under an adopted policy with a metric signal, the daily run, simulate and the jobs list
give the same score, grade, tier and job effects (services/scoring.score_day is their one path).

Before, simulate and /jobs scored without the activity signals: the daily run gave 71.2 C and job
effects of about 26.5 points while simulate and /jobs gave 65.4 D and about 34.6."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from integration_support import Lambdas, get_item, job_events
from lambda_events import api_event, caller, response_json
from scorecard.adapters.score_repository import score_document
from scorecard.domain.policy import load_policy

PARTNER = "one-01"
TODAY = "2026-11-02"  # integration_support.NOW


def _signal_policy(version: str, nps_weight: str) -> dict[str, Any]:
    policy: dict[str, Any] = load_policy("v2").model_dump(mode="json")
    return policy | {
        "version": version,
        "extra_weights": {"nps": nps_weight},
        "signals": [{"name": "nps", "source": "metric", "component": "nps"}],
    }


def _seed(lambdas: Lambdas) -> None:
    """10 jobs in October, the first 3 shipped 4 days late; an NPS of 10 recorded on 10-20."""
    events: list[dict[str, Any]] = []
    for j in range(10):
        offered = date(2026, 10, 1) + timedelta(days=2 * j)
        due = offered + timedelta(days=7)
        shipped = due + timedelta(days=4) if j < 3 else due - timedelta(days=1)
        events += job_events(PARTNER, f"J{j}", offered=offered, due=due, shipped=shipped, inspected=2)
    events.append(
        {
            "event_id": f"{PARTNER}:nps",
            "type": "partner.metric_recorded",
            "partner_id": PARTNER,
            "occurred_at": "2026-10-20T08:00:00Z",
            "metric": "nps",
            "value": "10",
        }
    )
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]


def _ok(response: dict[str, Any]) -> Any:
    assert response["statusCode"] in (200, 201), response["body"]
    return response_json(response)


def test_daily_simulate_and_jobs_agree_under_an_adopted_metric_signal(lambdas: Lambdas, table: str) -> None:
    _seed(lambdas)
    adopted = _signal_policy("nps-heavy", "1.0")
    _ok(lambdas.api(api_event("api_post_policy_version", body={"policy": adopted, "note": "nps counts"})))
    adoption = {"version": "nps-heavy", "effective_from": TODAY, "reason": "one truth"}
    _ok(lambdas.api(api_event("api_put_policy_active", body=adoption)))

    assert lambdas.daily({"as_of": TODAY})["failed"] == []
    item = get_item(table, f"PARTNER#{PARTNER}", "SCORE")
    assert item is not None
    daily = json.loads(score_document(item))
    assert daily["policy_version"] == "nps-heavy"
    # The signal is in the score: NPS 10 weighs as much as the four components together, so the
    # score is about (the v2 score + 10) / 2 and well below the v2 score alone.
    assert daily["components"]["nps"]["value"] == 10.0

    # Simulate plain v2 as the candidate: `current` is the adopted version, scored the simulate way.
    candidate = load_policy("v2").model_dump(mode="json") | {"version": "plain-v2"}
    simulation = _ok(
        lambdas.api(api_event("api_post_policy_simulate", body={"policy": candidate, "as_of": TODAY}))
    )
    assert simulation["current_policy_version"] == "nps-heavy"
    [change] = [c for c in simulation["changes"] if c["partner_id"] == PARTNER]
    assert change["current"] == {
        "score": daily["score"],
        "grade": daily["grade"],
        "tier": daily["tier"],
        "provisional": daily["provisional"],
    }
    assert change["candidate"]["score"] > daily["score"]  # without the low NPS

    # Each job's effect in the jobs list is its effect in the daily score's ledger.
    jobs = _ok(
        lambdas.api(
            api_event(
                "api_get_jobs_late",
                caller=caller("partner", PARTNER),
                path=f"/v1/partners/{PARTNER}/jobs",
                path_parameters={"id": PARTNER},
                query={"filter": "all"},
            )
        )
    )
    listed = {job["job_id"]: job["score_effect"] for job in jobs["jobs"] if job["counts"]}
    ledger = {entry["job_id"]: entry["effect"] for entry in daily["ledger"]}
    assert listed == ledger and len(ledger) == 10
    late = [ledger[f"J{j}"] for j in range(3)]
    assert all(effect < 0 for effect in late)
