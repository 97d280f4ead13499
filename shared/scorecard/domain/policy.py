"""The scoring policy as versioned data (DESIGN §4). Every threshold the scoring uses lives here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scorecard.domain.calendar import TimezoneName

Grade = Literal["A", "B", "C", "D"]
Tier = Literal["elite", "preferred", "standard", "probation"]
TIER_ORDER: tuple[Tier, ...] = ("probation", "standard", "preferred", "elite")
COMPONENTS: tuple[str, ...] = ("on_time", "quality", "communication", "engagement")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WindowRule(_Frozen):
    base_days: int = Field(ge=1, le=366)
    min_jobs: int = Field(ge=1, le=1000)
    max_days: int = Field(ge=1, le=3660)

    @model_validator(mode="after")
    def _ordered(self) -> WindowRule:
        if self.max_days < self.base_days:
            raise ValueError("max_days must be at least base_days")
        return self


# Policy numbers are bounded so that no candidate policy can overflow (or underflow to nothing) the
# Decimal arithmetic of the scoring: weights are shares in 0..1, divisors and floors positive and of
# a plausible size.
Weight = Annotated[Decimal, Field(ge=0, le=1, description="a share, 0..1")]
Positive = Annotated[Decimal, Field(ge=Decimal("0.001"), le=1_000_000, description="0.001 .. 1,000,000")]


class ComponentWeights(_Frozen):
    on_time: Weight
    quality: Weight
    communication: Weight
    engagement: Weight

    def of(self, component: str) -> Decimal:
        value: Decimal = getattr(self, component)
        return value


class GradeBand(_Frozen):
    grade: Grade
    min: int = Field(ge=0, le=100)


class TierBand(_Frozen):
    tier: Tier
    min: Decimal = Field(ge=0, le=100)
    requires_final: bool = Field(description="a provisional score cannot reach this tier")


class MonthlyWeights(_Frozen):
    on_time_weight: Weight
    quality_weight: Weight


class ScoringPolicy(_Frozen):
    version: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    timezone: TimezoneName = "UTC"
    window: WindowRule
    weights: ComponentWeights
    job_weight_floor: Positive = Field(description="job weight = sqrt(max(value, floor))")
    quality_dpt_divisor: Positive = Field(description="quality = max(0, 100 - DPT / divisor)")
    update_response_hours: int = Field(ge=1, le=24 * 30)
    grades: tuple[GradeBand, ...]
    tiers: tuple[TierBand, ...]
    demotion_runs: int = Field(ge=1, le=30)
    monthly: MonthlyWeights

    @model_validator(mode="after")
    def _bands_cover(self) -> ScoringPolicy:
        if sorted((b.min for b in self.grades), reverse=True) != [b.min for b in self.grades]:
            raise ValueError("grade bands must be listed from the highest minimum down")
        if not self.grades or self.grades[-1].min != 0:
            raise ValueError("the lowest grade band must start at 0")
        if [b.tier for b in self.tiers] != list(reversed(TIER_ORDER)):
            raise ValueError("tiers must be listed elite, preferred, standard, probation")
        if sorted((b.min for b in self.tiers), reverse=True) != [b.min for b in self.tiers]:
            raise ValueError("tier minimums must descend")
        if sum(self.weights.of(c) for c in COMPONENTS) <= 0:
            raise ValueError("at least one component weight must be positive")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    def local_date(self, instant: datetime) -> date:
        """The calendar day of `instant` in the policy timezone ("today" when `instant` is now)."""
        return instant.astimezone(self.zone).date()


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def load_policy(version: str = "v1") -> ScoringPolicy:
    """A policy shipped with the package (policy/<version>.json)."""
    text = resources.files("scorecard").joinpath("policy", f"{version}.json").read_text(encoding="utf-8")
    return ScoringPolicy.model_validate_json(text)


DEFAULT_POLICY_VERSION = "v1"
