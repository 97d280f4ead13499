"""Score routes: a partner's current Success Score and its daily history. Each route declares who may
call it (`@allow`), calls a service and returns a view; service errors are answered once, in
api/errors.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.domain.calendar import IsoDate
from scorecard.schemas.scores import ScoreHistoryView, ScoreView
from scorecard.services import partners as partner_service

scores_router = APIGatewayRouter()


@scores_router.get(
    "/v1/partners/<partner_id>/score",
    summary="Current Success Score",
    tags=["scores"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_score(partner_id: PartnerId) -> ScoreView:
    boot = bootstrap()
    return partner_service.current_score(boot.partners, boot.scores, partner_id)


@scores_router.get(
    "/v1/partners/<partner_id>/score/history",
    summary="Daily score points",
    tags=["scores"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_score_history(
    partner_id: PartnerId,
    first: Annotated[IsoDate | None, Query(alias="from")] = None,
    last: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> ScoreHistoryView:
    boot = bootstrap()
    last = last or boot.clock.today()
    first = first or last - timedelta(days=90)
    return partner_service.score_history(boot.partners, boot.scores, partner_id, first, last)
