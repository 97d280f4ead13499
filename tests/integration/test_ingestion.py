"""POST /v1/events through the real ingest Lambda handler (and DynamoEventStore directly for concurrency),
against the template's table in moto: docs/api.md counts, idempotency, all-or-nothing validation, size and
media-type limits, order independence and concurrent writers."""

from __future__ import annotations

import base64
import json
import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration_support import (
    NOW,
    Lambdas,
    PartnerData,
    aggregate_events,
    aggregate_items,
    get_item,
    scan_all,
)
from lambda_events import api_event, caller, load_event, response_json, sample_body
from scorecard.adapters import keys
from scorecard.adapters.aggregate_items import evidence_event_id
from scorecard.adapters.aws import client
from scorecard.adapters.event_store import DynamoEventStore, RecordStatus
from scorecard.api.resolver import MAX_BODY_BYTES
from scorecard.domain.events import EVENT_ADAPTER, Event

SAMPLE = "api_post_events"
PARTNER = "acme-01"
SAMPLE_EVENTS: list[dict[str, Any]] = sample_body(SAMPLE)["events"]
OPS = caller("ops")


def post(lambdas: Lambdas, events: list[dict[str, Any]] | str, **changes: Any) -> dict[str, Any]:
    response: dict[str, Any] = lambdas.ingest(api_event(SAMPLE, body={"events": events}, **changes))
    return response


def job_events(table: str, job_id: str, partner_id: str = PARTNER) -> list[str]:
    return aggregate_events(table, partner_id, keys.job_sk(job_id))


def evidence_keys(table: str, aggregate_sk: str) -> dict[str, str]:
    """event_id -> GSI1SK of each evidence item of the aggregate; the first item's id is marked "*"."""
    return {
        f"{evidence_event_id(item)}{'*' if keys.is_first_evidence(item['SK']['S']) else ''}": item["GSI1SK"][
            "S"
        ]
        for item in aggregate_items(table, PARTNER, aggregate_sk)
        if keys.is_evidence(item["SK"]["S"])
    }


def parse(event: dict[str, Any]) -> Event:
    return EVENT_ADAPTER.validate_python(event)


# ---- counts and idempotency -------------------------------------------------------------------------


def test_sample_batch_is_recorded_event_by_event(lambdas: Lambdas, table: str) -> None:
    response = lambdas.ingest(load_event(SAMPLE))

    assert response["statusCode"] == 200
    body = response_json(response)
    assert body["recorded"] == 19
    assert body["duplicates"] == 0
    assert [r["event_id"] for r in body["results"]] == [e["event_id"] for e in SAMPLE_EVENTS]
    assert {r["status"] for r in body["results"]} == {"recorded"}
    items = scan_all(table)
    markers = [i for i in items if i["PK"]["S"].startswith(keys.EVENT_PREFIX)]
    assert len(markers) == 19
    partner_items = [i["SK"]["S"] for i in items if i["PK"]["S"] == "PARTNER#acme-01"]
    # the profile, the login's item and its day's, and one evidence item per job and request event
    assert sorted(keys.aggregate_sk_of(sk) for sk in partner_items if keys.is_evidence(sk)) == sorted(
        ["JOB#J-100"] * 8 + ["JOB#J-101"] * 8 + ["REQ#R-1"] * 2
    )
    assert sorted(sk for sk in partner_items if not keys.is_evidence(sk)) == [
        "ACTD#2026-10-05",
        "ACTE#2026-10-05#partner.logged_in#acme-01:login:2026-10-05",
        "PROFILE",
    ]
    assert len(job_events(table, "J-100")) == 8
    assert len(job_events(table, "J-101")) == 8
    assert len(aggregate_events(table, PARTNER, "REQ#R-1")) == 2
    marker = get_item(table, "EVENT#acme-01:J-101:shipped:2", "EVENT")
    assert marker is not None
    assert marker["partner_id"]["S"] == PARTNER
    assert marker["type"]["S"] == "job.shipped"
    assert marker["received_at"]["S"] == "2026-11-02T09:00:00.000000Z"
    assert json.loads(marker["body"]["S"])["parts_shipped"] == 2


