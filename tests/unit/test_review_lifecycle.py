"""The review lifecycle against the in-memory repositories: jobs checked at request, the audit trail,
the ops queue (oldest first, age, overdue), ReviewRequested and ReviewResolved on the bus, the
resolution's email notice. The DynamoDB adapter behind the same port is tested in
tests/integration/test_review_queue.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from builders import PARTNER, POLICY, completed_job, day
from fakes import FakePartnerRepository, FakeReviewRepository, FixedPolicies
from pydantic import BaseModel
from scorecard.domain.standing import Distribution
from scorecard.schemas.bus import ReviewRequestedDetail, ReviewResolvedDetail, ScoreChangedDetail
from scorecard.schemas.messages import ReviewResolvedMessage
from scorecard.schemas.reviews import PickupIn, ResolutionIn, ReviewIn
from scorecard.services import reviews
from scorecard.services.daily import score_partners

OTHER = "P-2"
MON = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # Monday 2 November 2026


class CapturingPublisher:
    def __init__(self) -> None:
        self.details: list[BaseModel] = []

    def publish(self, details: Sequence[BaseModel]) -> int:
        self.details.extend(details)
        return 1


class CapturingNotifier:
    def __init__(self) -> None:
        self.notices: list[ReviewResolvedMessage] = []

    def review_resolved(self, notice: ReviewResolvedMessage) -> None:
        self.notices.append(notice)


def network() -> tuple[FakePartnerRepository, FakeReviewRepository]:
    """P-1 with A ($400 on time) and B ($100, 5 days late): score 76.9 as of 31 October; P-2 with C."""
    partner_store = FakePartnerRepository()
    for partner, job in (
        (PARTNER, completed_job("A", shipped=day(10, 15), due=day(10, 20), value="400")),
        (PARTNER, completed_job("B", shipped=day(10, 25), due=day(10, 20), value="100")),
        (OTHER, completed_job("C", shipped=day(10, 15), due=day(10, 20), value="100")),
    ):
        partner_store.add_job(partner, job.job_id, job.events)
    score_partners(partner_store, partner_store, [PARTNER], day(10, 31), POLICY, MON)
    return partner_store, FakeReviewRepository(partner_store)


def test_a_review_naming_unknown_jobs_is_refused_naming_each_and_nothing_is_stored() -> None:
    partner_store, review_store = network()
    publisher = CapturingPublisher()
    with pytest.raises(reviews.UnknownJobsOfPartner) as refused:
        reviews.request_review(
            partner_store,
            review_store,
            PARTNER,
            ReviewIn(reason="why", job_ids=["B", "NOPE-1", "C"]),  # C is P-2's job, not P-1's
            "partner:P-1",
            MON,
            publisher,
        )
    assert refused.value.job_ids == ["C", "NOPE-1"]  # sorted, each named
    assert refused.value.details == [
        {"field": "job_ids", "job_id": "C"},
        {"field": "job_ids", "job_id": "NOPE-1"},
    ]
    assert review_store.reviews == {} and publisher.details == []


def test_a_new_review_is_announced_on_the_bus() -> None:
    partner_store, review_store = network()
    publisher = CapturingPublisher()
    review = reviews.request_review(
        partner_store,
        review_store,
        PARTNER,
        ReviewIn(reason="B", job_ids=["B"]),
        "partner:P-1",
        MON,
        publisher,
    )
    assert publisher.details == [
        ReviewRequestedDetail(
            review_id=review.review_id,
            partner_id=PARTNER,
            reason="B",
            job_ids=["B"],
            requested_at=MON,
            requested_by="partner:P-1",
        )
    ]


def test_the_audit_trail_holds_each_step_with_its_actor_time_and_note() -> None:
    partner_store, review_store = network()
    notifier = CapturingNotifier()
    review = reviews.request_review(
        partner_store,
        review_store,
        PARTNER,
        ReviewIn(reason="B: customer delay", job_ids=["B"]),
        "partner:P-1",
        MON,
    )
    picked = reviews.pick_up_review(
        review_store, review.review_id, PickupIn(note="checking"), "ops:alice", MON + timedelta(hours=1)
    )
    assert picked.status == "in_review"
    with pytest.raises(reviews.ReviewNotOpen):  # a second pickup is a conflict
        reviews.pick_up_review(
            review_store, review.review_id, PickupIn(), "ops:carol", MON + timedelta(hours=2)
        )

    resolution = reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        review.review_id,
        ResolutionIn(decision="adjusted", excluded_job_ids=["B"], note="the customer moved the date"),
        "ops:bob",
        MON + timedelta(days=1),
        FixedPolicies(POLICY),
        notifier=notifier,
    )

    stored = review_store.reviews[review.review_id]
    assert [(s.status, s.by, s.at, s.note) for s in stored.history] == [
        ("open", "partner:P-1", MON, "B: customer delay"),
        ("in_review", "ops:alice", MON + timedelta(hours=1), "checking"),
        ("adjusted", "ops:bob", MON + timedelta(days=1), "the customer moved the date"),
    ]
    assert resolution.review == stored
    # 76.9 before (test_services.two_jobs_partner); only A counts after: every component 100 -> 100.0.
    assert notifier.notices == [
        ReviewResolvedMessage(
            partner_id=PARTNER,
            review_id=review.review_id,
            decision="adjusted",
            note="the customer moved the date",
            excluded_job_ids=["B"],
            resolved_at=MON + timedelta(days=1),
            score_before=76.9,
            score_after=100.0,
        )
    ]
    with pytest.raises(reviews.ReviewNotOpen):  # a resolved review is not picked up
        reviews.pick_up_review(
            review_store, review.review_id, PickupIn(), "ops:alice", MON + timedelta(days=2)
        )


def test_a_retried_resolution_is_409_and_queues_the_same_notice_again() -> None:
    """The email's claim (tests/integration/test_review_queue.py) turns the second notice into no email;
    queuing again is what recovers a notice lost after the resolution was stored."""
    partner_store, review_store = network()
    notifier = CapturingNotifier()
    review = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="why"), "partner:P-1", MON
    )
    body = ResolutionIn(decision="upheld", note="on time is on time")
    reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        review.review_id,
        body,
        "ops",
        MON,
        FixedPolicies(POLICY),
        notifier=notifier,
    )
    with pytest.raises(reviews.ReviewAlreadyResolved):
        reviews.resolve_review(
            partner_store,
            partner_store,
            review_store,
            review.review_id,
            body,
            "ops",
            MON,
            FixedPolicies(POLICY),
            notifier=notifier,
        )
    assert len(notifier.notices) == 2 and notifier.notices[0] == notifier.notices[1]
    assert (notifier.notices[0].score_before, notifier.notices[0].score_after) == (76.9, 76.9)


class ResolutionsFailPublisher(CapturingPublisher):
    """The bus refuses ReviewResolved (the rescoring's own events go through)."""

    def publish(self, details: Sequence[BaseModel]) -> int:
        if any(isinstance(d, ReviewResolvedDetail) for d in details):
            raise RuntimeError("PutEvents kept failing")
        return super().publish(details)


def test_a_resolution_is_announced_on_the_bus_after_the_rescoring() -> None:
    partner_store, review_store = network()
    publisher = CapturingPublisher()
    review = reviews.request_review(
        partner_store,
        review_store,
        PARTNER,
        ReviewIn(reason="B", job_ids=["B"]),
        "partner:P-1",
        MON,
        publisher,
    )
    resolved_at = MON + timedelta(days=1)
    body = ResolutionIn(decision="adjusted", excluded_job_ids=["B"], note="the customer moved the date")
    resolution = reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        review.review_id,
        body,
        "ops:bob",
        resolved_at,
        FixedPolicies(POLICY),
        publisher,
    )
    first, *rescoring, last = publisher.details
    assert isinstance(first, ReviewRequestedDetail)
    # The rescoring's ScoreChanged (76.9 -> 100.0: only A counts) goes out before the resolution.
    changed = [d for d in rescoring if isinstance(d, ScoreChangedDetail)]
    assert [(d.previous_score, d.score) for d in changed] == [(76.9, 100.0)]
    assert last == ReviewResolvedDetail(
        review_id=review.review_id,
        partner_id=PARTNER,
        decision="adjusted",
        excluded_job_ids=["B"],
        note="the customer moved the date",
        score_before=76.9,
        score_after=100.0,
        grade=resolution.grade,
        tier=resolution.tier,
        resolved_at=resolved_at,
        resolved_by="ops:bob",
    )
    assert resolution.grade == "A"
    published = len(publisher.details)
    with pytest.raises(reviews.ReviewAlreadyResolved):  # a retried resolution announces nothing again
        reviews.resolve_review(
            partner_store,
            partner_store,
            review_store,
            review.review_id,
            body,
            "ops:bob",
            resolved_at,
            FixedPolicies(POLICY),
            publisher,
        )
    assert len(publisher.details) == published


