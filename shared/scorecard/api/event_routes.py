"""POST /v1/events (DESIGN §3). Its own module: the ingest function imports nothing of the read side."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.logging import Logger

from scorecard.api.access import allow
from scorecard.api.errors import ErrorBody, error_responses
from scorecard.bootstrap import bootstrap
from scorecard.domain.events import EventBatch
from scorecard.observability import EVENTS_CONFLICT, EVENTS_DUPLICATE, EVENTS_RECORDED, count
from scorecard.services.ingestion import IngestInterrupted, ingest_batch
from scorecard.views import IngestResultView

RETRY_AFTER_SECONDS = 2

logger = Logger(child=True)


class IngestInterruptedView(IngestResultView):
    """503: the error shape plus the results of the events written before storage failed."""

    error: ErrorBody


events_router = APIGatewayRouter()


@events_router.post(
    "/v1/events",
    summary="Record job and partner events (idempotent per event_id)",
    tags=["events"],
    responses={
        **error_responses(400, 413, 415, 422),
        503: {
            "description": "storage failed after retries: the results written so far; re-send later",
            "content": {"application/json": {"model": IngestInterruptedView}},
        },
    },
)
@allow("service", "ops")
def post_events(batch: Annotated[EventBatch, Body()]) -> IngestResultView:
    boot = bootstrap()
    result = ingest_batch(batch, boot.events, boot.clock.now(), boot.notifier)
    count(EVENTS_RECORDED, result.recorded)
    count(EVENTS_DUPLICATE, result.duplicates)
    count(EVENTS_CONFLICT, 0)  # no conflicts are told apart yet (issue 8 item 2)
    return result


@events_router.exception_handler(IngestInterrupted)
def _storage_failed(error: IngestInterrupted) -> Response[Any]:
    """DESIGN §3: 503 with Retry-After, in the error shape plus the results written so far."""
    logger.warning(
        "batch interrupted by a storage failure", exc_info=error, extra={"event_id": error.failed_event_id}
    )
    return Response(
        status_code=HTTPStatus.SERVICE_UNAVAILABLE,
        content_type=content_types.APPLICATION_JSON,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        body=IngestInterruptedView(
            error=ErrorBody(
                code="storage_unavailable",
                message=f"storage failed at event {error.failed_event_id}; re-send the whole batch "
                "(recorded events come back as duplicates)",
            ),
            **error.written.model_dump(),
        ).model_dump(mode="json"),
    )
