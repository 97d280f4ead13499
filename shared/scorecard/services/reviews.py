"""Score reviews (DESIGN §1, §6): a partner asks, ops decide; an adjustment excludes jobs and the
partner is rescored at once."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Protocol

from scorecard.adapters.review_repository import ReviewConflict, UnknownJobs
from scorecard.domain.policy import ScoringPolicy
from scorecard.records import PartnerProfile, ScoreRecord
from scorecard.services.daily import ScoreEventPublisher, ScoreStore, score_partners
from scorecard.services.errors import Conflict, Invalid, NotFound, UnknownPartner
from scorecard.views import ResolutionIn, ResolutionView, ReviewIn, ReviewListView, ReviewView

FIELD = "excluded_job_ids"  # the resolution body's field every refusal names
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ReviewStore(Protocol):
    """Reviews and their resolutions (adapters.review_repository.ReviewRepository)."""

    def create(self, review: ReviewView) -> None: ...

    def for_partner(self, partner_id: str) -> list[ReviewView]: ...

    def find(self, review_id: str) -> ReviewView | None: ...

    def resolve(self, review: ReviewView) -> None:
        """Store the resolution and exclude its jobs at once; ReviewConflict / UnknownJobs otherwise."""
        ...


class ReviewPartners(ScoreStore, Protocol):
    """The partner side of a review: the registry, and the scores a resolution rewrites."""

    def get_profile(self, partner_id: str) -> PartnerProfile | None: ...

    def get_score(self, partner_id: str) -> ScoreRecord | None: ...


class UnknownReview(NotFound):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"review {review_id} is unknown")


class ReviewAlreadyResolved(Conflict):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"review {review_id} is already resolved")


class InvalidResolution(Invalid):
    """A review request or resolution the service refuses (`field` names the body field)."""


def request_review(
    partners: ReviewPartners,
    reviews: ReviewStore,
    partner_id: str,
    body: ReviewIn,
    requested_by: str,
    now: datetime,
) -> ReviewView:
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
    )
    reviews.create(review)
    return review


def list_reviews(partners: ReviewPartners, reviews: ReviewStore, partner_id: str) -> ReviewListView:
    if partners.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    found = reviews.for_partner(partner_id)
    found.sort(key=lambda r: r.requested_at, reverse=True)
    return ReviewListView(partner_id=partner_id, reviews=found)


def resolve_review(
    partners: ReviewPartners,
    reviews: ReviewStore,
    review_id: str,
    body: ResolutionIn,
    resolved_by: str,
    now: datetime,
    policy: ScoringPolicy,
    publisher: ScoreEventPublisher | None = None,
) -> ResolutionView:
    """Record the decision and the exclusions in one transaction, then rescore the partner as of its
    latest scored day (a same-day re-run, so tier hysteresis is not counted twice)."""
    found = reviews.find(review_id)
    if found is None:
        raise UnknownReview(review_id)
    partner_id = found.partner_id
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
        }
    )
    try:
        reviews.resolve(review)
    except ReviewConflict as error:
        raise ReviewAlreadyResolved(review_id) from error
    except UnknownJobs as error:
        raise InvalidResolution(f"unknown jobs of this partner: {', '.join(error.job_ids)}", FIELD) from error
    rescored = None
    stored = partners.get_score(partner_id)
    if body.decision == "adjusted" and stored is not None:
        rescored = score_partners(partners, [partner_id], stored.as_of, policy, now, publisher)
        stored = partners.get_score(partner_id)
    return ResolutionView(
        review=review,
        rescored=rescored,
        score=float(stored.score) if stored and stored.score is not None else None,
        grade=stored.grade if stored else None,
        tier=stored.tier if stored else None,
    )
