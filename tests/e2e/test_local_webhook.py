"""The portal webhook end to end (docs/integration.md): the local server started with
SCORECARD_WEBHOOK_URL and SCORECARD_WEBHOOK_KEY delivers score, tier and review events to a real HTTP
receiver on localhost, in EventBridge's envelope with the x-api-key header; the receiver fails the
first delivery (500), which is retried, and no event arrives twice."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from local_process import LocalClient, local_server
from scorecard.schemas.bus import DETAIL_TYPES, ScoreChangedDetail

pytestmark = pytest.mark.e2e

PARTNER = "webhook-e2e-01"
API_KEY = "portal-key-e2e"
ENVELOPE = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
DEADLINE_SECONDS = 30.0


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: dict[str, str]  # lower-cased names
    event: dict[str, Any]
    status: int  # what the receiver answered


class Receiver:
    """A portal's webhook endpoint: answers 500 to the first request, 200 to the others."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status = 500 if not receiver.deliveries else 200
                    receiver.deliveries.append(
                        Delivery(
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            json.loads(body),
                            status,
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/scorecard/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def accepted(self) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.status == 200]

    def wait_for(self, count: int) -> list[Delivery]:
        """The accepted deliveries once there are `count`, and a second more for any extra to arrive."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(self.accepted()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        return self.accepted()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[LocalClient]:
    env = {"SCORECARD_WEBHOOK_URL": receiver.url, "SCORECARD_WEBHOOK_KEY": API_KEY}
    with local_server(tmp_path_factory.mktemp("local-webhook"), env) as base:
        yield LocalClient(base, PARTNER)


def jobs() -> list[dict[str, Any]]:
    """Two jobs: WH-1 on time, WH-2 due three days ago and shipped today (late)."""
    now = datetime.now(UTC).replace(microsecond=0)

    def at(days_ago: int) -> str:
        return (now - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")

    events: list[dict[str, Any]] = []
    for job, due_days_ago, shipped_days_ago in (("WH-1", -5, 2), ("WH-2", 3, 0)):
        common = {"partner_id": PARTNER, "job_id": job}
        due = (now - timedelta(days=due_days_ago)).date().isoformat()
        events += [
            {"event_id": f"wh:{job}:o", "type": "job.offered", **common, "occurred_at": at(20),
             "value": "300.00", "part_count": 3, "due_date": due},
            {"event_id": f"wh:{job}:a", "type": "job.accepted", **common, "occurred_at": at(19)},
            {"event_id": f"wh:{job}:s", "type": "job.shipped", **common, "occurred_at": at(shipped_days_ago),
             "parts_shipped": 3},
        ]  # fmt: skip
    return events


def test_events_reach_the_portal_once_each_in_the_eventbridge_envelope(
    local: LocalClient, receiver: Receiver
) -> None:
    status, _ = local.call(
        "PUT", f"/v1/partners/{PARTNER}", {"name": "Webhook E2E", "email": "wh@e2e.example"}
    )
    assert status in (200, 201)
    status, body = local.call("POST", "/v1/events", {"events": jobs()}, role="service")
    assert (status, body["recorded"]) == (200, 6)

    # Change 1: the partner's first score (ScoreChanged, and TierChanged: its first tier).
    status, run = local.call("POST", "/_local/run/daily")
    assert (status, run["scored"]) == (200, 1)
    status, first = local.call("GET", f"/v1/partners/{PARTNER}/score")
    assert status == 200
    # Change 2: a review (ReviewRequested is ops' event: not forwarded), resolved by excluding the
    # late job: the rescoring's ScoreChanged, then ReviewResolved.
    status, review = local.call(
        "POST",
        f"/v1/partners/{PARTNER}/reviews",
        {"reason": "the drawing changed", "job_ids": ["WH-2"]},
        "partner",
    )
    assert status == 201
    resolution = {"decision": "adjusted", "excluded_job_ids": ["WH-2"], "note": "the drawing changed"}
    status, resolved = local.call("POST", f"/v1/reviews/{review['review_id']}/resolution", resolution)
    assert status == 200 and resolved["score"] != first["score"]

    accepted = receiver.wait_for(4)
    kinds = sorted(d.event["detail-type"] for d in accepted)
    assert kinds == ["ReviewResolved", "ScoreChanged", "ScoreChanged", "TierChanged"]

    # The first request failed (500) and was retried: the same event (envelope id), delivered once.
    failed = [d for d in receiver.deliveries if d.status != 200]
    assert [d.status for d in failed] == [500] and receiver.deliveries[0].status == 500
    assert failed[0].event["id"] in {d.event["id"] for d in accepted}
    assert len({d.event["id"] for d in accepted}) == len(accepted)  # no envelope twice
    assert len({d.event["detail"]["event_id"] for d in accepted}) == len(accepted)  # nor any change

    for delivery in receiver.deliveries:
        assert delivery.path == "/scorecard/events"
        assert delivery.headers["x-api-key"] == API_KEY
        assert delivery.headers["content-type"].startswith("application/json")
        assert list(delivery.event) == ENVELOPE
        assert (delivery.event["source"], delivery.event["version"]) == ("scorecard", "0")
        assert delivery.event["account"] == "123456789012" and delivery.event["region"] == "us-east-1"

    by_kind = {d.event["detail-type"]: d.event["detail"] for d in accepted}
    changes = [
        d.event["detail"] for d in accepted if d.event["detail-type"] == DETAIL_TYPES[ScoreChangedDetail]
    ]
    assert sorted((c["previous_score"] is None, c["score"]) for c in changes) == sorted(
        [(True, first["score"]), (False, resolved["score"])]
    )
    assert all(c["partner_id"] == PARTNER for c in changes)
    assert by_kind["TierChanged"]["tier"] == first["tier"]
    assert by_kind["ReviewResolved"] == {
        **by_kind["ReviewResolved"],
        "review_id": review["review_id"],
        "decision": "adjusted",
        "excluded_job_ids": ["WH-2"],
        "score_before": first["score"],
        "score_after": resolved["score"],
    }
