"""Score reviews: requests, resolutions, the audit trail and the review queue."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scorecard.domain.policy import Grade, Tier
from scorecard.schemas.base import View
from scorecard.schemas.scores import DailyRunView

JobIdField = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class ReviewIn(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str = Field(min_length=1, max_length=4000)
    job_ids: list[str] = Field(default_factory=list, max_length=50, description="jobs the partner disputes")


class ResolutionIn(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

    decision: Literal["upheld", "adjusted"]
    excluded_job_ids: list[str] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=4000)


ReviewStatus = Literal["open", "in_review", "upheld", "adjusted"]


RESOLVED_STATUSES: tuple[ReviewStatus, ...] = ("upheld", "adjusted")


class PickupIn(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

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
