"""Rejection feedback: what a partner said when it turned jobs down (ops)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.schemas.rejections import RejectionListView
from scorecard.services.rejections import rejection_feedback

rejections_router = APIGatewayRouter()


@rejections_router.get(
    "/v1/partners/<partner_id>/rejections",
    summary="The partner's rejections of the last 90 days and their feedback, newest first",
    tags=["partners"],
    responses=error_responses(404, 422),
)
@allow("ops")
def get_rejections(
    partner_id: PartnerId,
    limit: Annotated[int, Query(ge=1, le=100, description="rejections per page at most")] = 50,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=160, description="the `next_cursor` of the previous page")
    ] = None,
) -> RejectionListView:
    boot = bootstrap()
    return rejection_feedback(
        boot.evidence, boot.partners, partner_id, boot.clock.now(), limit=limit, cursor=cursor
    )
