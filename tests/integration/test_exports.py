"""Exports through the handlers, moto and the queue (docs/api.md, Exports): POST stores the export and
queues its first page, the export worker writes page after page as part objects and puts the CSV
together, GET hands out the link. Resumption: a worker that stops between any two steps is
completed by the queue's redelivery with every row exactly once. Today is NOW: 2026-11-02 (policy
v2 here: its elite tier is the one whose benefits include bonus_eligible)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import NOW, TABLE, handler, job_events
from lambda_events import api_event, caller, load_event, response_json
from mail_support import MailEnv, drain_snapshots, provision_mail, put_partner, record
from scorecard import bootstrap
from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import to_item
from scorecard.adapters.export_files import CsvExportFiles, encode_rows
from scorecard.adapters.export_repository import ExportRepository
from scorecard.adapters.queue import SqsQueue
from scorecard.schemas.exports import JOB_COLUMNS, PARTNER_COLUMNS, ROSTER_COLUMNS
from scorecard.schemas.scores import HistoryPointView
from scorecard.services import exports as export_service
from scorecard_local.queues import DrainReport, drain_queue, sqs_event
from scorecard_local.template_resources import physical_name

MONTH = "2026-10"
OCTOBER = [date(2026, 10, 1) + timedelta(days=n) for n in range(31)]
# A name built to break a naive CSV writer and to run in a spreadsheet: commas, quotes, a line break,
# and a formula (OWASP's CSV-injection example).
HOSTILE = "=cmd|' /C calc'!A0, \"Evil\" Co\nSecond line"
ELITE, MIXED, IDLE, HOSTILE_ID = "ex-elite", "ex-mixed", "ex-idle", "ex-hostile"
PREFIX = "scorecard-it"


@pytest.fixture
def exporting(table: str, clock: Any, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    """The template's queues and buckets (the export ones included) in moto, the functions' variables
    set, policy v2."""
    mail = provision_mail(table, monkeypatch)
    monkeypatch.setenv("POLICY_VERSION", "v2")
    monkeypatch.setenv("EXPORT_BUCKET", physical_name(PREFIX, "ExportBucket").lower())
    url = client("sqs").get_queue_url(QueueName=physical_name(PREFIX, "ExportQueue"))["QueueUrl"]
    monkeypatch.setenv("EXPORT_QUEUE_URL", url)
    bootstrap.reset()
    return mail


def export_queue() -> tuple[str, str]:
    url = client("sqs").get_queue_url(QueueName=physical_name(PREFIX, "ExportQueue"))["QueueUrl"]
    arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def drain_exports(max_batches: int = 200) -> DrainReport:
    """Lambda's poller for the export worker (BatchSize 1); a failed message is visible again at once."""
    url, arn = export_queue()
    return drain_queue(
        url, arn, handler("export_worker"), batch_size=1, visibility_timeout=0, max_batches=max_batches
    )


def waiting() -> int:
    url, _ = export_queue()
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def post(body: Any, role: str = "ops", partner: str | None = None) -> tuple[int, Any, dict[str, str]]:
    response = handler("api")(api_event("api_post_export", body=body, caller=caller(role, partner)))
    return response["statusCode"], response_json(response), response.get("multiValueHeaders") or {}


def get(export_id: str, role: str = "ops") -> tuple[int, Any]:
    event = api_event(
        "api_get_export",
        path=f"/v1/exports/{export_id}",
        path_parameters={"export_id": export_id},
        caller=caller(role),
    )
    response = handler("api")(event)
    return response["statusCode"], response_json(response)