def test_the_same_batch_twice_is_all_duplicates_and_changes_nothing(lambdas: Lambdas, table: str) -> None:
    first = lambdas.ingest(load_event(SAMPLE))
    assert response_json(first)["recorded"] == 19
    before = scan_all(table)
    job_before = aggregate_items(table, PARTNER, "JOB#J-101")

    second = lambdas.ingest(load_event(SAMPLE))

    assert second["statusCode"] == 200
    body = response_json(second)
    assert (body["recorded"], body["duplicates"]) == (0, 19)
    assert {r["status"] for r in body["results"]} == {"duplicate"}
    assert aggregate_items(table, PARTNER, "JOB#J-101") == job_before
    assert scan_all(table) == before


def test_a_repeated_event_id_inside_one_batch_counts_once(lambdas: Lambdas, table: str) -> None:
    read = SAMPLE_EVENTS[2]
    response = post(lambdas, [read, read, SAMPLE_EVENTS[1]])

    body = response_json(response)
    assert (body["recorded"], body["duplicates"]) == (2, 1)
    assert [r["status"] for r in body["results"]] == ["recorded", "duplicate", "recorded"]
    assert len(job_events(table, "J-100")) == 2


def test_a_resent_event_with_changed_content_keeps_the_first_version(lambdas: Lambdas, table: str) -> None:
    shipped = next(e for e in SAMPLE_EVENTS if e["event_id"] == "acme-01:J-101:shipped:1")
    assert response_json(post(lambdas, [shipped]))["recorded"] == 1

    resent = post(lambdas, [{**shipped, "parts_shipped": 3}])

    # docs/api.md (issue 8 item 2): other content under a known event_id is a conflict, not a duplicate
    assert resent["statusCode"] == 409
    assert response_json(resent)["duplicates"] == 0
    assert response_json(resent)["results"] == [{"event_id": shipped["event_id"], "status": "conflict"}]
    (stored,) = job_events(table, "J-101")
    assert json.loads(stored)["parts_shipped"] == 2


# ---- all or nothing ---------------------------------------------------------------------------------


def test_one_bad_event_rejects_the_whole_batch_and_writes_nothing(lambdas: Lambdas, table: str) -> None:
    response = lambdas.ingest(load_event("api_post_events_invalid"))

    assert response["statusCode"] == 422
    error = response_json(response)["error"]
    assert error["code"] == "validation_failed"
    assert len(error["details"]) == 1
    (detail,) = error["details"]
    assert detail["index"] == 1
    assert detail["event_id"] == "acme-01:J-200:shipped:1"
    assert detail["field"] == "parts_shipped"
    assert scan_all(table) == []


def test_a_rejected_batch_leaves_existing_data_untouched(lambdas: Lambdas, table: str) -> None:
    assert lambdas.ingest(load_event(SAMPLE))["statusCode"] == 200
    before = scan_all(table)
    good_new = {**SAMPLE_EVENTS[1], "event_id": "acme-01:J-300:offered", "job_id": "J-300"}
    bad = {**SAMPLE_EVENTS[7], "event_id": "acme-01:J-300:inspected", "job_id": "J-300", "parts_inspected": 0}

    response = post(lambdas, [good_new, SAMPLE_EVENTS[2], bad])

    assert response["statusCode"] == 422
    details = response_json(response)["error"]["details"]
    assert [(d["index"], d["event_id"], d["field"]) for d in details] == [
        (2, "acme-01:J-300:inspected", "parts_inspected")
    ]
    assert scan_all(table) == before


