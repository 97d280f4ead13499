"""The scoring policy as versioned data (docs/scoring.md). Every threshold the scoring uses lives here."""

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scorecard.domain.calendar import TimezoneName

Grade = Literal["A", "B", "C", "D"]
Tier = Literal["elite", "preferred", "standard", "probation"]
TIER_ORDER: tuple[Tier, ...] = ("probation", "standard", "preferred", "elite")
COMPONENTS: tuple[str, ...] = ("on_time", "quality", "communication", "engagement")
DEFAULT_POLICY_VERSION = "v2"
POLICY_VERSIONS: tuple[str, ...] = ("v1", "v2")  # shipped with the package (policy/<version>.json)


class _Frozen(BaseModel):
    # The parts of a policy are validated as part of one (ScoringPolicy, built at import): their own
    # validators and serializers are built on first use, if ever (scorecard.deferred).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class WindowRule(_Frozen):
    base_days: int = Field(ge=1, le=366)
    min_jobs: int = Field(ge=1, le=1000)
    max_days: int = Field(ge=1, le=3660)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
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


BenefitName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
BONUS_ELIGIBLE = "bonus_eligible"


class Benefit(_Frozen):
    """What a tier gives the partner (policy v2 rule 5), e.g. ship_direct with 2 days of lead time."""

    name: BenefitName
    lead_time_bonus_days: int | None = Field(default=None, ge=0, le=365)


class NoticeCredit(_Frozen):
    """Rule 4: a late job announced with `job.delay_reported` at least `min_hours` before its due date
    begins (partner's timezone), completed by the announced date, earns `credit` of its weight."""

    min_hours: int = Field(ge=0, le=24 * 365)
    credit: Weight


SignalSource = Literal["capacity_current", "active_weeks", "metric"]
ComponentName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]


class Signal(_Frozen):
    """Rule 6: an optional signal. `capacity_current` / `active_weeks` are shares (0..100) of the 4
    weeks ending on the day scored; `metric` is the latest `partner.metric_recorded` value of `name`
    in the window, mapped linearly from [scale_min, scale_max] to 0..100 (clamped)."""

    name: ComponentName
    source: SignalSource
    component: ComponentName = Field(description="communication, engagement, or a name in extra_weights")
    scale_min: Decimal = Field(default=Decimal(0), ge=-1_000_000, le=1_000_000)
    scale_max: Decimal = Field(default=Decimal(100), ge=-1_000_000, le=1_000_000)

    @model_validator(mode="after")
    def _scale(self) -> Self:
        if self.scale_max <= self.scale_min:
            raise ValueError(f"signal {self.name}: scale_max must exceed scale_min")
        if self.source != "metric" and self.name != self.source:
            raise ValueError(f"signal {self.name}: a {self.source} signal must be named {self.source}")
        return self


class ScoringPolicy(_Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=False)

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
    # Policy v2 (docs/scoring.md); the defaults are v1's behaviour.
    overdue_jobs_count: bool = Field(default=False, description="rule 1: unshipped past due = late")
    partner_local_dates: bool = Field(default=False, description="rule 2: on time by the partner's date")
    provisional_min_tier: Tier | None = Field(
        default=None, description="rule 3: a provisional or absent score places the partner at least here"
    )
    notice: NoticeCredit | None = Field(default=None, description="rule 4: credit for a delay notice")
    benefits: dict[Tier, tuple[Benefit, ...]] = Field(default_factory=dict, description="rule 5")
    extra_weights: dict[ComponentName, Weight] = Field(
        default_factory=dict, description="rule 6: weights of components beyond the four"
    )
    signals: tuple[Signal, ...] = Field(default=(), description="rule 6: optional signals")
    restatement_days: int = Field(
        default=60,
        ge=0,
        le=366,
        description="days after a month ends during which later evidence restates its snapshot",
    )

    @model_validator(mode="after")
    def _signals_declared(self) -> Self:
        clash = set(self.extra_weights) & set(COMPONENTS)
        if clash:
            raise ValueError(f"extra_weights must not repeat a base component: {sorted(clash)}")
        known = {"communication", "engagement", *self.extra_weights}
        names = [signal.name for signal in self.signals]
        if len(set(names)) != len(names):
            raise ValueError("signal names must be unique")
        for signal in self.signals:
            if signal.component not in known:
                raise ValueError(
                    f"signal {signal.name}: component {signal.component!r} is neither communication, "
                    "engagement nor a component of extra_weights"
                )
        for component in self.extra_weights:
            if not any(signal.component == component for signal in self.signals):
                raise ValueError(f"extra component {component!r} has no signal feeding it")
        return self

    @property
    def components(self) -> tuple[str, ...]:
        """The four components, then the policy's extra ones."""
        return (*COMPONENTS, *self.extra_weights)

    def weight_of(self, component: str) -> Decimal:
        if component in self.extra_weights:
            return self.extra_weights[component]
        return self.weights.of(component)

    def benefits_of(self, tier: Tier | None) -> tuple[Benefit, ...]:
        return () if tier is None else self.benefits.get(tier, ())

    def declared_metrics(self) -> frozenset[str]:
        return frozenset(s.name for s in self.signals if s.source == "metric")

    @model_validator(mode="after")
    def _bands_cover(self) -> Self:
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
def load_policy(version: str | None = None) -> ScoringPolicy:
    """A policy shipped with the package (policy/<version>.json); by default the default version."""
    version = version or DEFAULT_POLICY_VERSION
    text = resources.files("scorecard").joinpath("policy", f"{version}.json").read_text(encoding="utf-8")
    return ScoringPolicy.model_validate_json(text)
