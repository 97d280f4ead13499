"""Service use cases against in-memory repositories (tests/unit/fakes.py): daily scoring, review
resolution, profiles. The DynamoDB adapters behind the same ports are tested with moto."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from builders import PARTNER, POLICY, completed_job, day, event, instant
from fakes import FakePartnerRepository, FakeReviewRepository, FixedPolicies
from pydantic import BaseModel
from scorecard.adapters.records import PartnerProfile, ScoreRecord
from scorecard.domain.grading import TierState
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.ports import EventPublisher
from scorecard.schemas.bus import ScoreChangedDetail, TierChangedDetail
from scorecard.schemas.partners import ProfileIn
from scorecard.schemas.reviews import ResolutionIn, ReviewIn
from scorecard.schemas.scores import DailyRunView
from scorecard.services import partners, reviews
from scorecard.services.daily import score_partners
from scorecard.services.errors import UnknownPartner

D = day(10, 31)
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def run_daily(
    repository: FakePartnerRepository,
    as_of: date,
    policy: ScoringPolicy,
    now: datetime,
    publisher: EventPublisher | None = None,
) -> DailyRunView:
    """What one day's fan-out does for the whole registry: score every registered partner."""
    return score_partners(
        repository, repository, list(repository.iter_partner_ids()), as_of, policy, now, publisher
    )


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


def test_a_backfill_writes_history_only_publishes_nothing_and_counts_no_tier_change() -> None:
    """D - 3 after D: the backfill starts from no tier state (it must not rewrite the tier in force), so
    its decision 'places' the partner in standard; that is no change of the tier in force."""
    repository = two_jobs_partner()
    run_daily(repository, D, POLICY, NOW)
    current = repository.scores[PARTNER]
    publisher = CapturingPublisher()

    backfill = run_daily(repository, D - timedelta(days=3), POLICY, NOW, publisher)

    assert (backfill.scored, backfill.tier_changes) == (1, 0)
    assert repository.scores[PARTNER] == current
    assert [p.date for p in repository.score_history(PARTNER, D - timedelta(days=3), D)] == [
        D - timedelta(days=3),
        D,
    ]
    assert publisher.details == []


def test_the_daily_run_reads_current_scores_a_hundred_partners_at_a_time() -> None:
    repository = FakePartnerRepository()
    ids = [f"p{n:03d}" for n in range(250)]
    for pid in ids:
        repository.profiles[pid] = PartnerProfile(pid)

    run = score_partners(repository, repository, ids, D, POLICY, NOW)

    assert run.partners == 250
    # 250 = 100 + 100 + 50: three reads, each of the next partners in order.
    assert repository.score_reads == [ids[:100], ids[100:200], ids[200:]]


