"""POST /v1/events: the batch is validated whole before anything is written, then each event is one
transaction (see adapters/event_store.py)."""

from __future__ import annotations

from datetime import datetime

from scorecard.adapters.event_store import DynamoEventStore
from scorecard.domain.events import EventBatch, JobReceived
from scorecard.messages import PartReceivedMessage, ReceiptNotifier
from scorecard.views import EventResultView, IngestResultView


def ingest_batch(
    batch: EventBatch,
    store: DynamoEventStore,
    received_at: datetime,
    notifier: ReceiptNotifier | None = None,
) -> IngestResultView:
    results = [
        EventResultView(event_id=event.event_id, status=store.record(event, received_at))
        for event in batch.events
    ]
    if notifier is not None:
        # After every event is stored, so a queued notice never refers to an unrecorded event.
        # Duplicates are queued again on purpose: if queuing failed after the events were stored,
        # the client's retry (which finds them duplicates) is the only chance to queue them; the
        # worker's once-per-job claim makes the extra messages harmless.
        notifier.parts_received(
            [
                PartReceivedMessage.of(event.partner_id, event.job_id, event.event_id, event.occurred_at)
                for event in batch.events
                if isinstance(event, JobReceived)
            ]
        )
    recorded = sum(r.status == "recorded" for r in results)
    return IngestResultView(recorded=recorded, duplicates=len(results) - recorded, results=results)
