"""Part received notifications (issue 3): POST /v1/events stays thin -- it only queues a message per
stored `job.received` -- and the notification worker emails the partner once per job."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from integration_support import NOW, emitted_metrics, handler
from lambda_events import api_event, caller, load_event, response_json
from mail_support import (
    MailEnv,
    drain_notifications,
    job_event,
    outbox,
    provision_mail,
    put_partner,
    record,
)
from scorecard.adapters.aws import client
from scorecard.adapters.mail_claims import MailClaims
from scorecard.adapters.mailer import SendRejected, SesMailer
from scorecard.platform import settings
from scorecard_local.queues import make_visible

ACME, DELTA = "acme-01", "delta-04"
ACME_EMAIL = "ops@acme.example"


@pytest.fixture
def mail(table: str, clock: Any, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    env = provision_mail(table, monkeypatch)
    put_partner(table, ACME, "Acme <Precision> & Sons", ACME_EMAIL)
    put_partner(table, DELTA, "Delta Swiss", None)
    record(
        table,
        [
            job_event(ACME, "A-2", "o", "job.offered", "2026-09-25T12:00:00Z", value="200", part_count=5,
                      due_date="2026-10-05"),
            job_event(ACME, "A-2", "s", "job.shipped", "2026-10-04T12:00:00Z", parts_shipped=5),
        ],
    )  # fmt: skip
    return env


def received(partner_id: str, job_id: str, at: str = "2026-10-07T14:00:00Z") -> dict[str, Any]:
    return job_event(partner_id, job_id, "received", "job.received", at)


def post_events(events: list[dict[str, Any]]) -> tuple[int, Any]:
    response = handler("ingest")(
        api_event("api_post_events", caller=caller("service"), body={"events": events})
    )
    return response["statusCode"], response_json(response)


def queued(mail: MailEnv) -> int:
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=mail.notification_queue, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_a_received_job_is_emailed_once(mail: MailEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    status, body = post_events([received(ACME, "A-2")])
    assert (status, body["recorded"]) == (200, 1)
    assert queued(mail) == 1  # ingestion only queues; nothing is sent on the request path
    assert outbox() == []

    report = drain_notifications(mail)
    assert (report.received, report.failed) == (1, 0)
    (email,) = outbox()
    assert email["to"] == ACME_EMAIL
    assert email["subject"] == "Job A-2: your parts were received and approved"
    assert "Oct 7, 2026" in email["text"] and "Parts shipped: 5" in email["text"]
    assert "Acme &lt;Precision&gt; &amp; Sons" in email["html"]  # autoescaped
    assert "Acme <Precision> & Sons" in email["text"]

    # the client re-sends the same event: a duplicate, queued again, never emailed again
    status, body = post_events([received(ACME, "A-2")])
    assert (status, body["duplicates"]) == (200, 1)
    assert queued(mail) == 1
    drain_notifications(mail)
    assert len(outbox()) == 1
    claim = MailClaims(mail.table).get(ACME, "received", "A-2")
    assert claim is not None and claim.status == "sent"


def test_without_a_queue_url_ingestion_sends_nothing(mail: MailEnv) -> None:
    status, body = post_events([received(ACME, "A-2")])
    assert (status, body["recorded"]) == (200, 1)
    assert queued(mail) == 0


def test_an_invalid_batch_queues_nothing(mail: MailEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    bad = job_event(ACME, "A-9", "x", "job.shipped", "2026-10-07T14:00:00Z", parts_shipped=0)
    status, _ = post_events([received(ACME, "A-2"), bad])
    assert status == 422
    assert queued(mail) == 0  # all or nothing: the valid job.received was not stored, not queued


def test_batches_queue_one_message_per_received_job(mail: MailEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    events = [received(ACME, f"R-{n}") for n in range(12)] + [
        job_event(ACME, "R-0", "r", "job.read", "2026-10-07T15:00:00Z")
    ]
    assert post_events(events)[0] == 200
    assert queued(mail) == 12  # two SendMessageBatch calls (10 + 2)
    drain_notifications(mail)
    assert len(outbox()) == 12


def test_the_sqs_sample(mail: MailEnv) -> None:
    """events/sqs_notification_batch.json: acme is emailed; delta-04 has no address: skipped, not failed."""
    event = load_event("sqs_notification_batch")
    assert [json.loads(r["body"])["partner_id"] for r in event["Records"]] == [ACME, DELTA]
    assert handler("notification_worker")(event) == {"batchItemFailures": []}
    (email,) = outbox()
    assert email["to"] == ACME_EMAIL and "A-2" in email["subject"]
    assert MailClaims(mail.table).get(DELTA, "received", "D-1") is None
    # a redelivery of the same batch sends nothing more
    assert handler("notification_worker")(load_event("sqs_notification_batch")) == {"batchItemFailures": []}
    assert len(outbox()) == 1


def test_a_crash_after_the_claim_is_retried_after_the_lease(
    mail: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    real_send = SesMailer.send
    crashes: list[int] = []

    def crash_once(self: SesMailer, message: Any) -> str:
        if not crashes:
            crashes.append(1)
            raise RuntimeError("worker killed between claim and send")
        return real_send(self, message)

    monkeypatch.setattr(SesMailer, "send", crash_once)
    post_events([received(ACME, "A-2")])
    first = drain_notifications(mail)
    assert first.failed == 1 and outbox() == []
    make_visible(mail.notification_queue, first.failed_receipts)  # its visibility timeout passes
    second = drain_notifications(mail)
    assert second.failed == 1  # the claim is still leased: it might be a live sender's
    assert outbox() == []

    monkeypatch.setattr(settings, "utc_now", lambda: NOW + timedelta(minutes=16))  # lease: 15 min
    make_visible(mail.notification_queue, second.failed_receipts)
    assert drain_notifications(mail).failed == 0
    assert [email["to"] for email in outbox()] == [ACME_EMAIL]
    claim = MailClaims(mail.table).get(ACME, "received", "A-2")
    assert claim is not None and claim.status == "sent" and claim.attempts == 2


def test_emails_sent_and_refused_are_counted(
    mail: MailEnv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    real_send = SesMailer.send
    refusals: list[int] = []

    def refuse_once(self: SesMailer, message: Any) -> str:
        if not refusals:
            refusals.append(1)
            raise SendRejected("MessageRejected: address blacklisted")
        return real_send(self, message)

    monkeypatch.setattr(SesMailer, "send", refuse_once)
    post_events([received(ACME, "A-2")])
    capsys.readouterr()
    first = drain_notifications(mail)
    assert first.failed == 1
    assert emitted_metrics(capsys.readouterr().out) == {"EmailsFailed": [1.0]}
    make_visible(mail.notification_queue, first.failed_receipts)  # the claim was released at once
    assert drain_notifications(mail).failed == 0
    assert emitted_metrics(capsys.readouterr().out) == {"EmailsSent": [1.0]}
    assert len(outbox()) == 1
