"""Policy versions, adoptions and simulations: GET /v1/policy, /v1/policy/versions, PUT
/v1/policy/active and POST /v1/policy/simulate."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scorecard.domain.calendar import IsoDate
from scorecard.domain.policy import Grade, ScoringPolicy, Tier
from scorecard.schemas.base import View


class PolicyVersionView(View):
    version: str
    source: Literal["builtin", "stored"] = Field(description="builtin: shipped with the code (v1, v2, v3)")
    created_by: str | None = None
    created_at: datetime | None = None
    note: str | None = None
    policy: ScoringPolicy


class AdoptionView(View):
    version: str
    effective_from: date
    adopted_by: str
    recorded_at: datetime
    reason: str | None = None


class PolicyVersionIn(BaseModel):
    """A new version: the policy (same shape as GET /v1/policy, a new `version`) and why."""

    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

    policy: ScoringPolicy
    note: str | None = Field(default=None, max_length=1000, description="why this version exists")


class AdoptionIn(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

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


class ScoreOutcomeView(View):
    score: float | None
    grade: Grade | None
    tier: Tier | None = Field(
        description="the tier in force after a daily run of that day under this policy (hysteresis from the "
        "partner's stored tier state included, as the daily run decides it)"
    )
    provisional: bool


class PartnerSimulationView(View):
    partner_id: str
    current: ScoreOutcomeView
    candidate: ScoreOutcomeView
    grade_changed: bool
    tier_changed: bool


class SimulationView(View):
    as_of: date
    current_policy_version: str
    candidate_policy_version: str
    partners_evaluated: int
    grade_changes: int
    tier_changes: int
    changes: list[PartnerSimulationView] = Field(description="only partners whose grade or tier changes")
    next_cursor: str | None
