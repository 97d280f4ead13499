"""The monthly snapshot job end to end in moto (docs/snapshots.md, docs/performance.md; issue 3): scheduler
input -> coordinator
-> SQS -> worker -> S3 + DynamoDB + SES, and the GET /snapshots routes. Exactly one email per partner
and month, whatever re-runs, crashes or SES throttling happen."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError
from integration_support import NOW, ROOT, handler
from lambda_events import api_event, caller, load_event, response_json
from mail_support import (
    SENDER,
    MailEnv,
    drain_snapshots,
    job_event,
    outbox,
    provision_mail,
    put_partner,
    record,
    s3_json,
)
from scorecard.adapters.aws import client
from scorecard.adapters.mail_claims import MailClaims
from scorecard.adapters.mailer import SendRejected, SesMailer
from scorecard.adapters.queue import SqsQueue
from scorecard.adapters.snapshot_repository import SnapshotRepository
from scorecard.bootstrap import bootstrap
from scorecard.platform import settings
from scorecard.schemas.messages import SnapshotBatchMessage
from scorecard.services.fanout import PartnersFailed
from scorecard.services.monthly import process_snapshot_message, snapshot_batch
from scorecard_local.queues import drain_queue, make_visible
from scorecard_local.template_tables import load_template

MONTH = "2026-10"
ACME, BLUEWATER, CEDAR, DELTA = "acme-01", "bluewater-02", "cedar-03", "delta-04"
EMAILS = {ACME: "ops@acme.example", BLUEWATER: "ops@bluewater.example", CEDAR: "ops@cedar.example"}
SECTION_5 = (
    "jobs_on_board",
    "jobs_read",
    "jobs_accepted",
    "parts_shipped",
    "pct_parts_on_time",
    "dpt",
    "value_accepted",
    "pct_jobs_on_time",
    "monthly_score",
    "grade",
)


def one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def grade(score: int) -> str:
    return "A" if score >= 90 else "B" if score >= 80 else "C" if score >= 70 else "D"


# ---- the network: four partners, hand-made October 2026 ------------------------------------------


def offer(p: str, job: str, at: str, value: str, parts: int, due: str) -> dict[str, Any]:
    return job_event(p, job, "o", "job.offered", at, value=value, part_count=parts, due_date=due)


def step(p: str, job: str, name: str, type_: str, at: str) -> dict[str, Any]:
    return job_event(p, job, name, type_, at)


def ship(p: str, job: str, name: str, at: str, parts: int) -> dict[str, Any]:
    return job_event(p, job, name, "job.shipped", at, parts_shipped=parts)


def inspect(p: str, job: str, name: str, at: str, parts: int, defective: int) -> dict[str, Any]:
    ncmr = f"NCMR-{job}" if defective else None
    return job_event(
        p, job, name, "job.inspected", at, parts_inspected=parts, parts_defective=defective, ncmr_id=ncmr
    )


def acme_events() -> list[dict[str, Any]]:
    """Shipped, inspected, one late job; a September job (A-0) that must not count in October."""
    p = ACME
    return [
        offer(p, "A-0", "2026-08-20T12:00:00Z", "40", 3, "2026-09-30"),
        step(p, "A-0", "a", "job.accepted", "2026-08-21T12:00:00Z"),
        ship(p, "A-0", "s", "2026-09-10T12:00:00Z", 3),
        inspect(p, "A-0", "i", "2026-09-11T12:00:00Z", 3, 0),
        # 10 parts due 10-15; 6 on time (10-10), 4 late (10-20): completed late, 5 days
        offer(p, "A-1", "2026-10-01T08:00:00Z", "1000.50", 10, "2026-10-15"),
        step(p, "A-1", "r", "job.read", "2026-10-01T09:00:00Z"),
        step(p, "A-1", "a", "job.accepted", "2026-10-02T12:00:00Z"),
        ship(p, "A-1", "s1", "2026-10-10T12:00:00Z", 6),
        inspect(p, "A-1", "i1", "2026-10-11T12:00:00Z", 6, 1),
        ship(p, "A-1", "s2", "2026-10-20T12:00:00Z", 4),
        inspect(p, "A-1", "i2", "2026-10-21T12:00:00Z", 4, 0),
        # offered, read, accepted in September; 5 parts shipped on time in October
        offer(p, "A-2", "2026-09-25T12:00:00Z", "200", 5, "2026-10-05"),
        step(p, "A-2", "r", "job.read", "2026-09-26T12:00:00Z"),
        step(p, "A-2", "a", "job.accepted", "2026-09-27T12:00:00Z"),
        ship(p, "A-2", "s", "2026-10-04T12:00:00Z", 5),
        inspect(p, "A-2", "i", "2026-10-05T12:00:00Z", 5, 0),
        # 2 of 4 parts shipped (on time), 1 defective; not completed
        offer(p, "A-3", "2026-10-20T12:00:00Z", "99.99", 4, "2026-11-15"),
        step(p, "A-3", "r", "job.read", "2026-10-21T12:00:00Z"),
        step(p, "A-3", "a", "job.accepted", "2026-10-22T12:00:00Z"),
        ship(p, "A-3", "s", "2026-10-30T12:00:00Z", 2),
        inspect(p, "A-3", "i", "2026-10-31T12:00:00Z", 2, 1),
        # only offered
        offer(p, "A-4", "2026-10-25T12:00:00Z", "5000", 1, "2026-11-30"),
    ]


def bluewater_events() -> list[dict[str, Any]]:
    """Four jobs shipped, none inspected (DPT null: the score is on-time only); B-2 two days late."""
    p = BLUEWATER
    rows = [
        # job, offered (Oct day), value, parts, due (Oct day), shipped (Oct day), read
        ("B-1", 1, "300", 3, 10, 8, True),
        ("B-2", 2, "100", 2, 12, 14, True),
        ("B-3", 3, "50", 1, 20, 18, False),
        ("B-4", 4, "25", 1, 25, 24, False),
    ]
    events = []
    for job, offered, value, parts, due, shipped, read in rows:
        events += [
            offer(p, job, f"2026-10-{offered:02d}T08:00:00Z", value, parts, f"2026-10-{due:02d}"),
            step(p, job, "a", "job.accepted", f"2026-10-{offered:02d}T10:00:00Z"),
            ship(p, job, "s", f"2026-10-{shipped:02d}T12:00:00Z", parts),
        ]
        if read:
            events.append(step(p, job, "r", "job.read", f"2026-10-{offered:02d}T09:00:00Z"))
    return events


def cedar_events() -> list[dict[str, Any]]:
    """Nothing shipped in October: not graded."""
    return [
        offer(CEDAR, "C-1", "2026-10-05T12:00:00Z", "80", 1, "2026-11-20"),
        step(CEDAR, "C-1", "r", "job.read", "2026-10-06T12:00:00Z"),
    ]


def delta_events() -> list[dict[str, Any]]:
    """A partner without an email address: archived, never emailed."""
    return [
        offer(DELTA, "D-1", "2026-10-01T12:00:00Z", "10", 1, "2026-10-31"),
        step(DELTA, "D-1", "a", "job.accepted", "2026-10-01T13:00:00Z"),
        ship(DELTA, "D-1", "s", "2026-10-15T12:00:00Z", 1),
    ]


def expected_october() -> dict[str, dict[str, Any]]:
    """docs/snapshots.md, computed by hand from the events above."""
    # acme: parts A-1 6 + 4, A-2 5, A-3 2; on time: A-1's 6 (10-10 <= 10-15), A-2's 5, A-3's 2
    acme_parts, acme_on_time = 6 + 4 + 5 + 2, 6 + 5 + 2
    acme_inspected, acme_defective = 6 + 4 + 5 + 2, 1 + 0 + 0 + 1
    acme_dpt = Decimal(1000 * acme_defective) / acme_inspected  # 117.647...
    acme_jobs_on_time = Decimal(100 * 1) / 2  # completed: A-1 (late), A-2 (on time)
    acme_score = whole(
        Decimal("0.5") * acme_jobs_on_time + Decimal("0.5") * max(Decimal(0), 100 - acme_dpt / 5)
    )  # 0.5 x 50 + 0.5 x 76.47 = 63.2 -> 63
    # bluewater: parts 3 + 2 + 1 + 1, on time all but B-2's 2; jobs 3 of 4 on time; no inspection
    blue_score = whole(Decimal(100 * 3) / 4)  # dpt null: on-time only
    return {
        ACME: {
            "jobs_on_board": 3,  # A-4 (A-2 was offered in September)
            "jobs_read": 2,
            "jobs_accepted": 2,
            "parts_shipped": acme_parts,
            "pct_parts_on_time": one_decimal(Decimal(100 * acme_on_time) / acme_parts),  # 76.5
            "dpt": one_decimal(acme_dpt),  # 117.6
            "value_accepted": str(Decimal("1000.50") + Decimal("99.99")),  # "1100.49"
            "pct_jobs_on_time": one_decimal(acme_jobs_on_time),  # 50.0
            "monthly_score": acme_score,
            "grade": grade(acme_score),
        },
        BLUEWATER: {
            "jobs_on_board": 4,
            "jobs_read": 2,
            "jobs_accepted": 4,
            "parts_shipped": 3 + 2 + 1 + 1,
            "pct_parts_on_time": one_decimal(Decimal(100 * (3 + 1 + 1)) / 7),  # 71.4
            "dpt": None,
            "value_accepted": str(Decimal("300") + Decimal("100") + Decimal("50") + Decimal("25")) + ".00",
            "pct_jobs_on_time": one_decimal(Decimal(100 * 3) / 4),  # 75.0
            "monthly_score": blue_score,  # 75
            "grade": grade(blue_score),  # C
        },
        CEDAR: {
            "jobs_on_board": 1,
            "jobs_read": 1,
            "jobs_accepted": 0,
            "parts_shipped": 0,
            "pct_parts_on_time": None,
            "dpt": None,
            "value_accepted": "0.00",
            "pct_jobs_on_time": None,
            "monthly_score": None,  # nothing shipped: not graded
            "grade": None,
        },
        DELTA: {
            "jobs_on_board": 1,
            "jobs_read": 0,
            "jobs_accepted": 1,
            "parts_shipped": 1,
            "pct_parts_on_time": 100.0,
            "dpt": None,
            "value_accepted": "10.00",
            "pct_jobs_on_time": 100.0,
            "monthly_score": 100,
            "grade": "A",
        },
    }


@pytest.fixture
def mail(table: str, clock: Any, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    return provision_mail(table, monkeypatch)


@pytest.fixture
def network(mail: MailEnv) -> MailEnv:
    put_partner(mail.table, ACME, "Acme Precision", EMAILS[ACME])
    put_partner(mail.table, BLUEWATER, "Bluewater CNC", EMAILS[BLUEWATER])
    put_partner(mail.table, CEDAR, "Cedar Ridge Tooling", EMAILS[CEDAR])
    put_partner(mail.table, DELTA, "Delta Swiss", None)
    record(mail.table, acme_events() + bluewater_events() + cedar_events() + delta_events())
    return mail


def run_scheduled_month(mail: MailEnv) -> dict[str, Any]:
    """What the schedule does on 2026-11-01: the coordinator with the scheduler's input, then the
    queue drained into the worker as Lambda's poller would."""
    queued: dict[str, Any] = handler("monthly_coordinator")(load_event("schedule_monthly"))
    report = drain_snapshots(mail)
    return {"queued": queued, "drained": report}


