"""EventBridge publisher for score events: PutEvents, 10 entries per call, failed entries retried
(adapters.retry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from scorecard.adapters.aws import client
from scorecard.adapters.retry import until_done
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

        def put(pending: list[PutEventsRequestEntryTypeDef]) -> list[PutEventsRequestEntryTypeDef]:
            nonlocal calls
            calls += 1
            response = client("events").put_events(Entries=pending)
            if not response.get("FailedEntryCount"):
                return []
            return [e for e, r in zip(pending, response["Entries"], strict=True) if r.get("ErrorCode")]

        for start in range(0, len(entries), PUT_EVENTS_LIMIT):
            until_done(put, entries[start : start + PUT_EVENTS_LIMIT], what="PutEvents")
        return calls
