"""The SQS messages between functions: daily and snapshot batches, backtest plans and batches, and
notifications."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    TypeAdapter,
    field_validator,
)

from scorecard.domain.events import EntityId
from scorecard.domain.policy import Tier

MonthText = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


SNAPSHOT_BATCH_SIZE = 25  # partners per message: one worker record stays well inside its timeout


# Partners per message of the daily run: one BatchGetItem (its limit, 100 keys) reads their current
# scores, so a message costs 1 + 1/100 requests per partner besides the writes.
DAILY_BATCH_SIZE = 100


class PartnerBatch(BaseModel):
    """A message of a fanned-out run (services.fanout): these partners, for the run its subclass
    names. A partner that fails in a larger message is split off into a message of its own
    (`isolated`), so it is retried, and finally dead-lettered, alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner_ids: list[EntityId] = Field(min_length=1)
    isolated: bool = False

    @field_validator("partner_ids")
    @classmethod
    def _each_partner_once(cls, partner_ids: list[str]) -> list[str]:
        """A partner named twice is worked once: a backtest batch would count it twice in its
        histograms, and DynamoDB refuses batch reads and writes whose keys repeat."""
        return list(dict.fromkeys(partner_ids))

    def split_off(self, partner_ids: Iterable[str]) -> list[Self]:
        """One isolated message per partner, the rest of the message unchanged."""
        return [self.model_copy(update={"partner_ids": [p], "isolated": True}) for p in partner_ids]


class DailyBatchMessage(PartnerBatch):
    """DailyQueue: score these partners as of the end of `as_of`."""

    as_of: date
    partner_ids: list[EntityId] = Field(min_length=1, max_length=500)


class SnapshotBatchMessage(PartnerBatch):
    """SnapshotQueue: snapshot (and email) these partners for this month."""

    month: MonthText
    partner_ids: list[EntityId] = Field(min_length=1, max_length=SNAPSHOT_BATCH_SIZE)
    # False for backfills: archive and record the month without emailing anyone.
    email: bool = True


BACKTEST_BATCH_SIZE = 50  # partners per message of a backtest: 50 partners x up to 93 days, 2 versions


BacktestId = Annotated[str, StringConstraints(pattern=r"^bt-[0-9a-f]{20}$")]


class BacktestPlanMessage(BaseModel):
    """BacktestQueue: page the registry and queue the partners of this backtest in batches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["plan"] = "plan"
    backtest_id: BacktestId


class BacktestBatchMessage(PartnerBatch):
    """BacktestQueue: replay these partners over the backtest's days (its range and policies are on
    the stored backtest, which never changes)."""

    kind: Literal["batch"] = "batch"
    backtest_id: BacktestId
    partner_ids: list[EntityId] = Field(min_length=1, max_length=BACKTEST_BATCH_SIZE)


class BacktestMessage(RootModel[BacktestPlanMessage | BacktestBatchMessage]):
    """Either message of BacktestQueue, told apart by `kind`."""

    root: Annotated[BacktestPlanMessage | BacktestBatchMessage, Field(discriminator="kind")]


EXPORT_CURSOR_MAX = 512  # a registry position (a partner id) or a running record's cursor


class ExportPageMessage(BaseModel):
    """ExportQueue: write page `page` of an export, starting at `cursor`. `nonce` tells a redelivery of
    this very message (same nonce) from another message for the same page (services.exports)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    export_id: Annotated[str, StringConstraints(pattern=r"^ex-[0-9a-f]{20}$")]
    page: int = Field(ge=0)
    cursor: str | None = Field(default=None, min_length=1, max_length=EXPORT_CURSOR_MAX)
    nonce: str = Field(min_length=1, max_length=64)


class PartReceivedMessage(BaseModel):
    """NotificationQueue: a job.received event was recorded; tell the partner (once per job)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner_id: EntityId
    job_id: EntityId
    event_id: str = Field(min_length=1, max_length=128)
    received_at: AwareDatetime

    @classmethod
    def of(cls, partner_id: str, job_id: str, event_id: str, received_at: datetime) -> Self:
        return cls(partner_id=partner_id, job_id=job_id, event_id=event_id, received_at=received_at)


class DemotionWarningMessage(BaseModel):
    """NotificationQueue: the first daily run below the partner's tier (docs/scoring.md: "the partner is
    warned on the first"); emailed once per partner and day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["review_resolved"] = "review_resolved"
    partner_id: EntityId
    review_id: str = Field(min_length=1, max_length=64)
    decision: Literal["upheld", "adjusted"]
    note: str | None = Field(default=None, max_length=4000)
    excluded_job_ids: list[str] = Field(default=[], max_length=50)
    resolved_at: AwareDatetime
    score_before: float | None
    score_after: float | None


class SnapshotRestatedMessage(BaseModel):
    """NotificationQueue: the daily run restated a snapshot and its grade or bonus eligibility moved;
    email the partner the short notice, once per revision."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["snapshot_restated"] = "snapshot_restated"
    partner_id: EntityId
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    revision: int = Field(ge=2)


# Part-received messages carry no `kind` (they came first); the models' required fields tell them apart.
NOTIFICATION_ADAPTER: TypeAdapter[
    PartReceivedMessage | DemotionWarningMessage | ReviewResolvedMessage | SnapshotRestatedMessage
] = TypeAdapter(
    PartReceivedMessage | DemotionWarningMessage | ReviewResolvedMessage | SnapshotRestatedMessage,
)
