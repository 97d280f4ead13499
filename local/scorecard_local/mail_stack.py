"""The local stack's mail: every email SES (moto) accepted, and the outbox folder `make run` writes
them to. The stack itself (queues, function environments, pollers, the scheduled runs) is
scorecard_local.stack; this module only reads what it sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorecard_local.outbox import sent_emails, write_outbox
from scorecard_local.stack import ACCOUNT, REGION, LocalStack

OPS_DIGEST_TO = "ops@scorecard.local"  # the local stand-in for the ops team's address


def outbox(stack: LocalStack) -> list[dict[str, Any]]:
    return sent_emails(ACCOUNT, REGION)


def save_outbox(stack: LocalStack) -> list[Path]:
    """Every email sent so far as .local/outbox/<n>-<to>.html."""
    emails = outbox(stack)
    stack.outbox_written = len(emails)
    return write_outbox(stack.root / ".local" / "outbox", emails)


def sync_outbox(stack: LocalStack) -> None:
    """After each request the server answers: when emails were sent since the outbox was last
    written (a monthly run, a restatement notice, a review's decision), write it again."""
    if len(outbox(stack)) != stack.outbox_written:
        save_outbox(stack)


def overdue_digest(stack: LocalStack) -> dict[str, Any] | None:
    """Ops' digest of the reviews open for more than 5 business days, as an outbox entry
    {to, subject, text, html}, or None when none is overdue. Computed when the outbox is read (one
    query of the open queue, oldest first, stopping at the first review not overdue): the local view
    of what a scheduled digest would send."""
    from scorecard.bootstrap import bootstrap
    from scorecard.domain.business_days import REVIEW_DUE_BUSINESS_DAYS
    from scorecard.email.format import fmt_full_day
    from scorecard.email.notifications import OverdueReviewRow, render_overdue_digest
    from scorecard.services.reviews import overdue_reviews

    with stack.lock:
        boot = bootstrap()
        entries = overdue_reviews(boot.reviews, boot.clock.now(), boot.policy)
        if not entries:
            return None
        rows = [
            OverdueReviewRow(
                review_id=entry.review.review_id,
                partner_id=entry.review.partner_id,
                requested_on=fmt_full_day(boot.policy.local_date(entry.review.requested_at)),
                business_days=str(entry.age_business_days),
                status=entry.review.status,
            )
            for entry in entries
        ]
        digest = render_overdue_digest(rows, REVIEW_DUE_BUSINESS_DAYS)
    return {"to": OPS_DIGEST_TO, "subject": digest.subject, "text": digest.text, "html": digest.html}
