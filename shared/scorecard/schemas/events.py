"""What POST /v1/events answers (the event models themselves are the domain's: scorecard.domain.events)."""

from typing import Literal

from scorecard.schemas.base import View


class EventResultView(View):
    event_id: str
    # conflict: the event_id was recorded before with other content; this event was not written
    status: Literal["recorded", "duplicate", "conflict"]


class IngestResultView(View):
    recorded: int
    duplicates: int
    results: list[EventResultView]