def test_an_upheld_review_is_announced_and_a_bus_failure_never_fails_the_resolution() -> None:
    partner_store, review_store = network()
    review = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="why"), "partner:P-1", MON
    )
    body = ResolutionIn(decision="upheld", note="on time is on time")
    upheld = CapturingPublisher()
    reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        review.review_id,
        body,
        "ops",
        MON,
        FixedPolicies(POLICY),
        upheld,
    )
    announced = [d for d in upheld.details if isinstance(d, ReviewResolvedDetail)]
    # Upheld: nothing excluded, no rescoring, the score stays 76.9.
    assert [(d.decision, d.excluded_job_ids, d.score_before, d.score_after) for d in announced] == [
        ("upheld", [], 76.9, 76.9)
    ]
    assert len(upheld.details) == 1
    other = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="again"), "partner:P-1", MON
    )
    resolution = reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        other.review_id,
        body,
        "ops",
        MON,
        FixedPolicies(POLICY),
        ResolutionsFailPublisher(),
    )
    assert resolution.review.status == "upheld"
    assert review_store.reviews[other.review_id].status == "upheld"


def test_the_queue_is_oldest_first_across_partners_with_age_and_overdue() -> None:
    partner_store, review_store = network()
    chicago = POLICY.model_copy(update={"timezone": "America/Chicago"})
    # Requested (UTC): P-2 Mon 2 Nov 03:00 = Sun 1 Nov 21:00 in Chicago; P-1 Mon 2 Nov 15:00; P-1 Tue 3 Nov.
    first = reviews.request_review(
        partner_store, review_store, OTHER, ReviewIn(reason="1"), "partner:P-2", MON - timedelta(hours=12)
    )
    second = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="2"), "partner:P-1", MON
    )
    third = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="3"), "ops", MON + timedelta(days=1)
    )
    now = datetime(2026, 11, 9, 18, 0, tzinfo=UTC)  # Mon 9 Nov 12:00 in Chicago

    page = reviews.review_queue(review_store, "open", limit=2, cursor=None, now=now, policy=chicago)
    assert [e.review.review_id for e in page.reviews] == [first.review_id, second.review_id]
    # first: asked Sun 1 Nov (Chicago) -> Mon 2 .. Mon 9 = 6 business days: overdue.
    # second: asked Mon 2 Nov -> Tue 3 .. Mon 9 = 5: not yet.
    assert [(e.age_days, e.age_business_days, e.overdue) for e in page.reviews] == [
        (7, 6, True),
        (7, 5, False),
    ]
    rest = reviews.review_queue(
        review_store, "open", limit=2, cursor=page.next_cursor, now=now, policy=chicago
    )
    assert [e.review.review_id for e in rest.reviews] == [third.review_id] and rest.next_cursor is None
    assert [(e.age_days, e.age_business_days, e.overdue) for e in rest.reviews] == [(6, 4, False)]

    assert [e.review.review_id for e in reviews.overdue_reviews(review_store, now, chicago)] == [
        first.review_id
    ]

    reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        first.review_id,
        ResolutionIn(decision="upheld"),
        "ops",
        now,
        FixedPolicies(chicago),
    )
    resolved = reviews.review_queue(review_store, "resolved", limit=10, cursor=None, now=now, policy=chicago)
    assert [(e.review.review_id, e.overdue) for e in resolved.reviews] == [(first.review_id, False)]
    open_now = reviews.review_queue(review_store, "open", limit=10, cursor=None, now=now, policy=chicago)
    assert [e.review.review_id for e in open_now.reviews] == [second.review_id, third.review_id]