def test_every_bad_event_and_field_is_named(lambdas: Lambdas, table: str) -> None:
    events = [
        {**SAMPLE_EVENTS[1], "value": "-1"},
        SAMPLE_EVENTS[2],
        {**SAMPLE_EVENTS[3], "event_id": "bad id!"},
        {**SAMPLE_EVENTS[4], "occurred_at": "2026-10-10T08:00:00"},
        {**SAMPLE_EVENTS[5], "colour": "red"},
        {k: v for k, v in SAMPLE_EVENTS[6].items() if k != "job_id"},
        {**SAMPLE_EVENTS[2], "event_id": "acme-01:J-100:future", "occurred_at": "2026-11-02T09:05:01Z"},
    ]

    response = post(lambdas, events)

    assert response["statusCode"] == 422
    details = response_json(response)["error"]["details"]
    assert [(d["index"], d["event_id"], d["field"]) for d in details] == [
        (0, "acme-01:J-100:offered", "value"),
        (2, "bad id!", "event_id"),
        (3, "acme-01:J-100:status:1", "occurred_at"),
        (4, "acme-01:J-100:doc:inspection_report", "colour"),
        (5, "acme-01:J-100:shipped:1", "job_id"),
        (6, "acme-01:J-100:future", "occurred_at"),
    ]
    assert scan_all(table) == []


def test_occurred_at_up_to_five_minutes_ahead_is_accepted(lambdas: Lambdas, table: str) -> None:
    edge = {**SAMPLE_EVENTS[2], "occurred_at": "2026-11-02T09:05:00Z"}
    response = post(lambdas, [edge])
    assert response["statusCode"] == 200
    assert response_json(response)["recorded"] == 1


def test_defective_above_inspected_names_the_parts_defective_field(lambdas: Lambdas, table: str) -> None:
    inspected = {**SAMPLE_EVENTS[7], "parts_defective": 11}  # parts_inspected is 10
    response = post(lambdas, [SAMPLE_EVENTS[1], inspected])
    assert response["statusCode"] == 422
    details = response_json(response)["error"]["details"]
    assert [(d["index"], d["event_id"], d["field"]) for d in details] == [
        (1, "acme-01:J-100:inspected:1", "parts_defective")
    ]
    assert scan_all(table) == []


@pytest.mark.parametrize("content_type", ["application/vnd.api+json", "APPLICATION/JSON"])
def test_json_media_types_the_resolver_accepts_are_processed(
    lambdas: Lambdas, table: str, content_type: str
) -> None:
    response = post(lambdas, SAMPLE_EVENTS[:2], content_type=content_type)
    assert response["statusCode"] == 200
    assert response_json(response)["recorded"] == 2


# ---- transport: malformed, oversized, encoded, media types ------------------------------------------


def test_malformed_json_is_400_and_writes_nothing(lambdas: Lambdas, table: str) -> None:
    response = lambdas.ingest(api_event(SAMPLE, raw_body='{"events": [{"event_id": "x",'))
    assert response["statusCode"] == 400
    assert response_json(response)["error"]["code"] == "malformed_json"
    assert scan_all(table) == []


def test_a_body_over_one_mib_is_413_and_writes_nothing(lambdas: Lambdas, table: str) -> None:
    padding = "x" * (MAX_BODY_BYTES + 1 - len('{"events": [], "pad": ""}'))
    body = json.dumps({"events": [], "pad": padding})
    assert len(body.encode()) == MAX_BODY_BYTES + 1
    response = lambdas.ingest(api_event(SAMPLE, raw_body=body))
    assert response["statusCode"] == 413
    assert response_json(response)["error"]["code"] == "payload_too_large"
    assert scan_all(table) == []


def test_a_body_of_exactly_one_mib_is_not_413(lambdas: Lambdas, table: str) -> None:
    body = json.dumps({"events": SAMPLE_EVENTS[:1]})
    body = body[:-1] + " " * (MAX_BODY_BYTES - len(body.encode())) + "}"  # JSON allows the spaces
    assert len(body.encode()) == MAX_BODY_BYTES
    response = lambdas.ingest(api_event(SAMPLE, raw_body=body))
    assert response["statusCode"] == 200
    assert response_json(response)["recorded"] == 1


def test_a_base64_encoded_body_is_decoded(lambdas: Lambdas, table: str) -> None:
    event = api_event(SAMPLE, body={"events": SAMPLE_EVENTS[:2]})
    event["body"] = base64.b64encode(event["body"].encode()).decode()
    event["isBase64Encoded"] = True
    response = lambdas.ingest(event)
    assert response["statusCode"] == 200
    assert response_json(response)["recorded"] == 2


