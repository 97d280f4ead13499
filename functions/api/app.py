"""The read/ops API: partners, scores, history, jobs, snapshots, reviews, policy, the generated
OpenAPI document and its Swagger UI."""

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.policy_routes import policy_router
from scorecard.api.resolvers import (
    DOCS_PATH,
    all_routers,
    build_resolver,
    enable_docs,
    handle,
    openapi_response,
)
from scorecard.api.review_routes import reviews_router
from scorecard.api.routes import partners_router
from scorecard.api.snapshot_routes import snapshots_router
from scorecard.observability import logger, traced

app = build_resolver([partners_router, snapshots_router, reviews_router, policy_router])


@cache
def _documented_app() -> Any:
    documented = build_resolver(all_routers())  # every route of the API, for the document
    enable_docs(documented)  # Powertools serves the page from this app's own document
    return documented


@app.get("/v1/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return openapi_response(_documented_app())


@traced
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The Swagger UI page shows every route's document, which only the documented app knows.
    resolver = _documented_app() if event.get("resource") == DOCS_PATH else app
    return handle(resolver, event, context)
