"""Review routes (docs/api.md): partners ask for a review, ops see the queue, pick a review up and
resolve it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow, caller
from scorecard.api.errors import error_responses
from scorecard.api.params import PartnerId, ReviewId
from scorecard.bootstrap import bootstrap
from scorecard.schemas.reviews import (
    PickupIn,
    ResolutionIn,
    ResolutionView,
    ReviewIn,
    ReviewListView,
    ReviewQueueView,
    ReviewView,
)
from scorecard.services import reviews as review_service

reviews_router = APIGatewayRouter()


@reviews_router.post(
    "/v1/partners/<partner_id>/reviews",
    summary="Ask for a review of the score",
    tags=["reviews"],
    responses={
        201: {"description": "created", "content": {"application/json": {"model": ReviewView}}},
        **error_responses(404, 422, success=False),
    },
)
@allow("partner", "ops")
def post_review(partner_id: PartnerId, body: Annotated[ReviewIn, Body()]) -> Response[Any]:
    boot = bootstrap()
    review = review_service.request_review(
        boot.partners,
        boot.reviews,
        partner_id,
        body,
        caller(reviews_router).subject,
        boot.clock.now(),
        boot.publisher,
    )
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=review.model_dump(mode="json"),
    )


@reviews_router.get(
    "/v1/partners/<partner_id>/reviews",
    summary="Reviews and their status",
    tags=["reviews"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops")
def get_reviews(partner_id: PartnerId) -> ReviewListView:
    boot = bootstrap()
    return review_service.list_reviews(boot.partners, boot.reviews, partner_id)


@reviews_router.post(
    "/v1/reviews/<review_id>/resolution",
    summary="Resolve a review (upheld, or adjusted by excluding jobs); the partner is rescored",
    tags=["reviews"],
    responses=error_responses(404, 409, 422),
)
@allow("ops")
def post_resolution(review_id: ReviewId, body: Annotated[ResolutionIn, Body()]) -> ResolutionView:
    boot = bootstrap()
    return review_service.resolve_review(
        boot.evidence,
        boot.scores,
        boot.reviews,
        review_id,
        body,
        caller(reviews_router).subject,
        boot.clock.now(),
        boot.policies,
        boot.publisher,
        boot.notifier,
        boot.distributions,
    )


@reviews_router.post(
    "/v1/reviews/<review_id>/pickup",
    summary="Pick a review up (open -> in_review): ops are looking at it",
    tags=["reviews"],
    responses=error_responses(404, 409, 422),
)
@allow("ops")
def post_pickup(review_id: ReviewId, body: Annotated[PickupIn | None, Body()] = None) -> ReviewView:
    boot = bootstrap()
    return review_service.pick_up_review(
        boot.reviews, review_id, body or PickupIn(), caller(reviews_router).subject, boot.clock.now()
    )


@reviews_router.get(
    "/v1/reviews",
    summary="The review queue across partners, oldest request first, with age and the overdue flag",
    tags=["reviews"],
    responses=error_responses(422),
)
@allow("ops")
def get_review_queue(
    status: Annotated[Literal["open", "resolved"], Query(description="open: open and in_review")] = "open",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
) -> ReviewQueueView:
    boot = bootstrap()
    return review_service.review_queue(
        boot.reviews, status, limit=limit, cursor=cursor, now=boot.clock.now(), policy=boot.policy
    )
