"""An inspection's defects through the real ingest handler (issue 21): a bad defect is a 422 naming
the event and the field down to the defect (`defects.2.category`; the sum: `defects`), with nothing
of the batch written; the largest inspection the rules allow is stored and read back whole."""

from __future__ import annotations

import json
from typing import Any

from integration_support import Lambdas, aggregate_events, scan_all
from lambda_events import api_event, response_json, sample_body
from scorecard.adapters import keys
from scorecard.domain.events import MAX_DEFECT_NOTE_CHARS, MAX_DEFECTS_PER_INSPECTION, parse_stored_event

SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
INSPECTED = next(e for e in SAMPLE_EVENTS if e["type"] == "job.inspected" and e.get("defects"))
DEFECT = {"part_number": "BRKT-02", "quantity": 1, "category": "dimensional"}
DYNAMODB_ITEM_LIMIT = 400 * 1024


def post(lambdas: Lambdas, events: list[dict[str, Any]]) -> dict[str, Any]:
    response: dict[str, Any] = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    return response


def named(response: dict[str, Any]) -> list[tuple[int, str, str]]:
    assert response["statusCode"] == 422, response["body"]
    details = response_json(response)["error"]["details"]
    return [(d["index"], d["event_id"], d["field"]) for d in details]


def test_the_sample_batch_reports_defects_that_are_stored_as_sent(lambdas: Lambdas, table: str) -> None:
    assert post(lambdas, SAMPLE_EVENTS)["statusCode"] == 200
    (stored,) = [
        body
        for body in aggregate_events(table, "acme-01", keys.job_sk(INSPECTED["job_id"]))
        if INSPECTED["event_id"] in body
    ]
    assert json.loads(stored)["defects"] == INSPECTED["defects"]
    assert parse_stored_event(stored).defects  # type: ignore[union-attr]


def test_a_bad_category_is_named_down_to_the_defect(lambdas: Lambdas, table: str) -> None:
    bad = {
        **INSPECTED,
        "parts_defective": 3,
        "defects": [DEFECT, DEFECT, {**DEFECT, "category": "scratched"}],
    }
    assert named(post(lambdas, [*SAMPLE_EVENTS[:3], bad])) == [
        (3, INSPECTED["event_id"], "defects.2.category")
    ]
    assert scan_all(table) == []


def test_quantities_past_parts_defective_name_the_defects(lambdas: Lambdas, table: str) -> None:
    # 1 + 1 listed, parts_defective 1
    bad = {**INSPECTED, "parts_defective": 1, "defects": [DEFECT, {**DEFECT, "part_number": "HSG-7"}]}
    assert named(post(lambdas, [*SAMPLE_EVENTS[:3], bad])) == [(3, INSPECTED["event_id"], "defects")]
    assert scan_all(table) == []


def test_every_bad_defect_of_a_batch_is_named(lambdas: Lambdas, table: str) -> None:
    events = [
        {**INSPECTED, "event_id": "i-1", "defects": [{**DEFECT, "quantity": 0}]},
        {**INSPECTED, "event_id": "i-2", "defects": [{**DEFECT, "part_number": "PN<script>"}]},
        {**INSPECTED, "event_id": "i-3", "defects": [{**DEFECT, "note": "n" * 501}]},
        {**INSPECTED, "event_id": "i-4", "defects": [DEFECT] * (MAX_DEFECTS_PER_INSPECTION + 1)},
        {**INSPECTED, "event_id": "i-5", "defects": [{**DEFECT, "quantity": True}]},
    ]
    assert named(post(lambdas, events)) == [
        (0, "i-1", "defects.0.quantity"),
        (1, "i-2", "defects.0.part_number"),
        (2, "i-3", "defects.0.note"),
        (3, "i-4", "defects"),
        (4, "i-5", "defects.0.quantity"),
    ]
    assert scan_all(table) == []


def test_the_largest_inspection_the_rules_allow_is_stored_whole(lambdas: Lambdas, table: str) -> None:
    """100 defects, each a 64-character part number and a 500-character note of control characters
    (6 bytes each in JSON, "\\u0001"): about 310 KB of event JSON, within DynamoDB's 400 KB item."""
    defects = [
        {"part_number": f"{n:03d}" + "P" * 61, "quantity": 1, "category": "other", "note": "\x01" * 500}
        for n in range(MAX_DEFECTS_PER_INSPECTION)
    ]
    assert len(defects[0]["note"]) == MAX_DEFECT_NOTE_CHARS
    event = {**INSPECTED, "parts_inspected": 100, "parts_defective": 100, "defects": defects}
    assert post(lambdas, [event])["statusCode"] == 200
    sizes = [len(json.dumps(item).encode()) for item in scan_all(table)]
    assert 300_000 < max(sizes) < DYNAMODB_ITEM_LIMIT, sizes
    (body,) = aggregate_events(table, "acme-01", keys.job_sk(INSPECTED["job_id"]))
    stored = parse_stored_event(body)
    assert [d.note for d in stored.defects] == ["\x01" * 500] * 100  # type: ignore[union-attr]
