"""POST /v1/events: validate the whole batch, then one transaction per event."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.event_routes import events_router
from scorecard.api.resolvers import build_resolver, handle

logger = Logger()
app = build_resolver([events_router])


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context)
