"""Read side of the monthly snapshots: GET /v1/partners/{id}/snapshots[/{YYYY-MM}[?revision=n]], and
the month to date (a projection computed on request, never stored)."""

from __future__ import annotations

from datetime import date

from scorecard.adapters import keys
from scorecard.adapters.mail_claims import StoredClaim
from scorecard.adapters.records import SnapshotRecord
from scorecard.domain.snapshot import Month, compute_monthly_snapshot, monthly_tier
from scorecard.domain.window import day_end
from scorecard.ports import (
    ArchiveLinks,
    EvidenceStore,
    PartnerStore,
    PolicySource,
    ScoreStore,
    SentClaims,
    SnapshotStore,
)
from scorecard.schemas.snapshots import (
    SnapshotEmailView,
    SnapshotListView,
    SnapshotProjectionView,
    SnapshotSummaryView,
    SnapshotView,
)
from scorecard.services.errors import NotFound, UnknownPartner
from scorecard.services.scoring import fold_jobs, partner_zone
from scorecard.services.snapshot_figures import in_scope, snapshot_document, snapshot_since


class UnknownSnapshot(NotFound):
    def __init__(self, partner_id: str, month: str, revision: int | None = None) -> None:
        which = "" if revision is None else f" revision {revision}"
        super().__init__(f"partner {partner_id} has no snapshot{which} for {month}")


def _claim_of(claims: SentClaims, stored: SnapshotRecord) -> StoredClaim | None:
    """Revision 1's email, or the restatement notice of a later revision."""
    if stored.document.revision == 1:
        return claims.get(stored.partner_id, keys.MAIL_KIND_SNAPSHOT, stored.month)
    ref = f"{stored.month}#{stored.document.revision}"
    return claims.get(stored.partner_id, keys.MAIL_KIND_RESTATED, ref)


def email_view(stored: SnapshotRecord, claim: StoredClaim | None) -> SnapshotEmailView:
    """Revision 1: its email. A later revision: its restatement notice, `not_emailed` when neither the
    grade nor the bonus eligibility changed (no notice is due)."""
    if claim is not None:
        return SnapshotEmailView(
            status=claim.status, to=claim.recipient, sent_at=claim.sent_at, message_id=claim.message_id
        )
    notice_due = stored.document.revision == 1 or any(
        change.field in ("grade", "bonus_eligible") for change in stored.document.changes
    )
    if stored.recipient is None:
        status = "no_address"
    elif not stored.notify or not notice_due:
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
                revision=s.document.revision,
                status=s.document.status,
                monthly_score=s.document.monthly_score,
                grade=s.document.grade,
                generated_at=s.generated_at.isoformat(),
                json_key=s.json_key,
                html_key=s.html_key,
                html_url=archive.presigned_url(s.html_key),
                email=email_view(s, sent.get(s.month) if s.document.revision == 1 else _claim_of(claims, s)),
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
    revision: int | None = None,
) -> SnapshotView:
    """The month's latest revision, or revision `revision`."""
    stored = snapshots.get(partner_id, month, revision)
    if stored is None:
        if partners.get_profile(partner_id) is None:
            raise UnknownPartner(partner_id)
        raise UnknownSnapshot(partner_id, month, revision)
    return SnapshotView(
        **stored.document.model_dump(),
        generated_at=stored.generated_at.isoformat(),
        json_key=stored.json_key,
        html_key=stored.html_key,
        html_url=archive.presigned_url(stored.html_key),
        email=email_view(stored, _claim_of(claims, stored)),
    )


def month_to_date(
    partners: PartnerStore,
    evidence: EvidenceStore,
    scores: ScoreStore,
    policies: PolicySource,
    partner_id: str,
    today: date,
) -> SnapshotProjectionView:
    """The current month so far: the same figures up to `as_of` (the latest scored day of the month;
    today before any), the tier now and whether every daily run so far kept a bonus tier. Computed
    here, on request: never stored, never emailed."""
    month = Month.of(today)
    policy = policies.active_on(today)
    stored = evidence.load_evidence(partner_id, snapshot_since(month, policy))
    profile = partners.get_profile(partner_id)
    if profile is None and not stored.jobs:
        raise UnknownPartner(partner_id)
    history = scores.score_history(partner_id, month.first_day, today)
    last = max(history, key=lambda point: point.date, default=None)
    as_of = None if last is None else last.date
    cut = as_of or today
    folded = fold_jobs(partner_id, stored.jobs, until=day_end(cut, policy.zone))
    jobs = in_scope(folded, snapshot_since(month, policy), stored.kept_open)
    metrics = compute_monthly_snapshot(jobs, month, policy, partner_zone(profile), as_of=cut)
    standing = monthly_tier([(point.date, point.tier) for point in history], month, policy)
    current = scores.get_score(partner_id)
    document = snapshot_document(
        partner_id,
        metrics,
        policy,
        standing,
        None if last is None else last.network_percentile,
        last,
    )
    fields = document.bounded().model_dump(exclude={"job_figures", "status", "bonus_eligible", "tier"})
    return SnapshotProjectionView(
        **fields,
        tier=current.tier if current is not None else standing.tier,
        bonus_eligible=False,
        as_of=as_of,
        bonus_eligible_so_far=standing.bonus_eligible,
    )
