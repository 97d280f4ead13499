"""The read/ops API: partners, scores, history, jobs, snapshots, reviews, policy, and the generated
OpenAPI document."""

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.resolvers import all_routers, build_resolver, handle, openapi_response
from scorecard.api.review_routes import reviews_router
from scorecard.api.routes import partners_router
from scorecard.api.snapshot_routes import snapshots_router
from scorecard.observability import logger, traced

app = build_resolver([partners_router, snapshots_router, reviews_router])


@cache
def _documented_app() -> Any:
    return build_resolver(all_routers())  # every route of the API, for the document


@app.get("/v1/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return openapi_response(_documented_app())


@traced
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context)
