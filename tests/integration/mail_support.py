"""Helpers of the snapshot and notification tests: the bucket, queues and SES sender of template.yaml
in moto, partners and events written through the real adapters, the SQS poller, the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from integration_support import NOW, ROOT, PartnerData, handler
from scorecard import bootstrap
from scorecard.adapters import mailer
from scorecard.adapters.aws import client
from scorecard.adapters.event_store import DynamoEventStore
from scorecard.adapters.records import PartnerProfile
from scorecard.domain.events import EVENT_ADAPTER
from scorecard_local.outbox import sent_emails
from scorecard_local.queues import DrainReport, drain_queue
from scorecard_local.template_resources import LocalResources, create_buckets, create_queues
from scorecard_local.template_tables import load_template

SENDER = "scorecard@example.com"
ACCOUNT = "123456789012"
REGION = "us-east-1"
PREFIX = "scorecard-it"


@dataclass(frozen=True)
class MailEnv:
    table: str
    bucket: str
    snapshot_queue: str
    snapshot_arn: str
    notification_queue: str
    notification_arn: str
    sleeps: list[float]  # what the SES throttling backoff asked to sleep


def provision_mail(table: str, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    """Queues and bucket exactly as template.yaml declares them, the sender verified, the functions'
    environment set; the SES pacing made instant and the backoff sleeps recorded, not slept."""
    template = load_template(ROOT / "template.yaml")
    resources = LocalResources()
    create_queues(client("sqs"), template, PREFIX, resources)
    create_buckets(client("s3"), template, PREFIX, resources)
    client("ses").verify_email_identity(EmailAddress=SENDER)
    env = {
        "SNAPSHOT_BUCKET": resources.refs["SnapshotBucket"],
        "SNAPSHOT_QUEUE_URL": resources.refs["SnapshotQueue"],
        "SENDER_EMAIL": SENDER,
        "SES_MAX_SEND_RATE": "100000",
        "SES_SENDERS": "4",
        "MAIL_CLAIM_LEASE_SECONDS": "900",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NOTIFICATION_QUEUE_URL", raising=False)  # ingestion's notifier: opt-in
    sleeps: list[float] = []
    monkeypatch.setattr(mailer, "_sleep", sleeps.append)
    mailer.pacer_for.cache_clear()
    bootstrap.reset()  # its mailer holds the pacer just forgotten
    return MailEnv(
        table=table,
        bucket=resources.refs["SnapshotBucket"],
        snapshot_queue=resources.refs["SnapshotQueue"],
        snapshot_arn=resources.queue_arns["SnapshotQueue"],
        notification_queue=resources.refs["NotificationQueue"],
        notification_arn=resources.queue_arns["NotificationQueue"],
        sleeps=sleeps,
    )


def put_partner(table: str, partner_id: str, name: str, email: str | None) -> None:
    PartnerData(table).put_profile(PartnerProfile(partner_id, name, email, "UTC", NOW))


def record(table: str, events: list[dict[str, Any]], received_at: datetime = NOW) -> None:
    """Store docs/api.md events with the real event store (what POST /v1/events does after validation)."""
    store = DynamoEventStore(table)
    for data in events:
        assert store.record(EVENT_ADAPTER.validate_python(data), received_at) == "recorded"


def job_event(partner_id: str, job_id: str, step: str, type_: str, at: str, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": f"{partner_id}:{job_id}:{step}",
        "type": type_,
        "partner_id": partner_id,
        "job_id": job_id,
        "occurred_at": at,
        **fields,
    }


def outbox() -> list[dict[str, Any]]:
    return sent_emails(ACCOUNT, REGION)


def drain_snapshots(mail: MailEnv) -> DrainReport:
    """Lambda's SQS poller for the monthly worker (BatchSize 1, as the template says)."""
    return drain_queue(mail.snapshot_queue, mail.snapshot_arn, handler("monthly_worker"), batch_size=1)


def drain_notifications(mail: MailEnv) -> DrainReport:
    return drain_queue(
        mail.notification_queue, mail.notification_arn, handler("notification_worker"), batch_size=10
    )


def s3_json(bucket: str, key: str) -> Any:
    import json

    return json.loads(client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
