"""Service use cases against in-memory repositories (tests/unit/fakes.py): daily scoring, review
resolution, profiles. The DynamoDB adapters behind the same ports are tested with moto."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from builders import PARTNER, POLICY, completed_job, day
from fakes import FakePartnerRepository, FakeReviewRepository
from pydantic import BaseModel
from scorecard.domain.grading import TierState
from scorecard.domain.policy import ScoringPolicy
from scorecard.score_events import ScoreChangedDetail, TierChangedDetail
from scorecard.services import partners, reviews
from scorecard.services.daily import ScoreEventPublisher, score_partners
from scorecard.services.errors import UnknownPartner
from scorecard.views import DailyRunView, ProfileIn, ResolutionIn, ReviewIn

D = day(10, 31)
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def run_daily(
    repository: FakePartnerRepository,
    as_of: date,
    policy: ScoringPolicy,
    now: datetime,
    publisher: ScoreEventPublisher | None = None,
) -> DailyRunView:
    """What one day's fan-out does for the whole registry: score every registered partner."""
    return score_partners(repository, list(repository.iter_partner_ids()), as_of, policy, now, publisher)


class CapturingPublisher:
    def __init__(self) -> None:
        self.details: list[BaseModel] = []

    def publish(self, details: Sequence[BaseModel]) -> int:
        self.details.extend(details)
        return 1


def two_jobs_partner() -> FakePartnerRepository:
    """A: $400 on time; B: $100, 5 days late (test_scoring.two_jobs: on_time 66.7, score 76.9, C)."""
    repository = FakePartnerRepository()
    for job in (
        completed_job("A", shipped=day(10, 15), due=day(10, 20), value="400"),
        completed_job("B", shipped=day(10, 25), due=day(10, 20), value="100"),
    ):
        repository.add_job(PARTNER, job.job_id, job.events)
    return repository


def test_daily_run_scores_a_partner_and_stores_typed_records() -> None:
    repository = two_jobs_partner()
    publisher = CapturingPublisher()

    run = run_daily(repository, D, POLICY, NOW, publisher)

    assert (run.partners, run.scored, run.without_score, run.failed, run.tier_changes) == (1, 1, 0, [], 1)
    stored = repository.scores[PARTNER]
    # 76.9 is C; provisional (2 < 10 jobs); 70 <= 76.9 < 85: standard, in force from the first run.
    assert (stored.score, stored.grade, stored.tier, stored.provisional) == (
        Decimal("76.9"),
        "C",
        "standard",
        True,
    )
    assert stored.as_of == D
    assert stored.tiers.current == TierState(tier="standard", since=D, last_run=D)
    assert stored.tiers.before == TierState()  # what a re-run of D starts from
    assert repository.views[PARTNER].score == 76.9
    assert [(p.date, p.score, p.grade) for p in repository.score_history(PARTNER, D, D)] == [(D, 76.9, "C")]
    changed = [d for d in publisher.details if isinstance(d, ScoreChangedDetail)]
    tiers = [d for d in publisher.details if isinstance(d, TierChangedDetail)]
    assert [(d.previous_score, d.score, d.previous_grade, d.grade) for d in changed] == [
        (None, 76.9, None, "C")
    ]
    assert [(d.previous_tier, d.tier, d.direction) for d in tiers] == [(None, "standard", "promotion")]


def test_a_rerun_of_the_same_day_starts_from_the_state_before_it() -> None:
    repository = two_jobs_partner()
    run_daily(repository, D, POLICY, NOW)
    publisher = CapturingPublisher()

    again = run_daily(repository, D, POLICY, NOW, publisher)

    assert again.tier_changes == 0  # the change was counted (and announced) by the first run
    assert repository.scores[PARTNER].tiers.before == TierState()
    assert repository.scores[PARTNER].tiers.current == TierState(tier="standard", since=D, last_run=D)
    assert publisher.details == []  # same score, same grade, tier change already announced


def test_adjusted_review_excludes_the_job_and_rescores_at_once() -> None:
    partner_store = two_jobs_partner()
    review_store = FakeReviewRepository(partner_store)
    run_daily(partner_store, D, POLICY, NOW)
    review = reviews.request_review(
        partner_store,
        review_store,
        PARTNER,
        ReviewIn(reason="B was late by the customer", job_ids=["B"]),
        "partner",
        NOW,
    )

    resolution = reviews.resolve_review(
        partner_store,
        review_store,
        review.review_id,
        ResolutionIn(decision="adjusted", excluded_job_ids=["B"], note="customer delay"),
        "ops",
        NOW,
        POLICY,
    )

    assert partner_store.jobs[PARTNER]["B"].excluded
    # Only A counts: on time, read, accepted, status update -> every component 100 -> 100.0, A.
    # Still provisional (1 job), so not elite (requires final): preferred (>= 85). The rescore is a
    # re-run of D, so it starts from the state before D and the new tier is in force at once.
    assert (resolution.score, resolution.grade, resolution.tier) == (100.0, "A", "preferred")
    assert resolution.rescored is not None and resolution.rescored.scored == 1
    assert resolution.review.status == "adjusted" and resolution.review.excluded_job_ids == ["B"]
    assert review_store.reviews[review.review_id].resolved_by == "ops"
    with pytest.raises(reviews.ReviewAlreadyResolved):
        reviews.resolve_review(
            partner_store,
            review_store,
            review.review_id,
            ResolutionIn(decision="upheld"),
            "ops",
            NOW,
            POLICY,
        )


def test_upheld_review_changes_no_score() -> None:
    partner_store = two_jobs_partner()
    review_store = FakeReviewRepository(partner_store)
    run_daily(partner_store, D, POLICY, NOW)
    review = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="why"), "partner", NOW
    )

    resolution = reviews.resolve_review(
        partner_store, review_store, review.review_id, ResolutionIn(decision="upheld"), "ops", NOW, POLICY
    )

    assert (resolution.score, resolution.grade, resolution.tier, resolution.rescored) == (
        76.9,
        "C",
        "standard",
        None,
    )
    assert not partner_store.jobs[PARTNER]["B"].excluded


def test_put_profile_creates_then_updates() -> None:
    repository = FakePartnerRepository()
    body = ProfileIn(name="Demo Works", email="ops@demo.example", timezone="America/Chicago")

    view, created = partners.put_profile(repository, "demo-1", body, NOW)
    again, created_again = partners.put_profile(repository, "demo-1", ProfileIn(name="Demo Works Inc"), NOW)

    assert created and not created_again
    assert (view.partner_id, view.name, view.email, view.timezone) == (
        "demo-1",
        "Demo Works",
        "ops@demo.example",
        "America/Chicago",
    )
    assert (again.name, again.email, again.timezone, again.score) == ("Demo Works Inc", None, None, None)
    assert repository.profiles["demo-1"].updated_at == NOW


def test_put_profile_of_a_partner_registered_by_its_events_counts_as_created() -> None:
    repository = two_jobs_partner()  # registered by its job events, no profile PUT yet

    _, created = partners.put_profile(repository, PARTNER, ProfileIn(name="P one"), NOW)

    assert created


def test_score_of_an_unknown_partner() -> None:
    with pytest.raises(UnknownPartner):
        partners.current_score(FakePartnerRepository(), "nobody")
