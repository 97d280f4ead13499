"""Backtests: what POST/GET /v1/policy/backtests take and answer, and what a backtest stores."""

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scorecard.domain.calendar import IsoDate
from scorecard.domain.policy import Grade, ScoringPolicy, Tier
from scorecard.schemas.base import View

MAX_BACKTEST_DAYS = 92  # a quarter: one batch result item stays a few tens of KB


CHANGES_SHOWN = 200  # partners listed by GET /v1/policy/backtests/{id} (all are counted)


BacktestStatus = Literal["queued", "running", "complete"]


class BacktestIn(BaseModel):
    """A candidate, by stored (or built-in) version name or inline, and the days to replay."""

    # exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)

    version: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="a stored or built-in version (GET /v1/policy/versions); or send `policy`",
    )
    policy: ScoringPolicy | None = Field(
        default=None,
        description="a candidate policy inline (same shape as GET /v1/policy); or send `version`",
    )
    first_day: IsoDate = Field(alias="from", description="the first day replayed (policy timezone)")
    last_day: IsoDate = Field(
        alias="to",
        description=f"the last day replayed: today at the latest, at most {MAX_BACKTEST_DAYS} days",
    )

    @model_validator(mode="after")
    def _one_candidate_and_a_range(self) -> Self:
        if (self.version is None) == (self.policy is None):
            raise ValueError("send exactly one of `version` (a stored version) and `policy` (a candidate)")
        if self.first_day > self.last_day:
            raise ValueError(f"`from` ({self.first_day}) is after `to` ({self.last_day})")
        days = (self.last_day - self.first_day).days + 1
        if days > MAX_BACKTEST_DAYS:
            raise ValueError(f"the range holds {days} days; at most {MAX_BACKTEST_DAYS}")
        return self


class VersionRun(View):
    """Days `first`..`last` (inclusive) were scored under `version`."""

    first: date
    last: date
    version: str


class BacktestRecord(BaseModel):
    """The stored backtest: the request (candidate inline: it cannot change) and its progress."""

    model_config = ConfigDict(frozen=True)

    backtest_id: str
    first_day: date
    last_day: date
    candidate: ScoringPolicy
    requested_by: str
    created_at: datetime
    planned: bool = False  # the coordinator queued every batch
    active_versions: list[VersionRun] = Field(default_factory=list)  # set by the coordinator
    partners_queued: int = 0
    batches_queued: int = 0
    partners_done: int = 0
    batches_done: int = 0

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [date.fromordinal(self.first_day.toordinal() + n) for n in range(count)]

    def version_on(self, day: date) -> str:
        return next(run.version for run in self.active_versions if run.first <= day <= run.last)


class Histogram(View):
    """Partners per grade and per tier in force (`none`: no score / no tier)."""

    grades: dict[Grade | Literal["none"], int] = Field(default_factory=dict)
    tiers: dict[Tier | Literal["none"], int] = Field(default_factory=dict)


class DayHistograms(View):
    active: Histogram
    candidate: Histogram


class BacktestOutcomeView(View):
    score: float | None
    grade: Grade | None
    tier: Tier | None = Field(description="the tier in force after the day's run (with hysteresis)")


class BacktestChangeView(View):
    partner_id: str
    active: BacktestOutcomeView
    candidate: BacktestOutcomeView
    grade_changed: bool
    tier_changed: bool


class BacktestBatchResult(BaseModel):
    """One batch's result (stored once): `days[i]` is the i-th day of the range."""

    model_config = ConfigDict(frozen=True)

    isolated: bool
    partners: int
    days: list[DayHistograms]
    changes: list[BacktestChangeView]


class BacktestAccepted(View):
    backtest_id: str
    status: BacktestStatus
    first_day: date = Field(serialization_alias="from")
    last_day: date = Field(serialization_alias="to")
    candidate_version: str
    location: str = Field(description="GET it for progress and results")


class BacktestProgressView(View):
    batches_done: int
    batches_queued: int = Field(description="0 until the coordinator has paged the registry")
    partners_done: int
    partners_queued: int
    fraction: float = Field(description="batches done / batches queued (0 until queued)")


class BacktestDayView(View):
    date: date
    active_version: str = Field(description="the version in force that day")
    active: Histogram
    candidate: Histogram


class BacktestView(View):
    backtest_id: str
    status: BacktestStatus
    first_day: date = Field(serialization_alias="from")
    last_day: date = Field(serialization_alias="to")
    candidate_version: str
    requested_by: str
    created_at: datetime
    progress: BacktestProgressView
    days: list[BacktestDayView] = Field(description="so far: complete once status is complete")
    grade_changes: int = Field(description="partners whose grade differs on the last day")
    tier_changes: int = Field(description="partners whose tier in force differs on the last day")
    changes_total: int
    changes: list[BacktestChangeView] = Field(
        description=f"partners whose grade or tier differs on the last day, by partner id; the first "
        f"{CHANGES_SHOWN} (`changes_total` counts them all)"
    )
    changes_truncated: bool
