"""Exports: what POST/GET /v1/exports take and answer, what an export stores, and each kind's CSV
columns (docs/api.md, Exports)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from scorecard.domain.events import EntityId
from scorecard.schemas.base import View

# A CSV cell as the services hand it to the export files (adapters.export_files encodes it).
Cell = str | int | float | Decimal | bool | date | datetime | None

ExportKind = Literal["bonus_roster", "partners", "jobs"]
ExportStatus = Literal["queued", "running", "complete", "failed"]
JobFilter = Literal["late", "defective", "all"]

EXPORT_ID_PATTERN = r"^ex-[0-9a-f]{20}$"

# The header row of each kind's CSV, in column order: the one list the rows follow.
ROSTER_COLUMNS = (
    "partner_id",
    "name",
    "tier_at_month_end",
    "bonus_eligible",
    "days_in_bonus_tier",
    "days_scored",
    "monthly_score",
    "grade",
    "value_accepted",
    "snapshot_revision",
)
PARTNER_COLUMNS = (
    "partner_id",
    "name",
    "email",
    "timezone",
    "score",
    "grade",
    "tier",
    "provisional",
    "percentile",
    "process",
    "process_percentile",
    "as_of",
)
JOB_COLUMNS = (
    "job_id",
    "status",
    "value",
    "part_count",
    "due_date",
    "offered_due_date",
    "ship_dates",
    "completed_at",
    "on_time",
    "days_late",
    "parts_shipped",
    "parts_inspected",
    "parts_defective",
    "excluded",
    "counts",
    "score_effect",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "bonus_roster": ROSTER_COLUMNS,
    "partners": PARTNER_COLUMNS,
    "jobs": JOB_COLUMNS,
}


class _ExportBody(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class BonusRosterExportIn(_ExportBody):
    """Finance's bonus roster: one row per partner with a final snapshot of the month."""

    kind: Literal["bonus_roster"]
    month: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM: a month that has ended (policy timezone); its final snapshots, the latest "
        "revision of each",
    )


class PartnersExportIn(_ExportBody):
    """The registry with each partner's current score, grade, tier, provisional flag and percentile."""

    kind: Literal["partners"]


class JobsExportIn(_ExportBody):
    """A partner's running record: every job recorded that `filter` takes, newest first."""

    kind: Literal["jobs"]
    partner_id: EntityId
    filter: JobFilter = Field(default="all", description="late, defective or all (as GET …/jobs)")


ExportIn = Annotated[BonusRosterExportIn | PartnersExportIn | JobsExportIn, Field(discriminator="kind")]


class ExportRecord(BaseModel):
    """The stored export: the request (it cannot change) and where its pages stand. A fixed set of
    scalars: the rows themselves are S3 objects, so the item never grows."""

    model_config = ConfigDict(frozen=True)

    export_id: str
    request: BonusRosterExportIn | PartnersExportIn | JobsExportIn = Field(discriminator="kind")
    requested_by: str
    created_at: datetime
    expires_at: datetime
    as_of: date | None = None  # jobs: the day whose score says which jobs count (fixed at the start)
    status: ExportStatus = "queued"
    rows: int = 0
    next_page: int = 0  # pages 0 .. next_page - 1 are written
    cursor: str | None = None  # where page `next_page` starts (None: the beginning)
    written: bool = False  # every page is written: the CSV is being (or was) put together
    advanced_by: str | None = None  # the nonce of the message that wrote the last page
    attempts: int = 0  # failed tries of the current step
    reason: str | None = None  # why the export failed (or why the last try did)
    object_key: str | None = None
    completed_at: datetime | None = None

    @property
    def kind(self) -> ExportKind:
        return self.request.kind


class ExportAccepted(View):
    id: str
    kind: ExportKind
    status: ExportStatus
    location: str = Field(description="GET it for the status and, once complete, the link")


class ExportView(View):
    id: str
    kind: ExportKind
    status: ExportStatus = Field(
        description="queued (no page written yet), running, complete (`url` is set) or failed (`reason`)"
    )
    rows: int = Field(description="data rows written so far (the header row not counted)")
    url: str | None = Field(
        description="complete: a pre-signed GET link to the CSV (RFC 4180, UTF-8, a header row); a "
        "fresh one on every GET, good for `url_expires_in` seconds"
    )
    url_expires_in: int | None = Field(description="seconds the link is good for (null without a link)")
    reason: str | None = Field(description="failed: why")
    month: str | None = Field(description="bonus_roster: the month")
    partner_id: str | None = Field(description="jobs: the partner")
    filter: JobFilter | None = Field(description="jobs: the filter")
    as_of: date | None = Field(description="jobs: the day whose score says which jobs count")
    requested_by: str
    created_at: datetime
    completed_at: datetime | None
    expires_at: datetime = Field(description="the export and its file are deleted after this")
