"""A storage failure mid-batch (issue 8, DESIGN §3): the third event's transaction fails with the
ThrottlingException botocore raises once its own retries are spent. The real ingest handler,
ingestion service and event store run against moto; the fault is injected on the DynamoDB client's
`before-call` hook (which answers instead of moto, so the failing transaction never reaches the
table). The answer is 503 with Retry-After and the results written so far; re-sending is safe."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from integration_support import Lambdas, get_item, scan_all
from lambda_events import api_event, response_json, sample_body
from moto.core.botocore_stubber import MockRawResponse
from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.event_store import DynamoEventStore, EventStoreError
from scorecard.domain.events import EVENT_ADAPTER

SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
BATCH = SAMPLE_EVENTS[1:6]  # J-100: offered, read, accepted, status update, document
FAILING = BATCH[2]["event_id"]
THROTTLED = {
    "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded (reached max retries: 5)"},
    "ResponseMetadata": {"HTTPStatusCode": 400, "RetryAttempts": 5},
}


class Throttle:
    """Answers every TransactWriteItems that writes `event_id`'s marker with a ThrottlingException."""

    def __init__(self, event_id: str) -> None:
        self.marker = json.dumps(keys.event_pk(event_id)).encode()
        self.attempts = 0
        self.active = True

    def __call__(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = params.get("body") or b""
        if not self.active or self.marker not in (body if isinstance(body, bytes) else str(body).encode()):
            return None
        self.attempts += 1
        return AWSResponse(params.get("url", ""), 400, {}, MockRawResponse(b"")), THROTTLED


@pytest.fixture
def throttle(table: str) -> Iterator[Throttle]:
    fault = Throttle(FAILING)
    events = client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.TransactWriteItems", fault)
    yield fault
    events.unregister("before-call.dynamodb.TransactWriteItems", fault)


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
    job = get_item(table, keys.partner_pk("acme-01"), keys.job_sk("J-100"))
    assert job is not None and len(job["ev"]["SS"]) == 2


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
    job = get_item(table, keys.partner_pk("acme-01"), keys.job_sk("J-100"))
    assert job is not None and len(job["ev"]["SS"]) == 5


class CancelOnce:
    """Cancels the first TransactWriteItems with a ThrottlingError reason, as DynamoDB does when one
    item of a transaction is throttled; later calls reach moto."""

    def __init__(self) -> None:
        self.cancelled = 0

    def __call__(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if self.cancelled:
            return None
        self.cancelled += 1
        parsed = {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": "None"}, {"Code": "ThrottlingError"}, {"Code": "None"}],
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return AWSResponse(params.get("url", ""), 400, {}, MockRawResponse(b"")), parsed


def test_a_transaction_cancelled_for_throttling_is_retried_by_the_store(lambdas: Lambdas, table: str) -> None:
    fault = CancelOnce()
    events = client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.TransactWriteItems", fault)
    try:
        response = lambdas.ingest(api_event("api_post_events", body={"events": BATCH[:1]}))
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", fault)

    assert fault.cancelled == 1
    assert response["statusCode"] == 200
    assert response_json(response)["recorded"] == 1
    assert markers(table) == [keys.event_pk(BATCH[0]["event_id"])]


class CancelForConflict:
    """Cancels the first `times` TransactWriteItems with a TransactionConflict reason on the job item,
    as DynamoDB does when another transaction holds it; later calls reach moto."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.cancelled = 0

    def __call__(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if self.cancelled == self.times:
            return None
        self.cancelled += 1
        parsed = {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}, {"Code": "None"}],
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return AWSResponse(params.get("url", ""), 400, {}, MockRawResponse(b"")), parsed


def test_a_transaction_conflict_is_retried_and_each_event_recorded_once(lambdas: Lambdas, table: str) -> None:
    fault = CancelForConflict(times=3)
    events = client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.TransactWriteItems", fault)
    try:
        response = lambdas.ingest(api_event("api_post_events", body={"events": BATCH[:2]}))
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", fault)

    assert fault.cancelled == 3  # the first event's transaction, three times; then both went through
    assert response["statusCode"] == 200
    assert [r["status"] for r in response_json(response)["results"]] == ["recorded", "recorded"]
    assert sorted(markers(table)) == sorted(keys.event_pk(e["event_id"]) for e in BATCH[:2])
    job = get_item(table, keys.partner_pk("acme-01"), keys.job_sk("J-100"))
    assert job is not None and len(job["ev"]["SS"]) == 2


def internal_error(url: str) -> AWSResponse:
    body = json.dumps(
        {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "Internal"}
    )
    return AWSResponse(url, 500, {"x-amzn-RequestId": "lost"}, MockRawResponse(body.encode()))


def test_a_write_whose_answer_is_lost_is_retried_by_botocore_and_stored_once(
    lambdas: Lambdas, table: str
) -> None:
    """DynamoDB applied the transaction but its answer is a 500 (lost on the way): botocore's standard
    retries send the same request again, with the same ClientRequestToken, which makes the retry a
    no-op on DynamoDB (answered as a success: `recorded`). moto ignores the token, so here the retry
    fails the marker's condition and the store answers `duplicate`. Either way the event is stored
    once and the client is told it is stored. (The answer is replaced at the HTTP level, before-send,
    inside botocore's retry loop; moto, also a before-send handler, has applied the write.)"""
    tokens: list[str] = []

    def lose_first_answer(request: Any, **_: Any) -> AWSResponse | None:
        tokens.append(json.loads(request.body)["ClientRequestToken"])
        return internal_error(request.url) if len(tokens) == 1 else None

    events = client("dynamodb").meta.events
    events.register_first("before-send.dynamodb.TransactWriteItems", lose_first_answer)
    try:
        response = lambdas.ingest(api_event("api_post_events", body={"events": BATCH[:2]}))
    finally:
        events.unregister("before-send.dynamodb.TransactWriteItems", lose_first_answer)

    assert len(tokens) == 3  # the first event's lost answer and its retry, then the second event
    assert tokens[0] == tokens[1] != tokens[2]  # the retry is the same idempotent request
    assert response["statusCode"] == 200
    statuses = [r["status"] for r in response_json(response)["results"]]
    assert statuses[0] in ("recorded", "duplicate") and statuses[1] == "recorded"
    assert sorted(markers(table)) == sorted(keys.event_pk(e["event_id"]) for e in BATCH[:2])
    job = get_item(table, keys.partner_pk("acme-01"), keys.job_sk("J-100"))
    assert job is not None and len(job["ev"]["SS"]) == 2


def test_concurrent_writers_of_one_job_lose_and_double_nothing(table: str, clock: datetime) -> None:
    """Eight threads record 160 events of one job at once: each transaction touches the same job and
    registry items, so moto (patched like DynamoDB) cancels overlapping ones with TransactionConflict
    and the store retries them. An event whose retries run out raised EventStoreError (the API's 503:
    nothing of it written) and is re-sent, as the contract tells clients to. Every event ends recorded
    exactly once; sending them all again answers duplicate for each."""
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
    conflicts: list[int] = []
    unavailable: list[str] = []

    def count_conflicts(parsed: dict[str, Any], **_: Any) -> None:
        if "TransactionConflict" in [r.get("Code") for r in parsed.get("CancellationReasons", [])]:
            conflicts.append(1)

    barrier = threading.Barrier(8)

    def write(share: list[Any]) -> list[str]:
        barrier.wait()
        statuses = []
        for event in share:
            for _ in range(10):
                try:
                    statuses.append(store.record(event, clock))
                    break
                except EventStoreError:
                    unavailable.append(event.event_id)  # the 503: re-send
            else:
                statuses.append("unavailable")
        return statuses

    events = client("dynamodb").meta.events
    events.register("after-call.dynamodb.TransactWriteItems", count_conflicts)
    try:
        with ThreadPoolExecutor(8) as pool:
            first = [s for got in pool.map(write, [parsed[n::8] for n in range(8)]) for s in got]
            again = [s for got in pool.map(write, [parsed[n::8] for n in range(8)]) for s in got]
    finally:
        events.unregister("after-call.dynamodb.TransactWriteItems", count_conflicts)

    assert conflicts, "no TransactionConflict happened: the test did not exercise the retries"
    assert first == ["recorded"] * 160
    assert again == ["duplicate"] * 160
    job = get_item(table, keys.partner_pk("acme-01"), keys.job_sk("J-900"))
    assert job is not None
    assert sorted(json.loads(e)["event_id"] for e in job["ev"]["SS"]) == sorted(e["event_id"] for e in raw)
    print(f"TransactionConflict cancellations: {len(conflicts)}; events answered 503: {len(unavailable)}")