def test_a_non_json_media_type_is_415_and_writes_nothing(lambdas: Lambdas, table: str) -> None:
    response = post(lambdas, SAMPLE_EVENTS[:2], content_type="text/xml")
    assert response["statusCode"] == 415
    assert response_json(response)["error"]["code"] == "unsupported_media_type"
    assert scan_all(table) == []


def test_batches_of_zero_or_over_500_events_are_422(lambdas: Lambdas, table: str) -> None:
    assert post(lambdas, [])["statusCode"] == 422
    many = [{**SAMPLE_EVENTS[2], "event_id": f"acme-01:J-100:read:{n}"} for n in range(501)]
    response = post(lambdas, many)
    assert response["statusCode"] == 422
    assert response_json(response)["error"]["details"][0]["field"] == "events"
    assert scan_all(table) == []


# ---- who may post -----------------------------------------------------------------------------------


def test_only_ops_and_service_may_post_events(lambdas: Lambdas, table: str) -> None:
    for context, status in ((caller("partner", PARTNER), 403), (None, 401)):
        response = lambdas.ingest(api_event(SAMPLE, caller=context))
        assert response["statusCode"] == status
        assert set(response_json(response)["error"]) == {"code", "message", "details"}
    assert scan_all(table) == []
    for context in (caller("ops"), caller("service")):
        response = lambdas.ingest(api_event(SAMPLE, caller=context))
        assert response["statusCode"] == 200
    assert response_json(response)["duplicates"] == 19  # the second poster re-sent the same batch


# ---- order independence -----------------------------------------------------------------------------


def _retargeted(events: list[dict[str, Any]], partner_id: str) -> list[dict[str, Any]]:
    return [
        {**e, "partner_id": partner_id, "event_id": e["event_id"].replace(PARTNER, partner_id, 1)}
        for e in events
    ]


def test_any_arrival_order_gives_the_same_score(lambdas: Lambdas, table: str) -> None:
    shuffles = []
    for seed in (7, 11, 2026):
        shuffled = list(SAMPLE_EVENTS)
        random.Random(seed).shuffle(shuffled)
        shuffles.append(shuffled)
    orders = {
        "perm-0": SAMPLE_EVENTS,
        "perm-1": SAMPLE_EVENTS[::-1],
        **{f"perm-{i + 2}": s for i, s in enumerate(shuffles)},
    }
    for partner_id, order in orders.items():
        response = post(lambdas, _retargeted(order, partner_id))
        assert response_json(response)["recorded"] == 19
    # One more: every event its own request, newest first.
    for event in _retargeted(SAMPLE_EVENTS[::-1], "perm-single"):
        assert response_json(post(lambdas, [event]))["recorded"] == 1
    partners = [*orders, "perm-single"]

    report = lambdas.daily(load_event("schedule_daily"))
    assert report["as_of"] == "2026-11-01"
    assert report["scored"] == len(partners)

    documents = {}
    jobs = {}
    for partner_id in partners:
        score = lambdas.api(api_event("api_get_score", caller=OPS, path=f"/v1/partners/{partner_id}/score"))
        assert score["statusCode"] == 200
        documents[partner_id] = {k: v for k, v in response_json(score).items() if k != "partner_id"}
        job = lambdas.api(api_event("api_get_job", caller=OPS, path=f"/v1/partners/{partner_id}/jobs/J-101"))
        detail = response_json(job)
        jobs[partner_id] = [(t["type"], t["occurred_at"]) for t in detail["timeline"]]
    reference = documents["perm-0"]
    assert reference["score"] == 74.2
    for partner_id in partners:
        assert documents[partner_id] == reference, partner_id
        assert jobs[partner_id] == jobs["perm-0"], partner_id
    assert [t for t, _ in jobs["perm-0"]] == [
        "job.offered",
        "job.read",
        "job.accepted",
        "job.due_date_changed",
        "job.shipped",
        "job.document_uploaded",
        "job.shipped",
        "job.inspected",
    ]


# ---- the GSI1 index time ----------------------------------------------------------------------------


