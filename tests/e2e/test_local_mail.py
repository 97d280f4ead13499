"""The local stack's monthly job and outbox over HTTP (docs/architecture.md): `scorecard local` in a
subprocess, a partner and its events posted through the API, then POST /_local/run/monthly and GET
/_local/outbox. A posted job.received must be emailed with no manual step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from local_process import LocalClient, local_server
from scorecard.domain.snapshot import Month

pytestmark = pytest.mark.e2e

PARTNER = "mail-e2e-01"
EMAIL = "ops@mail-e2e.example"


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalClient]:
    with local_server(tmp_path_factory.mktemp("local-mail")) as base:
        yield LocalClient(base, PARTNER)


def at(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def events(month: Month) -> list[dict[str, Any]]:
    """One job offered, accepted, shipped on time and received in `month`."""
    first = month.first_day
    common = {"partner_id": PARTNER, "job_id": "M-1"}
    return [
        {"event_id": "mail-e2e:M-1:o", "type": "job.offered", **common, "occurred_at": at(first, 9),
         "value": "250.00", "part_count": 4, "due_date": (first + timedelta(days=20)).isoformat()},
        {"event_id": "mail-e2e:M-1:a", "type": "job.accepted", **common, "occurred_at": at(first, 10)},
        {"event_id": "mail-e2e:M-1:s", "type": "job.shipped", **common,
         "occurred_at": at(first + timedelta(days=10), 12), "parts_shipped": 4},
        {"event_id": "mail-e2e:M-1:r", "type": "job.received", **common,
         "occurred_at": at(first + timedelta(days=12), 12)},
    ]  # fmt: skip


def test_received_parts_then_the_monthly_snapshot(local: LocalClient) -> None:
    month = Month.of(datetime.now(UTC).date()).previous()
    status, _ = local.call("PUT", f"/v1/partners/{PARTNER}", {"name": "Mail <E2E> Works", "email": EMAIL})
    assert status in (200, 201)
    status, body = local.call("POST", "/v1/events", {"events": events(month)}, role="service")
    assert (status, body["recorded"]) == (200, 4)

    # the job.received is emailed with no manual step (the local stand-in for the SQS poller)
    status, outbox = local.call("GET", "/_local/outbox", role=None)
    assert status == 200
    assert [(e["to"], e["subject"]) for e in outbox] == [
        (EMAIL, "Job M-1: your parts were received and approved")
    ]
    assert set(outbox[0]) == {"to", "subject", "text", "html"}
    assert "Mail &lt;E2E&gt; Works" in outbox[0]["html"]

    status, run = local.call("POST", f"/_local/run/monthly?month={month}", role=None)
    assert status == 200
    assert run["coordinator"]["month"] == str(month) and run["emails_sent"] == 1
    assert run["worker"]["failed"] == 0
    status, outbox = local.call("GET", "/_local/outbox", role=None)
    snapshot = outbox[-1]
    assert len(outbox) == 2 and snapshot["to"] == EMAIL
    assert snapshot["subject"].endswith("Partner Performance Snapshot — Grade A")
    assert "100 / 100" in snapshot["text"] and "Parts Shipped: 4" in snapshot["text"]

    # running the month again: archived again, no second email
    status, run = local.call("POST", f"/_local/run/monthly?month={month}", role=None)
    assert (status, run["emails_sent"]) == (200, 0)

    status, listing = local.call("GET", f"/v1/partners/{PARTNER}/snapshots", role="partner")
    assert status == 200
    assert [(s["month"], s["grade"], s["email"]["status"]) for s in listing["snapshots"]] == [
        (str(month), "A", "sent")
    ]
    status, one = local.call("GET", f"/v1/partners/{PARTNER}/snapshots/{month}", role="partner")
    assert status == 200 and one["parts_shipped"] == 4 and one["value_accepted"] == "250.00"
    # Signed for the local server, which serves the archive (test_local_server fetches one).
    assert one["html_url"].startswith(f"{local.base}/_local/s3/") and "X-Amz-Signature=" in one["html_url"]


def test_the_monthly_route_rejects_a_bad_month(local: LocalClient) -> None:
    status, body = local.call("POST", "/_local/run/monthly?month=2026-13", role=None)
    assert status == 422
    assert body["error"]["details"] == [{"field": "month"}]


def test_a_restatement_over_http(local: LocalClient) -> None:
    """Last month's snapshot, then an inspection of its parts posted now: the next daily run restates
    it (revision 2, one notice: the grade moved), and revision 1 stays readable."""
    partner, email = "restate-e2e-01", "ops@restate-e2e.example"
    month = Month.of(datetime.now(UTC).date()).previous()
    first = month.first_day
    common = {"partner_id": partner, "job_id": "X-1"}
    status, _ = local.call("PUT", f"/v1/partners/{partner}", {"name": "Restate E2E", "email": email})
    assert status in (200, 201)
    shipped = [
        {"event_id": "restate-e2e:o", "type": "job.offered", **common, "occurred_at": at(first, 9),
         "value": "100.00", "part_count": 4, "due_date": (first + timedelta(days=20)).isoformat()},
        {"event_id": "restate-e2e:a", "type": "job.accepted", **common, "occurred_at": at(first, 10)},
        {"event_id": "restate-e2e:s", "type": "job.shipped", **common,
         "occurred_at": at(first + timedelta(days=10), 12), "parts_shipped": 4},
    ]  # fmt: skip
    assert local.call("POST", "/v1/events", {"events": shipped}, role="service")[0] == 200
    assert local.call("POST", f"/_local/run/monthly?month={month}", role=None)[0] == 200
    status, one = local.call("GET", f"/v1/partners/{partner}/snapshots/{month}")
    # 1 job on time, nothing inspected: the on-time rate alone, 100, A
    assert (status, one["revision"], one["monthly_score"], one["grade"]) == (200, 1, 100, "A")

    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    inspection = {"event_id": "restate-e2e:i", "type": "job.inspected", **common,
                  "occurred_at": now.isoformat().replace("+00:00", "Z"), "parts_inspected": 4,
                  "parts_defective": 4, "ncmr_id": "NCMR-E2E"}  # fmt: skip
    assert local.call("POST", "/v1/events", {"events": [inspection]}, role="service")[0] == 200
    status, run = local.call("POST", "/_local/run/daily", role=None)
    assert (status, run["snapshots_restated"]) == (200, 1)

    status, two = local.call("GET", f"/v1/partners/{partner}/snapshots/{month}")
    # dpt = 1000 x 4 / 4 = 1000 -> quality max(0, 100 - 200) = 0; round(0.5 x 100 + 0.5 x 0) = 50, D
    assert (status, two["revision"], two["status"], two["monthly_score"], two["grade"]) == (
        200,
        2,
        "restated",
        50,
        "D",
    )
    assert two["reasons"] == [
        f"X-1: inspection of parts shipped in {month}: 4 defective of 4 inspected (was 0 of 0)"
    ]
    status, again = local.call("GET", f"/v1/partners/{partner}/snapshots/{month}?revision=1")
    assert (status, again["revision"], again["grade"]) == (200, 1, "A")
    status, outbox = local.call("GET", "/_local/outbox", role=None)
    notices = [e for e in outbox if e["to"] == email]
    assert [e["subject"].split(" — ")[-1] for e in notices] == ["Grade A", "Grade D"]
    assert "was restated" in notices[-1]["subject"]
    # the projection of the month in progress: computed, never stored
    status, projection = local.call("GET", f"/v1/partners/{partner}/snapshots/{month.next()}")
    assert (status, projection["status"]) == (200, "projection")
