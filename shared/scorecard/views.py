"""Pydantic models of everything the API returns (the OpenAPI document is generated from them)."""

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from scorecard.domain.policy import Grade, Tier
from scorecard.history_views import HistoryPointView as HistoryPointView
from scorecard.ingest_views import EventResultView as EventResultView
from scorecard.ingest_views import IngestResultView as IngestResultView
from scorecard.score_views import ComponentView as ComponentView
from scorecard.score_views import LedgerEntryView as LedgerEntryView
from scorecard.score_views import NextGradeView as NextGradeView
from scorecard.score_views import PercentileView as PercentileView
from scorecard.score_views import ProcessPercentileView as ProcessPercentileView
from scorecard.score_views import ScoreView as ScoreView
from scorecard.score_views import TierStatusView as TierStatusView
from scorecard.score_views import WindowView as WindowView
from scorecard.view import View as View


class ScoreHistoryView(View):
    partner_id: str
    points: list[HistoryPointView]


class ProfileIn(BaseModel):
    # a request body: built by its route's first request (scorecard.deferred)
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$"
    )
    timezone: str | None = Field(default=None, max_length=64, description="IANA zone, e.g. America/Chicago")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ValueError, KeyError, OSError) as error:  # never the zoneinfo internals
                raise PydanticCustomError(
                    "unknown_timezone", "unknown IANA timezone {timezone!r}", {"timezone": value}
                ) from error
        return value


class ProfilePatch(ProfileIn):
    """PATCH's body: only the fields given change; null clears email or timezone. A profile keeps its
    name (PUT requires one), so a null name is refused."""

    # Optional here (left out: unchanged), unlike PUT's; a null is refused below.
    name: str | None = Field(default=None, min_length=1, max_length=200)  # type: ignore[assignment]

    @field_validator("name")
    @classmethod
    def _name_kept(cls, value: str | None) -> str:
        if value is None:  # only reached when given: a default is not validated
            raise PydanticCustomError(
                "name_required", "a profile keeps its name; give a new one or leave it out"
            )
        return value

    def changes(self) -> dict[str, str | None]:
        """The fields given, with their new values (None: clear it)."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set)}


class PartnerView(View):
    partner_id: str
    name: str | None
    email: str | None
    timezone: str | None
    score: float | None = None
    grade: Grade | None = None
    tier: Tier | None = None
    provisional: bool = False
    as_of: date | None = None


class GradeCountsView(View):
    """Partners per grade on the returned page; `none`: not scored yet."""

    A: int = 0
    B: int = 0
    C: int = 0
    D: int = 0
    none: int = 0


class PartnerListView(View):
    partners: list[PartnerView]
    next_cursor: str | None
    grades: GradeCountsView = Field(
        default_factory=GradeCountsView,
        description="the grade distribution of the partners on this page (after the filters)",
    )


class ShipmentView(View):
    event_id: str
    shipped_at: datetime
    ship_date: date
    parts: int
    direct_to_customer: bool
    on_time: bool | None


class InspectionView(View):
    event_id: str
    inspected_at: datetime
    parts_inspected: int
    parts_defective: int
    ncmr_id: str | None
    report_url: str | None


class DocumentView(View):
    document_type: str
    required: bool
    uploaded_at: datetime | None


class JobSummaryView(View):
    job_id: str
    status: Literal["open", "completed", "void", "overdue"] = Field(
        description="overdue (policy v2): not fully shipped after its due date, counted as late"
    )
    value: str | None
    part_count: int | None
    due_date: date | None
    offered_due_date: date | None
    ship_dates: list[date]
    completed_at: datetime | None
    on_time: bool | None
    days_late: int | None
    parts_shipped: int
    parts_inspected: int
    parts_defective: int
    excluded: bool
    counts: bool = Field(
        default=False,
        description="the job affects the score as of the list's day (it is in that score's ledger: "
        "completed in its window, or offered in it)",
    )
    score_effect: float | None = Field(
        default=None,
        description="points this job adds (+) or costs (-) when it counts (the score's ledger), else null",
    )


class JobListView(View):
    partner_id: str
    filter: Literal["late", "defective", "all"]
    scope: Literal["window", "all"] = Field(
        default="window",
        description="window: the jobs of the score window; all: the running record, every job ever "
        "recorded that the filter takes, newest first, paged",
    )
    as_of: date
    window: WindowView | None
    jobs: list[JobSummaryView]
    next_cursor: str | None = Field(default=None, description="scope=all: the cursor of the next page")


class TimelineEntryView(View):
    event_id: str
    type: str
    occurred_at: datetime
    details: dict[str, object]


class DueDateChangeView(View):
    changed_at: datetime
    due_date: date
    changed_by: str
    moves_due_date: bool


class JobDetailView(View):
    partner_id: str
    job: JobSummaryView
    offered_at: datetime | None
    first_read_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    received_at: datetime | None
    shipments: list[ShipmentView]
    inspections: list[InspectionView]
    documents: list[DocumentView]
    status_updates: list[dict[str, object]]
    due_date_changes: list[DueDateChangeView]
    timeline: list[TimelineEntryView]


class DailyRunView(View):
    as_of: date
    partners: int
    scored: int
    without_score: int
    failed: list[str]
    tier_changes: int


JobIdField = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class ReviewIn(BaseModel):
    # a request body: built by its route's first request (scorecard.deferred)
    model_config = ConfigDict(extra="forbid", defer_build=True)

    reason: str = Field(min_length=1, max_length=4000)
    job_ids: list[str] = Field(default_factory=list, max_length=50, description="jobs the partner disputes")


class ResolutionIn(BaseModel):
    # a request body: built by its route's first request (scorecard.deferred)
    model_config = ConfigDict(extra="forbid", defer_build=True)

    decision: Literal["upheld", "adjusted"]
    excluded_job_ids: list[str] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=4000)


ReviewStatus = Literal["open", "in_review", "upheld", "adjusted"]
RESOLVED_STATUSES: tuple[ReviewStatus, ...] = ("upheld", "adjusted")


class PickupIn(BaseModel):
    # a request body: built by its route's first request (scorecard.deferred)
    model_config = ConfigDict(extra="forbid", defer_build=True)

    note: str | None = Field(default=None, max_length=4000)


class ReviewStep(View):
    """One step of a review's audit trail: who moved it to `status`, when, and why."""

    status: ReviewStatus
    at: datetime
    by: str = Field(description="the caller's subject, e.g. partner:acme-01 or ops")
    note: str | None = None


