"""POST /v1/events (docs/api.md). Its own module: the ingest function imports nothing of the read side."""

import base64
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.logging import Logger

from scorecard.api.access import allow
from scorecard.api.errors import ErrorBody, error_responses
from scorecard.api.params import parse_json_body
from scorecard.bootstrap import bootstrap
from scorecard.domain.events import EventBatch
from scorecard.platform.observability import (
    EVENTS_CONFLICT,
    EVENTS_DUPLICATE,
    EVENTS_RECORDED,
    EVENTS_REJECTED,
    count,
)
from scorecard.schemas.events import IngestResultView
from scorecard.services.ingestion import IngestInterrupted, conflicts, ingest_batch

RETRY_AFTER_SECONDS = 2
# Answers that refuse the whole batch (malformed JSON, too large, not JSON, invalid): nothing is written.
REJECTED_STATUSES = frozenset({400, 413, 415, 422})

logger = Logger(child=True)


class IngestInterruptedView(IngestResultView):
    """503: the error shape plus the results of the events written before storage failed."""

    error: ErrorBody


class IngestConflictView(IngestResultView):
    """409: the error shape plus every event's result; conflicting events (same event_id as a stored
    event, other content) have status "conflict" and were not written, the others were recorded or
    are duplicates as usual."""

    error: ErrorBody


events_router = APIGatewayRouter()


@events_router.post(
    "/v1/events",
    summary="Record job and partner events (idempotent per event_id)",
    tags=["events"],
    responses={
        **error_responses(400, 413, 415, 422),
        409: {
            "description": "an event_id was already recorded with other content: those events are "
            "`conflict` and not written; the rest of the batch is recorded or duplicate as usual",
            "content": {"application/json": {"model": IngestConflictView}},
        },
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
    conflicting = conflicts(result)
    count(EVENTS_RECORDED, result.recorded)
    count(EVENTS_DUPLICATE, result.duplicates)
    count(EVENTS_CONFLICT, len(conflicting))
    if conflicting:
        raise _Conflicted(result, conflicting)
    return result


class _Conflicted(Exception):
    def __init__(self, result: IngestResultView, event_ids: list[str]) -> None:
        super().__init__(f"event_id conflicts: {event_ids}")
        self.result = result
        self.event_ids = event_ids


@events_router.exception_handler(_Conflicted)
def _conflicted(error: _Conflicted) -> Response[Any]:
    """docs/api.md: 409 in the error shape plus every event's result."""
    logger.warning("event_id conflicts", extra={"event_ids": error.event_ids})
    return Response(
        status_code=HTTPStatus.CONFLICT,
        content_type=content_types.APPLICATION_JSON,
        body=IngestConflictView(
            error=ErrorBody(
                code="event_id_conflict",
                message=f"{len(error.event_ids)} event_id(s) already recorded with other content; "
                "those events were not written (a changed event needs a new event_id)",
                details=[{"event_id": event_id} for event_id in error.event_ids],
            ),
            **error.result.model_dump(),
        ).model_dump(mode="json"),
    )


@events_router.exception_handler(IngestInterrupted)
def _storage_failed(error: IngestInterrupted) -> Response[Any]:
    """docs/api.md: 503 with Retry-After, in the error shape plus the results written so far."""
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


def count_rejected(event: dict[str, Any], status: int) -> None:
    """EventsRejected when the answer refused the whole batch: the number of events it carried, or one
    when they cannot be counted (a body too large to read again, not JSON, no list of events)."""
    if status not in REJECTED_STATUSES:
        return
    events: Any = None
    if status != HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        try:
            body = event.get("body") or ""
            if event.get("isBase64Encoded"):
                body = base64.b64decode(body).decode("utf-8")
            parsed = parse_json_body(body)
            events = parsed.get("events") if isinstance(parsed, dict) else None
        except (ValueError, TypeError):  # JSONDecodeError, binascii.Error and UnicodeDecodeError too
            events = None
    count(EVENTS_REJECTED, len(events) if isinstance(events, list) and events else 1)
