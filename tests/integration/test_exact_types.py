"""Types are exact (issue 20 item 2): a field is accepted only in the JSON type the schema states. A
boolean is not an integer, "7" is not an integer, "yes" is not a boolean; only an event's `value`
takes a decimal string or a JSON number. Through the real Lambda handlers: every such request is a
422 naming the event (index, event_id) and the field, and nothing of it is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from integration_support import Lambdas, scan_all
from lambda_events import api_event, caller, response_json, sample_body

OPS = caller("ops")
SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
JOB = {"partner_id": "acme-01", "job_id": "J-100"}


def _sample(kind: str) -> dict[str, Any]:
    return dict(next(e for e in SAMPLE_EVENTS if e["type"] == kind))


def _event(kind: str, event_id: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "type": kind, "occurred_at": "2026-10-20T10:00:00Z", **JOB, **fields}


# One valid event of every type: the sample batch's where it has one.
VALID: dict[str, dict[str, Any]] = {
    "job.offered": _sample("job.offered"),
    "job.read": _sample("job.read"),
    "job.accepted": _sample("job.accepted"),
    "job.rejected": _event("job.rejected", "x:rejected", feedback="too tight"),
    "job.cancelled": _event("job.cancelled", "x:cancelled", cancelled_by="customer"),
    "job.status_updated": _sample("job.status_updated"),
    "job.document_uploaded": _sample("job.document_uploaded"),
    "job.shipped": _sample("job.shipped"),
    "job.inspected": {**_sample("job.inspected"), "ncmr_id": "NCMR-1"},
    "job.received": _sample("job.received"),
    "job.due_date_changed": _sample("job.due_date_changed"),
    "job.delay_reported": _event(
        "job.delay_reported", "x:delay", expected_ship_date="2026-10-25", reason="material late"
    ),
    "partner.update_requested": _sample("partner.update_requested"),
    "partner.update_responded": _sample("partner.update_responded"),
    "partner.logged_in": _sample("partner.logged_in"),
    "partner.capacity_updated": {
        "event_id": "x:capacity",
        "type": "partner.capacity_updated",
        "partner_id": "acme-01",
        "occurred_at": "2026-10-20T10:00:00Z",
    },
    "partner.metric_recorded": {
        "event_id": "x:nps",
        "type": "partner.metric_recorded",
        "partner_id": "acme-01",
        "occurred_at": "2026-10-20T10:00:00Z",
        "metric": "nps",
        "value": "42",
        "period": "2026-10",
    },
}

NOT_INTEGERS: list[Any] = [True, False, "7", 7.0, 7.5, None, [7], {"n": 7}]
NOT_BOOLEANS: list[Any] = ["yes", "true", 1, 0, None, ["true"]]
NOT_STRINGS: list[Any] = [7, 7.5, True, ["x"], {"x": "y"}]
NOT_DATES: list[Any] = [20261020, True, ["2026-10-20"]]
NOT_INSTANTS: list[Any] = [1792490400, 1792490400.5, True, ["2026-10-20T10:00:00Z"]]
NOT_VALUES: list[Any] = [True, False, None, [1], {"amount": "1"}, "one", ""]

# (event type, field, bad values): every typed field of every event type.
TYPED_FIELDS: list[tuple[str, str, list[Any]]] = [
    ("job.offered", "value", NOT_VALUES),
    ("job.offered", "part_count", NOT_INTEGERS),
    ("job.offered", "due_date", NOT_DATES),
    ("job.offered", "required_documents", ["inspection_report", 1, True, [1], [True]]),
    ("job.offered", "process", NOT_STRINGS),
    ("job.rejected", "feedback", NOT_STRINGS),
    ("job.cancelled", "cancelled_by", NOT_STRINGS),
    ("job.status_updated", "status", NOT_STRINGS),
    ("job.document_uploaded", "document_type", NOT_STRINGS),
    ("job.shipped", "parts_shipped", NOT_INTEGERS),
    ("job.shipped", "direct_to_customer", NOT_BOOLEANS),
    ("job.inspected", "parts_inspected", NOT_INTEGERS),
    ("job.inspected", "parts_defective", [v for v in NOT_INTEGERS if v is not False] + ["0"]),
    ("job.inspected", "ncmr_id", NOT_STRINGS),
    ("job.inspected", "report_url", NOT_STRINGS),
    (
        "job.inspected",
        "defects",
        [
            "BRKT-02",
            1,
            True,
            {"part_number": "BRKT-02", "quantity": 1, "category": "other"},
            [1],
            [{"part_number": 7, "quantity": 1, "category": "other"}],
            [{"part_number": "BRKT-02", "quantity": "1", "category": "other"}],
            [{"part_number": "BRKT-02", "quantity": True, "category": "other"}],
            [{"part_number": "BRKT-02", "quantity": 1, "category": 1}],
            [{"part_number": "BRKT-02", "quantity": 1, "category": "other", "note": 7}],
        ],
    ),
    ("job.due_date_changed", "due_date", NOT_DATES),
    ("job.due_date_changed", "changed_by", NOT_STRINGS),
    ("job.delay_reported", "expected_ship_date", NOT_DATES),
    ("job.delay_reported", "reason", NOT_STRINGS),
    ("partner.update_requested", "request_id", NOT_STRINGS),
    ("partner.update_responded", "request_id", NOT_STRINGS),
    ("partner.update_responded", "job_id", NOT_STRINGS),
    ("partner.metric_recorded", "metric", NOT_STRINGS),
    ("partner.metric_recorded", "value", NOT_VALUES),
    ("partner.metric_recorded", "period", [202610, True, ["2026-10"]]),
    ("partner.logged_in", "partner_id", NOT_STRINGS),
    ("partner.capacity_updated", "occurred_at", NOT_INSTANTS),
    ("job.read", "job_id", NOT_STRINGS),
    ("job.accepted", "occurred_at", NOT_INSTANTS),
    ("job.received", "event_id", NOT_STRINGS),
]


def post(lambdas: Lambdas, events: list[dict[str, Any]]) -> dict[str, Any]:
    response: dict[str, Any] = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    return response


def refused(response: dict[str, Any]) -> list[dict[str, Any]]:
    body = response_json(response)
    assert response["statusCode"] == 422, body
    assert body["error"]["code"] == "validation_failed", body
    details: list[dict[str, Any]] = body["error"]["details"]
    return details


def test_every_event_type_has_its_typed_fields_in_the_table() -> None:
    from scorecard.domain.events import EVENT_MODELS

    kinds = {model.model_fields["type"].annotation.__args__[0] for model in EVENT_MODELS}  # type: ignore[union-attr]
    assert set(VALID) == kinds
    common = {"event_id", "type", "partner_id", "occurred_at", "job_id", "request_id"}
    for model in EVENT_MODELS:
        kind = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
        own = set(model.model_fields) - common
        assert own <= {field for k, field, _ in TYPED_FIELDS if k == kind}, kind


def test_the_valid_events_are_accepted(lambdas: Lambdas, table: str) -> None:
    response = post(lambdas, list(VALID.values()))
    assert response["statusCode"] == 200, response["body"]
    assert response_json(response)["recorded"] == len(VALID)


# ---- the three findings of the issue: each was coerced and stored ------------------------------------


def test_a_boolean_part_count_is_not_stored_as_1(lambdas: Lambdas, table: str) -> None:
    offer = {**VALID["job.offered"], "part_count": True}
    details = refused(post(lambdas, [VALID["job.read"], offer]))
    assert [(d["index"], d["event_id"], d["field"]) for d in details] == [
        (1, "acme-01:J-100:offered", "part_count")
    ]
    assert scan_all(table) == []


def test_a_string_part_count_is_not_stored_as_7(lambdas: Lambdas, table: str) -> None:
    offer = {**VALID["job.offered"], "part_count": "7"}
    details = refused(post(lambdas, [offer]))
    assert [(d["index"], d["event_id"], d["field"]) for d in details] == [
        (0, "acme-01:J-100:offered", "part_count")
    ]
    assert scan_all(table) == []


def test_yes_is_not_stored_as_direct_to_customer_true(lambdas: Lambdas, table: str) -> None:
    shipped = {**VALID["job.shipped"], "direct_to_customer": "yes"}
    details = refused(post(lambdas, [VALID["job.offered"], shipped]))
    assert [(d["index"], d["event_id"], d["field"]) for d in details] == [
        (1, "acme-01:J-100:shipped:1", "direct_to_customer")
    ]
    assert scan_all(table) == []


# ---- every typed field of every event type ------------------------------------------------------------


def _named(detail: dict[str, Any], field: str) -> str:
    """The field a detail names, cut to `field` where it names an item inside it (required_documents.0)."""
    named: str = detail["field"]
    return field if named.startswith(field + ".") else named


@pytest.mark.parametrize(
    ("kind", "field", "values"), [pytest.param(*case, id=f"{case[0]}.{case[1]}") for case in TYPED_FIELDS]
)
def test_a_field_of_another_json_type_is_422_naming_it(
    lambdas: Lambdas, table: str, kind: str, field: str, values: list[Any]
) -> None:
    """One batch: a valid offer, then the event with each bad value in turn (its own event_id)."""
    events = [VALID["job.offered"]]
    for n, bad in enumerate(values):
        event = {**VALID[kind], "event_id": f"bad-{n}", field: bad}
        events.append(event)
    details = refused(post(lambdas, events))
    named = sorted((d["index"], d.get("event_id"), _named(d, field)) for d in details)
    expected = [(n + 1, None if field == "event_id" else f"bad-{n}", field) for n in range(len(values))]
    assert named == expected, [(values[d["index"] - 1], d["field"], d["message"]) for d in details]
    assert scan_all(table) == []


@pytest.mark.parametrize("value", ["1000.00", 1000, 1000.5, "0", 0])
def test_value_alone_takes_a_decimal_string_or_a_json_number(
    lambdas: Lambdas, table: str, value: Any
) -> None:
    metric = {**VALID["partner.metric_recorded"], "value": value}
    response = post(lambdas, [{**VALID["job.offered"], "value": value}, metric])
    assert response["statusCode"] == 200, response["body"]


def test_stored_events_are_read_back_under_the_exact_types(lambdas: Lambdas, table: str) -> None:
    """Ingestion's stored JSON (dates and instants as strings, value as a decimal string) parses again."""
    from integration_support import aggregate_events
    from scorecard.adapters import keys
    from scorecard.domain.events import JobOffered, parse_stored_event

    assert post(lambdas, list(VALID.values()))["statusCode"] == 200
    (stored,) = [e for e in aggregate_events(table, "acme-01", keys.job_sk("J-100")) if "job.offered" in e]
    offer = parse_stored_event(stored)
    assert isinstance(offer, JobOffered)
    assert (str(offer.value), offer.part_count, offer.due_date.isoformat()) == ("1000.00", 10, "2026-10-20")


