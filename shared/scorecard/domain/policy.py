"""The scoring policy as versioned data (docs/scoring.md). Every threshold the scoring uses lives here."""

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from scorecard.domain.calendar import TimezoneName

Grade = Literal["A", "B", "C", "D"]
Tier = Literal["elite", "preferred", "standard", "probation"]
TIER_ORDER: tuple[Tier, ...] = ("probation", "standard", "preferred", "elite")
COMPONENTS: tuple[str, ...] = ("on_time", "quality", "communication", "engagement")
DEFAULT_POLICY_VERSION = "v3"
POLICY_VERSIONS: tuple[str, ...] = ("v1", "v2", "v3")  # shipped with the package (policy/<version>.json)

# Bounds of a policy document. It is stored whole in one DynamoDB item (a version, a backtest with its
# candidate inline), sent whole in queue messages, and scored per partner and day: a policy of 6,000
# benefits (643 KB) failed its write past the 400 KB item limit. Every list and map is bounded (a
# name is at most 64 characters), so the largest valid policy is about 17 KB of JSON; the routes that
# take one refuse a body over MAX_POLICY_BYTES (413) before parsing it.
MAX_POLICY_BYTES = 64 * 1024
MAX_SIGNALS = 20  # also bounds extra_weights: each extra component needs a signal feeding it
MAX_GRADE_BANDS = 10
MAX_TIERS = 10  # the four tiers, in order (ScoringPolicy._bands_cover); the bound names the field first
MAX_BENEFITS_PER_TIER = 20
MAX_LATE_CREDIT_STEPS = 10


class _Frozen(BaseModel):
    # strict: integers and booleans only as JSON integers and booleans (no true for 1, no "3");
    # amounts (Decimal) and the policy's lists opt out below, as they must take JSON's forms.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


# What a strict policy lets through as JSON has it: amounts as a decimal string (GET /v1/policy's
# form) or a JSON number, never a boolean; lists as JSON arrays (strict Python mode wants a tuple).
Lax = Strict(False)


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
Weight = Annotated[Decimal, Lax, Field(ge=0, le=1, description="a share, 0..1")]
Positive = Annotated[Decimal, Lax, Field(ge=Decimal("0.001"), le=1_000_000, description="0.001 .. 1,000,000")]


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
    min: Decimal = Field(ge=0, le=100, strict=False)
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


class LateCreditStep(_Frozen):
    """Policy v3 (optional): a job completed late by at most `max_days_late` days (the first step that
    covers it) earns `credit` of its weight in on_time, as the notice credit does."""

    max_days_late: int = Field(ge=1, le=3660)
    credit: Annotated[Decimal, Lax] = Field(
        gt=0, lt=1, description="a share of the job's weight, strictly between 0 and 1"
    )


Target = Annotated[Decimal, Lax, Field(ge=0, le=100, description="0..100")]


SignalSource = Literal["capacity_current", "active_weeks", "metric"]
ComponentName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]


class Signal(_Frozen):
    """Rule 6: an optional signal. `capacity_current` / `active_weeks` are shares (0..100) of the 4
    weeks ending on the day scored; `metric` is the latest `partner.metric_recorded` value of `name`
    in the window, mapped linearly from [scale_min, scale_max] to 0..100 (clamped)."""

    name: ComponentName
    source: SignalSource
    component: ComponentName = Field(description="communication, engagement, or a name in extra_weights")
    scale_min: Decimal = Field(default=Decimal(0), ge=-1_000_000, le=1_000_000, strict=False)
    scale_max: Decimal = Field(default=Decimal(100), ge=-1_000_000, le=1_000_000, strict=False)

    @model_validator(mode="after")
    def _scale(self) -> Self:
        if self.scale_max <= self.scale_min:
            raise ValueError(f"signal {self.name}: scale_max must exceed scale_min")
        if self.source != "metric" and self.name != self.source:
            raise ValueError(f"signal {self.name}: a {self.source} signal must be named {self.source}")
        return self


class ScoringPolicy(_Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    version: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    timezone: TimezoneName = "UTC"
    window: WindowRule
    weights: ComponentWeights
    job_weight_floor: Positive = Field(description="job weight = sqrt(max(value, floor))")
    quality_dpt_divisor: Positive = Field(description="quality = max(0, 100 - DPT / divisor)")
    update_response_hours: int = Field(ge=1, le=24 * 30)
    grades: Annotated[tuple[GradeBand, ...], Lax] = Field(max_length=MAX_GRADE_BANDS)
    tiers: Annotated[tuple[TierBand, ...], Lax] = Field(max_length=MAX_TIERS)
    demotion_runs: int = Field(ge=1, le=30)
    monthly: MonthlyWeights
    # Policy v2 (docs/scoring.md); the defaults are v1's behaviour.
    overdue_jobs_count: bool = Field(default=False, description="rule 1: unshipped past due = late")
    partner_local_dates: bool = Field(default=False, description="rule 2: on time by the partner's date")
    provisional_min_tier: Tier | None = Field(
        default=None, description="rule 3: a provisional or absent score places the partner at least here"
    )
    notice: NoticeCredit | None = Field(default=None, description="rule 4: credit for a delay notice")
    benefits: dict[Tier, Annotated[tuple[Benefit, ...], Lax, Field(max_length=MAX_BENEFITS_PER_TIER)]] = (
        Field(default_factory=dict, description="rule 5")
    )
    extra_weights: dict[ComponentName, Weight] = Field(
        default_factory=dict,
        max_length=MAX_SIGNALS,
        description="rule 6: weights of components beyond the four",
    )
    signals: Annotated[tuple[Signal, ...], Lax] = Field(
        default=(), max_length=MAX_SIGNALS, description="rule 6: optional signals"
    )
    # Policy v3; the defaults are v1's and v2's behaviour.
    overdue_counts_while_open: bool = Field(
        default=False, description="v3 rule 1: an open overdue job counts as completed late on the day scored"
    )
    overdue_cancellation_counts: bool = Field(
        default=False,
        description="v3 rule 2: a cancellation, by anyone, after the due date is a late completion",
    )
    provisional_floats: bool = Field(
        default=False,
        description="v3 rule 3: a provisional score can lower a tier (after demotion_runs runs)",
    )
    late_credit: Annotated[tuple[LateCreditStep, ...], Lax] = Field(
        default=(),
        max_length=MAX_LATE_CREDIT_STEPS,
        description="v3 (optional): credit for a job completed a few days late; steps by max_days_late",
    )
    targets: dict[ComponentName, Target] = Field(
        default_factory=dict, description="v3 (optional): a target (0..100) per component"
    )
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

    @model_validator(mode="after")
    def _v3_rules(self) -> Self:
        if self.overdue_counts_while_open and not self.overdue_jobs_count:
            raise ValueError("overdue_counts_while_open needs overdue_jobs_count")
        for before, after in pairwise(self.late_credit):
            if after.max_days_late <= before.max_days_late:
                raise ValueError("late_credit: max_days_late must ascend")
            if after.credit >= before.credit:
                raise ValueError("late_credit: credit must descend")
        unknown = set(self.targets) - set(self.components)
        if unknown:
            raise ValueError(f"targets name no component of this policy: {sorted(unknown)}")
        return self

    def late_credit_for(self, days_late: int) -> LateCreditStep | None:
        """The first late-credit step covering a job `days_late` days late (None: no credit)."""
        if days_late < 1:
            return None
        return next((step for step in self.late_credit if days_late <= step.max_days_late), None)

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
