"""Score reviews (docs/architecture.md, docs/api.md): a partner asks, ops pick the review up and
decide; an adjustment
excludes jobs and the partner is rescored at once. Each step is recorded in the review's audit trail
(who, when, note); a new review is announced on the bus (ReviewRequested), and so is its resolution
(ReviewResolved); a resolution is emailed to the partner once, through the NotificationQueue, so a
mail problem never fails the resolution."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Literal

from aws_lambda_powertools import Logger

from scorecard.adapters.records import ScoreRecord
from scorecard.adapters.review_repository import ReviewConflict, UnknownJobs
from scorecard.domain.business_days import business_days_between, is_overdue
from scorecard.domain.policy import ScoringPolicy
from scorecard.ports import (
    DistributionStore,
    EventPublisher,
    EvidenceStore,
    PartnerStore,
    PolicySource,
    ReviewNotifier,
    ReviewStore,
    ScoreStore,
)
from scorecard.schemas.bus import ReviewRequestedDetail, ReviewResolvedDetail
from scorecard.schemas.messages import ReviewResolvedMessage
from scorecard.schemas.reviews import (
    RESOLVED_STATUSES,
    PickupIn,
    ResolutionIn,
    ResolutionView,
    ReviewIn,
    ReviewListView,
    ReviewQueueEntry,
    ReviewQueueView,
    ReviewStep,
    ReviewView,
)
from scorecard.services.daily import score_partners
from scorecard.services.errors import Conflict, Invalid, NotFound, ServiceError, UnknownPartner

logger = Logger(child=True)

FIELD = "excluded_job_ids"  # the resolution body's field every refusal names
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

QueueName = Literal["open", "resolved"]


class UnknownReview(NotFound):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"review {review_id} is unknown")


class ReviewAlreadyResolved(Conflict):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"review {review_id} is already resolved")


class ReviewNotOpen(Conflict):
    def __init__(self, review: ReviewView) -> None:
        super().__init__(f"review {review.review_id} is {review.status}, not open")


class ReviewChanged(Conflict):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"review {review_id} changed meanwhile; read it again and retry")


class InvalidResolution(Invalid):
    """A review request or resolution the service refuses (`field` names the body field)."""


class UnknownJobsOfPartner(Invalid):
    """422 naming each job id that is not a job of the partner (one details entry per id)."""

    def __init__(self, partner_id: str, field: str, job_ids: list[str]) -> None:
        ServiceError.__init__(
            self,
            f"unknown jobs of this partner: {', '.join(job_ids)}",
            [{"field": field, "job_id": job_id} for job_id in job_ids],
        )
        self.fields = (field,)
        self.job_ids = job_ids


def request_review(
    partners: PartnerStore,
    reviews: ReviewStore,
    partner_id: str,
    body: ReviewIn,
    requested_by: str,
    now: datetime,
    publisher: EventPublisher | None = None,
) -> ReviewView:
    """Store the review (only if every job is the partner's), then announce it on the bus."""
    if partners.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    bad = [job for job in body.job_ids if not _ID.match(job)]
    if bad:
        raise InvalidResolution(f"malformed job ids: {', '.join(bad)}", "job_ids")
    review = ReviewView(
        review_id=f"rv-{uuid.uuid4().hex[:20]}",
        partner_id=partner_id,
        status="open",
        reason=body.reason,
        job_ids=sorted(set(body.job_ids)),
        requested_at=now,
        requested_by=requested_by,
        history=[ReviewStep(status="open", at=now, by=requested_by, note=body.reason)],
    )
    try:
        reviews.create(review)
    except UnknownJobs as error:
        raise UnknownJobsOfPartner(partner_id, "job_ids", error.job_ids) from error
    if publisher is not None:
        detail = ReviewRequestedDetail(
            review_id=review.review_id,
            partner_id=partner_id,
            reason=review.reason,
            job_ids=review.job_ids,
            requested_at=now,
            requested_by=requested_by,
        )
        try:
            publisher.publish([detail])
        except Exception:  # the review is stored and queued for ops either way: never fail the request
            logger.exception("ReviewRequested not published", extra={"review_id": review.review_id})
    return review


def list_reviews(partners: PartnerStore, reviews: ReviewStore, partner_id: str) -> ReviewListView:
    if partners.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    found = reviews.for_partner(partner_id)
    found.sort(key=lambda r: r.requested_at, reverse=True)
    return ReviewListView(partner_id=partner_id, reviews=found)


def pick_up_review(
    reviews: ReviewStore, review_id: str, body: PickupIn, picked_up_by: str, now: datetime
) -> ReviewView:
    """open -> in_review: ops say they are looking at it (optional; a review resolves from either)."""
    found = reviews.find(review_id)
    if found is None:
        raise UnknownReview(review_id)
    if found.status != "open":
        raise ReviewNotOpen(found)
    review = found.model_copy(
        update={
            "status": "in_review",
            "history": [
                *found.history,
                ReviewStep(status="in_review", at=now, by=picked_up_by, note=body.note),
            ],
        }
    )
    try:
        reviews.pick_up(found, review)
    except ReviewConflict as error:
        raise ReviewChanged(review_id) from error
    return review


def _score_of(scores: ScoreStore, partner_id: str) -> float | None:
    stored = scores.get_score(partner_id)
    return float(stored.score) if stored and stored.score is not None else None


def _announce(notifier: ReviewNotifier | None, review: ReviewView, score_after: float | None) -> None:
    """Queue the partner's email; a queue failure is logged, never the resolution's failure (a retried
    resolution queues it again, and the email's claim keeps it at one)."""
    if notifier is None or review.status not in RESOLVED_STATUSES or review.resolved_at is None:
        return
    notice = ReviewResolvedMessage(
        partner_id=review.partner_id,
        review_id=review.review_id,
        decision="upheld" if review.status == "upheld" else "adjusted",
        note=review.note,
        excluded_job_ids=review.excluded_job_ids,
        resolved_at=review.resolved_at,
        score_before=review.score_before,
        score_after=score_after,
    )
    try:
        notifier.review_resolved(notice)
    except Exception:
        logger.exception("review resolution email not queued", extra={"review_id": review.review_id})


def _publish_resolved(
    publisher: EventPublisher | None,
    review: ReviewView,
    score_after: float | None,
    stored: ScoreRecord | None,
) -> None:
    """ReviewResolved on the bus, after the rescoring's own events; a bus failure is logged, never the
    resolution's failure (as for ReviewRequested)."""
    if publisher is None or review.resolved_at is None or review.resolved_by is None:
        return
    detail = ReviewResolvedDetail(
        review_id=review.review_id,
        partner_id=review.partner_id,
        decision="upheld" if review.status == "upheld" else "adjusted",
        excluded_job_ids=review.excluded_job_ids,
        note=review.note,
        score_before=review.score_before,
        score_after=score_after,
        grade=stored.grade if stored else None,
        tier=stored.tier if stored else None,
        resolved_at=review.resolved_at,
        resolved_by=review.resolved_by,
    )
    try:
        publisher.publish([detail])
    except Exception:
        logger.exception("ReviewResolved not published", extra={"review_id": review.review_id})


def resolve_review(
    evidence: EvidenceStore,
    scores: ScoreStore,
    reviews: ReviewStore,
    review_id: str,
    body: ResolutionIn,
    resolved_by: str,
    now: datetime,
    policies: PolicySource,
    publisher: EventPublisher | None = None,
    notifier: ReviewNotifier | None = None,
    distributions: DistributionStore | None = None,
) -> ResolutionView:
    """Record the decision and the exclusions in one transaction, then rescore the partner as of its
    latest scored day (a same-day re-run, so tier hysteresis is not counted twice), then queue the
    partner's email. A retry of a resolved review is 409 and queues the email again (sent once)."""
    found = reviews.find(review_id)
    if found is None:
        raise UnknownReview(review_id)
    partner_id = found.partner_id
    if found.status in RESOLVED_STATUSES:
        _announce(notifier, found, _score_of(scores, partner_id))
        raise ReviewAlreadyResolved(review_id)
    if body.decision == "upheld" and body.excluded_job_ids:
        raise InvalidResolution("an upheld score excludes no jobs; use decision 'adjusted'", FIELD)
    if body.decision == "adjusted" and not body.excluded_job_ids:
        raise InvalidResolution("an adjustment must exclude at least one job", FIELD)
    bad = [job for job in body.excluded_job_ids if not _ID.match(job)]
    if bad:
        raise InvalidResolution(f"malformed job ids: {', '.join(bad)}", FIELD)
    review = found.model_copy(
        update={
            "status": body.decision,
            "resolved_at": now,
            "resolved_by": resolved_by,
            "excluded_job_ids": sorted(set(body.excluded_job_ids)),
            "note": body.note,
            "score_before": _score_of(scores, partner_id),
            "history": [
                *found.history,
                ReviewStep(status=body.decision, at=now, by=resolved_by, note=body.note),
            ],
        }
    )
    try:
        reviews.resolve(found, review)
    except ReviewConflict as error:
        current = reviews.find(review_id)
        if current is not None and current.status in RESOLVED_STATUSES:
            raise ReviewAlreadyResolved(review_id) from error
        raise ReviewChanged(review_id) from error
    except UnknownJobs as error:
        raise InvalidResolution(f"unknown jobs of this partner: {', '.join(error.job_ids)}", FIELD) from error
    rescored = None
    stored = scores.get_score(partner_id)
    if body.decision == "adjusted" and stored is not None:
        # Read-only on the distributions (no batch key): the rescored score keeps its peer standing.
        # Rescored under the version in force on that day, as the daily run scored it.
        policy = policies.active_on(stored.as_of)
        rescored = score_partners(
            evidence, scores, [partner_id], stored.as_of, policy, now, publisher, distributions=distributions
        )
        stored = scores.get_score(partner_id)
    score_after = float(stored.score) if stored and stored.score is not None else None
    _announce(notifier, review, score_after)
    _publish_resolved(publisher, review, score_after, stored)
    return ResolutionView(
        review=review,
        rescored=rescored,
        score=score_after,
        grade=stored.grade if stored else None,
        tier=stored.tier if stored else None,
    )


def queue_entry(review: ReviewView, now: datetime, policy: ScoringPolicy) -> ReviewQueueEntry:
    """A review with its age; `overdue` when unresolved after more than 5 business days (Mon-Fri,
    counted between the request day and today in the policy timezone)."""
    business_days = business_days_between(policy.local_date(review.requested_at), policy.local_date(now))
    return ReviewQueueEntry(
        review=review,
        age_days=max(0, (now - review.requested_at).days),
        age_business_days=business_days,
        overdue=review.status not in RESOLVED_STATUSES
        and is_overdue(policy.local_date(review.requested_at), policy.local_date(now)),
    )


def review_queue(
    reviews: ReviewStore,
    queue: QueueName,
    *,
    limit: int,
    cursor: str | None,
    now: datetime,
    policy: ScoringPolicy,
) -> ReviewQueueView:
    """The cross-partner queue (open: open and in_review; resolved), oldest request first, a page."""
    page = reviews.queue(queue, limit, cursor)
    return ReviewQueueView(
        status=queue,
        reviews=[queue_entry(review, now, policy) for review in page.reviews],
        next_cursor=page.next_cursor,
    )


def oldest_open_review_age(reviews: ReviewStore, now: datetime) -> timedelta:
    """How long the oldest unresolved review (open or in review) has waited; zero when none has (one
    query of the open queue, a page of one: it is in request order)."""
    page = reviews.queue("open", 1, None)
    if not page.reviews:
        return timedelta(0)
    return max(timedelta(0), now - page.reviews[0].requested_at)


def overdue_reviews(reviews: ReviewStore, now: datetime, policy: ScoringPolicy) -> list[ReviewQueueEntry]:
    """Every overdue open review, oldest first (the ops digest); stops at the first one not overdue,
    since the queue is in request order."""
    overdue: list[ReviewQueueEntry] = []
    cursor: str | None = None
    while True:
        page = reviews.queue("open", 100, cursor)
        for review in page.reviews:
            entry = queue_entry(review, now, policy)
            if not entry.overdue:
                return overdue
            overdue.append(entry)
        if page.next_cursor is None:
            return overdue
        cursor = page.next_cursor
