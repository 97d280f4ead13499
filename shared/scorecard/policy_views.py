"""What the policy-version routes take and return (DESIGN §6: GET/POST /v1/policy/versions, PUT
/v1/policy/active)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from scorecard.domain.calendar import IsoDate
from scorecard.domain.policy import ScoringPolicy
from scorecard.stored_policy_views import AdoptionView as AdoptionView
from scorecard.stored_policy_views import PolicyVersionView as PolicyVersionView
from scorecard.view import View


class PolicyVersionIn(BaseModel):
    """A new version: the policy (same shape as GET /v1/policy, a new `version`) and why."""

    # a request body, of exact JSON types (strict): built by its route's first request (scorecard.deferred)
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    policy: ScoringPolicy
    note: str | None = Field(default=None, max_length=1000, description="why this version exists")


class AdoptionIn(BaseModel):
    # a request body, of exact JSON types (strict): built by its route's first request (scorecard.deferred)
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    version: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    effective_from: IsoDate = Field(
        description="the first day scored with this version (policy timezone); today or later, so "
        "that days already scored keep the version they were scored with"
    )
    reason: str | None = Field(default=None, max_length=1000)


class ActivePolicyView(View):
    version: str = Field(description="the version that scores today's run")
    effective_from: date | None = Field(description="null: the deployment's default version")


class PolicyVersionsView(View):
    active: ActivePolicyView
    upcoming: list[AdoptionView] = Field(description="adoptions effective after today, soonest first")
    versions: list[PolicyVersionView] = Field(description="built-in versions first, then stored ones by name")
    adoptions: list[AdoptionView] = Field(description="the adoption history, latest recorded first")
    next_cursor: str | None = Field(description="more stored versions: pass as `cursor`")
