"""GET /v1/partners/{id}/snapshots and /snapshots/{YYYY-MM}: the monthly snapshots, each with a fresh
pre-signed link to its archived HTML page (docs/snapshots.md)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.domain.snapshot import Month
from scorecard.ports import ArchiveLinks, PartnerStore, SentClaims, SnapshotStore
from scorecard.schemas.snapshots import SnapshotListView, SnapshotProjectionView, SnapshotView
from scorecard.services import snapshots as snapshot_service
from scorecard.services.snapshots import UnknownSnapshot

MonthPath = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]

snapshots_router = APIGatewayRouter()


def _stores() -> tuple[PartnerStore, SnapshotStore, SentClaims, ArchiveLinks]:
    boot = bootstrap()
    return boot.partners, boot.snapshots, boot.mail_claims, boot.archive


@snapshots_router.get(
    "/v1/partners/<partner_id>/snapshots",
    summary="Monthly Partner Performance Snapshots, newest first",
    tags=["snapshots"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def list_snapshots(partner_id: PartnerId) -> SnapshotListView:
    return snapshot_service.list_snapshots(*_stores(), partner_id)


Revision = Annotated[
    int | None, Query(ge=1, le=999, description="an earlier revision of a final snapshot (1 = as first sent)")
]


@snapshots_router.get(
    "/v1/partners/<partner_id>/snapshots/<month>",
    summary="One monthly snapshot (or an earlier revision) with a link to its HTML; the current month "
    "is the month-to-date projection",
    tags=["snapshots"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_snapshot(
    partner_id: PartnerId, month: MonthPath, revision: Revision = None
) -> SnapshotView | SnapshotProjectionView:
    boot = bootstrap()
    today = boot.clock.today()
    try:
        asked, current = Month.parse(month), Month.of(today)
    except ValueError:
        raise UnknownSnapshot(partner_id, month) from None  # before 1970: never snapshotted
    if (asked.year, asked.month) > (current.year, current.month):
        raise UnknownSnapshot(partner_id, month)  # a month that has not begun
    if asked == current:
        if revision is not None:
            raise UnknownSnapshot(partner_id, month, revision)  # a projection has no revisions
        return snapshot_service.month_to_date(
            boot.partners, boot.evidence, boot.scores, boot.policies, partner_id, today
        )
    return snapshot_service.get_snapshot(*_stores(), partner_id, month, revision)
