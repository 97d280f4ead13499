"""The jobs that count and one job's story (GET /v1/partners/{id}/jobs[/{job_id}])."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from scorecard.domain.events import DefectCategory
from scorecard.schemas.base import View
from scorecard.schemas.scores import (
    WindowView,
)


class ShipmentView(View):
    event_id: str
    shipped_at: datetime
    ship_date: date
    parts: int
    direct_to_customer: bool
    on_time: bool | None


class DefectView(View):
    """One line of an inspection's defects, as the inspection reported it."""

    part_number: str
    quantity: int
    category: DefectCategory
    note: str | None


class InspectionView(View):
    event_id: str
    inspected_at: datetime
    parts_inspected: int
    parts_defective: int
    ncmr_id: str | None
    report_url: str | None
    defects: list[DefectView] = Field(
        default=[], description="which parts were defective and why (empty when the inspection names none)"
    )


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
    defects_by_category: dict[DefectCategory, int] | None = Field(
        default=None,
        description="the defective parts the job's inspections itemise, per category (categories with "
        "none left out; their sum is at most parts_defective); with filter=defective and in a job's "
        "story, else null",
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