def download(view: dict[str, Any]) -> tuple[bytes, list[list[str]]]:
    """The CSV behind a complete export's link (read from moto's S3 at the key the link names)."""
    record = ExportRepository(TABLE).get(view["id"])
    assert record is not None and record.object_key is not None
    assert f"/{record.object_key}?" in view["url"] and "X-Amz-Signature=" in view["url"]
    bucket = physical_name(PREFIX, "ExportBucket").lower()
    body: bytes = client("s3").get_object(Bucket=bucket, Key=record.object_key)["Body"].read()
    return body, list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def history(partner_id: str, tiers: list[str | None]) -> None:
    """The daily runs of October as the daily run stores them (one history point a day): the tier in
    force after each run is what the month's bonus reads."""
    client_ = client("dynamodb")
    for day, tier in zip(OCTOBER, tiers, strict=False):
        point = HistoryPointView(
            date=day, score=95.0, grade="A", tier=tier, provisional=False, components={}, policy_version="v2"
        )
        client_.put_item(
            TableName=TABLE,
            Item=to_item(
                {
                    "PK": keys.partner_pk(partner_id),
                    "SK": keys.history_sk(day),
                    "point": point.model_dump_json(),
                }
            ),
        )


def snapshot_october(mail: MailEnv) -> None:
    """The monthly run for October, archived without email (the coordinator, then its queue drained)."""
    queued = handler("monthly_coordinator")({"month": MONTH, "email": False})
    assert queued["partners"] >= 1
    report = drain_snapshots(mail)
    assert report.failed == 0


@pytest.fixture
def october(exporting: MailEnv) -> MailEnv:
    """Four partners snapshotted for October: elite every day (bonus), elite 20 days then preferred
    (no bonus), no daily run at all, and one whose name is hostile."""
    for partner_id, name in (
        (ELITE, "Elite Works"),
        (MIXED, "Mixed, Inc."),
        (IDLE, None),
        (HOSTILE_ID, HOSTILE),
    ):
        put_partner(TABLE, partner_id, name or "", None)
    history(ELITE, ["elite"] * 31)
    history(MIXED, ["elite"] * 20 + ["preferred"] * 11)
    history(HOSTILE_ID, ["standard"] * 10)
    record(
        TABLE,
        job_events(ELITE, "J1", offered=date(2026, 10, 2), due=date(2026, 10, 12), shipped=date(2026, 10, 10))
        + job_events(
            MIXED, "J1", offered=date(2026, 10, 2), due=date(2026, 10, 12), shipped=date(2026, 10, 14)
        )
        + job_events(
            HOSTILE_ID,
            "J1",
            offered=date(2026, 10, 5),
            due=date(2026, 10, 20),
            shipped=date(2026, 10, 19),
            value="1234.50",
        ),
    )
    snapshot_october(exporting)
    return exporting


