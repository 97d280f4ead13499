"""GET /v1/partners/{id}/snapshots and /snapshots/{YYYY-MM}: the monthly snapshots, each with a fresh
pre-signed link to its archived HTML page (docs/snapshots.md)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import allow
from scorecard.api.errors import error_responses
from scorecard.api.params import PartnerId
from scorecard.bootstrap import bootstrap
from scorecard.ports import ArchiveLinks, PartnerStore, SentClaims, SnapshotStore
from scorecard.schemas.snapshots import SnapshotListView, SnapshotView
from scorecard.services import snapshots as snapshot_service

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


@snapshots_router.get(
    "/v1/partners/<partner_id>/snapshots/<month>",
    summary="One monthly snapshot with a link to its HTML",
    tags=["snapshots"],
    responses=error_responses(404, 422),
)
@allow("partner", "ops", "service")
def get_snapshot(partner_id: PartnerId, month: MonthPath) -> SnapshotView:
    return snapshot_service.get_snapshot(*_stores(), partner_id, month)
