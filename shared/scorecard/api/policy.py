"""Policy routes: the policy in force, what a candidate would change, the stored versions and which
one scores from which day."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from scorecard.api.access import allow, caller
from scorecard.api.errors import error_responses
from scorecard.bootstrap import bootstrap
from scorecard.domain.calendar import IsoDate
from scorecard.domain.policy import ScoringPolicy
from scorecard.schemas.policy import (
    AdoptionIn,
    AdoptionView,
    PolicyVersionIn,
    PolicyVersionsView,
    PolicyVersionView,
    SimulationView,
)
from scorecard.services.simulation import simulate_policy

policy_router = APIGatewayRouter()

# One simulated partner costs one evidence query and two scorings: measured with
# bench/simulate_cost.py at 31 ms (30 jobs in the window) to 102 ms (60 jobs, 360 events) per partner
# on the shared 2-core dev machine (the issue measured 41-66 ms under `make run`). 40 partners keep
# one call at ~4 s at the heavy figure, well inside API Gateway's 29 s integration timeout; a whole
# network is simulated page by page with `cursor`.
MAX_SIMULATED_PARTNERS = 40


class SimulationIn(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

    policy: ScoringPolicy = Field(description="the candidate policy (same shape as GET /v1/policy)")
    as_of: IsoDate | None = Field(
        default=None, description="default: today; the current policy is the version in force that day"
    )
    limit: int = Field(
        default=MAX_SIMULATED_PARTNERS,
        ge=1,
        le=MAX_SIMULATED_PARTNERS,
        description=f"partners evaluated in this call (at most {MAX_SIMULATED_PARTNERS}, so that one "
        "call stays well inside API Gateway's 29 s; page on with next_cursor)",
    )
    cursor: str | None = Field(default=None, max_length=64)


@policy_router.get(
    "/v1/policy", summary="The scoring policy in force", tags=["policy"], responses=error_responses()
)
@allow("ops")
def get_policy() -> ScoringPolicy:
    """The version that scores today's run (GET /v1/policy/versions: which, since when, and what next)."""
    boot = bootstrap()
    return boot.policies.active_on(boot.clock.today())


@policy_router.post(
    "/v1/policy/simulate",
    summary="Who would change grade or tier under a candidate policy",
    tags=["policy"],
    responses=error_responses(413, 422),
)
@allow("ops")
def post_simulation(body: Annotated[SimulationIn, Body()]) -> SimulationView:
    boot = bootstrap()
    as_of = body.as_of or boot.clock.today()
    return simulate_policy(
        boot.partners,
        boot.evidence,
        boot.scores,
        boot.policies.active_on(as_of),
        body.policy,
        as_of,
        limit=body.limit,
        cursor=body.cursor,
    )


@policy_router.get(
    "/v1/policy/versions",
    summary="Stored policy versions, the one in force today, scheduled adoptions and their history",
    tags=["policy"],
    responses=error_responses(422),
)
@allow("ops")
def get_policy_versions(
    limit: Annotated[int, Query(ge=1, le=100, description="stored versions per page")] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")] = None,
) -> PolicyVersionsView:
    boot = bootstrap()
    return boot.policy_versions.listing(boot.clock.today(), limit, cursor)


@policy_router.post(
    "/v1/policy/versions",
    summary="Store a new policy version (validated; immutable once stored)",
    tags=["policy"],
    responses={
        200: {
            "description": "the same version was stored already (a retry)",
            "content": {"application/json": {"model": PolicyVersionView}},
        },
        201: {"description": "stored", "content": {"application/json": {"model": PolicyVersionView}}},
        **error_responses(409, 413, 422, success=False),
    },
)
@allow("ops")
def post_policy_version(body: Annotated[PolicyVersionIn, Body()]) -> Response[Any]:
    boot = bootstrap()
    stored, created = boot.policy_versions.add(body, caller(policy_router).subject, boot.clock.now())
    return Response(
        status_code=HTTPStatus.CREATED if created else HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=stored.model_dump(mode="json"),
    )


@policy_router.put(
    "/v1/policy/active",
    summary="Adopt a version from a day on (today or later): that day's run and later ones use it",
    tags=["policy"],
    responses=error_responses(422),
)
@allow("ops")
def put_active_policy(body: Annotated[AdoptionIn, Body()]) -> AdoptionView:
    boot = bootstrap()
    return boot.policy_versions.adopt(
        body, caller(policy_router).subject, boot.clock.now(), boot.clock.today()
    )
