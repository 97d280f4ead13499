"""Partner, score and job routes (DESIGN §6). Each route checks access, calls a service, returns a view."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard import settings
from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.api.access import require_partner, require_role
from scorecard.api.errors import ApiError
from scorecard.api.params import JobId, PartnerId
from scorecard.domain.calendar import IsoDate
from scorecard.domain.policy import Grade, Tier
from scorecard.services import partners as partner_service
from scorecard.views import (
    JobDetailView,
    JobListView,
    PartnerListView,
    PartnerView,
    ProfileIn,
    ScoreHistoryView,
    ScoreView,
)

MAX_HISTORY_DAYS = 731

partners_router = APIGatewayRouter()


def _repository() -> PartnerRepository:
    return PartnerRepository(settings.table_name())


def _not_found(what: str) -> ApiError:
    return ApiError(HTTPStatus.NOT_FOUND, "not_found", what)


@partners_router.put(
    "/v1/partners/<partner_id>",
    summary="Create (201) or update (200) a partner profile",
    tags=["partners"],
    responses={
        200: {"description": "updated", "content": {"application/json": {"model": PartnerView}}},
        201: {"description": "created", "content": {"application/json": {"model": PartnerView}}},
    },
)
def put_partner(partner_id: PartnerId, profile: Annotated[ProfileIn, Body()]) -> Response[Any]:
    require_role(partners_router, "service", "ops")
    if profile.timezone is not None:
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(profile.timezone)
        except (ValueError, KeyError) as error:
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "validation_failed",
                "unknown timezone",
                [{"field": "timezone", "message": f"unknown IANA timezone {profile.timezone!r}"}],
            ) from error
    view, created = partner_service.put_profile(_repository(), partner_id, profile, settings.utc_now())
    return Response(
        status_code=HTTPStatus.CREATED if created else HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=view.model_dump(mode="json"),
    )


@partners_router.get("/v1/partners", summary="List partners with score, grade and tier", tags=["partners"])
def get_partners(
    tier: Annotated[Tier | None, Query()] = None,
    grade: Annotated[Grade | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> PartnerListView:
    require_role(partners_router, "ops")
    return partner_service.list_partners(_repository(), tier=tier, grade=grade, limit=limit, cursor=cursor)


@partners_router.get("/v1/partners/<partner_id>/score", summary="Current Success Score", tags=["scores"])
def get_score(partner_id: PartnerId) -> ScoreView:
    require_partner(partners_router, partner_id, "partner", "ops", "service")
    try:
        return partner_service.current_score(_repository(), partner_id)
    except partner_service.NotScoredYet as error:
        raise _not_found(f"partner {partner_id} has not been scored yet") from error


@partners_router.get("/v1/partners/<partner_id>/score/history", summary="Daily score points", tags=["scores"])
def get_score_history(
    partner_id: PartnerId,
    first: Annotated[IsoDate | None, Query(alias="from")] = None,
    last: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> ScoreHistoryView:
    require_partner(partners_router, partner_id, "partner", "ops", "service")
    last = last or settings.utc_now().astimezone(settings.policy().zone).date()
    first = first or last - timedelta(days=90)
    if first > last or (last - first).days > MAX_HISTORY_DAYS:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "validation_failed",
            f"from must be on or before to, at most {MAX_HISTORY_DAYS} days apart",
            [{"field": "from"}, {"field": "to"}],
        )
    return partner_service.score_history(_repository(), partner_id, first, last)


@partners_router.get(
    "/v1/partners/<partner_id>/jobs", summary="Jobs that count toward the score", tags=["jobs"]
)
def get_jobs(
    partner_id: PartnerId,
    job_filter: Annotated[Literal["late", "defective", "all"], Query(alias="filter")] = "all",
    as_of: Annotated[
        IsoDate | None, Query(description="score date; default: latest scored day, else today")
    ] = None,
) -> JobListView:
    require_partner(partners_router, partner_id, "partner", "ops", "service")
    repository = _repository()
    policy = settings.policy()
    if as_of is None:
        stored = repository.get_score(partner_id)
        as_of = (
            date.fromisoformat(stored.as_of) if stored else settings.utc_now().astimezone(policy.zone).date()
        )
    return partner_service.jobs_that_count(repository, partner_id, job_filter, as_of, policy)


@partners_router.get(
    "/v1/partners/<partner_id>/jobs/<job_id>",
    summary="One job: timeline, shipments, inspections",
    tags=["jobs"],
)
def get_job(partner_id: PartnerId, job_id: JobId) -> JobDetailView:
    require_partner(partners_router, partner_id, "partner", "ops", "service")
    try:
        policy = settings.policy()
        today = settings.utc_now().astimezone(policy.zone).date()
        return partner_service.job_story(_repository(), partner_id, job_id, policy, today)
    except partner_service.UnknownJob as error:
        raise _not_found(f"job {job_id} of partner {partner_id} is unknown") from error
