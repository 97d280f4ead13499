"""Partner, score and job routes (DESIGN §6). Each route declares who may call it (`@allow`), calls a
service and returns a view; service errors are answered once, in api/errors.py."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import JobId, PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.domain.calendar import IsoDate
from scorecard.domain.policy import Grade, Tier
from scorecard.services import partners as partner_service
from scorecard.views import (
    JobDetailView,
    JobListView,
    PartnerListView,
    PartnerView,
    ProfileIn,
    ProfilePatch,
    ScoreHistoryView,
    ScoreView,
)

partners_router = APIGatewayRouter()


@partners_router.put(
    "/v1/partners/<partner_id>",
    summary="Create (201) or replace (200) a partner profile",
    description=(
        "A full replacement: the profile becomes exactly the body, so fields left out are cleared "
        "(email, timezone). To change some fields only, use PATCH. The answer carries the "
        "partner's standing (score, grade, tier, provisional, as_of) as GET /v1/partners lists it."
    ),
    tags=["partners"],
    responses={
        200: {"description": "updated", "content": {"application/json": {"model": PartnerView}}},
        201: {"description": "created", "content": {"application/json": {"model": PartnerView}}},
        **error_responses(422, success=False),
    },
)
@allow("service", "ops")
def put_partner(partner_id: PartnerId, profile: Annotated[ProfileIn, Body()]) -> Response[Any]:
    boot = bootstrap()
    view, created = partner_service.put_profile(boot.partners, partner_id, profile, boot.clock.now())
    return Response(
        status_code=HTTPStatus.CREATED if created else HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=view.model_dump(mode="json"),
    )


@partners_router.patch(
    "/v1/partners/<partner_id>",
    summary="Change some fields of a partner profile",
    description=(
        "A merge: only the fields given change; null clears email or timezone (a profile keeps its "
        "name, so a null name is 422). An unknown partner is 404. The answer is the whole profile "
        "with the partner's standing, as PUT answers it."
    ),
    tags=["partners"],
    responses=error_responses(404, 422),
)
@allow("service", "ops")
def patch_partner(partner_id: PartnerId, patch: Annotated[ProfilePatch, Body()]) -> PartnerView:
    boot = bootstrap()
    return partner_service.patch_profile(boot.partners, partner_id, patch, boot.clock.now())


@partners_router.get(
    "/v1/partners",
    summary="List partners with score, grade and tier",
    tags=["partners"],
    responses=error_responses(422),
)
@allow("ops")
def get_partners(
    tier: Annotated[Tier | None, Query()] = None,
    grade: Annotated[Grade | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[
        str | None,
        Query(
            max_length=128,
            description="the previous page's `next_cursor`, with the same `sort`: a partner id without "
            "`sort`, opaque with it (one of the other sort, or a made-up one, is a 422)",
        ),
    ] = None,
    sort: Annotated[
        partner_service.PartnerSort | None,
        Query(
            description="the whole network in score order, page by page: `score` ascending, `-score` "
            "descending; equal scores by partner id, partners without a score last (by id) either way. "
            "`tier`/`grade` filter as without `sort`. One page reads at most 1,000 index items (or 4 x "
            "`limit`), so with a selective filter a page may hold fewer than `limit` partners, even "
            "none, and still a `next_cursor`: page on until it is null. Without `sort`: id order."
        ),
    ] = None,
) -> PartnerListView:
    return partner_service.list_partners(
        bootstrap().partners, tier=tier, grade=grade, limit=limit, cursor=cursor, sort=sort
    )


@partners_router.get(
    "/v1/partners/<partner_id>/score",
    summary="Current Success Score",
    tags=["scores"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_score(partner_id: PartnerId) -> ScoreView:
    return partner_service.current_score(bootstrap().partners, partner_id)


@partners_router.get(
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
    return partner_service.score_history(boot.partners, partner_id, first, last)


@partners_router.get(
    "/v1/partners/<partner_id>/jobs",
    summary="Jobs that count toward the score, or the running record of every late / defective job",
    tags=["jobs"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_jobs(
    partner_id: PartnerId,
    job_filter: Annotated[Literal["late", "defective", "all"], Query(alias="filter")] = "all",
    as_of: Annotated[
        IsoDate | None, Query(description="score date; default: latest scored day, else today")
    ] = None,
    scope: Annotated[
        partner_service.JobScope,
        Query(
            description="`window` (default): the jobs of the score window as of `as_of`. `all`: the "
            "running record, every job recorded up to `as_of` that `filter` takes (`filter=all`: "
            "every job), in the window or not, most recent first by the job's latest event (a late "
            "job's last shipment or a later inspection; an overdue job's last event), each with "
            "`counts` (it affects the score as of `as_of`) and, when it counts, `score_effect`; "
            "paged with `limit` and `cursor`"
        ),
    ] = "window",
    limit: Annotated[int, Query(ge=1, le=100, description="scope=all: jobs per page at most")] = 50,
    cursor: Annotated[
        str | None,
        Query(min_length=1, max_length=160, description="scope=all: the `next_cursor` of the previous page"),
    ] = None,
) -> JobListView:
    boot = bootstrap()
    as_of = as_of or partner_service.score_day(boot.partners, partner_id, boot.clock.today())
    policy = boot.policies.active_on(as_of)  # the version that scored that day
    return partner_service.job_list(
        boot.partners, partner_id, job_filter, scope, as_of, policy, limit=limit, cursor=cursor
    )


@partners_router.get(
    "/v1/partners/<partner_id>/jobs/<job_id>",
    summary="One job: timeline, shipments, inspections",
    tags=["jobs"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_job(partner_id: PartnerId, job_id: JobId) -> JobDetailView:
    boot = bootstrap()
    today = boot.clock.today()
    return partner_service.job_story(boot.partners, partner_id, job_id, boot.policies, today)
