"""The read/ops API: partners, scores, history, jobs, snapshots, reviews, policy, the generated
OpenAPI document and its Swagger UI."""

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.document_routes import document_router, documented_app
from scorecard.api.resolvers import DOCS_PATH, ApiGroup, api_group, api_group_routers, build_resolver, handle
from scorecard.platform.observability import logger, traced


@cache
def group_resolver(group: ApiGroup) -> APIGatewayRestResolver:
    """The resolver of one route group (scorecard.api.resolvers.api_group), built on the first
    request for one of its paths; each also serves the OpenAPI document."""
    return build_resolver([*api_group_routers(group), document_router])


# The partners group (profiles, scores, history, jobs) serves most requests: built at init, inside the
# SnapStart snapshot. Snapshots, reviews and policy (with backtests) load with their first request.
group_resolver("partners")


@traced
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The Swagger UI page shows every route's document, which only the documented app knows.
    if event.get("resource") == DOCS_PATH:
        return handle(documented_app(), event, context)
    return handle(group_resolver(api_group(event.get("path") or "")), event, context)