def test_an_older_event_is_indexed_at_its_jobs_lowest_key(lambdas: Lambdas, table: str) -> None:
    """Each event is its own item; its GSI1SK is its instant, raised to the job's lowest key when it is
    older (aggregate_items.evidence_index_key): so the job's first item keeps the lowest key, and a
    daily read that meets it meets all of the job."""
    by_id = {e["event_id"]: e for e in SAMPLE_EVENTS}
    shipped = by_id["acme-01:J-101:shipped:2"]  # 2026-10-18T16:00Z
    offered = by_id["acme-01:J-101:offered"]  # 2026-10-06T14:00Z
    inspected = by_id["acme-01:J-101:inspected:1"]  # 2026-10-21T10:00Z

    post(lambdas, [shipped])
    assert evidence_keys(table, "JOB#J-101") == {"acme-01:J-101:shipped:2*": "2026-10-18T16:00:00.000000Z"}

    response = post(lambdas, [offered])
    assert response_json(response)["recorded"] == 1
    post(lambdas, [inspected])
    assert evidence_keys(table, "JOB#J-101") == {
        "acme-01:J-101:shipped:2*": "2026-10-18T16:00:00.000000Z",
        "acme-01:J-101:offered": "2026-10-18T16:00:00.000000Z",  # older: raised to the lowest key
        "acme-01:J-101:inspected:1": "2026-10-21T10:00:00.000000Z",
    }
    assert {item["GSI1PK"]["S"] for item in aggregate_items(table, PARTNER, "JOB#J-101")} == {
        "PARTNER#acme-01"
    }
    # Read from the day of the first item's key, the job comes whole, its older offer included.
    evidence = PartnerData(table).load_evidence(PARTNER, datetime(2026, 10, 18, 16, tzinfo=UTC))
    (job,) = evidence.jobs
    assert len(job.events) == 3


def test_the_index_time_is_stored_in_utc(lambdas: Lambdas, table: str) -> None:
    offered = next(e for e in SAMPLE_EVENTS if e["event_id"] == "acme-01:J-101:offered")
    assert offered["occurred_at"] == "2026-10-06T09:00:00-05:00"
    post(lambdas, [offered])
    assert evidence_keys(table, "JOB#J-101") == {"acme-01:J-101:offered*": "2026-10-06T14:00:00.000000Z"}


def test_update_requests_are_indexed_as_jobs_are(lambdas: Lambdas, table: str) -> None:
    responded, requested = (
        next(e for e in SAMPLE_EVENTS if e["event_id"] == f"acme-01:R-1:{step}")
        for step in ("responded", "requested")
    )
    post(lambdas, [responded])  # 2026-10-12T20:00Z
    post(lambdas, [requested])  # 2026-10-12T08:00Z: older, raised
    assert evidence_keys(table, "REQ#R-1") == {
        "acme-01:R-1:responded*": "2026-10-12T20:00:00.000000Z",
        "acme-01:R-1:requested": "2026-10-12T20:00:00.000000Z",
    }
    assert len(aggregate_events(table, PARTNER, "REQ#R-1")) == 2


# ---- concurrent writers -----------------------------------------------------------------------------