class OneDayDistributions:
    """The distribution store with one day's scores; records which days were read and what was saved."""

    def __init__(self, distribution: Distribution) -> None:
        self.distribution = distribution
        self.read: list[date] = []
        self.saved: list[str] = []

    def load(self, day: date) -> Distribution | None:
        self.read.append(day)
        return self.distribution if day == self.distribution.as_of else None

    def save_batch(self, key: str, distribution: Distribution) -> None:
        self.saved.append(key)

    def clear(self, day: date) -> int:
        return 0


def test_an_adjusted_score_keeps_its_peer_standing_and_adds_nothing_to_the_distribution() -> None:
    partner_store, review_store = network()
    # 30 October: 60.0, 80.0, 99.0, 100.0 (four partners)
    distributions = OneDayDistributions(Distribution(day(10, 30), {600: 1, 800: 1, 990: 1, 1000: 1}))
    review = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="B", job_ids=["B"]), "partner:P-1", MON
    )
    reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        review.review_id,
        ResolutionIn(decision="adjusted", excluded_job_ids=["B"]),
        "ops",
        MON,
        FixedPolicies(POLICY),
        distributions=distributions,
    )
    view = partner_store.get_score_view(PARTNER)
    assert view is not None and view.score == 100.0 and view.percentile is not None
    # rescored as of 31 October against 30 October: 60.0, 80.0, 99.0 lower of 4 (100.0 ties) -> 75
    assert (view.percentile.network, view.percentile.distribution_as_of) == (75, day(10, 30))
    assert view.percentile.process is None  # the offers name no process
    assert distributions.read == [day(10, 30)] and distributions.saved == []