# ---- other request bodies -------------------------------------------------------------------------------


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(body))
    target = copy
    *parents, leaf = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(leaf)] = value
    else:
        target[leaf] = value
    return copy


POLICY_FIELDS: list[tuple[str, list[Any]]] = [
    ("policy.update_response_hours", [True, "24", 24.0]),
    ("policy.demotion_runs", [True, "3"]),
    ("policy.window.base_days", [True, "30"]),
    ("policy.grades.0.min", [True, "90"]),
    ("policy.tiers.0.requires_final", ["yes", 1, "true"]),
    ("policy.overdue_jobs_count", ["yes", 1]),
    ("policy.weights.on_time", [True, None, [0.45]]),
    ("policy.tiers.0.min", [True]),
    ("policy.version", [7, True]),
]
OTHER_BODIES: list[tuple[str, str, Any]] = [
    *(
        (sample, path, bad)
        for sample in ("api_post_policy_simulate", "api_post_policy_version")
        for path, values in POLICY_FIELDS
        for bad in values
    ),
    ("api_post_policy_simulate", "limit", True),
    ("api_post_policy_simulate", "limit", "7"),
    ("api_post_policy_simulate", "limit", 7.0),
    ("api_post_policy_simulate", "as_of", 20261101),
    ("api_put_policy_active", "version", 2),
    ("api_put_policy_active", "effective_from", 20261103),
    ("api_post_policy_backtest", "version", 2),
    ("api_post_policy_backtest", "from", 20261003),
    ("api_put_partner", "name", 7),
    ("api_put_partner", "email", True),
    ("api_put_partner", "timezone", 0),
    ("api_post_review", "reason", 7),
    ("api_post_review", "job_ids", "J-101"),
    ("api_post_review", "job_ids.0", 101),
    ("api_post_resolution", "decision", True),
    ("api_post_resolution", "excluded_job_ids.0", 101),
    ("api_post_resolution", "note", 7),
    ("api_post_pickup", "note", False),
]


