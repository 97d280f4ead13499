"""POST /v1/events (DESIGN §3). Its own module: the ingest function imports nothing of the read side."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.bootstrap import bootstrap
from scorecard.domain.events import EventBatch
from scorecard.observability import EVENTS_CONFLICT, EVENTS_DUPLICATE, EVENTS_RECORDED, count
from scorecard.services.ingestion import ingest_batch
from scorecard.views import IngestResultView

events_router = APIGatewayRouter()


@events_router.post(
    "/v1/events",
    summary="Record job and partner events (idempotent per event_id)",
    tags=["events"],
    responses=error_responses(400, 413, 415, 422),
)
@allow("service", "ops")
def post_events(batch: Annotated[EventBatch, Body()]) -> IngestResultView:
    boot = bootstrap()
    result = ingest_batch(batch, boot.events, boot.clock.now(), boot.notifier)
    count(EVENTS_RECORDED, result.recorded)
    count(EVENTS_DUPLICATE, result.duplicates)
    count(EVENTS_CONFLICT, 0)  # no conflicts are told apart yet (issue 8 item 2)
    return result