def _race(calls: list[Any]) -> list[Any]:
    """Run each call in its own thread, all released at once; return results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert errors == []
    return results


def _warm_client(table: str) -> None:
    # Create the cached boto3 client before the race, so the threads share one.
    assert get_item(table, "warm", "up") is None


def test_eight_concurrent_copies_of_one_event_record_it_once(table: str) -> None:
    _warm_client(table)
    store = DynamoEventStore(table)
    event = parse(next(e for e in SAMPLE_EVENTS if e["event_id"] == "acme-01:J-100:shipped:1"))
    received: datetime = NOW

    statuses: list[RecordStatus] = _race([lambda: store.record(event, received) for _ in range(8)])

    assert sorted(statuses) == ["duplicate"] * 7 + ["recorded"]
    assert [json.loads(raw)["event_id"] for raw in job_events(table, "J-100")] == ["acme-01:J-100:shipped:1"]
    assert list(evidence_keys(table, "JOB#J-100")) == ["acme-01:J-100:shipped:1*"]
    markers = [i for i in scan_all(table) if i["PK"]["S"].startswith(keys.EVENT_PREFIX)]
    assert len(markers) == 1


def test_eight_different_events_of_one_job_recorded_concurrently_all_land(table: str) -> None:
    _warm_client(table)
    store = DynamoEventStore(table)
    events = [parse(e) for e in SAMPLE_EVENTS if e.get("job_id") == "J-100" and e["type"].startswith("job.")]
    assert len(events) == 8

    statuses = _race([lambda e=e: store.record(e, NOW) for e in events])

    assert statuses == ["recorded"] * 8
    assert sorted(json.loads(raw)["event_id"] for raw in job_events(table, "J-100")) == sorted(
        e.event_id for e in events
    )
    # Whatever order the writers won in, the job's highest key is its newest event's (job.received),
    # and every item is at or above the first item's key.
    index_keys = evidence_keys(table, "JOB#J-100")
    assert max(index_keys.values()) == "2026-10-23T10:00:00.000000Z"
    (lowest,) = [key for event_id, key in index_keys.items() if event_id.endswith("*")]
    assert min(index_keys.values()) == lowest


def test_eight_logins_of_one_quarter_hour_recorded_concurrently_all_land(table: str) -> None:
    """Activity events take no transaction (they used to, with their month's item, and conflicted):
    eight logins of one quarter-hour and eight of the next, from sixteen threads at once, each get
    their own item, and the day item holds both quarter-hours (set unions commute)."""
    _warm_client(table)
    store = DynamoEventStore(table)
    first = parse(next(e for e in SAMPLE_EVENTS if e["type"] == "partner.logged_in"))  # 08:55 on Oct 5
    logins = [
        first.model_copy(
            update={
                "event_id": f"{first.event_id}:{n}",
                "occurred_at": first.occurred_at + timedelta(minutes=n),
            }
        )
        for n in range(16)
    ]

    assert _race([lambda e=e: store.record(e, NOW) for e in logins]) == ["recorded"] * 16

    pk = keys.partner_pk(PARTNER)
    day = get_item(table, pk, keys.presence_day_sk(first.occurred_at.date()))
    assert day is not None and sorted(day["slots_login"]["SS"]) == ["35", "36"]  # 08:45-09:00, 09:00-09:15
    own = [i["SK"]["S"] for i in scan_all(table) if i["SK"]["S"].startswith(keys.PRESENCE_EVENT_PREFIX)]
    assert sorted(own) == sorted(keys.presence_event_sk(e.occurred_at, e.type, e.event_id) for e in logins)


def test_a_store_registers_each_partner_once(table: str) -> None:
    """The registry write (an update of the profile, billed in GSI1 and GSI2 too) goes with a partner's
    first event a store records only; the partner is listed from that event on."""
    events = [EVENT_ADAPTER.validate_python(e) for e in SAMPLE_EVENTS[1:4]]  # three job events
    assert {e.partner_id for e in events} == {PARTNER}
    dynamodb = client("dynamodb")
    updated: list[str] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        updated.append(params["Key"]["SK"]["S"])

    dynamodb.meta.events.register("provide-client-params.dynamodb.UpdateItem", count)
    try:
        store = DynamoEventStore(table)
        assert [store.record(e, NOW) for e in events] == ["recorded"] * 3
        assert updated == [keys.PROFILE_SK]  # with the first event only
        profile = get_item(table, keys.partner_pk(PARTNER), keys.PROFILE_SK)
        assert profile is not None and profile["GSI2PK"]["S"] == keys.REGISTRY_PK
        # Another store (another Lambda container) registers again with its first event of the partner.
        other = DynamoEventStore(table)
        later = EVENT_ADAPTER.validate_python(SAMPLE_EVENTS[4])
        assert later.partner_id == PARTNER and other.record(later, NOW) == "recorded"
        assert updated == [keys.PROFILE_SK] * 2
    finally:
        dynamodb.meta.events.unregister("provide-client-params.dynamodb.UpdateItem", count)
