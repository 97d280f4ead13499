"""Policy v3 (the default) through the handlers: an open overdue job 37 days past its due date is
still in the score and in `/jobs?filter=late` (status overdue, days late to the day scored), the stored
score shows each component's target, and the score and its history point name v3. The same evidence
under v2 (POLICY_VERSION=v2) lets the job age out."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import Lambdas, get_item, job_events
from lambda_events import api_event, caller, response_json
from scorecard.adapters.score_repository import score_document as document_json

PARTNER = "late-v3"
OWN = caller("partner", PARTNER)
AS_OF = date(2026, 11, 1)  # the day scored (today in these tests is 2026-11-02)


def seed(lambdas: Lambdas) -> None:
    """Ten on-time jobs shipped 10-23..11-01 (a plain window 10-03..11-01) and OVERDUE: due 09-25, 1 of
    its 2 parts shipped on 09-24, the other never."""
    events: list[dict[str, Any]] = []
    for n in range(10):
        shipped = AS_OF - timedelta(days=n)
        events += job_events(
            PARTNER, f"OK-{n}", offered=shipped - timedelta(days=9), due=shipped, shipped=shipped
        )
    overdue = job_events(
        PARTNER, "OVERDUE", offered=date(2026, 9, 15), due=date(2026, 9, 25), shipped=date(2026, 9, 24)
    )
    next(e for e in overdue if e["type"] == "job.shipped")["parts_shipped"] = 1  # of 2
    events += overdue
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]
    assert lambdas.daily({"as_of": AS_OF.isoformat()})["failed"] == []


def get(lambdas: Lambdas, path: str, query: dict[str, str] | None = None) -> Any:
    event = api_event("api_get_jobs_late", caller=OWN, path=f"/v1/partners/{PARTNER}{path}", query=query)
    response = lambdas.api(event)
    assert response["statusCode"] == 200, response["body"]
    return response_json(response)


def stored_score(table: str) -> dict[str, Any]:
    item = get_item(table, f"PARTNER#{PARTNER}", "SCORE")
    assert item is not None
    document: dict[str, Any] = json.loads(document_json(item))
    return document


def test_an_open_overdue_job_stays_in_the_score_and_the_late_jobs(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_VERSION", "v3")  # the deployment's default (template.yaml); tests pin v1
    seed(lambdas)
    document = stored_score(table)
    # 11 jobs of value 100: on_time = 100 x 100 / 110 = 90.909..; communication = engagement = 100
    # (OVERDUE's offer, 09-15, is before the window); (0.45 x 90.909.. + 10 + 10) / 0.65 = 93.7
    assert (document["score"], document["grade"], document["policy_version"]) == (93.7, "A", "v3")
    assert {
        name: (c["value"], c["target"], c["meets_target"]) for name, c in document["components"].items()
    } == {
        "on_time": (90.9, 90.0, True),
        "quality": (None, 95.0, None),
        "communication": (100.0, 80.0, True),
        "engagement": (100.0, 80.0, True),
    }
    entry = next(e for e in document["ledger"] if e["job_id"] == "OVERDUE")
    assert (entry["days_late"], entry["effect"]) == (37, -6.3)  # 11-01 - 09-25; 93.7 - 100.0
    late = get(lambdas, "/jobs", {"filter": "late"})["jobs"]
    assert [
        (j["job_id"], j["status"], j["days_late"], j["parts_shipped"], j["counts"], j["score_effect"])
        for j in late
    ] == [("OVERDUE", "overdue", 37, 1, True, -6.3)]
    history = get(lambdas, "/score/history", {"from": "2026-11-01", "to": "2026-11-01"})["points"]
    assert [(p["date"], p["score"], p["policy_version"]) for p in history] == [("2026-11-01", 93.7, "v3")]


def test_under_v2_the_same_job_aged_out(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """v2 completed it on 09-26, before the window 10-03..11-01: it neither costs points nor shows."""
    monkeypatch.setenv("POLICY_VERSION", "v2")
    seed(lambdas)
    document = stored_score(table)
    assert (document["score"], document["policy_version"]) == (100.0, "v2")
    assert {c["target"] for c in document["components"].values()} == {None}
    assert get(lambdas, "/jobs", {"filter": "late"})["jobs"] == []
