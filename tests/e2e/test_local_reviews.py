"""The review loop over HTTP on the local stack (issue 10): a partner asks for a review, it appears in
ops' queue, ops pick it up and resolve it, and the partner's email appears in /_local/outbox once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from local_process import LocalClient, local_server

pytestmark = pytest.mark.e2e

PARTNER = "review-e2e-01"
EMAIL = "quality@review-e2e.example"


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalClient]:
    with local_server(tmp_path_factory.mktemp("local-reviews")) as base:
        yield LocalClient(base, PARTNER)


def late_job() -> list[dict[str, Any]]:
    """One job, due three days ago and shipped today: late."""
    now = datetime.now(UTC).replace(microsecond=0)
    common = {"partner_id": PARTNER, "job_id": "RV-1"}

    def at(days_ago: int) -> str:
        return (now - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")

    return [
        {"event_id": "review-e2e:RV-1:o", "type": "job.offered", **common, "occurred_at": at(20),
         "value": "300.00", "part_count": 3, "due_date": (now - timedelta(days=3)).date().isoformat()},
        {"event_id": "review-e2e:RV-1:a", "type": "job.accepted", **common, "occurred_at": at(19)},
        {"event_id": "review-e2e:RV-1:s", "type": "job.shipped", **common, "occurred_at": at(0),
         "parts_shipped": 3},
    ]  # fmt: skip


def test_a_review_is_requested_queued_resolved_and_emailed(local: LocalClient) -> None:
    status, _ = local.call("PUT", f"/v1/partners/{PARTNER}", {"name": "Review E2E", "email": EMAIL})
    assert status in (200, 201)
    status, body = local.call("POST", "/v1/events", {"events": late_job()}, role="service")
    assert (status, body["recorded"]) == (200, 3)
    status, _ = local.call("POST", "/_local/run/daily")
    assert status == 200

    status, refused = local.call(
        "POST", f"/v1/partners/{PARTNER}/reviews", {"reason": "x", "job_ids": ["RV-404"]}, role="partner"
    )
    assert status == 422 and refused["error"]["details"] == [{"field": "job_ids", "job_id": "RV-404"}]
    status, review = local.call(
        "POST",
        f"/v1/partners/{PARTNER}/reviews",
        {"reason": "the customer changed the drawing", "job_ids": ["RV-1"]},
        role="partner",
    )
    assert status == 201
    rid = review["review_id"]

    assert local.call("GET", "/v1/reviews", role="partner")[0] == 403
    status, queue = local.call("GET", "/v1/reviews?status=open")
    assert status == 200
    entry = next(e for e in queue["reviews"] if e["review"]["review_id"] == rid)
    assert (entry["age_days"], entry["overdue"]) == (0, False)

    assert local.call("POST", f"/v1/reviews/{rid}/pickup", {"note": "on it"})[1]["status"] == "in_review"
    status, resolved = local.call(
        "POST",
        f"/v1/reviews/{rid}/resolution",
        {"decision": "adjusted", "excluded_job_ids": ["RV-1"], "note": "drawing change confirmed"},
    )
    assert status == 200
    assert local.call("POST", f"/v1/reviews/{rid}/resolution", {"decision": "upheld"})[0] == 409

    status, outbox = local.call("GET", "/_local/outbox")
    assert status == 200
    mails = [m for m in outbox if m["to"] == EMAIL and "score review" in m["subject"]]
    assert len(mails) == 1  # the retried resolution sent nothing more
    assert set(mails[0]) == {"to", "subject", "text", "html"}
    assert "drawing change confirmed" in mails[0]["text"] and "drawing change confirmed" in mails[0]["html"]
    before, after = resolved["review"]["score_before"], resolved["score"]
    assert before is not None
    for part in (mails[0]["text"], mails[0]["html"]):  # before and after (a dash when no score is left)
        assert f"{before:.1f}" in part
        assert (f"{after:.1f}" if after is not None else "\u2014") in part

    status, history = local.call("GET", f"/v1/partners/{PARTNER}/reviews", role="partner")
    assert [(s["status"], s["by"]) for s in history["reviews"][0]["history"]] == [
        ("open", f"partner:{PARTNER}"),
        ("in_review", "ops"),
        ("adjusted", "ops"),
    ]
    status, done = local.call("GET", "/v1/reviews?status=resolved")
    assert rid in [e["review"]["review_id"] for e in done["reviews"]]
