"""The review lifecycle through the real API handler and the DynamoDB adapter in moto: jobs checked at
request, pickup and the audit trail, the ops queue on GSI2 (oldest first across partners, partners
refused), and the resolution emailed once by the notification worker even when it is retried."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from integration_support import NOW, Lambdas, capture_bus, get_item, scan_all
from lambda_events import api_event, caller, load_event, response_json
from mail_support import MailEnv, drain_notifications, outbox, provision_mail
from scorecard.adapters.mail_claims import MailClaims
from scorecard.platform import settings

ACME, OTHER = "acme-01", "other-02"
OPS = caller("ops", None)


def call(lambdas: Lambdas, event: dict[str, Any]) -> tuple[int, Any]:
    response = lambdas.api(event)
    return int(response["statusCode"]), response_json(response)


def at(monkeypatch: pytest.MonkeyPatch, instant: datetime) -> None:
    monkeypatch.setattr(settings, "utc_now", lambda: instant)


@pytest.fixture
def mail(lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    """acme-01 (quality@acme-precision.example) with the sample events (J-100 on time, J-101 late and
    defective), scored 74.2 as of 2026-11-01; other-02 registered with no jobs; the notification
    queue wired."""
    env = provision_mail(table, monkeypatch)
    profile = load_event("api_put_partner")
    assert lambdas.api(profile)["statusCode"] == 201
    other = api_event(
        "api_put_partner",
        path=f"/v1/partners/{OTHER}",
        path_parameters={"id": OTHER},
        body={"name": "Other Works"},
    )
    assert lambdas.api(other)["statusCode"] == 201
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1
    # Wired after the seeding: the queue then holds only what the review routes put on it.
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", env.notification_queue)
    return env


def request(partner_id: str, who: dict[str, str], **body: Any) -> dict[str, Any]:
    return api_event(
        "api_post_review",
        caller=who,
        path=f"/v1/partners/{partner_id}/reviews",
        path_parameters={"id": partner_id},
        body={"reason": "please look again", **body},
    )


def queue(who: dict[str, str], **query: str) -> dict[str, Any]:
    return api_event("api_get_review_queue", caller=who, query=query)


def review_path_event(sample: str, review_id: str, action: str, **body: Any) -> dict[str, Any]:
    return api_event(
        sample,
        path=f"/v1/reviews/{review_id}/{action}",
        path_parameters={"review_id": review_id},
        body=body,
    )


def test_a_review_naming_an_unknown_job_is_422_and_nothing_is_stored(lambdas: Lambdas, mail: MailEnv) -> None:
    before = scan_all(mail.table)
    status, body = call(
        lambdas, request(ACME, caller("partner", ACME), job_ids=["J-101", "NOPE-1", "NOPE-2"])
    )
    assert status == 422
    assert body["error"]["code"] == "validation_failed"
    assert "NOPE-1" in body["error"]["message"] and "NOPE-2" in body["error"]["message"]
    assert "J-101" not in body["error"]["message"]
    assert body["error"]["details"] == [
        {"field": "job_ids", "job_id": "NOPE-1"},
        {"field": "job_ids", "job_id": "NOPE-2"},
    ]
    assert scan_all(mail.table) == before  # no review, no pointer
    # Another partner's job is not this partner's: other-02 cannot dispute acme's J-101.
    status, body = call(lambdas, request(OTHER, OPS, job_ids=["J-101"]))
    assert status == 422 and body["error"]["details"] == [{"field": "job_ids", "job_id": "J-101"}]
    assert call(lambdas, load_event("api_get_review_queue"))[1]["reviews"] == []


def test_the_queue_is_oldest_first_across_partners_and_partners_get_403(
    lambdas: Lambdas, mail: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, NOW + timedelta(hours=2))
    _, late = call(lambdas, request(ACME, caller("partner", ACME), job_ids=["J-101"]))
    at(monkeypatch, NOW)
    _, early = call(lambdas, request(OTHER, OPS))
    at(monkeypatch, NOW + timedelta(hours=1))
    _, middle = call(lambdas, request(ACME, OPS))
    # NOW is Mon 2 Nov 2026 (UTC policy); eight days later is Tue 10 Nov: 6 business days.
    at(monkeypatch, NOW + timedelta(days=8))

    status, first = call(lambdas, queue(OPS, status="open", limit="2"))
    assert status == 200
    assert [e["review"]["review_id"] for e in first["reviews"]] == [early["review_id"], middle["review_id"]]
    assert [e["review"]["partner_id"] for e in first["reviews"]] == [OTHER, ACME]
    assert [(e["age_days"], e["age_business_days"], e["overdue"]) for e in first["reviews"]] == [
        (8, 6, True),
        (7, 6, True),
    ]
    status, rest = call(lambdas, queue(OPS, status="open", limit="2", cursor=first["next_cursor"]))
    assert [e["review"]["review_id"] for e in rest["reviews"]] == [late["review_id"]]
    assert rest["next_cursor"] is None

    for who in (caller("partner", ACME), caller("partner", OTHER), caller("service")):
        status, refused = call(lambdas, queue(who))
        assert status == 403 and refused["error"]["code"] == "forbidden"
    assert call(lambdas, queue(OPS, status="closed"))[0] == 422

    # A pickup needs no body; an in_review review stays in the open queue, in its place.
    pickup = api_event(
        "api_post_pickup",
        path=f"/v1/reviews/{middle['review_id']}/pickup",
        path_parameters={"review_id": middle["review_id"]},
        raw_body=None,
        content_type=None,
    )
    status, picked = call(lambdas, pickup)
    assert (status, picked["status"], picked["history"][-1]["note"]) == (200, "in_review", None)
    status, again = call(lambdas, queue(OPS, limit="3"))
    assert [(e["review"]["review_id"], e["review"]["status"]) for e in again["reviews"]] == [
        (early["review_id"], "open"),
        (middle["review_id"], "in_review"),
        (late["review_id"], "open"),
    ]

    # The queue item is the review item itself (one GSI2 partition per queue), not a table scan.
    item = get_item(mail.table, f"PARTNER#{OTHER}", f"REVIEW#{early['review_id']}")
    assert item is not None and item["GSI2PK"] == {"S": "REVIEWS#open"}


def test_resolving_emails_the_partner_once_even_when_retried(
    lambdas: Lambdas, mail: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, review = call(lambdas, request(ACME, caller("partner", ACME), job_ids=["J-101"]))
    rid = review["review_id"]
    at(monkeypatch, NOW + timedelta(hours=3))
    status, picked = call(lambdas, review_path_event("api_post_pickup", rid, "pickup", note="looking"))
    assert (status, picked["status"]) == (200, "in_review")
    assert call(lambdas, review_path_event("api_post_pickup", rid, "pickup"))[0] == 409

    at(monkeypatch, NOW + timedelta(days=1))
    body = {"decision": "adjusted", "excluded_job_ids": ["J-101"], "note": "Customer <delay> confirmed"}
    status, resolved = call(lambdas, review_path_event("api_post_resolution", rid, "resolution", **body))
    assert status == 200
    after = resolved["score"]
    assert after > 74.2
    # The retry after a lost answer: 409, and the notice is queued again.
    status, again = call(lambdas, review_path_event("api_post_resolution", rid, "resolution", **body))
    assert (status, again["error"]["code"]) == (409, "conflict")
    report = drain_notifications(mail)
    assert (report.received, report.failed) == (2, 0)

    emails = [e for e in outbox() if e["to"] == "quality@acme-precision.example"]
    assert len(emails) == 1
    email = emails[0]
    assert email["subject"] == f"Your score review: score adjusted (74.2 \u2192 {after:.1f})"
    for part in (email["text"], email["html"]):
        assert "74.2" in part and f"{after:.1f}" in part
        assert "J-101" in part
    assert "Customer <delay> confirmed" in email["text"]
    assert "Customer &lt;delay&gt; confirmed" in email["html"]  # autoescaped
    claim = MailClaims(mail.table).get(ACME, "review", rid)
    assert claim is not None and claim.status == "sent"

    # The whole history, with the audit trail, on the partner's route.
    status, listed = call(lambdas, load_event("api_get_reviews"))
    assert status == 200
    (shown,) = listed["reviews"]
    assert (shown["status"], shown["score_before"]) == ("adjusted", 74.2)
    assert [(s["status"], s["by"], s["note"]) for s in shown["history"]] == [
        ("open", "partner:acme-01", "please look again"),
        ("in_review", "ops", "looking"),
        ("adjusted", "ops", "Customer <delay> confirmed"),
    ]
    assert [s["at"] for s in shown["history"]] == [
        "2026-11-02T09:00:00Z",
        "2026-11-02T12:00:00Z",
        "2026-11-03T09:00:00Z",
    ]
    status, done = call(lambdas, queue(OPS, status="resolved"))
    assert [(e["review"]["review_id"], e["overdue"]) for e in done["reviews"]] == [(rid, False)]
    assert call(lambdas, queue(OPS))[1]["reviews"] == []


def test_the_local_outbox_digest_lists_overdue_reviews_for_ops(
    lambdas: Lambdas, mail: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GET /_local/outbox ends with this entry (scorecard_local.http_server.outbox_route)."""
    import threading
    from typing import cast

    from scorecard_local.mail_stack import OPS_DIGEST_TO, overdue_digest
    from scorecard_local.stack import LocalStack

    stack = cast(LocalStack, type("StackLock", (), {"lock": threading.RLock()})())
    _, old = call(lambdas, request(ACME, caller("partner", ACME)))  # Mon 2 Nov 09:00
    at(monkeypatch, NOW + timedelta(days=1))
    _, newer = call(lambdas, request(OTHER, OPS))  # Tue 3 Nov
    at(monkeypatch, NOW + timedelta(days=7))  # Mon 9 Nov: 5 business days since the first, 4 since the second
    assert overdue_digest(stack) is None
    at(monkeypatch, NOW + timedelta(days=8))  # Tue 10 Nov: 6 and 5
    digest = overdue_digest(stack)
    assert digest is not None and set(digest) == {"to", "subject", "text", "html"}
    assert (digest["to"], digest["subject"]) == (OPS_DIGEST_TO, "Review queue: 1 overdue review")
    for part in (digest["text"], digest["html"]):
        assert old["review_id"] in part and ACME in part and "6" in part
        assert newer["review_id"] not in part


