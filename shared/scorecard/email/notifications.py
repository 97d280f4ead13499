"""The notification emails' contexts: the part-received notice, the demotion warning, the review
resolution and ops' overdue-review digest (the snapshot's: services/emails). Each email has one typed
context of pre-formatted values (email_format), rendered by email_render from scorecard/templates.
Apart from the snapshot's so that the notification worker, which renders one of these in every
invocation, does not import the snapshot email's code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import msgspec

from scorecard.email.format import DASH, PRODUCT, fmt_decimal, fmt_full_day, fmt_int
from scorecard.email.render import RenderedEmail, render_email

# -- the part-received notice and the demotion warning -------------------------------------------


class PartReceivedContext(msgspec.Struct, frozen=True):
    product: str
    partner_name: str
    job_id: str
    received_on: str
    parts_shipped: str | None
    due: str | None


class DemotionWarningContext(msgspec.Struct, frozen=True):
    product: str
    partner_name: str
    tier: str  # "Elite"
    pending_tier: str
    score: str | None
    runs_required: int
    as_of: str


def render_part_received(
    *, partner_name: str, job_id: str, received_on: date, parts_shipped: int | None, due: date | None
) -> RenderedEmail:
    context = PartReceivedContext(
        product=PRODUCT,
        partner_name=partner_name,
        job_id=job_id,
        received_on=fmt_full_day(received_on),
        parts_shipped=None if parts_shipped is None else fmt_int(parts_shipped),
        due=None if due is None else fmt_full_day(due),
    )
    return render_email("part_received_email", context)


def render_demotion_warning(
    *, partner_name: str, tier: str, pending_tier: str, score: float | None, runs_required: int, as_of: date
) -> RenderedEmail:
    context = DemotionWarningContext(
        product=PRODUCT,
        partner_name=partner_name,
        tier=tier.capitalize(),
        pending_tier=pending_tier.capitalize(),
        score=None if score is None else fmt_decimal(score),
        runs_required=runs_required,
        as_of=fmt_full_day(as_of),
    )
    return render_email("demotion_warning_email", context)


# -- the review resolution -----------------------------------------------------------------------


class ReviewResolvedContext(msgspec.Struct, frozen=True):
    """Every variable of review_resolved_email.{txt,html}.j2 (and its subject), formatted."""

    product: str
    partner_name: str
    review_id: str
    decision: Literal["upheld", "adjusted"]
    resolved_on: str
    note: str | None
    excluded_job_ids: list[str]
    score_before: str  # DASH when there was no score
    score_after: str
    score_changed: bool


def render_review_resolved(
    *,
    partner_name: str,
    review_id: str,
    decision: Literal["upheld", "adjusted"],
    resolved_on: date,
    note: str | None,
    excluded_job_ids: Sequence[str],
    score_before: float | None,
    score_after: float | None,
) -> RenderedEmail:
    context = ReviewResolvedContext(
        product=PRODUCT,
        partner_name=partner_name,
        review_id=review_id,
        decision=decision,
        resolved_on=fmt_full_day(resolved_on),
        note=note or None,
        excluded_job_ids=list(excluded_job_ids),
        score_before=DASH if score_before is None else fmt_decimal(score_before),
        score_after=DASH if score_after is None else fmt_decimal(score_after),
        score_changed=score_before != score_after,
    )
    return render_email("review_resolved_email", context)


class OverdueReviewRow(msgspec.Struct, frozen=True):
    review_id: str
    partner_id: str
    requested_on: str
    business_days: str
    status: str


class OverdueDigestContext(msgspec.Struct, frozen=True):
    product: str
    count: str
    due_business_days: str
    reviews: list[OverdueReviewRow]


def render_overdue_digest(rows: Sequence[OverdueReviewRow], due_business_days: int) -> RenderedEmail:
    """Ops' digest of the reviews still unresolved after `due_business_days` business days."""
    context = OverdueDigestContext(
        product=PRODUCT,
        count=fmt_int(len(rows)),
        due_business_days=str(due_business_days),
        reviews=list(rows),
    )
    return render_email("review_overdue_digest", context)
