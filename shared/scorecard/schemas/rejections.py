"""A partner's rejection feedback: the jobs it turned down and what it said (GET
/v1/partners/{id}/rejections)."""

from datetime import datetime

from pydantic import Field

from scorecard.schemas.base import View


class RejectionView(View):
    job_id: str
    event_id: str
    rejected_at: datetime
    feedback: str | None = Field(description="what the partner said when it rejected the job, else null")


class RejectionListView(View):
    partner_id: str
    since: datetime = Field(description="the start of the 90 days listed (the request's time less 90 days)")
    rejections: list[RejectionView] = Field(description="newest first")
    next_cursor: str | None = Field(
        default=None,
        description="the cursor of the next page; a page reads a bounded number of items, so it may hold "
        "fewer than `limit` rejections (even none) and still have a next page",
    )
