"""The api Lambda handler driven with the events/api_*.json samples against the template's table in
moto: response shapes of docs/api.md, access rules, errors in the docs/api.md shape, and the OpenAPI
document."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from integration_support import NOW, ROOT, Lambdas, get_item, handler
from lambda_events import api_event, caller, load_event, response_json, sample_body
from scorecard.platform import settings
from scorecard_local.api_routes import ApiRoute, api_routes

OPS = caller("ops")
SERVICE = caller("service")
ACME = caller("partner", "acme-01")
OTHER = caller("partner", "acme-02")

SCORE_KEYS = {
    "partner_id",
    "as_of",
    "score",
    "grade",
    "tier",
    "provisional",
    "components",
    "window",
    "computed_at",
    "policy_version",
    "ledger",
    "next_grade",
    "tier_status",
}
COMPONENTS = {
    "on_time": (61.3, 0.45, {"jobs": 2, "on_time_jobs": 1}),
    "quality": (85.7, 0.35, {"parts_inspected": 14, "parts_defective": 1}),
    "communication": (
        66.7,
        0.1,
        {
            "update_requests": 1,
            "answered_in_time": 1,
            "jobs": 2,
            "jobs_with_status_update": 1,
            "jobs_requiring_documents": 2,
            "jobs_with_all_documents": 1,
        },
    ),
    "engagement": (100.0, 0.1, {"offers": 2, "read": 2, "answered": 2}),
}
LATE_JOB = {
    "job_id": "J-101",
    "status": "completed",
    "value": "400.00",
    "part_count": 4,
    "due_date": "2026-10-15",
    "offered_due_date": "2026-10-15",
    "ship_dates": ["2026-10-14", "2026-10-18"],
    "completed_at": "2026-10-18T16:00:00Z",
    "on_time": False,
    "days_late": 3,
    "parts_shipped": 4,
    "parts_inspected": 4,
    "parts_defective": 1,
    "excluded": False,
    "counts": True,
    "score_effect": -25.8,
}
ON_TIME_JOB = {
    **LATE_JOB,
    "job_id": "J-100",
    "value": "1000.00",
    "part_count": 10,
    "due_date": "2026-10-20",
    "offered_due_date": "2026-10-20",
    "ship_dates": ["2026-10-19"],
    "completed_at": "2026-10-19T15:00:00Z",
    "on_time": True,
    "days_late": 0,
    "parts_shipped": 10,
    "parts_inspected": 10,
    "parts_defective": 0,
    "score_effect": 43.4,
}


def call(lambdas: Lambdas, event: dict[str, Any]) -> tuple[int, Any]:
    response = lambdas.api(event)
    assert content_type(response) == "application/json"
    return int(response["statusCode"]), response_json(response)


def content_type(response: dict[str, Any]) -> str | None:
    """The Content-Type of a proxy response (Powertools answers REST events with multiValueHeaders)."""
    for name, values in (response.get("multiValueHeaders") or {}).items():
        if name.lower() == "content-type":
            return str(values[0])
    for name, value in (response.get("headers") or {}).items():
        if name.lower() == "content-type":
            return str(value)
    return None


def seed(lambdas: Lambdas) -> None:
    """acme-01: profile through PUT, the sample batch through the ingest handler, the scheduled run."""
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1


def assert_error(body: Any, code: str, message: str | None = None) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    if message is not None:
        assert body["error"]["message"] == message


# ---- PUT /v1/partners/{id} --------------------------------------------------------------------------


def test_put_partner_creates_then_updates(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, body = call(lambdas, load_event("api_put_partner"))
    assert status == 201
    assert body == {
        "partner_id": "acme-01",
        "name": "Acme Precision Machining",
        "email": "quality@acme-precision.example",
        "timezone": "America/Chicago",
        "score": None,
        "grade": None,
        "tier": None,
        "provisional": False,
        "as_of": None,
    }

    later = NOW + timedelta(minutes=1)
    monkeypatch.setattr(settings, "utc_now", lambda: later)
    status, body = call(lambdas, api_event("api_put_partner", body={"name": "Acme Precision"}))
    assert status == 200
    assert (body["name"], body["email"], body["timezone"]) == ("Acme Precision", None, None)
    profile = get_item(table, "PARTNER#acme-01", "PROFILE")
    assert profile is not None
    assert profile["name"]["S"] == "Acme Precision"
    assert "email" not in profile and "timezone" not in profile
    assert (profile["GSI2PK"]["S"], profile["GSI2SK"]["S"]) == ("PARTNERS", "acme-01")
    assert profile["updated_at"]["S"] == later.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Acme", "timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"name": "Acme", "email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "Acme", "fax": "+1 555"}, "fax"),
    ],
    ids=["timezone", "email", "empty-name", "unknown-field"],
)
def test_put_partner_rejects_bad_profiles(
    lambdas: Lambdas, table: str, body: dict[str, str], field: str
) -> None:
    status, answer = call(lambdas, api_event("api_put_partner", body=body))
    assert status == 422
    assert_error(answer, "validation_failed")
    assert [d["field"] for d in answer["error"]["details"]] == [field]
    assert get_item(table, "PARTNER#acme-01", "PROFILE") is None


def test_ops_and_service_may_put_partners_not_partners(lambdas: Lambdas, table: str) -> None:
    for who, partner_id, status in ((ACME, "acme-01", 403), (SERVICE, "acme-01", 201), (OPS, "beta-02", 201)):
        event = api_event("api_put_partner", caller=who, path=f"/v1/partners/{partner_id}")
        assert call(lambdas, event)[0] == status
    assert get_item(table, "PARTNER#beta-02", "PROFILE") is not None


# ---- GET /v1/partners -------------------------------------------------------------------------------


def test_list_partners_with_score_grade_and_tier(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    quiet = api_event("api_put_partner", path="/v1/partners/quiet-01", body={"name": "Quiet Works"})
    assert call(lambdas, quiet)[0] == 201

    status, body = call(lambdas, load_event("api_get_partners"))  # ?tier=standard

    assert status == 200
    assert body == {
        "partners": [
            {
                "partner_id": "acme-01",
                "name": "Acme Precision Machining",
                "email": "quality@acme-precision.example",
                "timezone": "America/Chicago",
                "score": 74.2,
                "grade": "C",
                "tier": "standard",
                "provisional": True,
                "as_of": "2026-11-01",
            }
        ],
        "next_cursor": None,
        "grades": {"A": 0, "B": 0, "C": 1, "D": 0, "none": 0},
    }
    every = call(lambdas, api_event("api_get_partners", query=None))[1]
    assert [(p["partner_id"], p["score"], p["tier"]) for p in every["partners"]] == [
        ("acme-01", 74.2, "standard"),
        ("quiet-01", None, None),
    ]
    by_grade = {
        grade: [
            p["partner_id"]
            for p in call(lambdas, api_event("api_get_partners", query={"grade": grade}))[1]["partners"]
        ]
        for grade in ("A", "C")
    }
    assert by_grade == {"A": [], "C": ["acme-01"]}


def test_list_partners_pages_in_id_order(lambdas: Lambdas, table: str) -> None:
    for partner_id in ("c-03", "a-01", "b-02"):
        event = api_event("api_put_partner", path=f"/v1/partners/{partner_id}", body={"name": partner_id})
        assert call(lambdas, event)[0] == 201
    seen: list[str] = []
    cursors: list[str | None] = []
    query: dict[str, str] = {"limit": "2"}
    while True:
        status, body = call(lambdas, api_event("api_get_partners", query=query))
        assert status == 200
        seen += [p["partner_id"] for p in body["partners"]]
        cursors.append(body["next_cursor"])
        if body["next_cursor"] is None:
            break
        query = {"limit": "2", "cursor": body["next_cursor"]}
    assert seen == ["a-01", "b-02", "c-03"]
    assert cursors == ["b-02", None]


def test_only_ops_lists_partners(lambdas: Lambdas, table: str) -> None:
    for who, status in ((OPS, 200), (SERVICE, 403), (ACME, 403)):
        status_seen, body = call(lambdas, api_event("api_get_partners", caller=who))
        assert status_seen == status
        if status == 403:
            assert_error(body, "forbidden")


def test_a_filtered_partner_list_never_exceeds_limit(lambdas: Lambdas, table: str) -> None:
    # a-01, c-03, d-04 get the sample's events (score 74.2, standard); b-02 has a profile only.
    sample = sample_body("api_post_events")["events"]
    for partner_id in ("a-01", "b-02", "c-03", "d-04"):
        event = api_event("api_put_partner", path=f"/v1/partners/{partner_id}", body={"name": partner_id})
        assert call(lambdas, event)[0] == 201
        if partner_id != "b-02":
            moved = [
                {**e, "partner_id": partner_id, "event_id": e["event_id"].replace("acme-01", partner_id)}
                for e in sample
            ]
            assert lambdas.ingest(api_event("api_post_events", body={"events": moved}))["statusCode"] == 200
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 3
    seen: list[str] = []
    query: dict[str, str] = {"tier": "standard", "limit": "2"}
    pages = 0
    while True:
        status, body = call(lambdas, api_event("api_get_partners", query=query))
        assert status == 200
        assert len(body["partners"]) <= 2
        seen += [p["partner_id"] for p in body["partners"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        query = {**query, "cursor": body["next_cursor"]}
    assert seen == ["a-01", "c-03", "d-04"]  # each once, in id order, b-02 filtered out
    assert pages == 2


# The sample: J-100 shipped on time, 10 inspected, none defective; J-101 shipped 3 days late
# (due 2026-10-15, last shipment 2026-10-18), 4 inspected, 1 defective.
@pytest.mark.parametrize(
    ("job_filter", "expected"),
    [("all", ["J-101", "J-100"]), ("late", ["J-101"]), ("defective", ["J-101"])],
)
def test_job_filters(lambdas: Lambdas, table: str, job_filter: str, expected: list[str]) -> None:
    seed(lambdas)
    status, body = call(lambdas, api_event("api_get_jobs_late", query={"filter": job_filter}))
    assert status == 200
    assert body["filter"] == job_filter
    assert sorted(j["job_id"] for j in body["jobs"]) == sorted(expected)
    late = next((j for j in body["jobs"] if j["job_id"] == "J-101"), None)
    assert late is not None
    assert (late["due_date"], late["days_late"], late["on_time"]) == ("2026-10-15", 3, False)
    assert (late["parts_inspected"], late["parts_defective"]) == (4, 1)
    assert late["ship_dates"][-1] == "2026-10-18"
    assert late["score_effect"] < 0  # a late, defective job costs points


def test_jobs_as_of_an_earlier_day(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    query = {"filter": "all", "as_of": "2026-10-18"}
    status, body = call(lambdas, api_event("api_get_jobs_late", query=query))
    assert status == 200
    assert body["as_of"] == "2026-10-18"
    # J-100 shipped on Oct 19; as of Oct 18 only J-101 had completed, not yet inspected.
    assert [(j["job_id"], j["days_late"], j["parts_inspected"]) for j in body["jobs"]] == [("J-101", 3, 0)]


def test_an_unknown_job_filter_is_422(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    status, body = call(lambdas, api_event("api_get_jobs_late", query={"filter": "bogus"}))
    assert status == 422
    assert body["error"]["details"][0]["field"] == "query.filter"


# ---- GET /v1/partners/{id}/jobs/{job_id} ------------------------------------------------------------


def test_job_detail_tells_the_whole_story(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)

    status, body = call(lambdas, load_event("api_get_job"))

    assert status == 200
    assert body["partner_id"] == "acme-01"
    # The whole summary, score_effect included: the job page and the jobs list read it from one
    # place (services.partners.scored_window), so J-101 costs -25.8 points on both.
    # and, in the story, its defective parts by category: the sample's inspection itemises its one
    assert body["job"] == {**LATE_JOB, "defects_by_category": {"dimensional": 1}}
    assert (body["offered_at"], body["first_read_at"], body["accepted_at"]) == (
        "2026-10-06T09:00:00-05:00",
        "2026-10-06T15:00:00Z",
        "2026-10-07T09:00:00Z",
    )
    assert body["shipments"] == [
        {
            "event_id": "acme-01:J-101:shipped:1",
            "shipped_at": "2026-10-14T16:00:00Z",
            "ship_date": "2026-10-14",
            "parts": 2,
            "direct_to_customer": False,
            "on_time": True,
        },
        {
            "event_id": "acme-01:J-101:shipped:2",
            "shipped_at": "2026-10-18T16:00:00Z",
            "ship_date": "2026-10-18",
            "parts": 2,
            "direct_to_customer": False,
            "on_time": False,
        },
    ]
    assert body["inspections"] == [
        {
            "event_id": "acme-01:J-101:inspected:1",
            "inspected_at": "2026-10-21T10:00:00Z",
            "parts_inspected": 4,
            "parts_defective": 1,
            "ncmr_id": "NCMR-2026-0042",
            "report_url": "https://qa.example.com/reports/J-101.pdf",
            "defects": [
                {
                    "part_number": "BRKT-4410-B",
                    "quantity": 1,
                    "category": "dimensional",
                    "note": "mounting bore 0.05 mm over tolerance",
                }
            ],
        }
    ]
    assert body["documents"] == [
        {"document_type": "certificate_of_conformance", "required": True, "uploaded_at": None},
        {"document_type": "inspection_report", "required": True, "uploaded_at": "2026-10-18T12:00:00Z"},
    ]
    assert body["due_date_changes"] == [
        {
            "changed_at": "2026-10-12T09:00:00Z",
            "due_date": "2026-10-16",
            "changed_by": "partner",
            "moves_due_date": False,
        }
    ]
    assert [(t["type"], t["occurred_at"]) for t in body["timeline"]] == [
        ("job.offered", "2026-10-06T09:00:00-05:00"),
        ("job.read", "2026-10-06T15:00:00Z"),
        ("job.accepted", "2026-10-07T09:00:00Z"),
        ("job.due_date_changed", "2026-10-12T09:00:00Z"),
        ("job.shipped", "2026-10-14T16:00:00Z"),
        ("job.document_uploaded", "2026-10-18T12:00:00Z"),
        ("job.shipped", "2026-10-18T16:00:00Z"),
        ("job.inspected", "2026-10-21T10:00:00Z"),
    ]
    assert body["timeline"][0]["details"] == {
        "value": "400.00",
        "part_count": 4,
        "due_date": "2026-10-15",
        "required_documents": ["certificate_of_conformance", "inspection_report"],
    }


def test_job_detail_of_the_on_time_job(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    status, body = call(lambdas, api_event("api_get_job", path="/v1/partners/acme-01/jobs/J-100"))
    assert status == 200
    assert (body["job"]["on_time"], body["job"]["days_late"]) == (True, 0)
    assert [(s["parts"], s["direct_to_customer"], s["on_time"]) for s in body["shipments"]] == [
        (10, True, True)
    ]
    assert body["inspections"][0]["ncmr_id"] is None
    assert body["received_at"] == "2026-10-23T10:00:00Z"
    assert body["status_updates"] == [{"at": "2026-10-10T08:00:00+00:00", "status": "production_started"}]


# ---- errors -----------------------------------------------------------------------------------------


NOT_FOUND = [
    ("/v1/partners/nobody-99/score", "partner nobody-99 is unknown"),
    ("/v1/partners/nobody-99/score/history", "partner nobody-99 is unknown"),
    ("/v1/partners/nobody-99/jobs", "partner nobody-99 is unknown"),
    ("/v1/partners/nobody-99/jobs/J-101", "job J-101 of partner nobody-99 is unknown"),
    ("/v1/partners/acme-01/jobs/J-999", "job J-999 of partner acme-01 is unknown"),
]


def test_unknown_partners_and_jobs_are_404(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    for path, message in NOT_FOUND:
        status, body = call(lambdas, api_event("api_get_score", caller=OPS, path=path, query=None))
        assert status == 404, path
        assert_error(body, "not_found", message)
        assert body["error"]["details"] is None


def test_a_partner_asking_for_another_partners_data_is_403(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    for sample in ("api_get_score", "api_get_score_history", "api_get_jobs_late", "api_get_job"):
        status, body = call(lambdas, api_event(sample, caller=OTHER))
        assert status == 403, sample
        assert_error(body, "forbidden", "partners may only see their own data")


def test_a_request_without_a_valid_principal_is_401(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)
    contexts: list[dict[str, str] | None] = [
        None,
        {"role": "partner", "partner_id": "", "sub": "partner:"},
        {"role": "admin", "sub": "x"},
        {"role": "ops", "sub": ""},
    ]
    for context in contexts:
        status, body = call(lambdas, api_event("api_get_score", caller=context))
        assert status == 401, context
        assert_error(body, "unauthorized")


def test_a_malformed_partner_id_is_422(lambdas: Lambdas, table: str) -> None:
    status, body = call(lambdas, api_event("api_get_score", caller=OPS, path="/v1/partners/bad%20id/score"))
    assert status == 422
    assert body["error"]["details"][0]["field"] == "path.partner_id"


def test_an_unknown_route_is_404_in_the_error_shape(api_only: Lambdas) -> None:
    status, body = call(api_only, api_event("api_get_score", path="/v1/partners/acme-01/favourites"))
    assert status == 404
    assert body == {"error": {"code": "not_found", "message": "no such route", "details": None}}


# ---- GET /v1/openapi.json ---------------------------------------------------------------------------


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.fixture
def api_only(aws: None, clock: datetime, monkeypatch: pytest.MonkeyPatch) -> Lambdas:
    """The handlers without a table: enough for routes that never reach DynamoDB (the OpenAPI
    document, unknown routes), and much cheaper than creating one."""
    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    return Lambdas(ingest=handler("ingest"), api=handler("api"), daily=handler("daily"))


def _openapi(lambdas: Lambdas) -> dict[str, Any]:
    status, document = call(lambdas, load_event("api_get_openapi"))
    assert status == 200
    assert isinstance(document, dict)
    return document


def test_openapi_is_public_and_documents_the_implemented_routes(api_only: Lambdas) -> None:
    document = _openapi(api_only)  # the sample carries no authorizer context at all

    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Partner Scorecard API"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    documented = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert {
        ("POST", "/v1/events"),
        ("PUT", "/v1/partners/{partner_id}"),
        ("GET", "/v1/partners"),
        ("GET", "/v1/partners/{partner_id}/score"),
        ("GET", "/v1/partners/{partner_id}/score/history"),
        ("GET", "/v1/partners/{partner_id}/jobs"),
        ("GET", "/v1/partners/{partner_id}/jobs/{job_id}"),
    } <= documented
    assert ("GET", "/v1/openapi.json") not in documented
    template_shapes = {(r.method, _shape(r.resource)) for r in api_routes(ROOT / "template.yaml")}
    assert {(m, _shape(p)) for m, p in documented} <= template_shapes


# The document itself and its Swagger UI page are not operations of the document.
TEMPLATE_ROUTES = [
    r for r in api_routes(ROOT / "template.yaml") if r.resource not in ("/v1/openapi.json", "/v1/docs")
]


@pytest.mark.parametrize("route", TEMPLATE_ROUTES, ids=[f"{r.method} {r.resource}" for r in TEMPLATE_ROUTES])
def test_every_template_route_is_in_the_openapi_document(api_only: Lambdas, route: ApiRoute) -> None:
    lambdas = api_only
    document = _openapi(lambdas)
    documented = {(m.upper(), _shape(p)) for p, ops in document["paths"].items() for m in ops}
    # Every route the template deploys is served and documented: a removed route fails here.
    assert (route.method, _shape(route.resource)) in documented, f"{route.method} {route.resource}"


# ---- GET /v1/docs -----------------------------------------------------------------------------------


def test_docs_is_public_swagger_ui_over_the_same_document(api_only: Lambdas) -> None:
    response = api_only.api(load_event("api_get_docs"))  # public: no authorizer context

    assert response["statusCode"] == 200
    assert content_type(response) == "text/html"
    html = response["body"]
    assert "SwaggerUIBundle(" in html
    assert re.search(r"<script[^>]+src=", html) is None  # Powertools' bundled assets, inline: no CDN
    embedded = re.search(r"spec: (\{.*?\n\}),\n", html, re.S)
    assert embedded is not None
    shown = json.loads(embedded.group(1))
    document = _openapi(api_only)
    assert shown["paths"] == document["paths"]  # every operation, as /v1/openapi.json has it
    assert shown["info"] == document["info"]
    # Called on the execute-api domain (the stage in the path): "Try it out" goes through the stage.
    assert shown["servers"] == [{"url": "/prod"}]


def test_list_partners_sorted_by_score_with_the_page_grades(lambdas: Lambdas, table: str) -> None:
    seed(lambdas)  # acme-01: 74.2 (C)
    quiet = api_event("api_put_partner", path="/v1/partners/quiet-01", body={"name": "Quiet Works"})
    assert call(lambdas, quiet)[0] == 201
    for sort in ("score", "-score"):
        status, body = call(lambdas, api_event("api_get_partners", query={"sort": sort}))
        assert status == 200
        assert [p["partner_id"] for p in body["partners"]] == ["acme-01", "quiet-01"]  # unscored last
        assert body["grades"] == {"A": 0, "B": 0, "C": 1, "D": 0, "none": 1}
    status, body = call(lambdas, api_event("api_get_partners", query={"sort": "grade"}))
    assert status == 422
    assert_error(body, "validation_failed")
