"""The API's own document: GET /v1/openapi.json (served by every route group's resolver) and the
Swagger UI at DOCS_PATH, both from one resolver that holds every route of the API."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.resolvers import all_routers, build_resolver, enable_docs, openapi_response

document_router = APIGatewayRouter()


@cache
def documented_app() -> APIGatewayRestResolver:
    """Every route of the API, for the document (built on the first request for it)."""
    documented = build_resolver(all_routers())
    enable_docs(documented)  # Powertools serves the page from this app's own document
    return documented


@document_router.get("/v1/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return openapi_response(documented_app())