def test_the_bonus_roster_of_a_month(october: MailEnv) -> None:
    status, accepted, headers = post({"kind": "bonus_roster", "month": MONTH})
    assert status == 202, accepted
    export_id = accepted["id"]
    assert accepted == {
        "id": export_id,
        "kind": "bonus_roster",
        "status": "queued",
        "location": f"/v1/exports/{export_id}",
    }
    assert headers["Location"] == [accepted["location"]]
    # Nothing was read in the call: one message waits, and GET says queued without a link.
    assert waiting() == 1
    status, before = get(export_id)
    assert status == 200
    assert (before["status"], before["rows"], before["url"], before["month"]) == ("queued", 0, None, MONTH)

    report = drain_exports()
    assert (report.received, report.failed) == (1, 0)  # four partners: one page
    status, view = get(export_id)
    assert (status, view["status"], view["rows"], view["reason"]) == (200, "complete", 4, None)
    assert view["url_expires_in"] == export_service.LINK_SECONDS

    body, rows = download(view)
    assert body.startswith(b"partner_id,name,tier_at_month_end,") and body.endswith(b"\r\n")
    assert rows[0] == list(ROSTER_COLUMNS)
    by_partner = {row[0]: dict(zip(ROSTER_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert sorted(by_partner) == sorted([ELITE, MIXED, IDLE, HOSTILE_ID])  # registry (id) order
    assert [row[0] for row in rows[1:]] == sorted(by_partner)
    # elite on each of October's 31 runs: bonus; 20 elite + 11 preferred: 20 days in the bonus tier,
    # no bonus (every run must be in it); no run: nothing; standard 10 days: 0 of 10.
    assert by_partner[ELITE] | {"monthly_score": "", "grade": "", "value_accepted": ""} == {
        "partner_id": ELITE,
        "name": "Elite Works",
        "tier_at_month_end": "elite",
        "bonus_eligible": "true",
        "days_in_bonus_tier": "31",
        "days_scored": "31",
        "monthly_score": "",
        "grade": "",
        "value_accepted": "",
        "snapshot_revision": "1",
    }
    # ELITE shipped its one job 2 days early: 100 on time, nothing inspected -> monthly score 100, A.
    assert (by_partner[ELITE]["monthly_score"], by_partner[ELITE]["grade"]) == ("100", "A")
    assert by_partner[ELITE]["value_accepted"] == "100.00"
    assert [by_partner[MIXED][c] for c in ROSTER_COLUMNS[2:6]] == ["preferred", "false", "20", "31"]
    # MIXED shipped 2 days late: 0 % of jobs on time, nothing inspected -> 0, D.
    assert (by_partner[MIXED]["monthly_score"], by_partner[MIXED]["grade"]) == ("0", "D")
    assert [by_partner[IDLE][c] for c in ROSTER_COLUMNS[2:9]] == ["", "false", "0", "0", "", "", "0.00"]
    hostile = by_partner[HOSTILE_ID]
    # The formula is neutralised with a leading quote; the comma, quotes and line break survive
    # RFC 4180 quoting and come back whole.
    assert hostile["name"] == "'" + HOSTILE
    assert [hostile[c] for c in ROSTER_COLUMNS[2:]] == [
        "standard",
        "false",
        "0",
        "10",
        "100",
        "A",
        "1234.50",
        "1",
    ]
    assert b'"\'=cmd|\' /C calc\'!A0, ""Evil"" Co\nSecond line"' in body

    # The parts are gone; the file is named for the month and served as CSV.
    bucket = physical_name(PREFIX, "ExportBucket").lower()
    listed = client("s3").list_objects_v2(Bucket=bucket, Prefix=f"exports/{export_id}/")["Contents"]
    assert [item["Key"] for item in listed] == [f"exports/{export_id}/bonus-roster-{MONTH}.csv"]
    head = client("s3").head_object(Bucket=bucket, Key=listed[0]["Key"])
    assert head["ContentType"] == "text/csv; charset=utf-8; header=present"
    assert head["ContentDisposition"] == f'attachment; filename="bonus-roster-{MONTH}.csv"'


def test_a_month_with_no_snapshots_is_a_header_row(exporting: MailEnv) -> None:
    put_partner(TABLE, "ex-lonely", "Lonely", None)
    status, accepted, _ = post({"kind": "bonus_roster", "month": "2026-09"})
    assert status == 202
    drain_exports()
    status, view = get(accepted["id"])
    assert (view["status"], view["rows"]) == ("complete", 0)
    body, rows = download(view)
    assert rows == [list(ROSTER_COLUMNS)]
    assert body == (",".join(ROSTER_COLUMNS) + "\r\n").encode()


def partners_network(count: int) -> list[str]:
    ids = [f"ex-p{n:02d}" for n in range(count)]
    for partner_id in ids:
        put_partner(TABLE, partner_id, f"Partner {partner_id}", f"{partner_id}@example.com")
    return ids


def test_the_partners_export_lists_the_registry_with_scores(exporting: MailEnv, lambdas: Any) -> None:
    ids = partners_network(3)
    record(
        TABLE,
        job_events(
            ids[0], "J1", offered=date(2026, 10, 20), due=date(2026, 10, 30), shipped=date(2026, 10, 28)
        ),
    )
    run = lambdas.daily({"as_of": "2026-11-01"})
    assert run["failed"] == []
    status, accepted, _ = post({"kind": "partners"})
    assert status == 202
    drain_exports()
    status, view = get(accepted["id"])
    assert (view["status"], view["rows"]) == ("complete", 3)
    _, rows = download(view)
    assert rows[0] == list(PARTNER_COLUMNS)
    listed = {row[0]: dict(zip(PARTNER_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert sorted(listed) == ids
    scored = json.loads(handler("api")(api_event("api_get_partners", caller=caller("ops")))["body"])
    for partner in scored["partners"]:
        row = listed[partner["partner_id"]]
        assert row["email"] == partner["email"] and row["name"] == partner["name"]
        assert row["grade"] == (partner["grade"] or "") and row["tier"] == (partner["tier"] or "")
        assert row["provisional"] == str(partner["provisional"]).lower()
        assert row["as_of"] == (partner["as_of"] or "")


def test_a_partners_jobs(exporting: MailEnv) -> None:
    partner = "ex-jobs"
    put_partner(TABLE, partner, "Jobs Ltd", None)
    events = []
    for n in range(5):  # every other job ships late
        due = date(2026, 10, 5 + 3 * n)
        events += job_events(
            partner, f"J{n}", offered=due - timedelta(days=4), due=due, shipped=due + timedelta(days=n % 2)
        )
    record(TABLE, events)
    status, accepted, _ = post({"kind": "jobs", "partner_id": partner, "filter": "late"})
    assert status == 202, accepted
    drain_exports()
    status, view = get(accepted["id"])
    assert (view["status"], view["partner_id"], view["filter"], view["as_of"]) == (
        "complete",
        partner,
        "late",
        "2026-11-02",  # no score yet: today
    )
    _, rows = download(view)
    assert rows[0] == list(JOB_COLUMNS)
    # The running record, newest first: J3 and J1 shipped a day late.
    assert [(row[0], row[JOB_COLUMNS.index("days_late")]) for row in rows[1:]] == [("J3", "1"), ("J1", "1")]
    assert view["rows"] == 2


# ---- resumption: a worker that stops anywhere is completed by the queue, every row once -------------


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two partners a page, so five partners take three pages."""
    monkeypatch.setattr(export_service, "PARTNERS_PER_PAGE", 2)


def rows_of_partners_export(export_id: str) -> list[str]:
    status, view = get(export_id)
    assert (status, view["status"]) == (200, "complete"), view
    _, rows = download(view)
    assert rows[0] == list(PARTNER_COLUMNS)
    return [row[0] for row in rows[1:]]


def test_pages_chain_one_message_at_a_time(exporting: MailEnv, small_pages: None) -> None:
    ids = partners_network(5)
    _, accepted, _ = post({"kind": "partners"})
    worker = handler("export_worker")
    url, arn = export_queue()
    for page in range(3):  # one message waits at a time: page n's message queues page n + 1's
        assert waiting() == 1
        message = client("sqs").receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
        assert json.loads(message["Body"])["page"] == page
        assert worker(sqs_event([message], arn, "us-east-1")) == {"batchItemFailures": []}
        client("sqs").delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        status, view = get(accepted["id"])
        assert status == 200 and view["rows"] == min(2 * (page + 1), 5)
        assert view["status"] == ("complete" if page == 2 else "running")
    assert waiting() == 0
    assert rows_of_partners_export(accepted["id"]) == ids


def test_a_worker_that_dies_after_writing_a_part_is_resumed_without_duplicates(
    exporting: MailEnv, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page 1's part is written, then the worker dies before the export moves on; meanwhile a partner
    joins the registry inside page 1's range. The redelivered message keeps the part as written (and
    the cursor written with it): no row twice, none lost of those the part holds."""
    ids = partners_network(5)
    original = ExportRepository.advance
    died: list[int] = []

    def dies_once_on_page_1(self: ExportRepository, export_id: str, page: int, *args: Any) -> bool:
        if page == 1 and not died:
            died.append(page)
            put_partner(TABLE, "ex-p02a", "Late joiner", None)  # sorts between ex-p02 and ex-p03
            raise ConnectionError("the worker died here")
        return original(self, export_id, page, *args)

    monkeypatch.setattr(ExportRepository, "advance", dies_once_on_page_1)
    _, accepted, _ = post({"kind": "partners"})
    report = drain_exports()
    assert died == [1] and report.failed == 1
    exported = rows_of_partners_export(accepted["id"])
    assert exported == ids  # the part of page 1 was [ex-p02, ex-p03] when written, and stays so
    assert len(exported) == len(set(exported))


def test_a_worker_that_dies_before_queueing_the_next_page_is_resumed_by_the_redelivery(
    exporting: MailEnv, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export moved on to page 2 but the message for it was never sent: the redelivered page-1
    message (same nonce) sends it; a stray copy of a written page's message changes nothing."""
    ids = partners_network(5)
    original = SqsQueue.send_all
    died: list[int] = []

    def dies_once_before_page_2(self: SqsQueue, bodies: Any) -> int:
        if bodies and bodies[0].get("page") == 2 and not died:
            died.append(2)
            raise ConnectionError("the worker died before sending")
        return original(self, bodies)

    monkeypatch.setattr(SqsQueue, "send_all", dies_once_before_page_2)
    _, accepted, _ = post({"kind": "partners"})
    report = drain_exports()
    assert died == [2] and report.failed == 1
    assert rows_of_partners_export(accepted["id"]) == ids

    # A copy of page 1's message (another nonce) after the export completed: dropped.
    url, _ = export_queue()
    stale = {"export_id": accepted["id"], "page": 1, "cursor": "ex-p01", "nonce": "0123456789abcdef"}
    client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(stale))
    assert drain_exports().failed == 0
    assert rows_of_partners_export(accepted["id"]) == ids


def test_two_deliveries_of_one_page_write_it_once(exporting: MailEnv, small_pages: None) -> None:
    """SQS delivers at least once: the same page's message twice (say the visibility timeout ran out
    while the first was working) writes the page and counts its rows once."""
    ids = partners_network(5)
    _, accepted, _ = post({"kind": "partners"})
    url, _ = export_queue()
    message = client("sqs").receive_message(QueueUrl=url)["Messages"][0]
    client("sqs").send_message(QueueUrl=url, MessageBody=message["Body"])  # the duplicate
    client("sqs").change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert drain_exports().failed == 0
    assert rows_of_partners_export(accepted["id"]) == ids
    assert get(accepted["id"])[1]["rows"] == 5


# ---- failures say why -------------------------------------------------------------------------------


def test_a_step_that_keeps_failing_fails_the_export_with_the_reason(exporting: MailEnv) -> None:
    """The bucket is gone: each try fails; after three the export is failed, saying why, and its
    message leaves the queue (not the dead-letter queue)."""
    partners_network(2)
    _, accepted, _ = post({"kind": "partners"})
    bucket = physical_name(PREFIX, "ExportBucket").lower()
    client("s3").delete_bucket(Bucket=bucket)
    report = drain_exports()
    assert (report.received, report.failed) == (3, 2)  # two tries back to the queue, the third fails it
    status, view = get(accepted["id"])
    assert (status, view["status"], view["url"]) == (200, "failed", None)
    assert view["reason"] == (
        "gave up after 3 tries: NoSuchBucket: An error occurred (NoSuchBucket) when calling the "
        "PutObject operation: The specified bucket does not exist"
    )
    assert waiting() == 0


def test_a_partner_that_is_gone_fails_the_export_at_once(
    exporting: MailEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_partner(TABLE, "ex-gone", "Gone", None)
    _, accepted, _ = post({"kind": "jobs", "partner_id": "ex-gone"})
    client("dynamodb").delete_item(
        TableName=TABLE, Key={"PK": {"S": keys.partner_pk("ex-gone")}, "SK": {"S": keys.PROFILE_SK}}
    )
    report = drain_exports()
    assert (report.received, report.failed) == (1, 0)
    _, view = get(accepted["id"])
    assert (view["status"], view["reason"]) == ("failed", "partner ex-gone is unknown")


# ---- the API's answers ------------------------------------------------------------------------------


def test_requests_that_cannot_be_exported(exporting: MailEnv) -> None:
    status, body, _ = post({"kind": "bonus_roster", "month": "2026-11"})  # the current month
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    assert "has not ended" in body["error"]["message"]
    assert post({"kind": "bonus_roster", "month": "2027-01"})[0] == 422
    assert post({"kind": "bonus_roster", "month": "1969-12"})[0] == 422
    status, body, _ = post({"kind": "jobs", "partner_id": "nobody"})
    assert (status, body["error"]["code"]) == (404, "not_found")
    for bad in (
        {"kind": "bonus_roster"},
        {"kind": "bonus_roster", "month": "2026-13"},
        {"kind": "jobs"},
        {"kind": "jobs", "partner_id": "a b"},
        {"kind": "jobs", "partner_id": "x", "filter": "some"},
        {"kind": "partners", "extra": 1},
        {"kind": "everything"},
        {},
        [],
    ):
        status, body, _ = post(bad)
        assert (status, body["error"]["code"]) == (422, "validation_failed"), bad
    assert waiting() == 0  # nothing was queued by any of them


def test_roles_are_checked_before_bodies(exporting: MailEnv) -> None:
    for role, partner in (("partner", "ex-p00"), ("service", None)):
        assert post({"kind": "nonsense"}, role, partner)[0] == 403
        assert post({"kind": "partners"}, role, partner)[0] == 403
    assert get("ex-0123456789abcdef0123", role="service")[0] == 403
    assert get("ex-0123456789abcdef0123")[0] == 404
    assert get("not-an-export")[0] == 422


def test_the_samples(exporting: MailEnv) -> None:
    """The API samples are a roster request and its GET; the SQS sample, a first page."""
    assert json.loads(load_event("api_post_export")["body"]) == {"kind": "bonus_roster", "month": MONTH}
    status, body = response_json_of(handler("api")(load_event("api_get_export")))
    assert status == 404 and body["error"]["message"].startswith("export ex-0123456789abcdef0123")
    # The SQS sample names an export nobody stored: handled (dropped), not failed.
    assert handler("export_worker")(load_event("sqs_export_page")) == {"batchItemFailures": []}


def response_json_of(response: dict[str, Any]) -> tuple[int, Any]:
    return response["statusCode"], response_json(response)


def test_an_expired_export_is_gone(exporting: MailEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    from scorecard.platform import settings

    _, accepted, _ = post({"kind": "partners"})
    drain_exports()
    assert get(accepted["id"])[0] == 200
    later = NOW + export_service.EXPORT_LIFETIME
    monkeypatch.setattr(settings, "utc_now", lambda: later)
    assert get(accepted["id"])[0] == 404


def test_parts_are_put_together_in_order_in_parts_of_at_least_5_mb(exporting: MailEnv) -> None:
    """Four 2 MB pages: S3 takes every part of an upload but the last only from 5 MB, so the file is
    two parts, pages 0-2 (6 MB with the header) and page 3, byte for byte the header and the pages."""
    bucket = physical_name(PREFIX, "ExportBucket").lower()
    files = CsvExportFiles(bucket)
    export_id = "ex-" + "a" * 20
    pages = [[[f"p{page}-{n:05d}", "x" * 90] for n in range(2 * 1024 * 1024 // 100)] for page in range(4)]
    for number, rows in enumerate(pages):
        files.put_part(export_id, number, rows, None if number == 3 else f"c{number}")
    key = files.compose(export_id, 4, ("id", "filler"), "big.csv")
    body = files.read(key)
    assert body == b"id,filler\r\n" + b"".join(encode_rows(rows) for rows in pages)
    assert client("s3").head_object(Bucket=bucket, Key=key)["ETag"].strip('"').endswith("-2")
    # A page written again (a second delivery) keeps what was written first, and says so.
    again = files.put_part(export_id, 1, [["other"]], "elsewhere")
    assert (again.next_cursor, again.rows) == ("c1", len(pages[1]))
    files.delete_parts(export_id, 4)
    listed = client("s3").list_objects_v2(Bucket=bucket, Prefix=f"exports/{export_id}/")["Contents"]
    assert [item["Key"] for item in listed] == [key]
