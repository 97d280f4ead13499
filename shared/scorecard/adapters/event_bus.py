"""EventBridge publisher for score events (PutEvents, 10 entries per call, failed entries retried)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from scorecard.adapters.aws import client
from scorecard.schemas.bus import DETAIL_TYPES, SOURCE

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

PUT_EVENTS_LIMIT = 10


class EventBridgePublisher:
    def __init__(self, bus_name: str) -> None:
        self._bus = bus_name

    def publish(self, details: Sequence[BaseModel]) -> int:
        """Publish every detail; returns the number of PutEvents calls made."""
        entries: list[PutEventsRequestEntryTypeDef] = [
            {
                "Source": SOURCE,
                "DetailType": DETAIL_TYPES[type(detail)],
                "Detail": detail.model_dump_json(),
                "EventBusName": self._bus,
            }
            for detail in details
        ]
        calls = 0
        for start in range(0, len(entries), PUT_EVENTS_LIMIT):
            pending = entries[start : start + PUT_EVENTS_LIMIT]
            for attempt in range(6):
                calls += 1
                response = client("events").put_events(Entries=pending)
                if not response.get("FailedEntryCount"):
                    break
                pending = [e for e, r in zip(pending, response["Entries"], strict=True) if r.get("ErrorCode")]
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise RuntimeError(f"PutEvents kept failing for {len(pending)} entries")
        return calls