def test_a_step_on_a_stale_read_is_refused_so_no_trail_entry_is_lost(lambdas: Lambdas, mail: MailEnv) -> None:
    """Two ops act on the same review: the second one's write, based on the review as it was before the
    first one's pickup, fails its condition (`steps`) instead of overwriting the in_review step."""
    from scorecard.adapters.review_repository import ReviewConflict, ReviewRepository
    from scorecard.schemas.reviews import ReviewStep

    repository = ReviewRepository(mail.table)
    _, created = call(lambdas, request(ACME, caller("partner", ACME)))
    stale = repository.find(created["review_id"])
    assert stale is not None and len(stale.history) == 1
    assert call(lambdas, review_path_event("api_post_pickup", created["review_id"], "pickup"))[0] == 200

    upheld = stale.model_copy(
        update={
            "status": "upheld",
            "history": [*stale.history, ReviewStep(status="upheld", at=NOW, by="ops:late")],
        }
    )
    with pytest.raises(ReviewConflict):
        repository.resolve(stale, upheld)
    with pytest.raises(ReviewConflict):
        repository.pick_up(stale, upheld)
    stored = repository.find(created["review_id"])
    assert stored is not None and [s.status for s in stored.history] == ["open", "in_review"]


def test_a_new_review_reaches_the_bus_as_a_schema_valid_review_requested(
    lambdas: Lambdas, mail: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real publisher and moto's EventBridge (a rule forwarding `scorecard` events to SQS)."""
    import json
    from pathlib import Path

    import jsonschema_rs
    from scorecard.adapters.aws import client
    from scorecard.schemas.bus import ReviewRequestedDetail

    sqs = client("sqs")
    capture = capture_bus("scorecard-review-events", "review-bus-capture")
    monkeypatch.setenv("EVENT_BUS_NAME", "scorecard-review-events")

    assert call(lambdas, request(ACME, caller("partner", ACME), job_ids=["NOPE"]))[0] == 422
    status, review = call(lambdas, request(ACME, caller("partner", ACME), job_ids=["J-101"]))
    assert status == 201

    messages = sqs.receive_message(QueueUrl=capture, MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1  # the refused request announced nothing
    event = json.loads(messages[0]["Body"])
    assert (event["source"], event["detail-type"]) == ("scorecard", "ReviewRequested")
    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "docs" / "score-events.schema.json").read_text()
    )
    jsonschema_rs.validator_for(schema["detail-types"]["ReviewRequested"]).validate(event["detail"])
    reported = {
        "review_id": review["review_id"],
        "partner_id": ACME,
        "reason": "please look again",
        "job_ids": ["J-101"],
        "requested_at": "2026-11-02T09:00:00Z",
        "requested_by": "partner:acme-01",
    }
    event_id = ReviewRequestedDetail.model_validate(reported).event_id  # derived from what it reports
    assert event["detail"] == {**reported, "event_id": event_id}