@pytest.mark.parametrize("sample", sorted({sample for sample, _, _ in OTHER_BODIES}))
def test_other_bodies_refuse_other_json_types(lambdas: Lambdas, table: str, sample: str) -> None:
    """Each case of the sample's route is one request: 422 naming the field, nothing written."""
    answers = []
    for path, bad in [(path, bad) for s, path, bad in OTHER_BODIES if s == sample]:
        response = lambdas.api(api_event(sample, body=_with(sample_body(sample), path, bad)))
        body = response_json(response)
        named = [d["field"] for d in body["error"]["details"]] if response["statusCode"] == 422 else body
        answers.append((path, bad, response["statusCode"], named))
    assert answers == [(path, bad, 422, [path]) for path, bad, _, _ in answers]
    assert scan_all(table) == []


def test_a_backtests_policy_takes_exact_types_too(lambdas: Lambdas, table: str) -> None:
    policy = sample_body("api_post_policy_version")["policy"]
    body = {"policy": {**policy, "demotion_runs": "3"}, "from": "2026-10-03", "to": "2026-11-01"}
    details = refused(lambdas.api(api_event("api_post_policy_backtest", body=body)))
    assert [d["field"] for d in details] == ["policy.demotion_runs"]
    assert scan_all(table) == []


def _json_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a property's schema admits, null aside."""
    branches = schema.get("anyOf", [schema])
    return {branch["type"] for branch in branches if branch.get("type") not in (None, "null")}


def test_the_openapi_document_states_the_types_the_validation_holds_to() -> None:
    from scorecard.api.resolver import all_routers, build_resolver, openapi_document
    from scorecard.domain.events import EVENT_MODELS

    schemas = json.loads(openapi_document(build_resolver(all_routers())))["components"]["schemas"]
    models = {model.model_fields["type"].annotation.__args__[0]: model.__name__ for model in EVENT_MODELS}  # type: ignore[union-attr]
    expected = {
        "direct_to_customer": {"boolean"},
        "value": {"number", "string"},
        "required_documents": {"array"},
        "defects": {"array"},
    }
    for kind, field, values in TYPED_FIELDS:
        stated = _json_types(schemas[models[kind]]["properties"][field])
        wanted = {"integer"} if values is NOT_INTEGERS or field == "parts_defective" else {"string"}
        assert stated == expected.get(field, wanted), (kind, field, stated)
