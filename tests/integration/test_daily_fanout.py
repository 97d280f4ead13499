"""The daily run at scale: coordinator -> SQS -> worker (the real handlers), against moto. Score events
go to an EventBridge bus whose rule targets an SQS queue, where the test reads them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from integration_support import (
    NOW,
    PartnerData,
    append_raw_event,
    capture_bus,
    handler,
    job_events,
    queue_with_dead_letters,
)
from mail_support import drain_notifications, outbox, provision_mail, put_partner
from scorecard.adapters.aws import client
from scorecard.adapters.bulk_import import BulkImporter
from scorecard.adapters.distribution_repository import DistributionRepository
from scorecard.domain.events import EVENT_ADAPTER
from scorecard.domain.policy import load_policy
from scorecard.platform import settings
from scorecard.schemas.bus import DETAIL_TYPES, ScoreChangedDetail, TierChangedDetail
from scorecard.services.daily import score_partner
from scorecard.services.scoring import evidence_since

AS_OF = date(2026, 11, 1)
SCHEDULE = {"scheduled_time": "2026-11-02T00:15:00Z"}  # scores 2026-11-01
PARTNERS = 300
MAX_RECEIVES = 3


@pytest.fixture
def fanout(table: str, clock: datetime, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    queue, dlq = queue_with_dead_letters("daily", MAX_RECEIVES)
    capture = capture_bus("scorecard-events", "bus-capture")
    monkeypatch.setenv("DAILY_QUEUE_URL", queue)
    monkeypatch.setenv("EVENT_BUS_NAME", "scorecard-events")
    yield {"queue": queue, "dlq": dlq, "capture": capture, "table": table}


def seed(table: str, partners: int) -> None:
    """`partners` partners with 12 jobs each over October; partner n ships its first n % 7 jobs late,
    so scores, grades and tiers vary."""
    raw: list[dict[str, Any]] = []
    for n in range(partners):
        for j in range(12):
            offered = date(2026, 10, 1) + timedelta(days=j)
            due = offered + timedelta(days=10)
            late = j < n % 7
            shipped = due + timedelta(days=2) if late else due - timedelta(days=1)
            raw += job_events(f"p{n:04d}", f"J{j}", offered=offered, due=due, shipped=shipped, inspected=2)
    BulkImporter(table).import_events([EVENT_ADAPTER.validate_python(e) for e in raw], NOW)


def drain(queue: str, worker: Any) -> tuple[int, int]:
    """What Lambda's SQS poller does: receive, invoke the worker, delete what it did not report
    failed. Returns (invocations, failed records)."""
    sqs = client("sqs")
    invocations = failures = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
        ).get("Messages", [])
        if not messages:
            return invocations, failures
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:daily",
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
        response = worker({"Records": records})
        invocations += 1
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        failures += len(failed)
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def bus_events(capture: str) -> list[dict[str, Any]]:
    sqs = client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=capture, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=capture, ReceiptHandle=message["ReceiptHandle"])


def test_fanned_out_scores_equal_direct_scoring(fanout: dict[str, str]) -> None:
    seed(fanout["table"], PARTNERS)
    queued = handler("daily")(SCHEDULE)
    assert queued == {"as_of": "2026-11-01", "partners_queued": PARTNERS}
    invocations, failures = drain(fanout["queue"], handler("daily_worker"))
    assert failures == 0
    assert invocations == 1  # 300 partners / 100 per message = 3 messages, received 10 at a time

    repository = PartnerData(fanout["table"])
    policy = load_policy()
    since = evidence_since(AS_OF, policy)
    grades = set()
    for n in range(PARTNERS):
        partner_id = f"p{n:04d}"
        stored = repository.get_score(partner_id)
        assert stored is not None and stored.as_of == date(2026, 11, 1)
        direct = score_partner(repository.load_evidence(partner_id, since), AS_OF, policy, NOW)
        assert stored.score == direct.result.score
        assert stored.grade == direct.result.grade
        grades.add(stored.grade)
    assert len(grades) >= 3  # the seed gives a spread, so equality is not trivially "all the same"

    published = bus_events(fanout["capture"])
    changed = [e for e in published if e["detail-type"] == DETAIL_TYPES[ScoreChangedDetail]]
    tiers = [e for e in published if e["detail-type"] == DETAIL_TYPES[TierChangedDetail]]
    assert len(changed) == PARTNERS  # first scores: every partner's score "moved" from nothing
    assert len(tiers) == PARTNERS  # and every partner got its first tier
    for event in changed:
        ScoreChangedDetail.model_validate(event["detail"])  # matches the schema (extra fields forbidden)
    for event in tiers:
        detail = TierChangedDetail.model_validate(event["detail"])
        assert (detail.previous_tier, detail.direction) == (None, "promotion")

    # The same day again: nothing new to announce.
    handler("daily")(SCHEDULE)
    drain(fanout["queue"], handler("daily_worker"))
    assert bus_events(fanout["capture"]) == []


def test_a_poisoned_partner_fails_alone_and_is_dead_lettered(fanout: dict[str, str]) -> None:
    seed(fanout["table"], 120)
    append_raw_event(fanout["table"], "p0007", "J3")  # an unreadable event in one partner's job
    handler("daily")(SCHEDULE)
    _, failures = drain(fanout["queue"], handler("daily_worker"))
    # The batch holding p0007 succeeds for its 49 others and re-queues p0007 alone; that message
    # fails on each of its MAX_RECEIVES receives and then moves to the DLQ.
    assert failures == MAX_RECEIVES
    repository = PartnerData(fanout["table"])
    scored = [f"p{n:04d}" for n in range(120) if repository.get_score(f"p{n:04d}") is not None]
    assert len(scored) == 119 and "p0007" not in scored
    dead = client("sqs").receive_message(QueueUrl=fanout["dlq"], MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"]) for m in dead] == [
        {"as_of": "2026-11-01", "partner_ids": ["p0007"], "isolated": True}
    ]


def steady_then_late() -> list[dict[str, Any]]:
    """Partner "steady": 12 jobs on time (offered from 2026-09-20, shipped a day early), then 8 jobs
    two days late, completing 2026-10-29 .. 2026-11-05."""
    raw: list[dict[str, Any]] = []
    for j in range(12):
        offered = date(2026, 9, 20) + timedelta(days=j)
        raw += job_events(
            "steady",
            f"J{j}",
            offered=offered,
            due=offered + timedelta(days=10),
            shipped=offered + timedelta(days=9),
            inspected=2,
        )
    for j in range(12, 20):
        offered = date(2026, 10, 17) + timedelta(days=j - 12)
        raw += job_events(
            "steady",
            f"J{j}",
            offered=offered,
            due=offered + timedelta(days=10),
            shipped=offered + timedelta(days=12),
            inspected=2,
        )
    return raw


def test_demotion_waits_three_runs_and_is_announced(
    fanout: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partner on time for 12 jobs (elite), then late on the next ones: the lower tier must hold on
    three consecutive daily runs before TierChanged (demotion) is published; DemotionWarning on the
    first."""
    table = fanout["table"]
    raw = steady_then_late()
    BulkImporter(table).import_events([EVENT_ADAPTER.validate_python(e) for e in raw], NOW)
    worker, coordinator = handler("daily_worker"), handler("daily")
    tiers: list[str | None] = []
    announced: list[tuple[str, str]] = []
    for day in (date(2026, 10, 28), date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)):
        # Each run on its scheduled night, the day after (a day after today is never scored).
        night = datetime.combine(day + timedelta(days=1), time(0, 15), UTC)
        monkeypatch.setattr(settings, "utc_now", lambda night=night: night)
        coordinator({"as_of": day.isoformat()})
        drain(fanout["queue"], worker)
        stored = PartnerData(table).get_score("steady")
        assert stored is not None
        tiers.append(stored.tier)
        announced += [
            (e["detail-type"], e["detail"]["as_of"])
            for e in bus_events(fanout["capture"])
            if e["detail-type"] != "ScoreChanged"
        ]
    assert tiers[0] == "elite"
    assert tiers[1] == tiers[2] == "elite"  # below elite on 11-01 and 11-02: not yet
    assert tiers[3] != "elite"  # third consecutive run: the demotion takes effect
    assert announced == [
        ("TierChanged", "2026-10-28"),  # first tier
        ("DemotionWarning", "2026-11-01"),
        ("TierChanged", "2026-11-03"),
    ]


