"""The schedule guards through the real handlers and the sample events (moto): a daily run of a day
after today, or a monthly run of a month that has not ended, is refused by its coordinator (the
scheduler's input or a manual one) and by its worker (a message queued by hand), and nothing is
queued, written, published or emailed. A backfill writes history only, publishes nothing and counts
no tier change.

The clock is NOW, 2026-11-02T09:00Z; the policy timezone is UTC: today is 2026-11-02 and 2026-11 is
the month in progress."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from integration_support import (
    Lambdas,
    capture_bus,
    get_item,
    handler,
    job_events,
    queue_with_dead_letters,
    scan_all,
)
from lambda_events import api_event, load_event, sample_body
from mail_support import MailEnv, drain_snapshots, outbox, provision_mail, put_partner, record
from scorecard.adapters.aws import client
from scorecard.adapters.mail_claims import MailClaims
from scorecard.adapters.snapshot_repository import SnapshotRepository
from scorecard.domain.periods import PeriodNotEnded
from scorecard.platform import settings

SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]  # acme-01's October
ACME = "acme-01"


def ingest(lambdas: Lambdas, events: list[dict[str, Any]]) -> None:
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]


def scored_items(table: str) -> list[str]:
    """The keys of what a daily run writes: current scores, history points, distributions."""
    return [
        f"{i['PK']['S']} {i['SK']['S']}"
        for i in scan_all(table)
        if i["SK"]["S"] == "SCORE" or i["SK"]["S"].startswith("HIST#") or "DIST" in i["PK"]["S"]
    ]


def queued(queue_url: str) -> int:
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


# ---- the daily run --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        {"as_of": "2026-11-03"},  # tomorrow
        {"as_of": "2026-12-31"},  # the measured case: weeks ahead
        {"scheduled_time": "2026-11-04T00:15:00Z"},  # a scheduler input that would score 11-03
    ],
    ids=["tomorrow", "weeks-ahead", "scheduled-ahead"],
)
def test_the_daily_coordinator_refuses_a_day_after_today(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch, event: dict[str, Any]
) -> None:
    ingest(lambdas, SAMPLE_EVENTS)
    queue, _ = queue_with_dead_letters("guarded-daily", 3)
    monkeypatch.setenv("DAILY_QUEUE_URL", queue)

    with pytest.raises(PeriodNotEnded, match=r"^as_of: 2026-1\d-\d\d is after today \(2026-11-02"):
        handler("daily")(event)

    assert queued(queue) == 0
    assert scored_items(table) == []


def test_a_refused_day_ahead_leaves_the_real_days_runs_in_charge(lambdas: Lambdas, table: str) -> None:
    """Measured before the guard: a run of 2026-12-31 demoted a partner for a day that had not happened
    and published it, and every real run after it wrote history only (its day was 'older' than the
    partner's latest scored day) until the calendar reached 12-31."""
    ingest(lambdas, SAMPLE_EVENTS)
    with pytest.raises(PeriodNotEnded):
        lambdas.daily({"as_of": "2026-12-31"})

    report = lambdas.daily(load_event("schedule_daily"))  # the scheduler's run of 2026-11-01

    assert (report["as_of"], report["scored"], report["tier_changes"]) == ("2026-11-01", 1, 1)
    score = get_item(table, f"PARTNER#{ACME}", "SCORE")
    assert score is not None and score["as_of"]["S"] == "2026-11-01"  # the current score, not history
    today = lambdas.daily({"as_of": "2026-11-02"})  # today is not after today: scored so far
    assert today["scored"] == 1
    assert get_item(table, f"PARTNER#{ACME}", "SCORE")["as_of"]["S"] == "2026-11-02"  # type: ignore[index]


def test_the_daily_worker_refuses_a_message_for_a_day_after_today(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """events/sqs_daily_batch.json as queued (2026-11-01) is scored; the same message for 2026-11-03
    (queued by hand, past the coordinator) fails its record and writes and publishes nothing."""
    ingest(lambdas, SAMPLE_EVENTS)
    capture = capture_bus("scorecard-events", "guarded-capture")
    monkeypatch.setenv("EVENT_BUS_NAME", "scorecard-events")
    ahead = load_event("sqs_daily_batch")
    (message,) = ahead["Records"]
    assert json.loads(message["body"]) == {"partner_ids": [ACME], "isolated": False, "as_of": "2026-11-01"}
    message["body"] = json.dumps({"partner_ids": [ACME], "isolated": False, "as_of": "2026-11-03"})

    refused = handler("daily_worker")(ahead)

    assert refused == {"batchItemFailures": [{"itemIdentifier": message["messageId"]}]}
    assert scored_items(table) == []
    assert client("sqs").receive_message(QueueUrl=capture).get("Messages", []) == []

    assert handler("daily_worker")(load_event("sqs_daily_batch")) == {"batchItemFailures": []}
    assert get_item(table, f"PARTNER#{ACME}", "SCORE")["as_of"]["S"] == "2026-11-01"  # type: ignore[index]
    assert client("sqs").receive_message(QueueUrl=capture).get("Messages", [])  # its score events


def test_a_backfill_writes_history_only_publishes_nothing_and_counts_no_tier_change(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured before: backfills reported `tier_changes: 37` and 43 for runs that changed and
    published nothing. A day before the partner's latest scored day starts from no tier state (it must
    not rewrite the tier in force), so its decision 'changes' the tier from none: not a change."""
    ingest(lambdas, SAMPLE_EVENTS)
    first = lambdas.daily(load_event("schedule_daily"))  # 2026-11-01: acme-01 placed standard
    assert first["tier_changes"] == 1
    current = get_item(table, f"PARTNER#{ACME}", "SCORE")
    capture = capture_bus("scorecard-events", "backfill-capture")
    monkeypatch.setenv("EVENT_BUS_NAME", "scorecard-events")

    backfill = lambdas.daily({"as_of": "2026-10-25"})

    assert (backfill["as_of"], backfill["scored"], backfill["tier_changes"]) == ("2026-10-25", 1, 0)
    assert get_item(table, f"PARTNER#{ACME}", "SCORE") == current
    assert get_item(table, f"PARTNER#{ACME}", "HIST#2026-10-25") is not None
    assert client("sqs").receive_message(QueueUrl=capture).get("Messages", []) == []


# ---- the monthly run ------------------------------------------------------------------------------

# acme-01's job of the month in progress: shipped on 2026-11-01, on time.
NOVEMBER = job_events(
    ACME, "N-1", offered=date(2026, 10, 28), due=date(2026, 11, 10), shipped=date(2026, 11, 1)
)


@pytest.fixture
def mail(table: str, clock: datetime, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    env = provision_mail(table, monkeypatch)
    put_partner(table, ACME, "Acme Precision", "ops@acme.example")
    record(table, SAMPLE_EVENTS + NOVEMBER)
    return env


def nothing_snapshotted(mail: MailEnv, month: str) -> None:
    assert outbox() == []
    assert client("s3").list_objects_v2(Bucket=mail.bucket, Prefix="snapshots/").get("KeyCount") == 0
    assert SnapshotRepository(mail.table).get(ACME, month) is None
    assert MailClaims(mail.table).get(ACME, "snapshot", month) is None


@pytest.mark.parametrize(
    ("event", "month"),
    [
        ({"month": "2026-11"}, "2026-11"),  # the month in progress
        ({"month": "2026-12", "email": False}, "2026-12"),  # a later one, even archived only
        ({"scheduled_time": "2026-12-01T00:30:00Z"}, "2026-11"),  # a scheduler input from ahead
    ],
    ids=["current", "next", "scheduled-ahead"],
)
def test_the_monthly_coordinator_refuses_a_month_that_has_not_ended(
    mail: MailEnv, event: dict[str, Any], month: str
) -> None:
    with pytest.raises(PeriodNotEnded, match=rf"^month: {month} has not ended \(today is 2026-11-02"):
        handler("monthly_coordinator")(event)

    assert queued(mail.snapshot_queue) == 0
    assert drain_snapshots(mail).received == 0
    nothing_snapshotted(mail, month)


def test_the_month_end_email_still_goes_out_after_a_refused_early_run(
    mail: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured before the guard: a run of December on 12-07 emailed 40 partners a December snapshot,
    and the real month-end run then sent none (each partner's email was claimed)."""
    with pytest.raises(PeriodNotEnded):
        handler("monthly_coordinator")({"month": "2026-11"})
    monkeypatch.setattr(settings, "utc_now", lambda: datetime(2026, 12, 1, 0, 30, tzinfo=UTC))

    handler("monthly_coordinator")({"scheduled_time": "2026-12-01T00:30:00Z"})
    drain_snapshots(mail)

    assert [email["to"] for email in outbox()] == ["ops@acme.example"]
    snapshot = SnapshotRepository(mail.table).get(ACME, "2026-11")
    assert snapshot is not None and snapshot.document.parts_shipped == 2  # N-1's two parts


def test_the_monthly_worker_refuses_a_message_for_a_month_that_has_not_ended(mail: MailEnv) -> None:
    """events/sqs_snapshot_batch.json with its months moved to 2026-11 (queued by hand, past the
    coordinator): both records fail, and nothing is archived, recorded, claimed or emailed."""
    event = load_event("sqs_snapshot_batch")
    for message in event["Records"]:
        body = json.loads(message["body"])
        assert body["month"] == "2026-10"
        message["body"] = json.dumps({**body, "month": "2026-11"})

    response = handler("monthly_worker")(event)

    assert response == {"batchItemFailures": [{"itemIdentifier": m["messageId"]} for m in event["Records"]]}
    nothing_snapshotted(mail, "2026-11")
