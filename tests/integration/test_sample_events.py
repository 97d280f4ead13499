"""The sample Lambda events in events/ are what their targets really receive, and each is used by a test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from lambda_events import EVENTS_DIR, ROOT, load_event
from scorecard.auth.tokens import (
    LOCAL_DEV_SECRET,
    authorizer_context,
    principal_from_request_context,
    verify_token,
)
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


# Routes without a sample event yet. Exact, not a subset: adding a route without a sample, or a
# sample for one of these without removing it here, fails the test below.
UNSAMPLED_ROUTES = {
    ("GET", "/v1/partners/{id}/snapshots"),
    ("GET", "/v1/partners/{id}/snapshots/{month}"),
}


def test_api_samples_cover_the_template_routes() -> None:
    """Derived from the template and the directory instead of a count, so it cannot go stale."""
    sampled = {(e["httpMethod"], e["resource"]) for e in map(load_event, API_SAMPLES)}
    routes = {(r.method, r.resource) for r in api_routes(ROOT / "template.yaml")}
    assert sampled <= routes
    assert routes - sampled == UNSAMPLED_ROUTES


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
    if event["resource"] in ("/v1/openapi.json", "/v1/docs"):  # public routes: no authorizer runs
        assert authorizer is None
        assert "Authorization" not in event["headers"]
        return
    token = event["headers"]["Authorization"].removeprefix("Bearer ")
    # Sample tokens live one hour (docs/api.md): check them at the time they were issued.
    issued = datetime.fromtimestamp(jwt.decode(token, options={"verify_signature": False})["iat"], UTC)
    principal = verify_token(token, secret=LOCAL_DEV_SECRET, now=issued)
    assert principal_from_request_context(authorizer) == principal
    assert {k: authorizer[k] for k in ("role", "partner_id", "sub")} == authorizer_context(principal)
    assert authorizer["principalId"] == principal.subject


def test_the_schedule_sample_is_the_scheduler_input() -> None:
    assert load_event("schedule_daily") == {"scheduled_time": "2026-11-02T00:15:00Z"}
