"""Partner routes: profiles and the partner listing. Each route declares who may call it (`@allow`), calls a
service and returns a view; service errors are answered once, in api/errors.py."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.domain.policy import Grade, Tier
from scorecard.schemas.partners import PartnerListView, PartnerView, ProfileIn, ProfilePatch
from scorecard.services import partners as partner_service

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
    view, created = partner_service.put_profile(
        boot.partners, boot.scores, partner_id, profile, boot.clock.now()
    )
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
    return partner_service.patch_profile(boot.partners, boot.scores, partner_id, patch, boot.clock.now())


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
    boot = bootstrap()
    return partner_service.list_partners(
        boot.partners, boot.scores, tier=tier, grade=grade, limit=limit, cursor=cursor, sort=sort
    )
