"""Policy v3 rule 1 for a job nobody touches again: accepted, one of its two parts shipped, then
nothing for 254 days. The daily run reads a partner's jobs by the age of their events (the 180-day
cap, and 60 days of margin), so without more the job fell out of the evidence, and the score, once
its last event was older than that: not shipping hid the job. The daily run now marks an outstanding
job untouched for 90 days (PARTNER#<pid> / OPEN#<job>), every read takes it whatever its age, and
the mark goes once the job ships."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from integration_support import Lambdas, at, get_item, on_time_jobs, partly_shipped_job
from lambda_events import api_event, caller, response_json
from scorecard.platform import settings

PARTNER = "stale-v3"
OWN = caller("partner", PARTNER)
AS_OF = date(2026, 11, 1)  # the day scored last (today in these tests is 2026-11-02)
MARKER = ("PARTNER#" + PARTNER, "OPEN#STALE")


def seed(lambdas: Lambdas) -> None:
    """Ten on-time jobs shipped 10-23..11-01 (a plain window 10-03..11-01) and STALE: offered and
    accepted 02-01, due 02-20, 1 of its 2 parts shipped 02-10 (its last event), the other never."""
    events = on_time_jobs(PARTNER, AS_OF)
    events += partly_shipped_job(
        PARTNER, "STALE", offered=date(2026, 2, 1), due=date(2026, 2, 20), shipped=date(2026, 2, 10)
    )
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]


def run_daily(lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch, today: date) -> None:
    """The daily run of the day before `today`, on `today` at 06:00 UTC."""
    monkeypatch.setattr(
        settings, "utc_now", lambda: datetime(today.year, today.month, today.day, 6, tzinfo=UTC)
    )
    report = lambdas.daily({"as_of": (today - timedelta(days=1)).isoformat()})
    assert report["failed"] == [], report


def late_jobs(lambdas: Lambdas) -> list[tuple[str, str, int, bool, float]]:
    event = api_event(
        "api_get_jobs_late", caller=OWN, path=f"/v1/partners/{PARTNER}/jobs", query={"filter": "late"}
    )
    response = lambdas.api(event)
    assert response["statusCode"] == 200, response["body"]
    return [
        (j["job_id"], j["status"], j["days_late"], j["counts"], j["score_effect"])
        for j in response_json(response)["jobs"]
    ]


def month_to_date(lambdas: Lambdas, month: str) -> Any:
    path = f"/v1/partners/{PARTNER}/snapshots/{month}"
    params = {"partner_id": PARTNER, "month": month}
    response = lambdas.api(api_event("api_get_score", caller=OWN, path=path, path_parameters=params))
    assert response["statusCode"] == 200, response["body"]
    return response_json(response)


def score(lambdas: Lambdas) -> float:
    event = api_event("api_get_score", caller=OWN, path=f"/v1/partners/{PARTNER}/score")
    response = lambdas.api(event)
    assert response["statusCode"] == 200, response["body"]
    value: float = response_json(response)["score"]
    return value


def test_an_outstanding_job_untouched_for_254_days_still_counts_late_until_it_ships(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_VERSION", "v3")  # the deployment's default; these tests pin v1
    seed(lambdas)
    run_daily(lambdas, monkeypatch, date(2026, 5, 16))  # STALE untouched for 95 days: marked
    assert get_item(table, *MARKER) is not None

    run_daily(lambdas, monkeypatch, AS_OF + timedelta(days=1))
    # Read from 05-06 (60 days of margin: 03-07), so only the mark brings STALE in. 11 jobs of value
    # 100: on_time = 100 x 10 / 11 = 90.909..; communication = engagement = 100 (STALE's offer is
    # before the window); (0.45 x 90.909.. + 10 + 10) / 0.65 = 93.7. Without the mark: 100.0.
    assert score(lambdas) == 93.7
    assert late_jobs(lambdas) == [("STALE", "overdue", 254, True, -6.3)]  # 11-01 - 02-20
    # The month to date lists it as overdue too: the snapshot keeps the jobs the mark keeps read.
    projection = month_to_date(lambdas, "2026-11")
    assert projection["status"] == "projection"
    assert [(o["job_id"], o["parts_outstanding"]) for o in projection["overdue_jobs"]] == [("STALE", 1)]

    shipped = {
        "event_id": f"{PARTNER}:STALE:shipped-rest",
        "type": "job.shipped",
        "partner_id": PARTNER,
        "job_id": "STALE",
        "occurred_at": at(AS_OF, 8),
        "parts_shipped": 1,
    }
    response = lambdas.ingest(api_event("api_post_events", body={"events": [shipped]}))
    assert response["statusCode"] == 200, response["body"]
    run_daily(lambdas, monkeypatch, AS_OF + timedelta(days=1))  # the day again, the shipment with it
    assert get_item(table, *MARKER) is None  # shipped: read by its last event now, mark released
    assert score(lambdas) == 93.7  # completed 254 days late on 11-01: the same weight, late
    assert late_jobs(lambdas) == [("STALE", "completed", 254, True, -6.3)]


def test_a_job_that_ships_within_90_days_is_never_marked(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_VERSION", "v3")
    seed(lambdas)
    run_daily(lambdas, monkeypatch, date(2026, 5, 10))  # untouched for 89 days: not yet
    assert get_item(table, *MARKER) is None
