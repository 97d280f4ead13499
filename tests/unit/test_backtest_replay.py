"""A backtest's replay of one partner (services.backtests) is the daily run's scoring, day after day:
the same folds, compute_success_score and tier rule as services.daily.score_partner; folds are reused
only while a job's events are unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from builders import PARTNER, JobBuilder, completed_job, day
from scorecard.adapters.records import PartnerEvidence, PartnerProfile, StoredAggregate
from scorecard.domain.events import event_json
from scorecard.domain.grading import TierState
from scorecard.domain.jobs import JobState, fold_job
from scorecard.domain.policy import load_policy
from scorecard.domain.window import day_end
from scorecard.schemas.backtests import MAX_BACKTEST_DAYS
from scorecard.schemas.messages import BACKTEST_BATCH_SIZE
from scorecard.schemas.scores import HistoryPointView
from scorecard.services.backtests import (
    DayOutcome,
    PartnerReplay,
    batch_result,
    replay_partner,
    start_state,
    version_runs,
)
from scorecard.services.daily import score_partner
from scorecard.services.scoring import _Folds

V1, V2 = load_policy("v1"), load_policy("v2")
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)


def stored(job: JobBuilder) -> StoredAggregate:
    return StoredAggregate(job.job_id, tuple(event_json(e) for e in job.events))


def evidence() -> PartnerEvidence:
    """A Chicago partner: six jobs on time, one shipped at 19:30 local on its due date (v2: on time,
    v1: late, the UTC date is the next day), one with 49 of its 50 parts shipped (v2: overdue from
    10-16), one late job shipping inside the range."""
    jobs = [
        completed_job(f"J{i}", shipped=datetime(2026, 10, i, 15, tzinfo=UTC), due=day(10, i))
        for i in range(1, 7)
    ]
    jobs.append(completed_job("EVENING", shipped="2026-10-09T00:30:00Z", due=day(10, 8)))
    jobs.append(
        JobBuilder("OVERDUE")
        .offered(datetime(2026, 10, 1, 9, tzinfo=UTC), due=day(10, 15), parts=50)
        .read(datetime(2026, 10, 1, 10, tzinfo=UTC))
        .accepted(datetime(2026, 10, 1, 11, tzinfo=UTC))
        .shipped(datetime(2026, 10, 14, 9, tzinfo=UTC), parts=49)
    )
    jobs.append(completed_job("LATE", shipped=datetime(2026, 10, 20, 15, tzinfo=UTC), due=day(10, 17)))
    return PartnerEvidence(
        PARTNER, profile=PartnerProfile(PARTNER, timezone="America/Chicago"), jobs=[stored(j) for j in jobs]
    )


def test_replay_equals_the_daily_runs_scoring_day_after_day() -> None:
    """v1 in force until 10-17, v2 from 10-18 (an adoption), against candidate v2: each side, each day,
    equals score_partner chained through the record the day before stored."""
    days = [day(10, 10) + timedelta(days=n) for n in range(16)]
    in_force = [V1 if d < day(10, 18) else V2 for d in days]
    replay = replay_partner(evidence(), TierState(), days, in_force, V2)
    for side, policies in (("active", in_force), ("candidate", [V2] * len(days))):
        partner = evidence()
        outcomes = []
        for d, policy in zip(days, policies, strict=True):
            scored = score_partner(partner, d, policy, NOW)
            partner.score = scored.write.record
            score = None if scored.result.score is None else float(scored.result.score)
            outcomes.append((score, scored.result.grade, scored.decision.state.tier))
        got = [(o.score, o.grade, o.tier) for o in getattr(replay, side)]
        assert got == outcomes, side
    # The versions do differ here (the overdue and the evening jobs) until v2 is in force too.
    assert replay.active[5] != replay.candidate[5]  # 10-15
    assert replay.active[-1] == replay.candidate[-1]


def test_a_job_is_folded_again_only_when_one_of_its_events_falls_in_the_new_day() -> None:
    early = completed_job("EARLY", shipped=datetime(2026, 10, 1, 15, tzinfo=UTC), due=day(10, 2))
    moving = completed_job(
        "MOVING",
        offered=datetime(2026, 10, 3, 9, tzinfo=UTC),
        shipped=datetime(2026, 10, 6, 15, tzinfo=UTC),
        due=day(10, 8),
    )
    folds: list[str] = []

    def fold(aggregate: StoredAggregate, events: list, until: datetime) -> JobState:  # type: ignore[type-arg]
        folds.append(aggregate.id)
        return fold_job(PARTNER, aggregate.id, events, until=until)

    cache = _Folds([stored(early), stored(moving)], fold)
    for n in range(2, 9):  # 10-02 .. 10-08
        until = day_end(date(2026, 10, n), V1.zone)
        states = cache.at(until)
        assert states == [job.fold(until=until) for job in (early, moving)]
    # EARLY: once. MOVING (offered, read, accepted 10-03; status 10-04; shipped 10-06): on 10-02 (no
    # event yet), 10-03, 10-04 and 10-06.
    assert folds.count("EARLY") == 1
    assert folds.count("MOVING") == 4


def test_the_same_policy_on_both_sides_scores_once_and_agrees() -> None:
    days = [day(10, 14), day(10, 15), day(10, 16)]
    replay = replay_partner(evidence(), TierState(tier="elite"), days, [V2] * 3, V2.model_copy())
    assert replay.active == replay.candidate


def test_version_runs_and_the_tier_start() -> None:
    days = [day(10, n) for n in range(1, 6)]
    runs = version_runs(days, ["v1", "v1", "v2", "v2", "v1"])
    assert [(r.first.day, r.last.day, r.version) for r in runs] == [(1, 2, "v1"), (3, 4, "v2"), (5, 5, "v1")]
    point = HistoryPointView(
        date=day(9, 30), score=80.0, grade="B", tier="preferred", provisional=False, components={}
    )
    assert start_state([point]) == TierState(tier="preferred")
    assert start_state([]) == TierState()


def test_a_batch_result_stays_bounded_at_the_largest_batch_and_range() -> None:
    """50 partners x 92 days, every grade and tier present each day, every partner changing on the last
    day: about 37 KB, well below the 100 KB every item of the table keeps under."""
    grades, tiers = ["A", "B", "C", "D", None], ["elite", "preferred", "standard", "probation", None]
    replays = [
        PartnerReplay(
            f"partner-with-a-long-identifier-{n:030d}",
            [DayOutcome(99.9, grades[(n + d) % 5], tiers[(n + d) % 5]) for d in range(MAX_BACKTEST_DAYS)],
            [
                DayOutcome(11.1, grades[(n + d + 1) % 5], tiers[(n + d + 1) % 5])
                for d in range(MAX_BACKTEST_DAYS)
            ],
        )
        for n in range(BACKTEST_BATCH_SIZE)
    ]
    result = batch_result(replays, MAX_BACKTEST_DAYS, isolated=False)
    assert len(result.changes) == BACKTEST_BATCH_SIZE
    assert sum(result.days[-1].active.grades.values()) == BACKTEST_BATCH_SIZE
    assert len(result.model_dump_json()) < 100 * 1024, len(result.model_dump_json())
