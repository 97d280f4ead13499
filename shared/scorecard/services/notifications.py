"""Part received notifications ("will I know when you have received and approved a part?").

Ingestion stays thin: once a `job.received` event is stored it only queues a small message (through
a ports.ReceiptNotifier, adapters.notifier on SQS); the notification worker
renders and sends the email, once per job, with the same claim as the monthly snapshot
(services.mail_once).
"""

from __future__ import annotations

import msgspec

from scorecard.adapters import keys
from scorecard.adapters.records import PartnerProfile
from scorecard.domain.policy import ScoringPolicy
from scorecard.email.notifications import (
    render_demotion_warning,
    render_part_received,
    render_review_resolved,
)
from scorecard.email.render import RenderedEmail
from scorecard.ports import EvidenceStore, PartnerStore
from scorecard.schemas.messages import DemotionWarningMessage, PartReceivedMessage, ReviewResolvedMessage
from scorecard.services.mail_once import MailOut, SendResult
from scorecard.services.scoring import fold_jobs

RECEIVED_MAIL_KIND = keys.MAIL_KIND_RECEIVED
DEMOTION_MAIL_KIND = keys.MAIL_KIND_DEMOTION
REVIEW_MAIL_KIND = keys.MAIL_KIND_REVIEW


class NotificationDeps(msgspec.Struct, frozen=True):
    partners: PartnerStore
    evidence: EvidenceStore
    policy: ScoringPolicy
    mail: MailOut


def _send_once(
    deps: NotificationDeps,
    partner_id: str,
    kind: str,
    ref: str,
    profile: PartnerProfile | None,
    rendered: RenderedEmail,
) -> SendResult:
    return deps.mail.send(
        partner_id=partner_id,
        kind=kind,
        ref=ref,
        recipient=profile.email if profile else None,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )


def notify_part_received(deps: NotificationDeps, notice: PartReceivedMessage) -> SendResult:
    profile = deps.partners.get_profile(notice.partner_id)
    stored = deps.evidence.get_job(notice.partner_id, notice.job_id)
    job = fold_jobs(notice.partner_id, [stored], until=None)[0] if stored else None
    rendered = render_part_received(
        partner_name=(profile.name if profile and profile.name else notice.partner_id),
        job_id=notice.job_id,
        received_on=deps.policy.local_date(notice.received_at),
        parts_shipped=job.parts_shipped if job and job.shipments else None,
        due=job.due_date if job else None,
    )
    return _send_once(deps, notice.partner_id, RECEIVED_MAIL_KIND, notice.job_id, profile, rendered)


def notify_demotion_warning(deps: NotificationDeps, notice: DemotionWarningMessage) -> SendResult:
    """The warning of docs/scoring.md, once per partner and day (a re-run or a retry sends nothing more)."""
    profile = deps.partners.get_profile(notice.partner_id)
    rendered = render_demotion_warning(
        partner_name=(profile.name if profile and profile.name else notice.partner_id),
        tier=notice.tier,
        pending_tier=notice.pending_tier,
        score=notice.score,
        runs_required=notice.runs_required,
        as_of=notice.as_of,
    )
    return _send_once(
        deps, notice.partner_id, DEMOTION_MAIL_KIND, notice.as_of.isoformat(), profile, rendered
    )


def notify_review_resolved(deps: NotificationDeps, notice: ReviewResolvedMessage) -> SendResult:
    """The decision, the note and the score before and after, once per review (a retried resolution
    queues the notice again; the claim sends nothing more)."""
    profile = deps.partners.get_profile(notice.partner_id)
    rendered = render_review_resolved(
        partner_name=(profile.name if profile and profile.name else notice.partner_id),
        review_id=notice.review_id,
        decision=notice.decision,
        resolved_on=deps.policy.local_date(notice.resolved_at),
        note=notice.note,
        excluded_job_ids=notice.excluded_job_ids,
        score_before=notice.score_before,
        score_after=notice.score_after,
    )
    return _send_once(deps, notice.partner_id, REVIEW_MAIL_KIND, notice.review_id, profile, rendered)