def emails_by_recipient() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for email in outbox():
        found.setdefault(email["to"], []).append(email)
    return found


def assert_one_email_each(mail: MailEnv) -> None:
    emails = emails_by_recipient()
    assert {to: len(sent) for to, sent in emails.items()} == dict.fromkeys(EMAILS.values(), 1)
    claims = MailClaims(mail.table)
    for partner_id in EMAILS:
        claim = claims.get(partner_id, "snapshot", MONTH)
        assert claim is not None and claim.status == "sent" and claim.message_id


def assert_every_snapshot_exists(mail: MailEnv) -> None:
    expected = expected_october()
    for partner_id, fields in expected.items():
        document = s3_json(mail.bucket, f"snapshots/{MONTH}/{partner_id}.json")
        assert {name: document[name] for name in SECTION_5} == fields, partner_id
        html = client("s3").get_object(Bucket=mail.bucket, Key=f"snapshots/{MONTH}/{partner_id}.html")
        assert html["ContentType"].startswith("text/html")
        assert SnapshotRepository(mail.table).get(partner_id, MONTH) is not None


# ---- the tests -------------------------------------------------------------------------------------


def test_the_schedule_sample_snapshots_the_month_that_just_ended(network: MailEnv) -> None:
    assert load_event("schedule_monthly") == {"scheduled_time": "2026-11-01T00:30:00Z"}
    result = run_scheduled_month(network)
    assert result["queued"] == {
        "month": MONTH,
        "email": True,
        "partners": 4,
        "messages": 1,  # 25 partners per message
        "send_calls": 1,  # SendMessageBatch, 10 messages per call
    }
    assert (result["drained"].received, result["drained"].failed) == (1, 0)


