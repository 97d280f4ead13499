"""POST /v1/events: validate the whole batch, then record each event (marker first, then its items)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.events import events_router
from scorecard.api.resolver import build_resolver, handle
from scorecard.domain.events import EVENT_VALIDATION, EventBatch
from scorecard.platform.models import build_at_init
from scorecard.platform.observability import logger, metrics, traced
from scorecard.schemas.events import EventResultView, IngestResultView

# Every request: a batch of events validated, and the result of each.
build_at_init(*EVENT_VALIDATION, EventBatch, EventResultView, IngestResultView)
app = build_resolver([events_router])


@traced
@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context)
