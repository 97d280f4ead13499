"""Issue 8 item 2 (docs/api.md): an event_id re-sent with other content is a `conflict` (409, not
written), with identical content a `duplicate`; through the real ingest handler, in moto."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from integration_support import Lambdas, emitted_metrics, get_item, scan_all
from lambda_events import api_event, load_event, response_json, sample_body
from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.event_store import canonical_event
from scorecard.domain.events import EVENT_ADAPTER

SAMPLE = "api_post_events"
EVENTS: list[dict[str, Any]] = sample_body(SAMPLE)["events"]
OFFERED = next(e for e in EVENTS if e["event_id"] == "acme-01:J-100:offered")
READ = next(e for e in EVENTS if e["event_id"] == "acme-01:J-100:read")
SHIPPED = next(e for e in EVENTS if e["event_id"] == "acme-01:J-101:shipped:1")


def post(lambdas: Lambdas, events: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    response = lambdas.ingest(api_event(SAMPLE, body={"events": events}))
    return response["statusCode"], response_json(response)


def stored_bodies(table: str) -> dict[str, str]:
    return {
        item["PK"]["S"]: item["body"]["S"] for item in scan_all(table) if item["PK"]["S"].startswith("EVENT#")
    }


@pytest.mark.parametrize(
    "change",
    [
        {"parts_shipped": 3},  # any field
        {"type": "job.received"},  # another type (parts_shipped then is unknown: drop it below)
        {"partner_id": "bluewater-02"},  # another partner
        {"job_id": "J-999"},
        {"occurred_at": "2026-10-20T10:00:01Z"},
        {"direct_to_customer": True},  # a default made explicit with another value
    ],
)
def test_other_content_under_a_known_event_id_is_a_conflict_and_not_written(
    lambdas: Lambdas, table: str, change: dict[str, Any]
) -> None:
    assert post(lambdas, [SHIPPED])[0] == 200
    before = scan_all(table)
    changed = {**SHIPPED, **change}
    if changed["type"] != "job.shipped":
        del changed["parts_shipped"]

    status, body = post(lambdas, [changed])

    assert status == 409
    assert body["error"]["code"] == "event_id_conflict"
    assert body["error"]["details"] == [{"event_id": SHIPPED["event_id"]}]
    assert (body["recorded"], body["duplicates"]) == (0, 0)
    assert body["results"] == [{"event_id": SHIPPED["event_id"], "status": "conflict"}]
    after = scan_all(table)
    assert after == before  # nothing written: no marker change, no aggregate, no other partner


def test_a_conflict_leaves_the_rest_of_the_batch_recorded_or_duplicate(lambdas: Lambdas, table: str) -> None:
    assert post(lambdas, [SHIPPED, READ])[0] == 200

    status, body = post(lambdas, [OFFERED, {**SHIPPED, "parts_shipped": 3}, READ])

    assert status == 409
    assert (body["recorded"], body["duplicates"]) == (1, 1)
    assert [r["status"] for r in body["results"]] == ["recorded", "conflict", "duplicate"]
    assert json.loads(stored_bodies(table)["EVENT#" + SHIPPED["event_id"]])["parts_shipped"] == 2
    assert "EVENT#" + OFFERED["event_id"] in stored_bodies(table)


@pytest.mark.parametrize(
    "spelling",
    [
        {"occurred_at": "2026-10-25T16:00:00+02:00"},  # the same instant as ...T14:00:00Z, another offset
        {"occurred_at": "2026-10-25T14:00:00.000000Z"},
        {"occurred_at": "2026-10-25t14:00:00z"},
        {"direct_to_customer": False},  # the default, sent explicitly
    ],
)
def test_the_same_content_spelled_otherwise_is_a_duplicate(
    lambdas: Lambdas, table: str, spelling: dict[str, Any]
) -> None:
    shipped = {**SHIPPED, "occurred_at": "2026-10-25T14:00:00Z"}
    assert post(lambdas, [shipped])[0] == 200

    status, body = post(lambdas, [{**shipped, **spelling}])

    assert status == 200
    assert body["results"] == [{"event_id": SHIPPED["event_id"], "status": "duplicate"}]


def test_money_with_other_trailing_zeros_is_the_same_value(lambdas: Lambdas, table: str) -> None:
    assert OFFERED["value"] == "1000.00"
    assert post(lambdas, [OFFERED])[0] == 200
    assert post(lambdas, [{**OFFERED, "value": "1000"}]) == (
        200,
        {
            "recorded": 0,
            "duplicates": 1,
            "results": [{"event_id": OFFERED["event_id"], "status": "duplicate"}],
        },
    )
    assert post(lambdas, [{**OFFERED, "value": "1000.01"}])[0] == 409


def test_the_marker_stores_the_content_hash(lambdas: Lambdas, table: str) -> None:
    assert post(lambdas, [SHIPPED])[0] == 200
    marker = get_item(table, keys.event_pk(SHIPPED["event_id"]), keys.EVENT_SK)
    assert marker is not None
    expected = hashlib.sha256(canonical_event(EVENT_ADAPTER.validate_python(SHIPPED)).encode()).hexdigest()
    assert marker["hash"]["S"] == expected


def test_a_marker_without_a_hash_is_compared_by_its_body(lambdas: Lambdas, table: str) -> None:
    """Markers written before the hash existed: the stored body decides."""
    assert post(lambdas, [SHIPPED])[0] == 200
    client("dynamodb").update_item(
        TableName=table,
        Key={"PK": {"S": keys.event_pk(SHIPPED["event_id"])}, "SK": {"S": keys.EVENT_SK}},
        UpdateExpression="REMOVE #h",
        ExpressionAttributeNames={"#h": "hash"},
    )
    assert post(lambdas, [SHIPPED])[1]["results"][0]["status"] == "duplicate"
    assert post(lambdas, [{**SHIPPED, "parts_shipped": 1}])[1]["results"][0]["status"] == "conflict"


def test_conflicts_are_counted_in_the_metric(
    lambdas: Lambdas, table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert post(lambdas, [SHIPPED, READ])[0] == 200
    capsys.readouterr()

    post(lambdas, [{**SHIPPED, "parts_shipped": 1}, {**READ, "occurred_at": "2026-10-05T09:31:00Z"}, OFFERED])

    assert emitted_metrics(capsys.readouterr().out) == {
        "EventsRecorded": [1.0],
        "EventsDuplicate": [0.0],
        "EventsConflict": [2.0],
    }


def test_the_409_is_declared_in_the_openapi_document(lambdas: Lambdas) -> None:
    response = lambdas.api(load_event("api_get_openapi"))
    document = json.loads(response["body"])
    answer = document["paths"]["/v1/events"]["post"]["responses"]["409"]
    schema_ref = answer["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert {"error", "recorded", "duplicates", "results"} <= set(schema["properties"])
    result_ref = schema["properties"]["results"]["items"]["$ref"]
    statuses = document["components"]["schemas"][result_ref.rsplit("/", 1)[-1]]["properties"]["status"][
        "enum"
    ]
    assert statuses == ["recorded", "duplicate", "conflict"]