def test_a_month_for_several_partners(network: MailEnv) -> None:
    run_scheduled_month(network)

    assert_every_snapshot_exists(network)  # the docs/snapshots.md fields on the hand-computed data, all four
    acme = s3_json(network.bucket, f"snapshots/{MONTH}/{ACME}.json")
    assert acme["partner_id"] == ACME and acme["month"] == MONTH and acme["policy_version"] == "v1"
    assert acme["late_jobs"] == [
        {
            "job_id": "A-1",
            "due_date": "2026-10-15",
            "shipped_on": "2026-10-20",
            "days_late": 5,
            "parts_shipped": 10,
            "parts_inspected": 10,
            "parts_defective": 1,
        }
    ]
    assert [(j["job_id"], j["parts_inspected"], j["parts_defective"]) for j in acme["defective_jobs"]] == [
        ("A-1", 10, 1),
        ("A-3", 2, 1),
    ]
    # S3 objects are encrypted at rest (and the bucket private, see test_the_bucket_is_private)
    head = client("s3").head_object(Bucket=network.bucket, Key=f"snapshots/{MONTH}/{ACME}.json")
    assert head["ServerSideEncryption"] == "AES256"

    # one email per partner with an address, none for delta-04; subjects carry the grade
    assert_one_email_each(network)
    subjects = {email["to"]: email["subject"] for email in outbox()}
    assert subjects == {
        EMAILS[ACME]: "Your October 2026 Partner Performance Snapshot — Grade D",
        EMAILS[BLUEWATER]: "Your October 2026 Partner Performance Snapshot — Grade C",
        EMAILS[CEDAR]: "Your October 2026 Partner Performance Snapshot — Not graded",
    }
    assert MailClaims(network.table).get(DELTA, "snapshot", MONTH) is None  # skipped, not failed

    # the email links to the archived HTML with a 7-day pre-signed GET
    (acme_email,) = emails_by_recipient()[EMAILS[ACME]]
    url = next(word for word in acme_email["text"].split() if word.startswith("https://"))
    parts = urlsplit(url)
    assert parts.path.endswith(f"/snapshots/{MONTH}/{ACME}.html")
    assert parse_qs(parts.query)["X-Amz-Expires"] == ["604800"]
    assert url.replace("&", "&amp;") in acme_email["html"]


