"""The API views of GET /v1/partners/{id}/snapshots[/{YYYY-MM}]; the archived document they extend
is snapshot_document's (re-exported here)."""

from typing import Literal

from pydantic import Field

from scorecard.domain.policy import Grade
from scorecard.snapshot_document import SnapshotDocument as SnapshotDocument
from scorecard.snapshot_document import SnapshotLineView as SnapshotLineView
from scorecard.view import View

EmailStatus = Literal["sent", "sending", "pending", "no_address", "not_emailed"]


class SnapshotEmailView(View):
    status: EmailStatus = Field(
        description="sent; sending (claimed, not yet confirmed); pending (not yet emailed); "
        "no_address (partner has no email); not_emailed (archived by a backfill)"
    )
    to: str | None
    sent_at: str | None
    message_id: str | None


class SnapshotView(SnapshotDocument):
    generated_at: str
    json_key: str
    html_key: str
    html_url: str = Field(description="pre-signed S3 GET link to the archived HTML (7 days)")
    email: SnapshotEmailView


class SnapshotSummaryView(View):
    month: str
    monthly_score: int | None
    grade: Grade | None
    generated_at: str
    json_key: str
    html_key: str
    html_url: str
    email: SnapshotEmailView


class SnapshotListView(View):
    partner_id: str
    snapshots: list[SnapshotSummaryView] = Field(description="newest first")
