"""POST /v1/policy/simulate scores a candidate's signals from the partner's stored activity, as the
daily run does (one truth): it read jobs and requests only, so a declared metric was absent and
capacity_current 0 in every simulation."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from integration_support import NOW, Lambdas, get_item, job_events
from lambda_events import api_event, response_json
from scorecard.adapters.evidence_repository import EvidenceRepository
from scorecard.adapters.score_repository import ScoreRepository, score_document
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.services.daily import score_partners

PARTNER = "sim-sig-01"
AS_OF = date(2026, 10, 20)
CANDIDATE = ScoringPolicy.model_validate(
    load_policy("v2").model_dump()
    | {
        "version": "v2-signals",
        "extra_weights": {"nps": "0.1"},
        "signals": [
            {"name": "nps", "source": "metric", "component": "nps"},
            {"name": "capacity_current", "source": "capacity_current", "component": "engagement"},
        ],
    }
)


def activity(kind: str, event_id: str, occurred_at: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "type": kind, "partner_id": PARTNER, "occurred_at": occurred_at, **fields}


def test_a_simulation_reads_the_signals_the_daily_run_reads(lambdas: Lambdas, table: str) -> None:
    events = job_events(
        PARTNER, "J1", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 10)
    )
    events += [
        activity("partner.capacity_updated", "ss:cap", "2026-10-19T08:00:00Z"),
        activity("partner.metric_recorded", "ss:nps-1", "2026-09-30T08:00:00Z", metric="nps", value="90"),
        activity("partner.metric_recorded", "ss:nps-2", "2026-10-12T08:00:00Z", metric="nps", value="40"),
    ]
    assert lambdas.ingest(api_event("api_post_events", body={"events": events}))["statusCode"] == 200

    body = {"policy": CANDIDATE.model_dump(mode="json"), "as_of": AS_OF.isoformat()}
    response = lambdas.api(api_event("api_post_policy_simulate", body=body))
    assert response["statusCode"] == 200, response["body"]
    (change,) = response_json(response)["changes"]
    # v1 (in force here): on time, communication and engagement all 100 -> 100, A.
    # The candidate: engagement = mean(read 100, answered 100, capacity 1 of 4 weeks = 25) = 75; nps: the
    # latest value by 10-20, 40. (0.45 x 100 + 0.10 x 100 + 0.10 x 75 + 0.10 x 40) / 0.75 = 88.7, B.
    # (Without the activity: engagement mean(100, 100, 0) = 66.7, nps absent -> 94.9, A: no change.)
    assert (change["partner_id"], change["current"]["score"], change["candidate"]["score"]) == (
        PARTNER,
        100.0,
        88.7,
    )
    assert (change["current"]["grade"], change["candidate"]["grade"]) == ("A", "B")

    # the daily run, under the candidate, from the same evidence: the same score
    assert (
        score_partners(
            EvidenceRepository(table), ScoreRepository(table), [PARTNER], AS_OF, CANDIDATE, NOW
        ).failed
        == []
    )
    item = get_item(table, f"PARTNER#{PARTNER}", "SCORE")
    assert item is not None
    assert json.loads(score_document(item))["score"] == change["candidate"]["score"]
