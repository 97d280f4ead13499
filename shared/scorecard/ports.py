"""The ports: every interface a service depends on, implemented by the adapters (and by fakes in the
service tests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scorecard.schemas.messages import DemotionWarningMessage, PartReceivedMessage, ReviewResolvedMessage


class DemotionNotifier(Protocol):
    """Where the daily run hands its demotion warnings (adapters.receipt_notifier, on SQS)."""

    def demotion_warnings(self, notices: Sequence[DemotionWarningMessage]) -> None: ...


class ReceiptNotifier(Protocol):
    """Where ingestion hands `job.received` events once they are stored (on SQS)."""

    def parts_received(self, notices: Sequence[PartReceivedMessage]) -> None: ...


class ReviewNotifier(Protocol):
    """Where a review resolution hands its email (on SQS)."""

    def review_resolved(self, notice: ReviewResolvedMessage) -> None: ...
