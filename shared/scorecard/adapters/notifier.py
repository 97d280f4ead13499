"""Notifiers on the NotificationQueue (SQS): ingestion's ReceiptNotifier (one small message per
received job), the daily run's DemotionNotifier (one per warned partner) and the review resolution's
ReviewNotifier (one per resolved review)."""

from __future__ import annotations

from collections.abc import Sequence

from scorecard.adapters.queue import SqsQueue
from scorecard.schemas.messages import (
    DemotionWarningMessage,
    PartReceivedMessage,
    ReviewResolvedMessage,
    SnapshotRestatedMessage,
)


class SqsNotifier:
    def __init__(self, queue: SqsQueue) -> None:
        self._queue = queue

    def parts_received(self, notices: Sequence[PartReceivedMessage]) -> None:
        if notices:  # no SQS call at all for the common batch without job.received events
            self._queue.send_all([notice.model_dump(mode="json") for notice in notices])

    def demotion_warnings(self, notices: Sequence[DemotionWarningMessage]) -> None:
        if notices:
            self._queue.send_all([notice.model_dump(mode="json") for notice in notices])

    def review_resolved(self, notice: ReviewResolvedMessage) -> None:
        self._queue.send_all([notice.model_dump(mode="json")])

    def snapshot_restated(self, notice: SnapshotRestatedMessage) -> None:
        self._queue.send_all([notice.model_dump(mode="json")])
