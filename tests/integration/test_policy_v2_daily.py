"""Policy v2 through the handlers: the profile timezone reaches the scoring, a partner without a
score is placed at standard, and the stored score carries its tier's benefits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from integration_support import NOW, Lambdas, PartnerData, get_item, job_events, scan_all
from lambda_events import api_event
from scorecard.adapters.aws import client
from scorecard.adapters.score_repository import score_document as document_json
from scorecard.domain.calendar import VALIDATION_NOW
from scorecard.domain.events import AggregateKind, Event, EventBatch, event_json
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.services.daily import score_partners

PARTNER = "chi-01"


@pytest.fixture
def v2(lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch) -> Lambdas:
    monkeypatch.setenv("POLICY_VERSION", "v2")
    return lambdas


def put_partner(lambdas: Lambdas, partner_id: str, timezone: str | None) -> None:
    body: dict[str, Any] = {"name": "Chicago Turning"} | ({"timezone": timezone} if timezone else {})
    event = api_event(
        "api_put_partner", body=body, path=f"/v1/partners/{partner_id}", path_parameters={"id": partner_id}
    )
    assert lambdas.api(event)["statusCode"] in (200, 201)


def evening_shipment(partner_id: str) -> list[dict[str, Any]]:
    """Due 10-15, shipped 2026-10-16T00:30Z: 19:30 on 10-15 in Chicago (CDT, UTC-5)."""
    events = job_events(
        partner_id, "J1", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 16)
    )
    shipped = next(e for e in events if e["type"] == "job.shipped")
    shipped["occurred_at"] = "2026-10-16T00:30:00Z"
    return events


def score_document(table: str, partner_id: str) -> dict[str, Any]:
    item = get_item(table, f"PARTNER#{partner_id}", "SCORE")
    assert item is not None
    document: dict[str, Any] = json.loads(document_json(item))
    return document


@pytest.mark.parametrize(
    ("timezone", "on_time", "tier"),
    [
        ("America/Chicago", 100.0, "preferred"),  # 100.0 but provisional: elite needs a final score
        (None, 0.0, "standard"),  # 30.8, provisional: never below standard under v2
    ],
)
def test_the_profile_timezone_decides_on_time(
    v2: Lambdas, table: str, timezone: str | None, on_time: float, tier: str
) -> None:
    put_partner(v2, PARTNER, timezone)
    response = v2.ingest(api_event("api_post_events", body={"events": evening_shipment(PARTNER)}))
    assert response["statusCode"] == 200, response["body"]
    assert v2.daily({"as_of": "2026-10-20"})["failed"] == []
    document = score_document(table, PARTNER)
    assert document["policy_version"] == "v2"
    assert document["components"]["on_time"]["value"] == on_time
    assert (document["tier"], document["provisional"], document["benefits"]) == (tier, True, [])


def test_a_partner_without_a_score_is_standard(v2: Lambdas, table: str) -> None:
    put_partner(v2, "new-01", None)
    report = v2.daily({"as_of": "2026-10-20"})
    assert (report["scored"], report["without_score"], report["failed"]) == (0, 1, [])
    document = score_document(table, "new-01")
    assert (document["score"], document["tier"]) == (None, "standard")


NPS_AND_CAPACITY = ScoringPolicy.model_validate(
    load_policy("v2").model_dump()
    | {
        "extra_weights": {"nps": "0.1"},
        "signals": [
            {"name": "nps", "source": "metric", "component": "nps"},
            {"name": "capacity_current", "source": "capacity_current", "component": "engagement"},
        ],
    }
)


@pytest.mark.parametrize("layout_before", [False, True], ids=["per-event", "month-items-before"])
def test_declared_signals_read_the_stored_activity(lambdas: Lambdas, table: str, layout_before: bool) -> None:
    """Activity events go through ingestion into their items (keys.py); a policy declaring signals reads
    them back (load_activity) for the daily score. Activity stored as it was before the per-event
    layout (a month item holding events up to a budget, overflow items past it) is read the same."""
    partner = "sig-01"
    events = job_events(
        partner, "J1", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 10)
    )
    common = {"partner_id": partner}
    events += [
        {
            **common,
            "event_id": "sig:cap",
            "type": "partner.capacity_updated",
            "occurred_at": "2026-10-19T08:00:00Z",
        },
        {
            **common,
            "event_id": "sig:nps-1",
            "type": "partner.metric_recorded",
            "occurred_at": "2026-09-30T08:00:00Z",
            "metric": "nps",
            "value": "90",
        },
        {
            **common,
            "event_id": "sig:nps-2",
            "type": "partner.metric_recorded",
            "occurred_at": "2026-10-12T08:00:00Z",
            "metric": "nps",
            "value": "40",
            "period": "2026-10",
        },
        {
            **common,
            "event_id": "sig:late",
            "type": "partner.metric_recorded",
            "occurred_at": "2026-10-21T08:00:00Z",
            "metric": "nps",
            "value": "0",
        },  # after the day scored
    ]
    if layout_before:
        # the job's events through ingestion; the activity as month items of the layout before: the
        # first event of a month on the month item, flagged `overflow`, each later one its own item
        jobs = [e for e in events if "job_id" in e]
        response = lambdas.ingest(api_event("api_post_events", body={"events": jobs}))
        assert response["statusCode"] == 200, response["body"]
        batch = EventBatch.model_validate({"events": events}, context={VALIDATION_NOW: NOW})
        months: dict[str, list[Event]] = {}
        for event in batch.events:
            if event.aggregate == AggregateKind.ACTIVITY:
                months.setdefault(event.aggregate_id, []).append(event)
        pk = {"S": f"PARTNER#{partner}"}
        dynamodb = client("dynamodb")
        for month, (first, *later) in months.items():
            month_item = {"PK": pk, "SK": {"S": f"ACT#{month}"}, "ev": {"SS": [event_json(first)]}}
            dynamodb.put_item(TableName=table, Item=month_item | {"overflow": {"BOOL": True}})
            for event in later:
                overflow = {"S": f"ACT#{month}#EV#{event.event_id}"}
                dynamodb.put_item(
                    TableName=table, Item={"PK": pk, "SK": overflow, "ev": {"SS": [event_json(event)]}}
                )
        new_layout = ("ACTD#", "ACTE#", "ACT#2026-10#M#")
        assert not [item for item in scan_all(table) if item["SK"]["S"].startswith(new_layout)]
    else:
        response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
        assert response["statusCode"] == 200, response["body"]

    repository = PartnerData(table)
    report = score_partners(repository, repository, [partner], date(2026, 10, 20), NPS_AND_CAPACITY, NOW)
    assert report.failed == []
    document = score_document(table, partner)
    components = {name: c["value"] for name, c in document["components"].items()}
    # one on-time job: on_time 100, communication 100; engagement = mean(read 100, answered 100,
    # capacity: 1 of 4 weeks = 25) = 75; nps: the latest value by 10-20 is 40 -> 40
    # score = (0.45 x 100 + 0.10 x 100 + 0.10 x 75 + 0.10 x 40) / 0.75 = 66.5 / 0.75 = 88.666.. -> 88.7
    assert components == {
        "on_time": 100.0,
        "quality": None,
        "communication": 100.0,
        "engagement": 75.0,
        "nps": 40.0,
    }
    assert document["score"] == 88.7


def test_a_delay_report_through_ingestion_earns_notice_credit(v2: Lambdas, table: str) -> None:
    partner = "notice-01"
    late = job_events(
        partner, "LATE", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 17)
    )
    notice = {
        "event_id": "notice-01:LATE:delay",
        "type": "job.delay_reported",
        "partner_id": partner,
        "job_id": "LATE",
        "occurred_at": "2026-10-12T09:00:00Z",  # 63 h before 10-15 begins (UTC partner)
        "expected_ship_date": "2026-10-17",
        "reason": "material certificate delayed by the mill",
    }
    ok = job_events(
        partner, "OK", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 10)
    )
    response = v2.ingest(api_event("api_post_events", body={"events": [*late, notice, *ok]}))
    assert response["statusCode"] == 200, response["body"]
    too_long = {**notice, "event_id": "notice-01:LATE:delay-2", "reason": "x" * 2001}
    refused = v2.ingest(api_event("api_post_events", body={"events": [too_long]}))
    assert refused["statusCode"] == 422
    assert v2.daily({"as_of": "2026-10-20"})["failed"] == []
    document = score_document(table, partner)
    # on_time = 100 x (10 + 0.5 x 10) / 20 = 75 (both jobs worth 100: weight 10)
    assert document["components"]["on_time"]["value"] == 75.0
    assert document["components"]["on_time"]["evidence"]["late_jobs_with_notice_credit"] == 1
    entry = next(e for e in document["ledger"] if e["job_id"] == "LATE")
    assert "delay reported in advance and the announced date kept: half credit" in entry["reasons"]
