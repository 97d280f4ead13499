"""Update requests (partner.update_requested / partner.update_responded), folded per request_id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import assert_never

import msgspec

from scorecard.domain.events import (
    ActivityEventBase,
    Event,
    JobEventBase,
    PartnerUpdateRequested,
    PartnerUpdateResponded,
)
from scorecard.domain.jobs import unique_ordered


class UpdateRequest(msgspec.Struct, frozen=True):
    request_id: str
    requested_at: datetime | None
    responded_at: datetime | None
    job_id: str | None

    def answered_within(self, limit: timedelta) -> bool:
        if self.requested_at is None or self.responded_at is None:
            return False
        return self.responded_at - self.requested_at <= limit


def fold_request(request_id: str, events: Iterable[Event], *, until: datetime | None = None) -> UpdateRequest:
    requested_at = responded_at = None
    job_id: str | None = None
    for event in unique_ordered(events):
        if until is not None and event.occurred_at > until:
            continue
        match event:
            case PartnerUpdateRequested():
                requested_at = requested_at or event.occurred_at
                job_id = job_id or event.job_id
            case PartnerUpdateResponded():
                responded_at = responded_at or event.occurred_at
            case JobEventBase() | ActivityEventBase():
                pass  # never stored on a request
            case _:
                assert_never(event)  # mypy: a request event type without its case here
    return UpdateRequest(request_id, requested_at, responded_at, job_id)