class FailingOnceScores(FakePartnerRepository):
    """current_scores fails on its first call (DynamoDB throttled past botocore's retries)."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def current_scores(self, partner_ids: Sequence[str]) -> dict[str, ScoreRecord]:
        if self.failures:
            self.failures -= 1
            self.score_reads.append(list(partner_ids))
            raise RuntimeError("throttled")
        return super().current_scores(partner_ids)


def test_a_failed_read_of_current_scores_fails_its_partner_and_is_retried_for_the_next() -> None:
    """Never a score from no tier state: a partner scored without its stored state would lose its
    tier (a fresh TierState) and its demotion streak."""
    repository = FailingOnceScores()
    for pid in ("a", "b"):
        for job in (
            completed_job("A", shipped=day(10, 15), due=day(10, 20), value="400"),
            completed_job("B", shipped=day(10, 25), due=day(10, 20), value="100"),
        ):
            repository.add_job(
                pid, job.job_id, [e.model_copy(update={"partner_id": pid}) for e in job.events]
            )
    repository.failures = 0
    score_partners(repository, repository, ["a", "b"], D, POLICY, NOW)  # day D: both standard since D
    repository.failures = 1
    repository.score_reads.clear()

    run = score_partners(repository, repository, ["a", "b"], D + timedelta(days=1), POLICY, NOW)

    assert run.failed == ["a"]
    assert repository.score_reads == [["a", "b"], ["b"]]  # the failed read, then b's own
    b = repository.scores["b"].tiers
    assert b.before == TierState(tier="standard", since=D, last_run=D)  # its stored state, kept
    assert b.current == TierState(tier="standard", since=D, last_run=D + timedelta(days=1))
    assert repository.scores["a"].as_of == D  # not rescored


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
        partner_store,
        review_store,
        review.review_id,
        ResolutionIn(decision="adjusted", excluded_job_ids=["B"], note="customer delay"),
        "ops",
        NOW,
        FixedPolicies(POLICY),
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
            partner_store,
            review_store,
            review.review_id,
            ResolutionIn(decision="upheld"),
            "ops",
            NOW,
            FixedPolicies(POLICY),
        )


def test_upheld_review_changes_no_score() -> None:
    partner_store = two_jobs_partner()
    review_store = FakeReviewRepository(partner_store)
    run_daily(partner_store, D, POLICY, NOW)
    review = reviews.request_review(
        partner_store, review_store, PARTNER, ReviewIn(reason="why"), "partner", NOW
    )

    resolution = reviews.resolve_review(
        partner_store,
        partner_store,
        review_store,
        review.review_id,
        ResolutionIn(decision="upheld"),
        "ops",
        NOW,
        FixedPolicies(POLICY),
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

    view, created = partners.put_profile(repository, repository, "demo-1", body, NOW)
    again, created_again = partners.put_profile(
        repository, repository, "demo-1", ProfileIn(name="Demo Works Inc"), NOW
    )

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

    _, created = partners.put_profile(repository, repository, PARTNER, ProfileIn(name="P one"), NOW)

    assert created


def test_score_of_an_unknown_partner() -> None:
    with pytest.raises(UnknownPartner):
        partners.current_score(FakePartnerRepository(), FakePartnerRepository(), "nobody")


# -- policy v2 through the ports: the profile's timezone and the declared signals' activity ----------

V2 = load_policy("v2")


def test_a_v2_daily_run_judges_on_time_by_the_profiles_timezone() -> None:
    """Shipped 10-16 00:30 UTC = 19:30 on 10-15 in Chicago, due 10-15 (test_policy_v2: on time for a
    Chicago partner, 1 day late for a UTC one)."""
    job = completed_job("CHI", shipped="2026-10-16T00:30:00Z", due=day(10, 15))
    chicago, utc = FakePartnerRepository(), FakePartnerRepository()
    for repository in (chicago, utc):
        repository.add_job(PARTNER, job.job_id, job.events)
    chicago.put_profile(PartnerProfile(PARTNER, timezone="America/Chicago", updated_at=NOW))

    run_daily(chicago, day(10, 16), V2, NOW)
    run_daily(utc, day(10, 16), V2, NOW)

    # on time: every component 100 -> 100.0; late: on_time 0, (0 + 10 + 10) / 0.65 = 30.769.. -> 30.8
    assert chicago.scores[PARTNER].score == Decimal("100.0")
    assert utc.scores[PARTNER].score == Decimal("30.8")


def test_a_policy_declaring_a_signal_reads_the_partners_activity() -> None:
    """test_policy_v2's capacity case through the daily run: OK on time, LATE 2 days late; capacity
    updates in 2 of the 4 weeks ending 10-20 (09-22 falls before them)."""
    with_capacity = ScoringPolicy.model_validate(
        V2.model_dump()
        | {"signals": [{"name": "capacity_current", "source": "capacity_current", "component": "engagement"}]}
    )
    repository = FakePartnerRepository()
    for job in (
        completed_job("OK", shipped=day(10, 2), due=day(10, 2)),
        completed_job("LATE", shipped=day(10, 5), due=day(10, 3)),
    ):
        repository.add_job(PARTNER, job.job_id, job.events)
    repository.add_activity(
        PARTNER,
        [
            event("partner.capacity_updated", instant("2026-10-20T23:00:00Z"), "c1"),
            event("partner.capacity_updated", instant("2026-10-14T00:00:00Z"), "c2"),
            event("partner.capacity_updated", instant("2026-09-23T00:00:00Z"), "c3"),
            event("partner.capacity_updated", instant("2026-09-22T23:59:00Z"), "c4"),
        ],
    )

    run_daily(repository, day(10, 20), V2, NOW)
    # v2 declares no signal: on_time 50, communication 100, engagement 100:
    # (0.45 x 50 + 0.10 x 100 + 0.10 x 100) / 0.65 = 42.5 / 0.65 = 65.38.. -> 65.4
    assert repository.scores[PARTNER].score == Decimal("65.4")

    run_daily(repository, day(10, 20), with_capacity, NOW)
    # engagement = mean(read 100, answered 100, capacity 50) = 83.33;
    # (22.5 + 10 + 0.10 x 83.33) / 0.65 = 40.833 / 0.65 = 62.82.. -> 62.8
    assert repository.scores[PARTNER].score == Decimal("62.8")
    engagement = repository.views[PARTNER].components["engagement"]
    assert engagement.evidence["capacity_current"] == "50.0"
