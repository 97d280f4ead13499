"""Reviews and policy routes (DESIGN §6): partners ask for a review, ops resolve it and tune the
policy."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.adapters.review_repository import ReviewConflict, ReviewRepository, UnknownJobs
from scorecard.api.access import require_partner, require_role
from scorecard.api.errors import ApiError
from scorecard.api.params import PartnerId, ReviewId
from scorecard.bootstrap import bootstrap
from scorecard.domain.policy import ScoringPolicy
from scorecard.services import reviews as review_service
from scorecard.services.policy_simulation import simulate_policy
from scorecard.views import ResolutionIn, ResolutionView, ReviewIn, ReviewListView, ReviewView, SimulationView

reviews_router = APIGatewayRouter()


def _stores() -> tuple[PartnerRepository, ReviewRepository]:
    boot = bootstrap()
    return boot.partners, boot.reviews


def _invalid(message: str, field: str) -> ApiError:
    return ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_failed", message, [{"field": field}])


@reviews_router.post(
    "/v1/partners/<partner_id>/reviews",
    summary="Ask for a review of the score",
    tags=["reviews"],
    responses={201: {"description": "created", "content": {"application/json": {"model": ReviewView}}}},
)
def post_review(partner_id: PartnerId, body: Annotated[ReviewIn, Body()]) -> Response[Any]:
    principal = require_partner(reviews_router, partner_id, "partner", "ops")
    try:
        review = review_service.request_review(
            *_stores(), partner_id, body, principal.subject, bootstrap().clock.now()
        )
    except review_service.InvalidResolution as error:
        raise _invalid(str(error), "job_ids") from error
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=review.model_dump(mode="json"),
    )


@reviews_router.get("/v1/partners/<partner_id>/reviews", summary="Reviews and their status", tags=["reviews"])
def get_reviews(partner_id: PartnerId) -> ReviewListView:
    require_partner(reviews_router, partner_id, "partner", "ops")
    return review_service.list_reviews(*_stores(), partner_id)


@reviews_router.post(
    "/v1/reviews/<review_id>/resolution",
    summary="Resolve a review (upheld, or adjusted by excluding jobs); the partner is rescored",
    tags=["reviews"],
)
def post_resolution(review_id: ReviewId, body: Annotated[ResolutionIn, Body()]) -> ResolutionView:
    principal = require_role(reviews_router, "ops")
    try:
        return review_service.resolve_review(
            *_stores(),
            review_id,
            body,
            principal.subject,
            bootstrap().clock.now(),
            bootstrap().policy,
            bootstrap().publisher,
        )
    except review_service.UnknownReview as error:
        raise ApiError(HTTPStatus.NOT_FOUND, "not_found", f"review {review_id} is unknown") from error
    except ReviewConflict as error:
        raise ApiError(HTTPStatus.CONFLICT, "conflict", f"review {review_id} is already resolved") from error
    except UnknownJobs as error:
        raise _invalid(
            f"unknown jobs of this partner: {', '.join(error.job_ids)}", "excluded_job_ids"
        ) from error
    except review_service.InvalidResolution as error:
        raise _invalid(str(error), "excluded_job_ids") from error


class SimulationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy: ScoringPolicy = Field(description="the candidate policy (same shape as GET /v1/policy)")
    as_of: date | None = Field(default=None, description="default: today in the current policy's timezone")
    limit: int = Field(default=500, ge=1, le=2000, description="partners evaluated in this call")
    cursor: str | None = Field(default=None, max_length=64)


@reviews_router.get("/v1/policy", summary="The scoring policy in force", tags=["policy"])
def get_policy() -> ScoringPolicy:
    require_role(reviews_router, "ops")
    return bootstrap().policy


@reviews_router.post(
    "/v1/policy/simulate", summary="Who would change grade or tier under a candidate policy", tags=["policy"]
)
def post_simulation(body: Annotated[SimulationIn, Body()]) -> SimulationView:
    require_role(reviews_router, "ops")
    boot = bootstrap()
    return simulate_policy(
        boot.partners,
        boot.policy,
        body.policy,
        body.as_of or boot.clock.today(),
        limit=body.limit,
        cursor=body.cursor,
    )
