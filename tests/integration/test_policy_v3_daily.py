"""Policy v3 (the default) through the handlers: an open overdue job 37 days past its due date is
still in the score and in `/jobs?filter=late` (status overdue, days late to the day scored), the stored
score shows each component's target, and the score and its history point name v3. The same evidence
under v2 (POLICY_VERSION=v2) lets the job age out. The other two findings measured under v2, through
the handlers: a platform cancellation of a job 15 days overdue (v2: 100.0 A) priced alike by the daily
run, the job's story and a simulation; a provisional partner promoted on one good day (v2: preferred
at 65.4 D for good) demoted after three runs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from integration_support import Lambdas, get_item, job_events, on_time_jobs, partly_shipped_job
from lambda_events import api_event, caller, response_json
from scorecard.adapters.score_repository import score_document as document_json
from scorecard.domain.policy import load_policy

PARTNER = "late-v3"
OWN = caller("partner", PARTNER)
AS_OF = date(2026, 11, 1)  # the day scored (today in these tests is 2026-11-02)


def seed(lambdas: Lambdas) -> None:
    """Ten on-time jobs shipped 10-23..11-01 (a plain window 10-03..11-01) and OVERDUE: due 09-25, 1 of
    its 2 parts shipped on 09-24, the other never."""
    events = on_time_jobs(PARTNER, AS_OF)
    events += partly_shipped_job(
        PARTNER, "OVERDUE", offered=date(2026, 9, 15), due=date(2026, 9, 25), shipped=date(2026, 9, 24)
    )
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


# ---- the findings of the v2 measurements, through the handlers under the default policy --------------

CANCELLED = "cancel-v3"


def seed_cancelled_overdue(lambdas: Lambdas) -> None:
    """Ten on-time jobs (value 100) shipped 10-01..10-10, each offered 9 days before; CANCELLED-1 offered
    10-01, due 10-15, 1 of its 2 parts shipped on 10-14, cancelled by the platform on 10-30 (15 days
    overdue). The daily run of 10-31."""
    events = on_time_jobs(CANCELLED, date(2026, 10, 10))
    job = job_events(
        CANCELLED, "LATE", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 14)
    )
    next(e for e in job if e["type"] == "job.shipped")["parts_shipped"] = 1
    job.append(
        {
            "event_id": f"{CANCELLED}:LATE:cancelled",
            "type": "job.cancelled",
            "partner_id": CANCELLED,
            "job_id": "LATE",
            "occurred_at": "2026-10-30T12:00:00Z",
            "cancelled_by": "platform",
        }
    )
    response = lambdas.ingest(api_event("api_post_events", body={"events": [*events, *job]}))
    assert response["statusCode"] == 200, response["body"]
    assert lambdas.daily({"as_of": "2026-10-31"})["failed"] == []


def ops_get(lambdas: Lambdas, path: str, query: dict[str, str] | None = None) -> Any:
    event = api_event("api_get_jobs_late", caller=caller("ops", ""), path=path, query=query)
    response = lambdas.api(event)
    assert response["statusCode"] == 200, response["body"]
    return response_json(response)


def test_finding_a_platform_cancellation_of_an_overdue_job_no_longer_gives_100_a(
    lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured under v2: 100.0 A, the job erased. Under v3 the daily run, the job's story and a
    simulation (v2 as the candidate) all price it the same way (one scoring path)."""
    monkeypatch.setenv("POLICY_VERSION", "v3")
    seed_cancelled_overdue(lambdas)
    score = ops_get(lambdas, f"/v1/partners/{CANCELLED}/score")
    # Window 10-02..10-31: OK-0..OK-8 (shipped 10-02..10-10) and LATE (completed late on 10-30), 10 jobs
    # of weight 10. on_time = 100 x 90 / 100 = 90; communication = 100 (every job had a status update
    # before its first shipment); engagement absent (every offer, 09-22..10-01, is before the window):
    # (0.45 x 90 + 0.10 x 100) / 0.55 = 50.5 / 0.55 = 91.818.. -> 91.8 A; without LATE 100, so -8.2.
    # Tier: 91.8 < 92, preferred.
    assert (score["score"], score["grade"], score["tier"], score["policy_version"]) == (
        91.8,
        "A",
        "preferred",
        "v3",
    )
    entry = next(e for e in score["ledger"] if e["job_id"] == "LATE")
    assert (entry["days_late"], entry["effect"]) == (15, -8.2)  # 10-30 - 10-15
    assert entry["reasons"][0] == "cancelled by platform 15 days past its due date (counts as late)"
    story = ops_get(lambdas, f"/v1/partners/{CANCELLED}/jobs/LATE")
    summary = story["job"]
    assert (summary["status"], summary["on_time"], summary["days_late"]) == ("completed", False, 15)
    assert (summary["counts"], summary["score_effect"], story["cancelled_by"]) == (True, -8.2, "platform")
    # v2 as the candidate: the cancellation erases the job; the window reaches back to the 10 on-time
    # jobs: 100.0 A, elite (a final score)
    simulate = api_event(
        "api_post_policy_simulate",
        body={"policy": json.loads(load_policy("v2").model_dump_json()), "as_of": "2026-10-31"},
    )
    response = lambdas.api(simulate)
    assert response["statusCode"] == 200, response["body"]
    (change,) = response_json(response)["changes"]
    assert (change["partner_id"], change["current"], change["candidate"]) == (
        CANCELLED,
        {"score": 91.8, "grade": "A", "tier": "preferred", "provisional": False},
        {"score": 100.0, "grade": "A", "tier": "elite", "provisional": False},
    )


FLOATING = "float-v3"


def test_finding_a_provisional_partner_no_longer_stays_preferred_at_65_4(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured under v2: promoted on one good day, `preferred` at 65.4 D for good. An on-time job
    shipped 10-01, a job due 10-15 shipped 10-16 (a day late); daily runs of 10-15..10-18."""
    monkeypatch.setenv("POLICY_VERSION", "v3")
    events = [
        *job_events(
            FLOATING, "A", offered=date(2026, 9, 25), due=date(2026, 10, 1), shipped=date(2026, 10, 1)
        ),
        *job_events(
            FLOATING, "LATE", offered=date(2026, 10, 5), due=date(2026, 10, 15), shipped=date(2026, 10, 16)
        ),
    ]
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]
    tiers = []
    for as_of in ("2026-10-15", "2026-10-16", "2026-10-17", "2026-10-18"):
        assert lambdas.daily({"as_of": as_of})["failed"] == []
        document = json.loads(document_json(get_item(table, f"PARTNER#{FLOATING}", "SCORE") or {}))
        tiers.append((as_of, document["score"], document["tier"], document["provisional"]))
    # 10-15: only A, 100.0 provisional: preferred (elite needs a final score). From 10-16: on_time 50,
    # communication and engagement 100 (both offers in the 180-day window, read and accepted):
    # (0.45 x 50 + 0.10 x 100 + 0.10 x 100) / 0.65 = 42.5 / 0.65 = 65.38.. -> 65.4 D, which places a
    # provisional partner at standard: warned on 10-16, demoted on the third run below (10-18).
    assert tiers == [
        ("2026-10-15", 100.0, "preferred", True),
        ("2026-10-16", 65.4, "preferred", True),
        ("2026-10-17", 65.4, "preferred", True),
        ("2026-10-18", 65.4, "standard", True),
    ]
    history = ops_get(
        lambdas, f"/v1/partners/{FLOATING}/score/history", {"from": "2026-10-15", "to": "2026-10-18"}
    )
    assert {p["policy_version"] for p in history["points"]} == {"v3"}