def test_the_demotion_warning_is_emailed_once(
    fanout: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mail = provision_mail(fanout["table"], monkeypatch)
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    put_partner(fanout["table"], "steady", "Steady <Works>", "ops@steady.example")
    raw = steady_then_late()
    BulkImporter(fanout["table"]).import_events([EVENT_ADAPTER.validate_python(e) for e in raw], NOW)
    worker, coordinator = handler("daily_worker"), handler("daily")
    for day in ("2026-10-28", "2026-11-01", "2026-11-01"):  # elite; first run below; the same day again
        coordinator({"as_of": day})
        drain(fanout["queue"], worker)
        drain_notifications(mail)
    emails = outbox()
    assert len(emails) == 1
    (email,) = emails
    assert email["to"] == "ops@steady.example"
    assert email["subject"].startswith("Your Elite tier is at risk: score ")
    assert "3 consecutive daily scores" in email["text"]
    assert "Steady &lt;Works&gt;" in email["html"]  # autoescaped


def test_partners_scored_and_failed_are_counted(
    fanout: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    seed(fanout["table"], 60)
    append_raw_event(fanout["table"], "p0007", "J3")  # one unreadable partner, as above
    handler("daily")(SCHEDULE)
    capsys.readouterr()
    drain(fanout["queue"], handler("daily_worker"))
    totals: dict[str, float] = {}
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            record = json.loads(line)
            for name in ("PartnersScored", "PartnersFailed"):
                totals[name] = totals.get(name, 0.0) + sum(record.get(name, [0.0]))
    # 59 scored in their batch; p0007, re-queued alone, fails on each of its receives.
    assert totals == {"PartnersScored": 59.0, "PartnersFailed": float(MAX_RECEIVES)}


class WorkerKilled(BaseException):
    """The worker process dies (timeout, out of memory): nothing of the service catches it."""


def test_a_worker_killed_mid_write_is_completed_by_the_rerun(
    fanout: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies in its third BatchWriteItem of the first message: p0000-p0024 are written
    (2 items each, 25 items per call), p0025-p0049 are not, the other messages are untouched. Lambda
    returns every record of the invocation to the queue; the re-run completes every score, and each
    partner's ScoreChanged goes out at least once (exactly once for the partners written before the
    kill: a re-run of a stored day announces nothing)."""
    seed(fanout["table"], 120)
    dynamodb = client("dynamodb")
    real_write = dynamodb.batch_write_item
    writes: list[int] = []

    def batch_write_item(**kwargs: Any) -> Any:
        writes.append(sum(len(items) for items in kwargs["RequestItems"].values()))
        if len(writes) == 3:
            raise WorkerKilled("third BatchWriteItem")
        return real_write(**kwargs)

    monkeypatch.setattr(dynamodb, "batch_write_item", batch_write_item)
    worker = handler("daily_worker")

    def killable(event: dict[str, Any]) -> Any:  # a killed invocation: no answer, every record returns
        try:
            return worker(event)
        except WorkerKilled:
            return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}

    handler("daily")(SCHEDULE)
    invocations, failures = drain(fanout["queue"], killable)

    assert writes[:3] == [25, 25, 25]
    assert (invocations, failures) == (2, 2)  # both messages (100 + 20) killed together, then the re-run
    repository = PartnerData(fanout["table"])
    policy = load_policy()
    since = evidence_since(AS_OF, policy)
    for n in range(120):
        partner_id = f"p{n:04d}"
        stored = repository.get_score(partner_id)
        assert stored is not None and stored.as_of == AS_OF, partner_id
        direct = score_partner(repository.load_evidence(partner_id, since), AS_OF, policy, NOW)
        assert (stored.score, stored.grade) == (direct.result.score, direct.result.grade)
        assert repository.score_history(partner_id, AS_OF, AS_OF) != []
    changed: dict[str, int] = {}
    for event in bus_events(fanout["capture"]):
        if event["detail-type"] == DETAIL_TYPES[ScoreChangedDetail]:
            changed[event["detail"]["partner_id"]] = changed.get(event["detail"]["partner_id"], 0) + 1
    twice = {f"p{n:04d}" for n in range(25, 50)}  # announced, then killed before their write
    assert changed == {f"p{n:04d}": 2 if f"p{n:04d}" in twice else 1 for n in range(120)}


# -- peer standing through the fan-out (domain.standing, adapters.distribution_repository) ----------

PROCESSES = ("cnc_machining", "sheet_metal", "3d_printing")


def seed_with_processes(table: str, partners: int) -> None:
    """As `seed`, every offer naming a process: partner n offers PROCESSES[n % 3] on all its jobs."""
    raw: list[dict[str, Any]] = []
    for n in range(partners):
        for j in range(12):
            offered = date(2026, 10, 1) + timedelta(days=j)
            due = offered + timedelta(days=10)
            late = j < n % 7
            shipped = due + timedelta(days=2) if late else due - timedelta(days=1)
            events = job_events(f"p{n:04d}", f"J{j}", offered=offered, due=due, shipped=shipped, inspected=2)
            events[0]["process"] = PROCESSES[n % 3]
            raw += events
    BulkImporter(table).import_events([EVENT_ADAPTER.validate_python(e) for e in raw], NOW)


def floor_share_lower(scores: list[Decimal], score: Decimal) -> int | None:
    """The percentile by its definition, straight from the stored scores (no histogram)."""
    if len(scores) < 2:
        return None
    return 100 * sum(s < score for s in scores) // len(scores)


def test_second_day_scores_stand_against_the_first_days_distribution(fanout: dict[str, str]) -> None:
    partners = 60
    seed_with_processes(fanout["table"], partners)
    repository = PartnerData(fanout["table"])
    ids = [f"p{n:04d}" for n in range(partners)]

    handler("daily")(SCHEDULE)  # day 1: no distribution before it
    drain(fanout["queue"], handler("daily_worker"))
    first = {pid: repository.get_score(pid) for pid in ids}
    assert all(record is not None and record.score is not None for record in first.values())
    assert all(
        (v := repository.get_score_view(pid)) is not None and v.percentile is None for pid in ids
    )  # absent, not 0

    handler("daily")(SCHEDULE)  # day 1 re-run: its distribution is replaced, not added to
    drain(fanout["queue"], handler("daily_worker"))
    stored = DistributionRepository(fanout["table"]).load(AS_OF)
    counted = [r for r in first.values() if r is not None and r.score is not None and not r.provisional]
    assert stored is not None and stored.partners == len(counted) == partners  # 60, not 120
    assert sum(sum(h.values()) for h in stored.processes.values()) == partners  # 20 per process

    handler("daily")({"as_of": "2026-11-02"})  # day 2 stands against day 1
    drain(fanout["queue"], handler("daily_worker"))
    network = [r.score for r in counted if r.score is not None]
    percentiles = set()
    for n, pid in enumerate(ids):
        view = repository.get_score_view(pid)
        assert view is not None and view.score is not None and view.percentile is not None
        today = Decimal(str(view.score))
        assert view.percentile.distribution_as_of == AS_OF
        assert view.percentile.network == floor_share_lower(network, today)
        same = [r.score for r in counted if r.score is not None and int(r.partner_id[1:]) % 3 == n % 3]
        assert view.percentile.process is not None
        assert view.percentile.process.name == PROCESSES[n % 3]
        assert view.percentile.process.percentile == floor_share_lower(same, today)
        percentiles.add(view.percentile.network)
    assert len(percentiles) >= 3  # the spread of scores gives a spread of standings


def test_a_redelivered_batch_replaces_its_part_of_the_distribution(fanout: dict[str, str]) -> None:
    seed_with_processes(fanout["table"], 6)
    handler("daily")(SCHEDULE)
    body = client("sqs").receive_message(QueueUrl=fanout["queue"], MaxNumberOfMessages=1)["Messages"][0][
        "Body"
    ]
    record = {
        "messageId": "m1",
        "receiptHandle": "r1",
        "body": body,
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:daily",
        "awsRegion": "us-east-1",
    }
    worker = handler("daily_worker")
    assert worker({"Records": [record]})["batchItemFailures"] == []
    distributions = DistributionRepository(fanout["table"])
    once = distributions.load(AS_OF)
    assert worker({"Records": [record]})["batchItemFailures"] == []  # SQS delivers it again
    twice = distributions.load(AS_OF)
    assert once is not None and twice is not None
    assert once.partners == twice.partners == 6
    assert twice.network == once.network
