"""Monthly snapshots: the archived document (S3 JSON) and the API's views of stored snapshots."""

from datetime import date
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


class SnapshotDocument(View):
    """What s3://<bucket>/snapshots/<YYYY-MM>/<pid>.json holds."""

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


class SnapshotSummaryView(View):
    month: str
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
