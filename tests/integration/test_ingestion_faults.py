"""A storage failure mid-batch (issue 8, docs/api.md): the third event's marker put fails with the
ThrottlingException botocore raises once its own retries are spent, or its evidence put does after the
marker was written. The real ingest handler, ingestion service and event store run against moto; the
fault is injected on the DynamoDB client's `before-call` hook (which answers instead of moto, so the
failing write never reaches the table). The answer is 503 with Retry-After and the results written so
far; re-sending is safe, and heals an event whose marker was written without its evidence."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from integration_support import Lambdas, aggregate_events, aggregate_items, scan_all
from lambda_events import api_event, response_json, sample_body
from moto.core.botocore_stubber import MockRawResponse
from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.event_store import DynamoEventStore
from scorecard.domain.events import EVENT_ADAPTER

SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
BATCH = SAMPLE_EVENTS[1:6]  # J-100: offered, read, accepted, status update, document
FAILING = BATCH[2]["event_id"]
THROTTLED = {
    "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded (reached max retries: 5)"},
    "ResponseMetadata": {"HTTPStatusCode": 400, "RetryAttempts": 5},
}


class Throttle:
    """Answers every write whose request holds each of `texts` (by default `event_id`'s marker key)
    with a ThrottlingException."""

    def __init__(self, event_id: str, *texts: str) -> None:
        self.texts = [text.encode() for text in texts or (json.dumps(keys.event_pk(event_id)),)]
        self.attempts = 0
        self.active = True

    def __call__(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = params.get("body") or b""
        sent = body if isinstance(body, bytes) else str(body).encode()
        if not self.active or not all(text in sent for text in self.texts):
            return None
        self.attempts += 1
        return AWSResponse(params.get("url", ""), 400, {}, MockRawResponse(b"")), THROTTLED


@pytest.fixture
def throttle(table: str) -> Iterator[Throttle]:
    fault = Throttle(FAILING)
    events = client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.PutItem", fault)
    yield fault
    events.unregister("before-call.dynamodb.PutItem", fault)


def post(lambdas: Lambdas) -> dict[str, Any]:
    response: dict[str, Any] = lambdas.ingest(api_event("api_post_events", body={"events": BATCH}))
    return response


def header(response: dict[str, Any], name: str) -> str | None:
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return str(values[0])
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def markers(table: str) -> list[str]:
    return [i["PK"]["S"] for i in scan_all(table) if i["PK"]["S"].startswith(keys.EVENT_PREFIX)]


def job_events(table: str, job_id: str) -> list[str]:
    return aggregate_events(table, "acme-01", keys.job_sk(job_id))


# Two logins of one day: activity events, each its own item and a quarter-hour of its day's item.
LOGIN = SAMPLE_EVENTS[0]
ACTIVITY = [LOGIN, {**LOGIN, "event_id": f"{LOGIN['event_id']}:b", "occurred_at": "2026-10-05T09:55:00Z"}]


def test_throttling_after_retries_answers_503_with_what_was_written(
    lambdas: Lambdas, table: str, throttle: Throttle
) -> None:
    response = post(lambdas)

    assert response["statusCode"] == 503
    assert header(response, "Retry-After") == "2"
    body = response_json(response)
    assert set(body) == {"error", "recorded", "duplicates", "results"}
    assert body["error"]["code"] == "storage_unavailable"
    assert FAILING in body["error"]["message"]
    assert (body["recorded"], body["duplicates"]) == (2, 0)
    assert body["results"] == [{"event_id": e["event_id"], "status": "recorded"} for e in BATCH[:2]]
    assert throttle.attempts == 1  # the store leaves throttling to botocore's retries: no more attempts
    # exactly the first two events are stored: markers and the job's events
    assert sorted(markers(table)) == sorted(keys.event_pk(e["event_id"]) for e in BATCH[:2])
    assert len(job_events(table, "J-100")) == 2


def test_resending_the_batch_after_the_fault_records_the_rest_once(
    lambdas: Lambdas, table: str, throttle: Throttle
) -> None:
    assert post(lambdas)["statusCode"] == 503
    throttle.active = False

    response = post(lambdas)

    assert response["statusCode"] == 200
    body = response_json(response)
    assert (body["recorded"], body["duplicates"]) == (3, 2)
    assert [r["status"] for r in body["results"]] == [
        "duplicate",
        "duplicate",
        "recorded",
        "recorded",
        "recorded",
    ]
    assert sorted(markers(table)) == sorted(keys.event_pk(e["event_id"]) for e in BATCH)
    assert len(job_events(table, "J-100")) == 5


def test_an_evidence_write_that_fails_after_its_marker_is_healed_by_the_resend(
    lambdas: Lambdas, table: str
) -> None:
    """The marker is written, then the evidence put is throttled past botocore's retries: 503, the
    event named, its marker stored without its evidence (the score would not see it). The re-sent
    batch answers it `duplicate` and writes the missing evidence item: nothing recorded is lost."""
    fault = Throttle(FAILING, f'#{FAILING}"', '"GSI1SK"')  # the evidence item: its key ends with the id
    events = client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.PutItem", fault)
    try:
        response = post(lambdas)
    finally:
        events.unregister("before-call.dynamodb.PutItem", fault)
    assert response["statusCode"] == 503
    body = response_json(response)
    assert FAILING in body["error"]["message"]
    assert [r["event_id"] for r in body["results"]] == [e["event_id"] for e in BATCH[:2]]
    assert keys.event_pk(FAILING) in markers(table)  # the marker went first
    assert FAILING not in [json.loads(e)["event_id"] for e in job_events(table, "J-100")]

    again = response_json(post(lambdas))

    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3 + ["recorded"] * 2
    assert sorted(json.loads(e)["event_id"] for e in job_events(table, "J-100")) == sorted(
        e["event_id"] for e in BATCH
    )
    # a third sending finds everything in place and writes nothing
    before = scan_all(table)
    assert [r["status"] for r in response_json(post(lambdas))["results"]] == ["duplicate"] * 5
    assert scan_all(table) == before


def presence_items(table: str) -> dict[str, dict[str, Any]]:
    """The partner's day items and per-event presence items, by SK."""
    return {
        item["SK"]["S"]: item
        for item in scan_all(table)
        if item["PK"]["S"] == keys.partner_pk("acme-01")
        and item["SK"]["S"].startswith((keys.PRESENCE_DAY_PREFIX, keys.PRESENCE_EVENT_PREFIX))
    }


def login_item(event: dict[str, Any]) -> str:
    return keys.presence_event_sk(
        datetime.fromisoformat(event["occurred_at"]), event["type"], event["event_id"]
    )


def test_an_activity_write_that_fails_after_its_marker_is_healed_by_the_resend(
    lambdas: Lambdas, table: str
) -> None:
    """A login's marker is written, then its day item's update is throttled past botocore's retries:
    503, its marker without its quarter-hour or its own item. The re-sent batch answers it `duplicate`
    and writes both; a third sending finds everything in place and writes nothing."""
    fault = Throttle(LOGIN["event_id"], keys.PRESENCE_DAY_PREFIX)  # any day update: the first stops the batch
    events = client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.UpdateItem", fault)
    try:
        response = lambdas.ingest(api_event("api_post_events", body={"events": ACTIVITY}))
    finally:
        events.unregister("before-call.dynamodb.UpdateItem", fault)
    assert response["statusCode"] == 503
    assert LOGIN["event_id"] in response_json(response)["error"]["message"]
    assert markers(table) == [keys.event_pk(LOGIN["event_id"])]  # the marker went first
    assert presence_items(table) == {}

    again = lambdas.ingest(api_event("api_post_events", body={"events": ACTIVITY}))
    assert [r["status"] for r in response_json(again)["results"]] == ["duplicate", "recorded"]
    stored = presence_items(table)
    # 08:55 is quarter-hour 8 x 4 + 3 = 35 of Oct 5, 09:55 is 39
    assert sorted(stored[keys.presence_day_sk(date(2026, 10, 5))]["slots_login"]["SS"]) == ["35", "39"]
    assert sorted(sk for sk in stored if sk.startswith(keys.PRESENCE_EVENT_PREFIX)) == sorted(
        login_item(e) for e in ACTIVITY
    )
    before = scan_all(table)
    third = lambdas.ingest(api_event("api_post_events", body={"events": ACTIVITY}))
    assert [r["status"] for r in response_json(third)["results"]] == ["duplicate"] * 2
    assert scan_all(table) == before


def test_activity_writes_whose_answers_are_lost_are_retried_and_counted_once(
    lambdas: Lambdas, table: str
) -> None:
    """DynamoDB applied a login's day update and its own item's put, but both answers are lost (500):
    botocore sends each again. A set union and a put of the same item change nothing the second time,
    so the login is one quarter-hour and one item: counted once (an added counter would count it
    twice)."""
    sent: list[str] = []

    def lose_first_answers(request: Any, **_: Any) -> AWSResponse | None:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        if keys.PRESENCE_DAY_PREFIX in body or keys.PRESENCE_EVENT_PREFIX in body:
            sent.append(body)
            if sent.count(body) == 1:
                return internal_error(request.url)
        return None

    events = client("dynamodb").meta.events
    for operation in ("UpdateItem", "PutItem"):
        events.register_first(f"before-send.dynamodb.{operation}", lose_first_answers)
    try:
        response = lambdas.ingest(api_event("api_post_events", body={"events": ACTIVITY[:1]}))
    finally:
        for operation in ("UpdateItem", "PutItem"):
            events.unregister(f"before-send.dynamodb.{operation}", lose_first_answers)

    assert len(sent) == 4  # each write twice: the lost answer, then botocore's retry
    assert response["statusCode"] == 200
    assert response_json(response)["recorded"] == 1
    stored = presence_items(table)
    assert sorted(stored) == [keys.presence_day_sk(date(2026, 10, 5)), login_item(LOGIN)]
    assert stored[keys.presence_day_sk(date(2026, 10, 5))]["slots_login"] == {"SS": ["35"]}


def internal_error(url: str) -> AWSResponse:
    body = json.dumps(
        {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "Internal"}
    )
    return AWSResponse(url, 500, {"x-amzn-RequestId": "lost"}, MockRawResponse(body.encode()))


def test_a_marker_whose_answer_is_lost_is_retried_by_botocore_and_stored_once(
    lambdas: Lambdas, table: str
) -> None:
    """DynamoDB applied the marker's put but its answer is a 500 (lost on the way): botocore's standard
    retries send the same put again, which fails the marker's condition with the same content, so the
    store answers `duplicate` and writes the event's evidence as for any re-sent event. The event is
    stored once and the client is told it is stored. (The answer is replaced at the HTTP level,
    before-send, inside botocore's retry loop; moto, also a before-send handler, has applied the write.)"""
    marker = json.dumps(keys.event_pk(BATCH[0]["event_id"]))
    sent: list[str] = []

    def lose_first_answer(request: Any, **_: Any) -> AWSResponse | None:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        if marker in body:
            sent.append(body)
            if len(sent) == 1:
                return internal_error(request.url)
        return None

    events = client("dynamodb").meta.events
    events.register_first("before-send.dynamodb.PutItem", lose_first_answer)
    try:
        response = lambdas.ingest(api_event("api_post_events", body={"events": BATCH[:2]}))
    finally:
        events.unregister("before-send.dynamodb.PutItem", lose_first_answer)

    assert len(sent) == 2 and sent[0] == sent[1]  # the lost answer, then botocore's retry
    assert response["statusCode"] == 200
    assert [r["status"] for r in response_json(response)["results"]] == ["duplicate", "recorded"]
    assert sorted(markers(table)) == sorted(keys.event_pk(e["event_id"]) for e in BATCH[:2])
    assert sorted(json.loads(e)["event_id"] for e in job_events(table, "J-100")) == sorted(
        e["event_id"] for e in BATCH[:2]
    )


def test_concurrent_writers_of_one_job_lose_and_double_nothing(table: str, clock: datetime) -> None:
    """Eight threads record 160 events of one job at once (no transaction: a marker put, then an
    evidence put keyed from the job's lowest key). Every event ends recorded exactly once; exactly one
    item is the job's first, and every other item's key is at or above it (the daily read relies on
    it); sending them all again answers duplicate for each and writes nothing (a duplicate finds its
    evidence item with reads)."""
    store = DynamoEventStore(table)
    start = datetime(2026, 10, 5, 9, tzinfo=UTC)
    raw = [
        {
            "event_id": f"acme-01:J-900:status:{n}",
            "type": "job.status_updated",
            "partner_id": "acme-01",
            "job_id": "J-900",
            "status": "other",
            "occurred_at": (start + timedelta(minutes=n)).isoformat(),
        }
        for n in range(160)
    ]
    parsed = [EVENT_ADAPTER.validate_python(e) for e in raw]
    lost_first: list[int] = []
    puts: list[str] = []

    def count_lost_first(parsed: dict[str, Any], **_: Any) -> None:
        if parsed.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            lost_first.append(1)

    def count_puts(params: dict[str, Any], **_: Any) -> None:
        puts.append(params["Item"]["PK"]["S"])

    barrier = threading.Barrier(8)

    def write(share: list[Any]) -> list[str]:
        barrier.wait()
        return [store.record(event, clock) for event in share]

    with ThreadPoolExecutor(8) as pool:
        first = [s for got in pool.map(write, [parsed[n::8] for n in range(8)]) for s in got]
        before = scan_all(table)
        events = client("dynamodb").meta.events
        events.register("after-call.dynamodb.PutItem", count_lost_first)
        events.register("provide-client-params.dynamodb.PutItem", count_puts)
        try:
            again = [s for got in pool.map(write, [parsed[n::8] for n in range(8)]) for s in got]
        finally:
            events.unregister("after-call.dynamodb.PutItem", count_lost_first)
            events.unregister("provide-client-params.dynamodb.PutItem", count_puts)

    assert first == ["recorded"] * 160
    assert again == ["duplicate"] * 160
    assert len(lost_first) == 160  # each re-sent marker put failed its condition, and nothing else
    assert sorted(puts) == sorted(keys.event_pk(e["event_id"]) for e in raw)  # the markers' puts only
    assert scan_all(table) == before
    assert sorted(json.loads(e)["event_id"] for e in job_events(table, "J-900")) == sorted(
        e["event_id"] for e in raw
    )
    items = [
        i for i in aggregate_items(table, "acme-01", keys.job_sk("J-900")) if keys.is_evidence(i["SK"]["S"])
    ]
    (lead,) = [i for i in items if keys.is_first_evidence(i["SK"]["S"])]
    assert all(i["GSI1SK"]["S"] >= lead["GSI1SK"]["S"] for i in items)
