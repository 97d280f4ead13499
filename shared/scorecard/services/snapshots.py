"""Read side of the monthly snapshots: GET /v1/partners/{id}/snapshots[/{YYYY-MM}]."""

from __future__ import annotations

from scorecard.adapters import keys
from scorecard.adapters.mail_claims import StoredClaim
from scorecard.adapters.records import SnapshotRecord
from scorecard.ports import ArchiveLinks, PartnerStore, SentClaims, SnapshotStore
from scorecard.schemas.snapshots import SnapshotEmailView, SnapshotListView, SnapshotSummaryView, SnapshotView
from scorecard.services.errors import NotFound, UnknownPartner


class UnknownSnapshot(NotFound):
    def __init__(self, partner_id: str, month: str) -> None:
        super().__init__(f"partner {partner_id} has no snapshot for {month}")


def email_view(stored: SnapshotRecord, claim: StoredClaim | None) -> SnapshotEmailView:
    if claim is not None:
        return SnapshotEmailView(
            status=claim.status, to=claim.recipient, sent_at=claim.sent_at, message_id=claim.message_id
        )
    if stored.recipient is None:
        status = "no_address"
    elif not stored.notify:
        status = "not_emailed"
    else:
        status = "pending"
    return SnapshotEmailView(status=status, to=stored.recipient, sent_at=None, message_id=None)


def list_snapshots(
    partners: PartnerStore,
    snapshots: SnapshotStore,
    claims: SentClaims,
    archive: ArchiveLinks,
    partner_id: str,
) -> SnapshotListView:
    stored = snapshots.newest_first(partner_id)
    if not stored and partners.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    sent = claims.of_kind(partner_id, keys.MAIL_KIND_SNAPSHOT)
    return SnapshotListView(
        partner_id=partner_id,
        snapshots=[
            SnapshotSummaryView(
                month=s.month,
                monthly_score=s.document.monthly_score,
                grade=s.document.grade,
                generated_at=s.generated_at.isoformat(),
                json_key=s.json_key,
                html_key=s.html_key,
                html_url=archive.presigned_url(s.html_key),
                email=email_view(s, sent.get(s.month)),
            )
            for s in stored
        ],
    )


def get_snapshot(
    partners: PartnerStore,
    snapshots: SnapshotStore,
    claims: SentClaims,
    archive: ArchiveLinks,
    partner_id: str,
    month: str,
) -> SnapshotView:
    stored = snapshots.get(partner_id, month)
    if stored is None:
        if partners.get_profile(partner_id) is None:
            raise UnknownPartner(partner_id)
        raise UnknownSnapshot(partner_id, month)
    return SnapshotView(
        **stored.document.model_dump(),
        generated_at=stored.generated_at.isoformat(),
        json_key=stored.json_key,
        html_key=stored.html_key,
        html_url=archive.presigned_url(stored.html_key),
        email=email_view(stored, claims.get(partner_id, keys.MAIL_KIND_SNAPSHOT, month)),
    )
