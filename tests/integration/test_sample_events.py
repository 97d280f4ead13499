"""The sample Lambda events in events/ are what their targets really receive, and each is used by a test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lambda_events import EVENTS_DIR, ROOT, load_event
from scorecard.auth import LOCAL_DEV_SECRET, authorizer_context, principal_from_request_context, verify_token
from scorecard_local.api_routes import api_routes

SAMPLES = sorted(path.name for path in EVENTS_DIR.glob("*.json"))
API_SAMPLES = [name for name in SAMPLES if name.startswith("api_")]


def test_every_sample_is_used_by_a_test() -> None:
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").rglob("*.py")
        if path.name != Path(__file__).name
    )
    unused = [name for name in SAMPLES if name not in sources and name.removesuffix(".json") not in sources]
    assert unused == []
    assert len(API_SAMPLES) == 14


@pytest.mark.parametrize("name", API_SAMPLES)
def test_api_samples_are_rest_proxy_events_of_a_template_route(name: str) -> None:
    event = load_event(name)
    routes = {(r.method, r.resource): r for r in api_routes(ROOT / "template.yaml")}
    route = routes[(event["httpMethod"], event["resource"])]
    assert route.match(event["httpMethod"], event["path"]) == (event["pathParameters"] or {})
    context = event["requestContext"]
    assert (context["httpMethod"], context["resourcePath"]) == (event["httpMethod"], event["resource"])
    assert context["path"] == f"/{context['stage']}{event['path']}"
    assert event["multiValueHeaders"] == {k: [v] for k, v in event["headers"].items()}
    query = event["queryStringParameters"]
    assert event["multiValueQueryStringParameters"] == ({k: [v] for k, v in query.items()} if query else None)
    if event["httpMethod"] in ("POST", "PUT"):
        assert event["headers"]["Content-Type"] == "application/json"
        assert isinstance(event["body"], str)
    else:
        assert event["body"] is None


@pytest.mark.parametrize("name", API_SAMPLES)
def test_authorizer_context_matches_the_bearer_token(name: str) -> None:
    """What the TOKEN authorizer would put in requestContext.authorizer for the sample's own token."""
    event: dict[str, Any] = load_event(name)
    authorizer = event["requestContext"].get("authorizer")
    if event["resource"] == "/v1/openapi.json":  # public route: no authorizer runs
        assert authorizer is None
        assert "Authorization" not in event["headers"]
        return
    principal = verify_token(
        event["headers"]["Authorization"].removeprefix("Bearer "), secret=LOCAL_DEV_SECRET
    )
    assert principal_from_request_context(authorizer) == principal
    assert {k: authorizer[k] for k in ("role", "partner_id", "sub")} == authorizer_context(principal)
    assert authorizer["principalId"] == principal.subject


def test_the_schedule_sample_is_the_scheduler_input() -> None:
    assert load_event("schedule_daily") == {"scheduled_time": "2026-11-02T00:15:00Z"}
