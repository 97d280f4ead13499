"""Notifiers on the NotificationQueue (SQS): ingestion's ReceiptNotifier (one small message per
received job) and the daily run's DemotionNotifier (one per warned partner)."""

from __future__ import annotations

from collections.abc import Sequence

from scorecard import settings
from scorecard.adapters.queue import SqsQueue
from scorecard.messages import DemotionNotifier, DemotionWarningMessage, PartReceivedMessage, ReceiptNotifier


class SqsReceiptNotifier:
    def __init__(self, queue: SqsQueue) -> None:
        self._queue = queue

    def parts_received(self, notices: Sequence[PartReceivedMessage]) -> None:
        if notices:  # no SQS call at all for the common batch without job.received events
            self._queue.send_all([notice.model_dump(mode="json") for notice in notices])

    def demotion_warnings(self, notices: Sequence[DemotionWarningMessage]) -> None:
        if notices:
            self._queue.send_all([notice.model_dump(mode="json") for notice in notices])


def receipt_notifier_from_env() -> ReceiptNotifier | None:
    """The SQS notifier when NOTIFICATION_QUEUE_URL is set, else none (tests, tools, backfills)."""
    url = settings.notification_queue_url()
    return None if url is None else SqsReceiptNotifier(SqsQueue(url))


def demotion_notifier_from_env() -> DemotionNotifier | None:
    """The SQS notifier when NOTIFICATION_QUEUE_URL is set, else none (no warning emails)."""
    url = settings.notification_queue_url()
    return None if url is None else SqsReceiptNotifier(SqsQueue(url))
