"""The score document (GET /v1/partners/{id}/score), the daily history points, and the daily run's report."""

from datetime import date, datetime

from pydantic import Field

from scorecard.domain.policy import Benefit, Grade, Tier
from scorecard.schemas.base import View


class ComponentView(View):
    value: float | None = Field(description="0-100, one decimal; null when the window has no evidence for it")
    weight: float = Field(description="policy weight")
    effective_weight: float = Field(description="weight renormalised over the components present")
    evidence: dict[str, int | str]
    target: float | None = Field(default=None, description="the policy's target (0-100); null: none")
    meets_target: bool | None = Field(
        default=None, description="value >= target; null when there is no target or no value"
    )


class WindowView(View):
    start: date
    end: date
    jobs: int = Field(description="completed jobs in the window")
    extended: bool = Field(description="extended beyond 30 days to reach 10 jobs")


class LedgerEntryView(View):
    job_id: str
    effect: float = Field(description="points this job adds (+) or costs (-): score minus score without it")
    completed: bool
    on_time: bool | None
    days_late: int | None
    completed_at: datetime | None
    due_date: date | None
    value: str | None
    parts_inspected: int
    parts_defective: int
    reasons: list[str]


class NextGradeView(View):
    grade: Grade
    jobs_needed: int | None
    message: str


class TierStatusView(View):
    tier: Tier | None
    since: date | None
    computed_tier: Tier | None = Field(description="the tier today's score alone would give")
    pending_demotion: Tier | None = Field(description="lower tier held on consecutive runs, not yet in force")
    runs_below: int
    demotion_warning: bool


class ProcessPercentileView(View):
    name: str = Field(description="the partner's most-offered process in the window (ties: alphabetical)")
    percentile: int = Field(
        ge=0, le=100, description="share of partners of the same process with a lower score, x100, floored"
    )


class PercentileView(View):
    network: int | None = Field(
        ge=0,
        le=100,
        description="share of scored, non-provisional partners with a strictly lower score, x100, floored "
        "(null with fewer than two partners in the distribution)",
    )
    process: ProcessPercentileView | None = Field(
        default=None, description="the same share among partners of the same most-offered process"
    )
    distribution_as_of: date = Field(
        description="the day of the distribution compared against (the day before the score: it may lag)"
    )


class ScoreView(View):
    partner_id: str
    as_of: date
    score: float | None
    grade: Grade | None
    tier: Tier | None
    provisional: bool
    components: dict[str, ComponentView]
    window: WindowView | None
    computed_at: datetime
    policy_version: str
    ledger: list[LedgerEntryView]
    next_grade: NextGradeView | None
    tier_status: TierStatusView
    benefits: list[Benefit] = Field(
        default=[], description="what the tier in force gives the partner (policy data; v2)"
    )
    percentile: PercentileView | None = Field(
        default=None, description="peer standing; null when there is no score or no distribution yet"
    )


class HistoryPointView(View):
    date: date
    score: float | None
    grade: Grade | None
    tier: Tier | None
    provisional: bool
    components: dict[str, float | None]
    network_percentile: int | None = Field(
        default=None, description="percentile.network of that day's score (peer standing)"
    )
    policy_version: str | None = Field(
        default=None,
        description="the policy version that scored the day (null on points stored before versions)",
    )


class ScoreHistoryView(View):
    partner_id: str
    points: list[HistoryPointView]


class DailyRunView(View):
    as_of: date
    partners: int
    scored: int
    without_score: int
    failed: list[str]
    tier_changes: int
    grades: dict[Grade, int] = Field(default={}, description="partners scored, by grade")
    snapshots_restated: int = Field(default=0, description="snapshot revisions this run wrote")
