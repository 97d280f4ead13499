"""The API's contract across routes: roles before bodies (issue 8 item 5: a caller who may not use a
route is refused, 401/403, before its body, query or path are validated, and every route declares
its roles once), the error shape in the OpenAPI document, and the bounded simulation page
(issue 8 item 7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from integration_support import Lambdas, emitted_metrics
from lambda_events import api_event, caller, response_json, sample_body
from scorecard.api.access import ALLOWED_ROLES
from scorecard.api.policy import MAX_SIMULATED_PARTNERS
from scorecard.api.resolver import all_routers, build_resolver, openapi_document

ACME = caller("partner", "acme-01")
INVALID_SIMULATION = {"policy": {"version": "v9"}, "limit": 0, "surprise": True}
INVALID_EVENTS = {"events": [{"event_id": "x", "type": "job.nonsense"}]}


def answer(lambdas: Lambdas, event: dict[str, Any], handler: str = "api") -> tuple[int, Any]:
    response = getattr(lambdas, handler)(event)
    return int(response["statusCode"]), response_json(response)


@pytest.mark.parametrize(
    ("sample", "body", "handler"),
    [
        ("api_post_events", INVALID_EVENTS, "ingest"),
        ("api_post_events", {"not": "a batch"}, "ingest"),
        ("api_post_policy_simulate", INVALID_SIMULATION, "api"),
        ("api_put_partner", {"name": "", "fax": 1}, "api"),
        ("api_post_resolution", {"decision": "maybe"}, "api"),
    ],
    ids=["events-bad-event", "events-bad-batch", "simulate", "put-partner", "resolution"],
)
def test_a_partner_token_is_refused_before_the_body_is_validated(
    lambdas: Lambdas, sample: str, body: Any, handler: str
) -> None:
    status, refused = answer(lambdas, api_event(sample, caller=ACME, body=body), handler)
    assert status == 403
    assert refused["error"]["code"] == "forbidden"
    assert refused["error"]["details"] is None  # no field list: the schema is not revealed
    # The same body from a caller who may use the route is a validation error, as before.
    status, invalid = answer(lambdas, api_event(sample, caller=caller("ops"), body=body), handler)
    assert status == 422
    assert invalid["error"]["code"] == "validation_failed"


def test_no_principal_is_401_before_the_body(lambdas: Lambdas) -> None:
    status, body = answer(lambdas, api_event("api_post_events", caller=None, body=INVALID_EVENTS), "ingest")
    assert (status, body["error"]["code"]) == (401, "unauthorized")


def test_a_partner_asking_for_another_partner_is_refused_before_the_body(lambdas: Lambdas) -> None:
    event = api_event(
        "api_post_review",
        caller=caller("partner", "acme-02"),
        body={"reason": "", "job_ids": "not a list"},
    )
    status, body = answer(lambdas, event)
    assert (status, body["error"]["code"], body["error"]["message"]) == (
        403,
        "forbidden",
        "partners may only see their own data",
    )


def test_every_route_declares_its_roles() -> None:
    undeclared = [
        f"{method} {rule}"
        for router in all_routers()
        for (rule, methods, *_), func in router._routes.items()
        for method in methods
        if getattr(func, ALLOWED_ROLES, None) is None
    ]
    assert undeclared == []


def test_every_operation_documents_the_error_shape_and_its_success() -> None:
    document = json.loads(openapi_document(build_resolver(all_routers())))
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    assert document["components"]["schemas"]["ErrorResponse"]["required"] == ["error"]
    assert set(document["components"]["schemas"]["ErrorBody"]["properties"]) == {"code", "message", "details"}
    operations = [(path, op) for path, ops in document["paths"].items() for op in ops.values()]
    assert len(operations) >= 14
    for path, operation in operations:
        responses = operation["responses"]
        for status in ("401", "403", "422"):
            assert responses[status]["content"]["application/json"]["schema"] == error, (path, status)
        assert any(status.startswith("2") for status in responses), path


def test_a_simulation_page_is_bounded(lambdas: Lambdas, table: str) -> None:
    assert MAX_SIMULATED_PARTNERS == 40  # ~4 s at the measured 102 ms per heavy partner
    document = json.loads(openapi_document(build_resolver(all_routers())))
    limit = document["components"]["schemas"]["SimulationIn"]["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 40, 40)

    over = {**sample_body("api_post_policy_simulate"), "limit": 41}
    status, body = answer(lambdas, api_event("api_post_policy_simulate", body=over))
    assert status == 422
    assert set(body) == {"error"} and body["error"]["code"] == "validation_failed"
    assert [detail["field"] for detail in body["error"]["details"]] == ["limit"]

    at_cap = {**sample_body("api_post_policy_simulate"), "limit": 40}
    status, body = answer(lambdas, api_event("api_post_policy_simulate", body=at_cap))
    assert (status, body["partners_evaluated"]) == (200, 0)


def test_ingestion_emits_what_operators_alert_on(
    lambdas: Lambdas, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    events = sample_body("api_post_events")["events"]
    capsys.readouterr()
    assert answer(lambdas, api_event("api_post_events"), "ingest")[0] == 200
    first = emitted_metrics(capsys.readouterr().out)
    assert first == {
        "EventsRecorded": [float(len(events))],
        "EventsDuplicate": [0.0],
        "EventsConflict": [0.0],
    }
    assert answer(lambdas, api_event("api_post_events"), "ingest")[0] == 200
    again = emitted_metrics(capsys.readouterr().out)
    assert again == {
        "EventsRecorded": [0.0],
        "EventsDuplicate": [float(len(events))],
        "EventsConflict": [0.0],
    }
