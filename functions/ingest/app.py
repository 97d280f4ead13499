"""POST /v1/events: validate the whole batch, then one transaction per event."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.event_routes import count_rejected, events_router
from scorecard.api.resolvers import build_resolver, handle
from scorecard.deferred import build_at_init
from scorecard.domain.events import EVENT_VALIDATION, EventBatch
from scorecard.ingest_views import EventResultView, IngestResultView
from scorecard.observability import logger, metrics, traced

# Every request: a batch of events validated, and the result of each.
build_at_init(*EVENT_VALIDATION, EventBatch, EventResultView, IngestResultView)
app = build_resolver([events_router])


@traced
@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = handle(app, event, context)
    count_rejected(event, int(response["statusCode"]))
    return response
