"""The ingest API's own views.

Apart from views.py (which re-exports them) so that the ingest function's cold start builds these
few models, not every view of the API (bench: cold_import_ratio_ingest).
"""

from typing import Literal

from scorecard.view import View


class EventResultView(View):
    event_id: str
    # conflict: the event_id was recorded before with other content; this event was not written
    status: Literal["recorded", "duplicate", "conflict"]


class IngestResultView(View):
    recorded: int
    duplicates: int
    results: list[EventResultView]