def test_the_trend_comes_from_stored_snapshots(network: MailEnv) -> None:
    handler("monthly_coordinator")({"month": "2026-09", "email": False})  # a backfill: no email
    drain_snapshots(network)
    assert outbox() == []
    run_scheduled_month(network)
    (email,) = emails_by_recipient()[EMAILS[ACME]]
    # A-0 completed on time in September, 3 parts inspected, none defective: 100, grade A
    assert "September 2026: 100 (A)" in email["text"]
    assert "October 2026: 63 (D)  <- this month" in email["text"]
    assert "August 2026: no snapshot" in email["text"]
    assert email["text"].count("no snapshot") == 10


def test_running_the_month_twice_writes_nothing_new_and_never_emails_twice(network: MailEnv) -> None:
    """A re-run is a restatement check: nothing moved, so nothing is written (one S3 version)."""
    run_scheduled_month(network)
    run_scheduled_month(network)
    assert_one_email_each(network)
    assert_every_snapshot_exists(network)
    versions = client("s3").list_object_versions(Bucket=network.bucket, Prefix=f"snapshots/{MONTH}/")
    per_key: dict[str, int] = {}
    for version in versions["Versions"]:
        per_key[version["Key"]] = per_key.get(version["Key"], 0) + 1
    assert per_key == {
        f"snapshots/{MONTH}/{p}.{ext}": 1 for p in expected_october() for ext in ("json", "html")
    }


def test_a_crash_between_claim_and_send_is_retried_once_the_lease_expires(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_send = SesMailer.send
    crashes: list[str] = []

    def crash_once(self: SesMailer, message: Any) -> str:
        if message["To"] == EMAILS[ACME] and not crashes:
            crashes.append(message["To"])  # the claim is written; the worker dies before SES
            raise RuntimeError("worker killed between claim and send")
        return real_send(self, message)

    monkeypatch.setattr(SesMailer, "send", crash_once)
    first = run_scheduled_month(network)["drained"]
    # acme was split off into a message of its own, which fails while its claim is still leased
    assert first.failed == 1
    claim = MailClaims(network.table).get(ACME, "snapshot", MONTH)
    assert claim is not None and claim.status == "sending"
    assert EMAILS[ACME] not in emails_by_recipient()

    # a re-run within the lease does not send: the claim might belong to a live sender
    second = run_scheduled_month(network)["drained"]
    assert second.failed == 1
    assert EMAILS[ACME] not in emails_by_recipient()

    # after the lease (900 s) the stale claim is taken over: the messages come back and send once
    monkeypatch.setattr(settings, "utc_now", lambda: NOW + timedelta(seconds=901))
    make_visible(network.snapshot_queue, first.failed_receipts + second.failed_receipts)
    third = drain_snapshots(network)
    assert (third.received, third.failed) == (2, 0)
    assert_one_email_each(network)
    assert_every_snapshot_exists(network)
    claim = MailClaims(network.table).get(ACME, "snapshot", MONTH)
    assert claim is not None and claim.attempts == 2


def throttle(monkeypatch: pytest.MonkeyPatch, times: int, only_to: str | None = None) -> list[str]:
    """SES answers Throttling to the first `times` sends (to `only_to`, if given)."""
    ses = client("ses")
    real = ses.send_raw_email
    throttled: list[str] = []

    def send_raw_email(**kwargs: Any) -> Any:
        to = kwargs["Destinations"][0]
        if (only_to is None or to == only_to) and len(throttled) < times:
            throttled.append(to)
            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendRawEmail"
            )
        return real(**kwargs)

    monkeypatch.setattr(ses, "send_raw_email", send_raw_email)
    return throttled


