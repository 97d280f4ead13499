"""The messages of NotificationQueue (one email each), and the ports that queue them."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal, Protocol, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from scorecard.domain.events import EntityId
from scorecard.domain.policy import Tier


class PartReceivedMessage(BaseModel):
    """NotificationQueue: a job.received event was recorded; tell the partner (once per job)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    partner_id: EntityId
    job_id: EntityId
    event_id: str = Field(min_length=1, max_length=128)
    received_at: AwareDatetime

    @classmethod
    def of(cls, partner_id: str, job_id: str, event_id: str, received_at: datetime) -> Self:
        return cls(partner_id=partner_id, job_id=job_id, event_id=event_id, received_at=received_at)


class DemotionWarningMessage(BaseModel):
    """NotificationQueue: the first daily run below the partner's tier (DESIGN §4: "the partner is
    warned on the first"); emailed once per partner and day."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["demotion_warning"] = "demotion_warning"
    partner_id: EntityId
    as_of: date
    tier: Tier
    pending_tier: Tier
    runs_required: int = Field(ge=1)
    score: float | None


class ReviewResolvedMessage(BaseModel):
    """NotificationQueue: ops resolved a review; email the partner the decision, the note and the
    score before and after, once per review."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["review_resolved"] = "review_resolved"
    partner_id: EntityId
    review_id: str = Field(min_length=1, max_length=64)
    decision: Literal["upheld", "adjusted"]
    note: str | None = Field(default=None, max_length=4000)
    excluded_job_ids: list[str] = Field(default=[], max_length=50)
    resolved_at: AwareDatetime
    score_before: float | None
    score_after: float | None


# Part-received messages carry no `kind` (they came first); the models' required fields tell them apart.
NOTIFICATION_ADAPTER: TypeAdapter[PartReceivedMessage | DemotionWarningMessage | ReviewResolvedMessage] = (
    TypeAdapter(
        PartReceivedMessage | DemotionWarningMessage | ReviewResolvedMessage,
        config=ConfigDict(defer_build=True),
    )
)

# What a function that receives these messages in every invocation builds at init
# (scorecard.deferred.build_at_init): the members, then the union over them, which reuses theirs.
NOTIFICATION_MESSAGES: tuple[type[BaseModel] | TypeAdapter[Any], ...] = (
    PartReceivedMessage,
    DemotionWarningMessage,
    ReviewResolvedMessage,
    NOTIFICATION_ADAPTER,
)


class DemotionNotifier(Protocol):
    """Where the daily run hands its demotion warnings (adapters.receipt_notifier, on SQS)."""

    def demotion_warnings(self, notices: Sequence[DemotionWarningMessage]) -> None: ...


class ReceiptNotifier(Protocol):
    """Where ingestion hands `job.received` events once they are stored (adapters.receipt_notifier
    implements it with SQS). Kept here, next to the message, so ingestion imports nothing heavier."""

    def parts_received(self, notices: Sequence[PartReceivedMessage]) -> None: ...


class ReviewNotifier(Protocol):
    """Where a review resolution hands its email (adapters.receipt_notifier, on SQS)."""

    def review_resolved(self, notice: ReviewResolvedMessage) -> None: ...
