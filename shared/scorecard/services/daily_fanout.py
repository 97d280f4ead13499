"""The daily run at scale (DESIGN §8): a coordinator pages the partner registry and queues batches of
partner ids; workers score a batch each. A partner that fails is split off into a message of its
own, so it is retried (and, past the queue's maxReceiveCount, dead-lettered) alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.domain.policy import ScoringPolicy
from scorecard.messages import DemotionNotifier
from scorecard.services.daily import ScoreEventPublisher, score_partners
from scorecard.views import DailyRunView

PARTNERS_PER_MESSAGE = 50


class MessageSender(Protocol):
    def send_all(self, bodies: Sequence[dict[str, Any]]) -> int: ...


class DailyBatch(BaseModel):
    """One SQS message of the daily run."""

    model_config = ConfigDict(extra="forbid")

    as_of: date
    partner_ids: list[str] = Field(min_length=1, max_length=500)
    isolated: bool = Field(default=False, description="a single partner split off after a failure")


class PartnerScoringFailed(Exception):
    """A single-partner batch failed: the message goes back to the queue (and to the DLQ at last)."""


def plan_daily_run(
    repository: PartnerRepository, queue: MessageSender, as_of: date, batch_size: int = PARTNERS_PER_MESSAGE
) -> int:
    """Queue every registered partner in batches; returns the number of partners queued. Reads the
    registry only (GSI2 pages), never job data."""
    queued = 0
    batch: list[str] = []
    messages: list[dict[str, Any]] = []
    for partner_id in repository.iter_partner_ids():
        batch.append(partner_id)
        queued += 1
        if len(batch) == batch_size:
            messages.append(DailyBatch(as_of=as_of, partner_ids=batch).model_dump(mode="json"))
            batch = []
        if len(messages) >= 100:
            queue.send_all(messages)
            messages = []
    if batch:
        messages.append(DailyBatch(as_of=as_of, partner_ids=batch).model_dump(mode="json"))
    queue.send_all(messages)
    return queued


def score_daily_batch(
    batch: DailyBatch,
    repository: PartnerRepository,
    queue: MessageSender,
    policy: ScoringPolicy,
    computed_at: datetime,
    publisher: ScoreEventPublisher | None = None,
    warner: DemotionNotifier | None = None,
) -> DailyRunView:
    report = score_partners(
        repository, batch.partner_ids, batch.as_of, policy, computed_at, publisher, warner
    )
    if report.failed and batch.isolated:
        raise PartnerScoringFailed(f"scoring {report.failed[0]} as of {batch.as_of} failed")
    if report.failed:
        queue.send_all(
            [
                DailyBatch(as_of=batch.as_of, partner_ids=[p], isolated=True).model_dump(mode="json")
                for p in report.failed
            ]
        )
    return report
