"""POST /v1/events (DESIGN §3). Its own module: the ingest function imports nothing of the read side."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.logging import Logger

from scorecard import settings
from scorecard.adapters.event_store import DynamoEventStore
from scorecard.adapters.receipt_notifier import receipt_notifier_from_env
from scorecard.api.access import require_role
from scorecard.domain.events import EventBatch
from scorecard.services.ingestion import IngestInterrupted, ingest_batch
from scorecard.views import ErrorBody, IngestResultView

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
        200: {"description": "every event recorded or a duplicate"},
        503: {
            "description": "storage failed after retries: the results written so far; re-send later",
            "content": {"application/json": {"model": IngestInterruptedView}},
        },
    },
)
def post_events(batch: Annotated[EventBatch, Body()]) -> IngestResultView:
    require_role(events_router, "service", "ops")
    return ingest_batch(
        batch, DynamoEventStore(settings.table_name()), settings.utc_now(), receipt_notifier_from_env()
    )


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
