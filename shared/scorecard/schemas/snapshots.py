"""Monthly snapshots: the archived document (S3 JSON) and the API's views of stored snapshots."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from scorecard.domain.events import DefectCategory
from scorecard.domain.policy import Grade, Tier
from scorecard.schemas.base import View


class SnapshotLineView(View):
    job_id: str
    due_date: date | None
    shipped_on: date | None = Field(description="last shipment of the job in the month")
    days_late: int
    parts_shipped: int = Field(description="parts of the job shipped in the month")
    parts_inspected: int
    parts_defective: int


class OverdueLineView(View):
    job_id: str
    due_date: date
    days_late: int = Field(description="days from the due date to the month's last day")
    parts_outstanding: int = Field(description="parts not shipped by the end of the month")


class SnapshotChangeView(View):
    """One field a restatement moved."""

    field: str
    before: str | int | float | bool | None
    after: str | int | float | bool | None


MAX_LISTED = 100  # entries per job list in the stored item (the S3 JSON keeps them all)
# The month's eight metrics (docs/snapshots.md), in the order the email shows them.
SnapshotMetric = Literal[
    "jobs_on_board",
    "jobs_read",
    "jobs_accepted",
    "parts_shipped",
    "pct_parts_on_time",
    "dpt",
    "value_accepted",
    "pct_jobs_on_time",
]
SnapshotStatus = Literal["final", "restated"]


class SnapshotDocument(View):
    """A revision of a month's snapshot. The S3 JSON holds every job of each list; the DynamoDB item
    and the API at most MAX_LISTED per list, with the `*_total` counts (docs/snapshots.md)."""

    partner_id: str
    month: str = Field(description="YYYY-MM, calendar month in the policy timezone")
    policy_version: str
    timezone: str
    jobs_on_board: int = Field(description="jobs offered to the partner in the month")
    jobs_read: int = Field(description="distinct jobs first read in the month")
    jobs_accepted: int = Field(description="jobs accepted in the month")
    parts_shipped: int = Field(description="parts in shipments dated in the month")
    pct_parts_on_time: float | None = Field(description="on-time parts / parts shipped x 100; null if none")
    dpt: float | None = Field(description="1000 x defective / inspected parts shipped in the month")
    value_accepted: str = Field(description="sum of the value of jobs accepted in the month (2 places)")
    pct_jobs_on_time: float | None = Field(description="jobs completed on time / jobs completed x 100")
    monthly_score: int | None = Field(description="null when nothing was shipped (not graded)")
    grade: Grade | None
    jobs_completed: int
    jobs_completed_on_time: int
    tier: Tier | None = Field(default=None, description="the tier in force after the month's last daily run")
    bonus_eligible: bool = Field(
        default=False,
        description="every daily run of the month placed the partner in a tier whose benefits include "
        "bonus_eligible",
    )
    days_scored: int | None = Field(
        default=None,
        ge=0,
        description="days of the month with a daily run (null on snapshots stored before it)",
    )
    days_in_bonus_tier: int | None = Field(
        default=None,
        ge=0,
        description="of those, the days whose run left a tier in force whose benefits include bonus_eligible",
    )
    network_percentile: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="percentile.network of the month's last daily score (better than N % of partners)",
    )
    late_jobs: list[SnapshotLineView]
    defective_jobs: list[SnapshotLineView]
    defects_by_category: dict[DefectCategory, int] = Field(
        default={},
        description="the defective parts of the month (as dpt counts them: inspections of parts shipped "
        "in the month) that their inspections itemise, per category; categories with none left out",
    )
    overdue_jobs: list[OverdueLineView] = Field(
        default=[], description="jobs overdue at the end of the month and not fully shipped"
    )
    late_jobs_total: int = Field(default=0, description="late jobs of the month (the list keeps 100)")
    defective_jobs_total: int = Field(default=0, description="jobs with defects (the list keeps 100)")
    overdue_jobs_total: int = Field(default=0, description="overdue jobs at month end (the list keeps 100)")
    success_score: float | None = Field(
        default=None, description="the Success Score of the month's last daily run (null without one)"
    )
    success_grade: Grade | None = None
    provisional: bool = Field(default=False, description="the month's last daily score was provisional")
    revision: int = Field(default=1, ge=1, description="1 when first published; n+1 for each restatement")
    status: SnapshotStatus = "final"
    restated_at: datetime | None = Field(default=None, description="when this revision was written (n > 1)")
    reasons: list[str] = Field(default=[], description="what arrived since the previous revision, by job")
    changes: list[SnapshotChangeView] = Field(default=[], description="each field that moved")

    def bounded(self) -> "SnapshotDocument":
        """The stored item's copy: this model's fields only (not an archive's per-job figures), at
        most MAX_LISTED entries per job list."""
        fields = {name: getattr(self, name) for name in SnapshotDocument.model_fields}
        fields.update(
            late_jobs=self.late_jobs[:MAX_LISTED],
            defective_jobs=self.defective_jobs[:MAX_LISTED],
            overdue_jobs=self.overdue_jobs[:MAX_LISTED],
        )
        return SnapshotDocument.model_construct(set(fields), **fields)


class JobFiguresView(View):
    """One job's share of the month's figures (the archive keeps them so a restatement can name the
    jobs whose share moved)."""

    job_id: str
    offered: bool
    read: bool
    accepted: bool
    parts_shipped: int
    parts_on_time: int
    parts_inspected: int
    parts_defective: int
    completed: bool
    on_time: bool
    overdue: bool
    excluded: bool


class ArchivedSnapshot(SnapshotDocument):
    """What s3://<bucket>/snapshots/<YYYY-MM>/<pid>.json holds: the revision, every job of each list,
    and each job's share of the figures."""

    job_figures: list[JobFiguresView] = Field(default=[])


EmailStatus = Literal["sent", "sending", "pending", "no_address", "not_emailed"]


class SnapshotEmailView(View):
    status: EmailStatus = Field(
        description="sent; sending (claimed, not yet confirmed); pending (not yet emailed); "
        "no_address (partner has no email); not_emailed (archived by a backfill)"
    )
    to: str | None
    sent_at: str | None
    message_id: str | None


class SnapshotView(SnapshotDocument):
    generated_at: str
    json_key: str
    html_key: str
    html_url: str = Field(description="pre-signed S3 GET link to the archived HTML (7 days)")
    email: SnapshotEmailView


class SnapshotProjectionView(SnapshotDocument):
    """The month to date: computed on request, never stored, never emailed."""

    status: Literal["projection"] = "projection"  # type: ignore[assignment]
    as_of: date | None = Field(description="the latest scored day of the month (null before any)")
    bonus_eligible_so_far: bool = Field(
        description="every daily run of the month so far placed the partner in a bonus tier"
    )


class SnapshotSummaryView(View):
    month: str
    revision: int = 1
    status: SnapshotStatus = "final"
    monthly_score: int | None
    grade: Grade | None
    generated_at: str
    json_key: str
    html_key: str
    html_url: str
    email: SnapshotEmailView


class SnapshotListView(View):
    partner_id: str
    snapshots: list[SnapshotSummaryView] = Field(description="newest first")


class MonthlyQueuedView(View):
    """What the monthly coordinator queued."""

    month: str
    email: bool
    partners: int
    messages: int
    send_calls: int
