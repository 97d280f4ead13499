"""The base of every response view, and the ingest API's own views.

Apart from views.py (which re-exports them) so that the ingest function's cold start builds these
few models, not every view of the API (bench: cold_import_ratio_ingest).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    # defer_build: a response model's validator is built when first used, not at import: a cold
    # API request builds the few its route returns instead of every view of the API (about 25 ms of
    # the API function's import, bench cold_import_vs_floor).
    model_config = ConfigDict(frozen=True, defer_build=True)


class EventResultView(View):
    event_id: str
    # conflict: the event_id was recorded before with other content; this event was not written
    status: Literal["recorded", "duplicate", "conflict"]


class IngestResultView(View):
    recorded: int
    duplicates: int
    results: list[EventResultView]