def test_ses_throttling_is_retried_with_backoff(network: MailEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    throttled = throttle(monkeypatch, 3)
    report = run_scheduled_month(network)["drained"]
    assert len(throttled) == 3 and report.failed == 0
    assert_one_email_each(network)
    assert_every_snapshot_exists(network)
    # exponential backoff with full jitter (adapters/retry.py): up to 0.5, 1, 2 s
    assert len(network.sleeps) == 3
    for attempt, slept in enumerate(network.sleeps):
        assert 0 < slept <= 0.5 * 2**attempt


def test_throttling_past_the_retries_fails_back_to_the_queue(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    throttled = throttle(monkeypatch, 5)  # every attempt of the first email
    report = run_scheduled_month(network)["drained"]
    # the throttled partner's claim was released and the partner re-queued alone, then sent
    assert len(throttled) == 5
    assert (report.received, report.failed) == (2, 0)
    assert_one_email_each(network)
    assert_every_snapshot_exists(network)


def test_the_sqs_sample_reports_a_failed_record_and_keeps_the_others(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """events/sqs_snapshot_batch.json through the worker: a single-partner message that cannot be
    sent is reported in batchItemFailures; the other record's partners are done."""
    event = load_event("sqs_snapshot_batch")
    first, _ = event["Records"]
    assert json.loads(first["body"])["partner_ids"] == [ACME, BLUEWATER]
    first["body"] = json.dumps({"month": MONTH, "partner_ids": [ACME], "isolated": True})
    throttle(monkeypatch, 10**6, only_to=EMAILS[ACME])  # SES keeps refusing acme's email

    response = handler("monthly_worker")(event)

    assert response == {"batchItemFailures": [{"itemIdentifier": first["messageId"]}]}
    assert set(emails_by_recipient()) == {EMAILS[CEDAR]}  # delta-04 has no address
    assert MailClaims(network.table).get(ACME, "snapshot", MONTH) is None  # released: SES refused
    assert SnapshotRepository(network.table).get(ACME, MONTH) is not None  # archived all the same


def test_the_sqs_sample_splits_off_a_failed_partner(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = load_event("sqs_snapshot_batch")
    throttle(monkeypatch, 5, only_to=EMAILS[ACME])
    assert handler("monthly_worker")(event) == {"batchItemFailures": []}
    # acme is queued again, alone; sending it then succeeds
    report = drain_snapshots(network)
    assert (report.received, report.failed) == (1, 0)
    assert_one_email_each(network)


# ---- GET /v1/partners/{id}/snapshots[/{month}] ------------------------------------------------------


def get(path: str, who: dict[str, str], params: dict[str, str]) -> tuple[int, Any]:
    event = api_event("api_get_score", caller=who, path=path, path_parameters=params)
    response = handler("api")(event)
    return response["statusCode"], response_json(response)


def test_the_snapshot_api(network: MailEnv) -> None:
    handler("monthly_coordinator")({"month": "2026-09", "email": False})
    drain_snapshots(network)
    run_scheduled_month(network)

    status, listing = get(f"/v1/partners/{ACME}/snapshots", caller("partner", ACME), {"id": ACME})
    assert status == 200
    assert [(s["month"], s["monthly_score"], s["grade"]) for s in listing["snapshots"]] == [
        ("2026-10", 63, "D"),
        ("2026-09", 100, "A"),
    ]
    assert [s["email"]["status"] for s in listing["snapshots"]] == ["sent", "not_emailed"]

    status, one = get(f"/v1/partners/{ACME}/snapshots/{MONTH}", caller("ops"), {"id": ACME, "month": MONTH})
    assert status == 200
    assert {name: one[name] for name in SECTION_5} == expected_october()[ACME]
    assert one["month"] == MONTH
    assert (one["json_key"], one["html_key"]) == (
        f"snapshots/{MONTH}/{ACME}.json",
        f"snapshots/{MONTH}/{ACME}.html",
    )
    assert urlsplit(one["html_url"]).path.endswith(f"/snapshots/{MONTH}/{ACME}.html")
    assert one["email"]["status"] == "sent" and one["email"]["to"] == EMAILS[ACME]

    status, delta = get(
        f"/v1/partners/{DELTA}/snapshots/{MONTH}", caller("service"), {"id": DELTA, "month": MONTH}
    )
    assert status == 200 and delta["email"]["status"] == "no_address" and delta["grade"] == "A"

    # access (docs/api.md), unknown month and partner, a malformed month
    assert get(f"/v1/partners/{ACME}/snapshots", caller("partner", BLUEWATER), {"id": ACME})[0] == 403
    assert (
        get(f"/v1/partners/{ACME}/snapshots/2026-08", caller("ops"), {"id": ACME, "month": "2026-08"})[0]
        == 404
    )
    assert get("/v1/partners/nobody/snapshots", caller("ops"), {"id": "nobody"})[0] == 404
    assert (
        get(f"/v1/partners/{ACME}/snapshots/2026-13", caller("ops"), {"id": ACME, "month": "2026-13"})[0]
        == 422
    )


def test_the_openapi_document_shows_the_snapshot_routes(network: MailEnv) -> None:
    event = api_event("api_get_openapi")
    document = response_json(handler("api")(event))
    assert "/v1/partners/{partner_id}/snapshots" in document["paths"]
    assert "/v1/partners/{partner_id}/snapshots/{month}" in document["paths"]


# ---- the template's side of the design --------------------------------------------------------------


def test_the_bucket_is_private_encrypted_and_tls_only() -> None:
    resources = load_template(ROOT / "template.yaml")["Resources"]
    bucket = resources["SnapshotBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ] == {"SSEAlgorithm": "AES256"}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    (statement,) = resources["SnapshotBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_sending_stays_under_the_ses_rate_and_the_lease_outlasts_the_workers() -> None:
    """The arithmetic of template.yaml's comment: SES_SENDERS instances at most, each paced to
    SES_MAX_SEND_RATE / SES_SENDERS; the claim lease longer than any sender's Timeout; the queue's
    redeliveries outlasting the lease; both queues dead-lettered and alarmed."""
    template = load_template(ROOT / "template.yaml")
    resources = template["Resources"]
    senders = {
        logical_id: resource["Properties"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
        and "SENDER_EMAIL" in (resource["Properties"].get("Environment") or {}).get("Variables", {})
    }
    assert set(senders) == {"MonthlyWorkerFunction", "NotificationWorkerFunction"}
    concurrency = 0
    for props in senders.values():
        variables = props["Environment"]["Variables"]
        (source,) = [e["Properties"] for e in props["Events"].values() if e["Type"] == "SQS"]
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        concurrency += source["ScalingConfig"]["MaximumConcurrency"]
        assert variables["SES_MAX_SEND_RATE"] == {"Ref": "SesMaxSendRate"}
        lease = int(variables["MAIL_CLAIM_LEASE_SECONDS"])
        assert lease > props["Timeout"]
        queue = resources[source["Queue"]["Fn::GetAtt"][0]]["Properties"]
        assert queue["VisibilityTimeout"] >= 6 * props["Timeout"]
        redrive = queue["RedrivePolicy"]
        assert redrive["maxReceiveCount"] * queue["VisibilityTimeout"] > lease + queue["VisibilityTimeout"]
        dlq = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        dimension = [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}]
        alarmed = [
            alarm
            for alarm in resources.values()
            if alarm["Type"] == "AWS::CloudWatch::Alarm"
            and alarm["Properties"].get("Dimensions") == dimension
        ]
        assert alarmed, f"no alarm on {dlq}"
    for props in senders.values():
        assert int(props["Environment"]["Variables"]["SES_SENDERS"]) == concurrency
    assert template["Parameters"]["SesMaxSendRate"]["Default"] == 14
    # the worst case of the comment: 25 partners x (backoff 7.5 s + pacing) within the Timeout
    worker = senders["MonthlyWorkerFunction"]
    (source,) = [e["Properties"] for e in worker["Events"].values() if e["Type"] == "SQS"]
    per_email = 7.5 + concurrency / 14
    assert source["BatchSize"] * 25 * per_email < worker["Timeout"]


def test_the_monthly_schedule() -> None:
    props = load_template(ROOT / "template.yaml")["Resources"]["MonthlyCoordinatorFunction"]["Properties"]
    schedule = props["Events"]["MonthlySchedule"]
    assert schedule["Type"] == "ScheduleV2"
    assert schedule["Properties"]["ScheduleExpression"] == "cron(30 0 1 * ? *)"
    assert schedule["Properties"]["ScheduleExpressionTimezone"] == "UTC"  # policy v1's timezone
    assert json.loads(schedule["Properties"]["Input"]) == {"scheduled_time": "<aws.scheduler.scheduled-time>"}
    assert schedule["Properties"]["DeadLetterConfig"] == {
        "Arn": {"Fn::GetAtt": ["MonthlyDeadLetterQueue", "Arn"]}
    }
    assert schedule["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] >= 1


def test_sender_is_verified_in_the_fixture(mail: MailEnv) -> None:
    assert SENDER in client("ses").list_identities()["Identities"]


# ---- faults (issue 8): a killed worker, S3 refusing a write, SES rejecting one address ------------


class WorkerKilled(BaseException):
    """The worker process dies (timeout, out of memory): nothing of the service catches it, as
    nothing catches a SIGKILL."""


def killable(invoke: Any) -> Any:
    """Lambda's view of a killed invocation: no answer, so every record of it returns to the queue."""

    def run(event: dict[str, Any]) -> Any:
        try:
            return invoke(event)
        except WorkerKilled:
            return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}

    return run


def test_a_worker_killed_mid_batch_is_completed_by_the_rerun_without_a_second_email(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = client("s3")
    real_put = s3.put_object
    puts: list[str] = []

    def put_object(**kwargs: Any) -> Any:
        puts.append(kwargs["Key"])
        if len(puts) == 5:  # acme's and bluewater's two objects are written; cedar's first is not
            raise WorkerKilled(kwargs["Key"])
        return real_put(**kwargs)

    monkeypatch.setattr(s3, "put_object", put_object)
    handler("monthly_coordinator")(load_event("schedule_monthly"))
    worker = killable(handler("monthly_worker"))
    first = drain_queue(network.snapshot_queue, network.snapshot_arn, worker, batch_size=1)

    assert puts[-1] == f"snapshots/{MONTH}/{CEDAR}.json"
    assert (first.received, first.failed) == (1, 1)  # the one message of four partners, killed
    assert {to: len(sent) for to, sent in emails_by_recipient().items()} == {
        EMAILS[ACME]: 1,
        EMAILS[BLUEWATER]: 1,
    }
    assert SnapshotRepository(network.table).get(CEDAR, MONTH) is None
    assert MailClaims(network.table).get(CEDAR, "snapshot", MONTH) is None

    make_visible(network.snapshot_queue, first.failed_receipts)  # its visibility timeout ran out
    second = drain_queue(network.snapshot_queue, network.snapshot_arn, worker, batch_size=1)

    assert (second.received, second.failed) == (1, 0)
    assert_one_email_each(network)  # acme and bluewater: already_sent; cedar: sent now
    assert_every_snapshot_exists(network)


def refuse_s3_put(monkeypatch: pytest.MonkeyPatch, key: str) -> list[str]:
    """S3 answers InternalError (what botocore raises once its retries are spent) to PUT `key` while
    the returned list is empty; append to it to let S3 work again."""
    s3 = client("s3")
    real_put = s3.put_object
    healed: list[str] = []

    def put_object(**kwargs: Any) -> Any:
        if kwargs["Key"] == key and not healed:
            raise ClientError(
                {"Error": {"Code": "InternalError", "Message": "We encountered an internal error."}},
                "PutObject",
            )
        return real_put(**kwargs)

    monkeypatch.setattr(s3, "put_object", put_object)
    return healed


def test_no_email_before_the_snapshot_is_archived_when_s3_refuses_a_write(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    html_key = f"snapshots/{MONTH}/{CEDAR}.html"
    healed = refuse_s3_put(monkeypatch, html_key)  # the JSON goes in, the HTML does not

    first = run_scheduled_month(network)["drained"]

    # cedar failed alone (split off, retried, failed again); the others are done
    assert (first.received, first.failed) == (2, 1)
    assert set(emails_by_recipient()) == {EMAILS[ACME], EMAILS[BLUEWATER]}
    assert MailClaims(network.table).get(CEDAR, "snapshot", MONTH) is None
    assert SnapshotRepository(network.table).get(CEDAR, MONTH) is None
    with pytest.raises(ClientError):
        client("s3").head_object(Bucket=network.bucket, Key=html_key)

    healed.append("S3 works again")
    make_visible(network.snapshot_queue, first.failed_receipts)
    second = drain_snapshots(network)

    assert (second.received, second.failed) == (1, 0)
    assert_one_email_each(network)
    assert_every_snapshot_exists(network)


def reject_address(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    """SES answers MessageRejected to every send to `address` (a suppressed or refused recipient)."""
    ses = client("ses")
    real = ses.send_raw_email

    def send_raw_email(**kwargs: Any) -> Any:
        if kwargs["Destinations"] == [address]:
            raise ClientError(
                {"Error": {"Code": "MessageRejected", "Message": "Email address is on the suppression list"}},
                "SendRawEmail",
            )
        return real(**kwargs)

    monkeypatch.setattr(ses, "send_raw_email", send_raw_email)


def test_ses_rejecting_one_address_fails_that_partner_with_the_reason_and_no_other(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    reject_address(monkeypatch, EMAILS[BLUEWATER])

    report = run_scheduled_month(network)["drained"]

    # bluewater is split off into a message of its own, which fails (and comes back until the DLQ);
    # the others are emailed once and every snapshot is archived, bluewater's too
    assert (report.received, report.failed) == (2, 1)
    assert {to: len(sent) for to, sent in emails_by_recipient().items()} == {
        EMAILS[ACME]: 1,
        EMAILS[CEDAR]: 1,
    }
    assert MailClaims(network.table).get(BLUEWATER, "snapshot", MONTH) is None  # released: never sent
    assert SnapshotRepository(network.table).get(BLUEWATER, MONTH) is not None

    # the failure carries SES's reason: in the batch's work and in the isolated message's error
    deps = bootstrap().monthly
    work = snapshot_batch(
        deps, SnapshotBatchMessage(month=MONTH, partner_ids=[ACME, BLUEWATER, CEDAR, DELTA])
    )
    assert [(o.partner_id, o.email) for o in work.result] == [
        (ACME, "already_sent"),
        (CEDAR, "already_sent"),
        (DELTA, "no_address"),
    ]
    assert list(work.failed) == [BLUEWATER]
    reason = work.failed[BLUEWATER]
    assert isinstance(reason, SendRejected) and "MessageRejected" in str(reason)
    alone = SnapshotBatchMessage(month=MONTH, partner_ids=[BLUEWATER], isolated=True)
    with pytest.raises(PartnersFailed, match="MessageRejected") as failed:
        process_snapshot_message(deps, alone, SqsQueue(network.snapshot_queue))
    assert list(failed.value.failed) == [BLUEWATER]
    assert EMAILS[BLUEWATER] not in emails_by_recipient()


def test_a_message_reads_its_partners_profiles_and_records_with_a_batch_get_each(network: MailEnv) -> None:
    """Per partner a GetItem of its profile and one of the month's record were a round trip each (8
    here, 50 in a full message); the worker reads the message's profiles at once, then its records,
    and every email still has its partner's name and address (delta has none: no email)."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def note(params: dict[str, Any], model: Any, **_: Any) -> None:
        sent.append((model.name, params))

    client("dynamodb").meta.events.register("before-parameter-build.dynamodb", note)
    work = snapshot_batch(
        bootstrap().monthly, SnapshotBatchMessage(month=MONTH, partner_ids=[ACME, BLUEWATER, CEDAR, DELTA])
    )

    def sort_keys(params: dict[str, Any]) -> set[str]:
        if "Key" in params:
            return {params["Key"]["SK"]["S"]}
        return {key["SK"]["S"] for key in params["RequestItems"][network.table]["Keys"]}

    reads = [
        (operation, sort_keys(params))
        for operation, params in sent
        if operation in ("GetItem", "BatchGetItem") and sort_keys(params) & {"PROFILE", f"SNAP#{MONTH}"}
    ]
    assert reads == [("BatchGetItem", {"PROFILE"}), ("BatchGetItem", {f"SNAP#{MONTH}"})]
    batch_reads = [params for operation, params in sent if operation == "BatchGetItem"]
    assert [len(params["RequestItems"][network.table]["Keys"]) for params in batch_reads] == [4, 4]
    assert batch_reads[1]["RequestItems"][network.table]["ConsistentRead"] is True
    assert [(o.partner_id, o.email) for o in work.result] == [
        (ACME, "sent"),
        (BLUEWATER, "sent"),
        (CEDAR, "sent"),
        (DELTA, "no_address"),
    ]
    greetings = {to: sent_email["text"] for to, sent_email in ((e["to"], e) for e in outbox())}
    assert "Acme Precision" in greetings[EMAILS[ACME]] and "Cedar Ridge" in greetings[EMAILS[CEDAR]]


def test_an_unreadable_batch_of_profiles_fails_each_partner_to_be_retried_alone(
    network: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    dynamodb = client("dynamodb")
    real = dynamodb.batch_get_item

    def batch_get_item(**kwargs: Any) -> Any:
        if len(kwargs["RequestItems"][network.table]["Keys"]) > 1:
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "boom"}}, "BatchGetItem")
        return real(**kwargs)

    monkeypatch.setattr(dynamodb, "batch_get_item", batch_get_item)
    message = SnapshotBatchMessage(month=MONTH, partner_ids=[ACME, BLUEWATER, CEDAR, DELTA])

    work = snapshot_batch(bootstrap().monthly, message)

    assert work.result == [] and list(work.failed) == [ACME, BLUEWATER, CEDAR, DELTA]
    assert outbox() == []
    # split off one partner a message, each reads its own profile and is done
    outcomes = process_snapshot_message(bootstrap().monthly, message, SqsQueue(network.snapshot_queue))
    assert outcomes == []
    report = drain_snapshots(network)
    assert (report.received, report.failed) == (4, 0)
    assert_one_email_each(network)
