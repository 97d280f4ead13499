"""POST /v1/events: the batch is validated whole before anything is written, then each event is
written, its idempotency marker first (see adapters/event_store.py).

Validation (domain/events.py) bounds everything the write path could choke on, so a batch that
passes it is written whole unless storage itself fails: then the batch stops at that event with
IngestInterrupted, carrying what was written so far (docs/api.md: 503, re-sending is safe).
"""

from __future__ import annotations

from datetime import datetime

from scorecard.adapters.event_store import DynamoEventStore, EventStoreError
from scorecard.domain.events import EventBatch, JobReceived
from scorecard.ports import ReceiptNotifier
from scorecard.schemas.events import EventResultView, IngestResultView
from scorecard.schemas.messages import PartReceivedMessage


class IngestInterrupted(Exception):
    """Storage failed after retries: `written` holds the results of the events before the failing
    one (recorded or duplicate); that event and the rest were not written."""

    def __init__(self, written: IngestResultView, failed_event_id: str) -> None:
        super().__init__(f"storage failed at event {failed_event_id}")
        self.written = written
        self.failed_event_id = failed_event_id


def _summary(results: list[EventResultView]) -> IngestResultView:
    return IngestResultView(
        recorded=sum(r.status == "recorded" for r in results),
        duplicates=sum(r.status == "duplicate" for r in results),
        results=results,
    )


def conflicts(result: IngestResultView) -> list[str]:
    """The event ids answered `conflict` (docs/api.md: the batch is then answered 409)."""
    return [r.event_id for r in result.results if r.status == "conflict"]


def ingest_batch(
    batch: EventBatch,
    store: DynamoEventStore,
    received_at: datetime,
    notifier: ReceiptNotifier | None = None,
) -> IngestResultView:
    results: list[EventResultView] = []
    for position, event in enumerate(batch.events):
        try:
            status = store.record(event, received_at, position)
        except EventStoreError as error:
            raise IngestInterrupted(_summary(results), event.event_id) from error
        results.append(EventResultView(event_id=event.event_id, status=status))
    if notifier is not None:
        # After every event is stored, so a queued notice never refers to an unrecorded event.
        # Duplicates are queued again on purpose: if queuing failed after the events were stored,
        # the client's retry (which finds them duplicates) is the only chance to queue them; the
        # worker's once-per-job claim makes the extra messages harmless.
        notifier.parts_received(
            [
                PartReceivedMessage.of(event.partner_id, event.job_id, event.event_id, event.occurred_at)
                for event, result in zip(batch.events, results, strict=True)
                # a conflicting event was not written: the stored one under its id is something else
                if isinstance(event, JobReceived) and result.status != "conflict"
            ]
        )
    return _summary(results)