class ReviewView(View):
    review_id: str
    partner_id: str
    status: ReviewStatus = Field(description="open -> in_review (optional) -> upheld | adjusted")
    reason: str
    job_ids: list[str]
    requested_at: datetime
    requested_by: str
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    excluded_job_ids: list[str] = Field(default_factory=list)
    note: str | None = None
    score_before: float | None = Field(
        default=None, description="the partner's score when the review was resolved"
    )
    history: list[ReviewStep] = Field(default_factory=list, description="the audit trail, oldest step first")


class ReviewQueueEntry(View):
    review: ReviewView
    age_days: int = Field(description="whole days since the request")
    age_business_days: int = Field(
        description="business days (Mon-Fri, policy timezone) since the request day"
    )
    overdue: bool = Field(description="still unresolved after more than 5 business days")


class ReviewQueueView(View):
    status: Literal["open", "resolved"]
    reviews: list[ReviewQueueEntry] = Field(description="oldest request first")
    next_cursor: str | None


class ReviewListView(View):
    partner_id: str
    reviews: list[ReviewView]


class ResolutionView(View):
    review: ReviewView
    rescored: DailyRunView | None = Field(description="the partner's rescoring after the decision")
    score: float | None
    grade: Grade | None
    tier: Tier | None


class ScoreOutcomeView(View):
    score: float | None
    grade: Grade | None
    tier: Tier | None = Field(description="the tier this score alone gives (no hysteresis)")
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


# What the daily worker writes for every partner it scores, and reports for every batch, built at its
# init (scorecard.deferred.build_at_init): members before the models that contain them.
DAILY_SCORE_VIEWS: tuple[type[BaseModel], ...] = (
    ComponentView,
    WindowView,
    LedgerEntryView,
    NextGradeView,
    TierStatusView,
    ProcessPercentileView,
    PercentileView,
    ScoreView,
    HistoryPointView,
    DailyRunView,
)
