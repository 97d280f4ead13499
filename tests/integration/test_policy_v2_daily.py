"""Policy v2 through the handlers: the profile timezone reaches the scoring, a partner without a
score is placed at standard, and the stored score carries its tier's benefits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from integration_support import Lambdas, get_item, job_events
from lambda_events import api_event

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
    document: dict[str, Any] = json.loads(item["doc"]["S"])
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
