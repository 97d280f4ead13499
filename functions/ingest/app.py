"""POST /v1/events: validate the whole batch, then record each event (marker first, then its items)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.events import count_rejected, events_router
from scorecard.api.resolver import build_resolver, handle
from scorecard.platform.observability import logger, metrics, traced

app = build_resolver([events_router])


@traced
@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = handle(app, event, context)
    count_rejected(event, int(response["statusCode"]))
    return response
