"""Policy v2 (docs/scoring.md), rule by rule, with the arithmetic written out. The v1 tests stay pinned to
v1 (builders.POLICY); everything here scores under the shipped v2 unless it says otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from builders import POLICY as V1
from builders import JobBuilder, completed_job, component, day, event, instant
from pydantic import ValidationError
from scorecard.domain.events import Event
from scorecard.domain.grading import TierState, advance_tier, tier_for, tier_without_score
from scorecard.domain.jobs import Completion, CompletionRules
from scorecard.domain.policy import DEFAULT_POLICY_VERSION, ScoringPolicy, Tier, load_policy
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.snapshot import Month, MonthlyTier, compute_monthly_snapshot, monthly_tier
from scorecard.domain.window import day_end
from scorecard.email.snapshot import RenderedSnapshot, render_snapshot, snapshot_context
from scorecard.schemas.snapshots import SnapshotDocument

V2 = load_policy("v2")
CHICAGO = ZoneInfo("America/Chicago")


def score(
    jobs: list[JobBuilder],
    as_of: date,
    policy: ScoringPolicy = V2,
    *,
    partner_zone: ZoneInfo | None = None,
    activity: list[Event] = (),  # type: ignore[assignment]
) -> ScoreResult:
    until = day_end(as_of, policy.zone)
    states = [job.fold(until=until) for job in jobs]
    cut = [e for e in activity if e.occurred_at < until]
    return compute_success_score(states, [], as_of, policy, partner_zone=partner_zone, activity=cut)


def test_v2_and_v1_stay_available_after_v3_became_the_default() -> None:
    assert DEFAULT_POLICY_VERSION == "v3"
    assert load_policy().version == "v3"
    assert load_policy("v2").version == "v2"
    assert load_policy("v1").version == "v1"
    # v1's document has none of the v2 rules
    assert (V1.overdue_jobs_count, V1.partner_local_dates, V1.provisional_min_tier, V1.notice) == (
        False,
        False,
        None,
        None,
    )
    assert V1.benefits == {} and V1.signals == ()


# ---- rule 1: overdue jobs count --------------------------------------------------------------------


def ten_on_time_jobs() -> list[JobBuilder]:
    """Value 100 each (weight sqrt(100) = 10), shipped 10-01 .. 10-10 on their due date, offered ten
    days earlier (inside every window below), read, accepted, with a status update."""
    return [
        completed_job(f"J{i:02}", shipped=datetime(2026, 10, i, 9, tzinfo=UTC), due=day(10, i))
        for i in range(1, 11)
    ]


def partly_shipped(last_part: datetime | None = None) -> JobBuilder:
    """Due 10-15, 50 parts: 49 shipped on 10-14, the last one (if any) at `last_part`."""
    job = (
        JobBuilder("OVERDUE")
        .offered(datetime(2026, 10, 1, 9, tzinfo=UTC), due=day(10, 15), parts=50)
        .read(datetime(2026, 10, 1, 10, tzinfo=UTC))
        .accepted(datetime(2026, 10, 1, 11, tzinfo=UTC))
        .status(datetime(2026, 10, 2, 9, tzinfo=UTC))
        .shipped(datetime(2026, 10, 14, 9, tzinfo=UTC), parts=49)
    )
    if last_part is not None:
        job.shipped(last_part, parts=1)
    return job


def test_an_unshipped_job_is_not_late_on_its_due_date() -> None:
    result = score([*ten_on_time_jobs(), partly_shipped()], day(10, 15))
    assert "OVERDUE" not in result.window_job_ids
    assert result.score == Decimal("100.0")


def test_an_overdue_job_counts_as_late_from_the_day_after_its_due_date() -> None:
    jobs = [*ten_on_time_jobs(), partly_shipped()]
    result = score(jobs, day(10, 16))
    overdue = next(wj for wj in result.window.jobs if wj.job.job_id == "OVERDUE")  # type: ignore[union-attr]
    assert overdue.completion == Completion(
        datetime(2026, 10, 16, tzinfo=ZoneInfo("UTC")), False, "overdue", day(10, 16), 1
    )
    # on_time = 100 x (10 x 10) / (11 x 10) = 90.909..; communication = engagement = 100
    # score = (0.45 x 90.909.. + 0.10 x 100 + 0.10 x 100) / 0.65 = 60.909.. / 0.65 = 93.706.. -> 93.7
    assert component(result, "on_time") == Decimal("90.9")
    assert result.score == Decimal("93.7")
    # the ledger names it and prices it: 100.0 - 93.7 = -6.3
    entry = next(e for e in result.ledger if e.job_id == "OVERDUE")
    assert entry.effect == Decimal("-6.3")
    assert entry.reasons[0] == "overdue: not fully shipped, 1 day past its due date (counts as late)"
    # v1 never saw it: the loophole of issue 9
    assert score(jobs, day(10, 16), V1).score == Decimal("100.0")


def test_next_grade_speaks_of_overdue_jobs_and_notice() -> None:
    jobs = [*ten_on_time_jobs()[:3], partly_shipped()]
    result = score(jobs, day(10, 16))
    # on_time = 100 x 30 / 40 = 75: (33.75 + 10 + 10) / 0.65 = 82.69.. -> 82.7, B
    assert (result.score, result.grade) == (Decimal("82.7"), "B")
    assert result.next_grade is not None
    # v2's truth: the job counts from 10-16 (due + 1) whether it ships or not, and shipping it later
    # only moves its completion to that shipment (it was "counts as late until shipped", untrue)
    assert result.next_grade.message.endswith(
        "; 1 overdue job (OVERDUE) counts as late for at least 30 days from the day after its due date, "
        "or from its last shipment if it ships; a customer or platform cancellation erases it; "
        "report a delay at least 48 h before a due date to earn notice credit"
    )


def test_days_late_of_an_overdue_job_count_to_the_day_scored() -> None:
    result = score([*ten_on_time_jobs(), partly_shipped()], day(10, 19))
    entry = next(e for e in result.ledger if e.job_id == "OVERDUE")
    assert (entry.on_time, entry.days_late) == (False, 4)  # 10-19 - 10-15
    # still completed (for the window) on 10-16, whatever the day scored
    assert entry.completed_at == datetime(2026, 10, 16, tzinfo=ZoneInfo("UTC"))


def test_an_overdue_job_moves_to_its_last_shipment_when_it_ships() -> None:
    shipped = datetime(2026, 10, 20, 15, tzinfo=UTC)
    result = score([*ten_on_time_jobs(), partly_shipped(shipped)], day(10, 20))
    entry = next(e for e in result.ledger if e.job_id == "OVERDUE")
    assert (entry.completed_at, entry.days_late) == (shipped, 5)
    assert entry.reasons[0] == "shipped 5 days late"
    assert result.score == Decimal("93.7")  # the same arithmetic as while it was overdue


def test_a_job_is_not_overdue_before_the_day_after_its_due_date() -> None:
    """Due 10-15, 49 of 50 shipped on 10-14: on 10-14 and on the due date itself it is open (the
    running record and the job page ask with the day they show); from 10-16 it is overdue."""
    rules = CompletionRules(ZoneInfo("UTC"), overdue=True)
    job = partly_shipped().fold()
    assert job.completion(rules, day(10, 14)) is None
    assert job.completion(rules, day(10, 15)) is None
    overdue = job.completion(rules, day(10, 16))
    assert overdue is not None and (overdue.via, overdue.days_late) == ("overdue", 1)  # 10-16 - 10-15
    assert job.completion(rules) == overdue  # no day given: as on the first day it is overdue


def test_an_overdue_job_needs_acceptance_or_a_shipment_and_no_cancellation() -> None:
    offered_only = JobBuilder("O").offered(datetime(2026, 10, 1, tzinfo=UTC), due=day(10, 5))
    cancelled = (
        JobBuilder("C")
        .offered(datetime(2026, 10, 1, tzinfo=UTC), due=day(10, 5))
        .accepted(datetime(2026, 10, 1, 1, tzinfo=UTC))
        .cancelled(datetime(2026, 10, 2, tzinfo=UTC), by="customer")
    )
    rules = CompletionRules(ZoneInfo("UTC"), overdue=True)
    assert offered_only.fold().completion(rules, day(10, 9)) is None
    assert cancelled.fold().completion(rules, day(10, 9)) is None


# ---- rule 2: the partner's local date ---------------------------------------------------------------

EVENING_IN_CHICAGO = "2026-10-16T00:30:00Z"  # 19:30 CDT (UTC-5) on 10-15


def chicago_job() -> JobBuilder:
    return completed_job("CHI", shipped=EVENING_IN_CHICAGO, due=day(10, 15))


def test_a_19_30_chicago_shipment_on_the_due_date_is_on_time() -> None:
    rules = CompletionRules(ZoneInfo("UTC"), local_zone=CHICAGO)
    completion = chicago_job().fold().completion(rules)
    assert completion is not None
    assert (completion.on_time, completion.local_date, completion.days_late) == (True, day(10, 15), 0)
    assert score([chicago_job()], day(10, 16), partner_zone=CHICAGO).score == Decimal("100.0")


def test_the_same_instant_is_late_for_a_utc_partner() -> None:
    completion = chicago_job().fold().completion(CompletionRules(ZoneInfo("UTC")))
    assert completion is not None
    assert (completion.on_time, completion.local_date, completion.days_late) == (False, day(10, 16), 1)
    # one late job: on_time 0, communication = engagement = 100: (0 + 10 + 10) / 0.65 = 30.769.. -> 30.8
    assert score([chicago_job()], day(10, 16)).score == Decimal("30.8")
    # and v1 ignores the profile timezone
    assert score([chicago_job()], day(10, 16), V1, partner_zone=CHICAGO).score == Decimal("30.8")


def test_window_boundaries_stay_in_the_policy_timezone() -> None:
    # Completed 10-16 00:30 UTC: in the window of 10-16 (policy UTC), not of 10-15, for any partner.
    assert "CHI" not in score([chicago_job()], day(10, 15), partner_zone=CHICAGO).window_job_ids
    assert "CHI" in score([chicago_job()], day(10, 16), partner_zone=CHICAGO).window_job_ids


# ---- rule 3: new partners are not held back ---------------------------------------------------------


def test_a_provisional_55_places_the_partner_at_standard() -> None:
    assert tier_for(Decimal("55"), True, V2) == "standard"  # v2: at least standard
    assert tier_for(Decimal("55"), True, V1) == "probation"  # v1 as before
    assert tier_for(Decimal("55"), False, V2) == "probation"  # a final 55 is probation
    assert tier_for(Decimal("95"), True, V2) == "preferred"  # elite still needs a final score
    assert tier_for(Decimal("95"), False, V2) == "elite"


def test_a_partner_without_a_score_is_standard_under_v2() -> None:
    assert tier_without_score(V2) == "standard"
    assert tier_without_score(V1) is None
    new = advance_tier(TierState(), tier_without_score(V2), True, day(10, 1), V2)
    assert (new.state.tier, new.changed) == ("standard", True)
    # like a provisional score, it never lowers a tier in force
    held = advance_tier(TierState("elite", day(9, 1), day(9, 30)), "standard", True, day(10, 1), V2)
    assert (held.state.tier, held.changed, held.demotion_warning) == ("elite", False, False)


def test_the_grade_shown_is_the_scores_own_grade() -> None:
    jobs = [completed_job("A", shipped=day(10, 1), due=day(10, 1)), chicago_job()]
    result = score(jobs, day(10, 16))
    # on_time 50 (equal weights): (22.5 + 10 + 10) / 0.65 = 65.38.. -> 65.4, grade D, provisional
    assert (result.score, result.grade, result.provisional) == (Decimal("65.4"), "D", True)
    assert tier_for(result.score, result.provisional, V2) == "standard"  # type: ignore[arg-type]


# ---- rule 4: notice earns half credit ---------------------------------------------------------------


def noticed_job(reported: str, expected: date, shipped: str) -> JobBuilder:
    job = completed_job("LATE", shipped=shipped, due=day(10, 15), offered=day(10, 1))
    job.add("job.delay_reported", reported, expected_ship_date=expected.isoformat(), reason="material")
    return job


def on_time_with(late: JobBuilder) -> Decimal | None:
    return component(
        score([completed_job("OK", shipped=day(10, 2), due=day(10, 2)), late], day(10, 20)), "on_time"
    )


def test_notice_48_hours_ahead_and_the_announced_date_kept_earns_half_credit() -> None:
    # reported 10-13 00:00 UTC = 48 h before 10-15 begins; shipped 10-17 <= expected 10-17
    late = noticed_job("2026-10-13T00:00:00Z", day(10, 17), "2026-10-17T12:00:00Z")
    # on_time = 100 x (10 + 0.5 x 10) / (10 + 10) = 75
    assert on_time_with(late) == Decimal("75.0")
    result = score([completed_job("OK", shipped=day(10, 2), due=day(10, 2)), late], day(10, 20))
    on_time = next(c for c in result.components if c.name == "on_time")
    assert on_time.evidence["late_jobs_with_notice_credit"] == 1
    entry = next(e for e in result.ledger if e.job_id == "LATE")
    assert "delay reported in advance and the announced date kept: half credit" in entry.reasons


def test_notice_of_47_hours_earns_nothing() -> None:
    late = noticed_job("2026-10-13T01:00:00Z", day(10, 17), "2026-10-17T12:00:00Z")
    assert on_time_with(late) == Decimal("50.0")  # 100 x 10 / 20


def test_shipping_after_the_announced_date_earns_nothing() -> None:
    late = noticed_job("2026-10-13T00:00:00Z", day(10, 17), "2026-10-18T12:00:00Z")
    assert on_time_with(late) == Decimal("50.0")


def test_notice_hours_count_to_the_due_date_in_the_partners_timezone() -> None:
    # 10-15 begins in Chicago at 05:00 UTC: 48 h before is 10-13 05:00 UTC, so 10-13 04:00 UTC is in time
    late = noticed_job("2026-10-13T04:00:00Z", day(10, 17), "2026-10-17T12:00:00Z")
    state = late.fold()
    assert state.completion(CompletionRules(ZoneInfo("UTC"), CHICAGO, notice_hours=48)).noticed  # type: ignore[union-attr]
    late_utc = noticed_job("2026-10-13T04:00:00Z", day(10, 17), "2026-10-17T12:00:00Z")
    assert not late_utc.fold().completion(CompletionRules(ZoneInfo("UTC"), notice_hours=48)).noticed  # type: ignore[union-attr]


def test_v1_gives_no_notice_credit() -> None:
    late = noticed_job("2026-10-01T00:00:00Z", day(10, 17), "2026-10-17T12:00:00Z")
    jobs = [completed_job("OK", shipped=day(10, 2), due=day(10, 2)), late]
    assert component(score(jobs, day(10, 20), V1), "on_time") == Decimal("50.0")


def test_a_delay_report_reason_is_bounded() -> None:
    with pytest.raises(ValidationError):
        event(
            "job.delay_reported",
            day(10, 1),
            "e1",
            job_id="J",
            expected_ship_date="2026-10-20",
            reason="x" * 2001,
        )


# ---- rule 5: tier benefits are data ----------------------------------------------------------------


def test_elite_benefits_are_policy_data() -> None:
    names = [(b.name, b.lead_time_bonus_days) for b in V2.benefits_of("elite")]
    assert names == [
        ("ship_direct", 2),
        ("preferential_offers", None),
        ("repeat_work_priority", None),
        ("bonus_eligible", None),
    ]
    assert V2.benefits_of("preferred") == () and V2.benefits_of(None) == ()
    assert V1.benefits_of("elite") == ()


# ---- rule 6: optional signals ----------------------------------------------------------------------


def two_jobs_one_late() -> list[JobBuilder]:
    """on_time 50, communication 100, engagement 100, quality absent:
    score = (0.45 x 50 + 0.10 x 100 + 0.10 x 100) / 0.65 = 42.5 / 0.65 = 65.38.. -> 65.4"""
    return [
        completed_job("OK", shipped=day(10, 2), due=day(10, 2)),
        completed_job("LATE", shipped=day(10, 5), due=day(10, 3)),
    ]


WITH_NPS = ScoringPolicy.model_validate(  # validated like a stored document
    V2.model_dump()
    | {"extra_weights": {"nps": "0.1"}, "signals": [{"name": "nps", "source": "metric", "component": "nps"}]}
)
WITH_CAPACITY = ScoringPolicy.model_validate(
    V2.model_dump()
    | {"signals": [{"name": "capacity_current", "source": "capacity_current", "component": "engagement"}]}
)


def metric(at: str, value: str, name: str = "nps", event_id: str = "m1") -> Event:
    return event("partner.metric_recorded", instant(at), event_id, metric=name, value=value)


def test_a_declared_metric_joins_the_score_with_renormalised_weights() -> None:
    assert score(two_jobs_one_late(), day(10, 20)).score == Decimal("65.4")
    activity = [metric("2026-10-01T00:00:00Z", "90"), metric("2026-10-10T00:00:00Z", "40", event_id="m2")]
    result = score(two_jobs_one_late(), day(10, 20), WITH_NPS, activity=activity)
    # the latest value, 40 on [0, 100] -> 40; score = (42.5 + 0.1 x 40) / (0.65 + 0.1) = 46.5 / 0.75 = 62.0
    assert component(result, "nps") == Decimal("40.0")
    assert result.score == Decimal("62.0")
    nps = next(c for c in result.components if c.name == "nps")
    assert (nps.weight, nps.effective_weight, nps.evidence) == (
        Decimal("0.1"),
        Decimal("0.1333"),  # 0.1 / 0.75
        {"nps": "40.0"},
    )


def test_a_declared_metric_without_a_value_in_the_window_leaves_the_score_unchanged() -> None:
    undeclared = [metric("2026-10-10T00:00:00Z", "0", name="csat")]
    before_window = [metric("2026-04-01T00:00:00Z", "0")]  # provisional window: 04-24 .. 10-20
    for activity in ([], undeclared, before_window):
        result = score(two_jobs_one_late(), day(10, 20), WITH_NPS, activity=activity)
        assert component(result, "nps") is None
        assert result.score == Decimal("65.4")


def test_a_metric_maps_linearly_from_its_declared_scale() -> None:
    nps = ScoringPolicy.model_validate(
        WITH_NPS.model_dump()
        | {
            "signals": [
                {
                    "name": "nps",
                    "source": "metric",
                    "component": "nps",
                    "scale_min": "-100",
                    "scale_max": "100",
                }
            ]
        }
    )
    result = score(two_jobs_one_late(), day(10, 20), nps, activity=[metric("2026-10-10T00:00:00Z", "20")])
    assert component(result, "nps") == Decimal("60.0")  # (20 - -100) / 200 x 100


def test_declared_capacity_current_counts_zero_without_capacity_updates() -> None:
    # engagement = mean(read 100, answered 100, capacity 0) = 66.67
    # score = (22.5 + 10 + 0.1 x 66.67) / 0.65 = 39.1667 / 0.65 = 60.256.. -> 60.3
    result = score(two_jobs_one_late(), day(10, 20), WITH_CAPACITY)
    assert result.score == Decimal("60.3")
    assert next(c for c in result.components if c.name == "engagement").evidence["capacity_current"] == "0.0"


def test_capacity_current_is_the_share_of_the_four_weeks_with_an_update() -> None:
    # weeks ending 10-20: 10-14..10-20, 10-07..10-13, 09-30..10-06, 09-23..09-29; updates in two of them
    updates = [
        event("partner.capacity_updated", instant("2026-10-20T23:00:00Z"), "c1"),
        event("partner.capacity_updated", instant("2026-10-14T00:00:00Z"), "c2"),  # same week
        event("partner.capacity_updated", instant("2026-09-23T00:00:00Z"), "c3"),
        event("partner.capacity_updated", instant("2026-09-22T23:59:00Z"), "c4"),  # before the 4 weeks
    ]
    result = score(two_jobs_one_late(), day(10, 20), WITH_CAPACITY, activity=updates)
    # engagement = mean(100, 100, 50) = 83.33; score = (22.5 + 10 + 8.333) / 0.65 = 62.82 -> 62.8
    assert result.score == Decimal("62.8")


def test_active_weeks_count_logins_and_job_activity() -> None:
    policy = ScoringPolicy.model_validate(
        V2.model_dump()
        | {"signals": [{"name": "active_weeks", "source": "active_weeks", "component": "communication"}]}
    )
    # job activity (reads, acceptances, status updates, shipments) falls in 09-22..10-05 only:
    # weeks 09-23..09-29 and 09-30..10-06; a login on 10-15 adds week 10-14..10-20 -> 3 of 4 = 75
    login = event("partner.logged_in", instant("2026-10-15T08:00:00Z"), "l1")
    result = score(two_jobs_one_late(), day(10, 20), policy, activity=[login])
    # communication = mean(status 100, active 75) = 87.5; score = (22.5 + 8.75 + 10) / 0.65 = 63.46 -> 63.5
    assert component(result, "communication") == Decimal("87.5")
    assert result.score == Decimal("63.5")


def test_a_policy_cannot_declare_a_signal_without_a_component() -> None:
    data = V2.model_dump() | {"signals": [{"name": "nps", "source": "metric", "component": "nps"}]}
    with pytest.raises(ValidationError, match="neither communication, engagement"):
        ScoringPolicy.model_validate(data)
    with pytest.raises(ValidationError, match="has no signal feeding it"):
        ScoringPolicy.model_validate(V2.model_dump() | {"extra_weights": {"nps": "0.1"}})


# ---- rule 5: the monthly bonus --------------------------------------------------------------------

OCTOBER = Month(2026, 10)


def test_bonus_eligible_when_every_run_of_the_month_was_elite() -> None:
    runs: list[tuple[date, Tier | None]] = [(day(10, d), "elite") for d in range(1, 32)]
    runs += [(day(9, 30), "standard"), (day(11, 1), "probation")]  # other months do not matter
    # 31 runs in October, all elite: 31 days scored, 31 in the bonus tier
    assert monthly_tier(runs, OCTOBER, V2) == MonthlyTier(
        "elite", True, days_scored=31, days_in_bonus_tier=31
    )


def test_one_run_below_a_bonus_tier_loses_the_bonus() -> None:
    runs: list[tuple[date, Tier | None]] = [(day(10, d), "elite") for d in range(1, 32)]
    runs[14] = (day(10, 15), "preferred")
    # the tier at month end; 31 days scored, 31 - 1 = 30 of them elite
    assert monthly_tier(runs, OCTOBER, V2) == MonthlyTier(
        "elite", False, days_scored=31, days_in_bonus_tier=30
    )


def test_no_run_in_the_month_is_no_bonus_and_v1_has_no_bonus_tier() -> None:
    assert monthly_tier([(day(9, 30), "elite")], OCTOBER, V2) == MonthlyTier(None, False, 0, 0)
    # v1 gives no tier the bonus: one day scored, none of it in a bonus tier
    assert monthly_tier([(day(10, 1), "elite")], OCTOBER, V1) == MonthlyTier("elite", False, 1, 0)


def test_days_count_each_day_of_the_month_once() -> None:
    # a day stored twice (a re-run) counts once, by its latest point: 10-02 ends elite
    runs: list[tuple[date, Tier | None]] = [
        (day(10, 1), "elite"),
        (day(10, 2), "preferred"),
        (day(10, 2), "elite"),
    ]
    runs += [(day(10, 3), None)]  # a run without a tier (no score yet) is a day scored, not in a bonus tier
    # 3 distinct days; elite on 10-01 and 10-02 -> 2; not every day elite -> no bonus; last: no tier
    assert monthly_tier(runs, OCTOBER, V2) == MonthlyTier(None, False, days_scored=3, days_in_bonus_tier=2)


def snapshot_doc(tier: Tier | None, bonus: bool) -> SnapshotDocument:
    return SnapshotDocument(
        partner_id="acme-01",
        month="2026-10",
        policy_version="v2",
        timezone="UTC",
        jobs_on_board=1,
        jobs_read=1,
        jobs_accepted=1,
        parts_shipped=1,
        pct_parts_on_time=100.0,
        dpt=None,
        value_accepted="10.00",
        pct_jobs_on_time=100.0,
        monthly_score=100,
        grade="A",
        jobs_completed=1,
        jobs_completed_on_time=1,
        tier=tier,
        bonus_eligible=bonus,
        late_jobs=[],
        defective_jobs=[],
    )


def rendered(doc: SnapshotDocument) -> RenderedSnapshot:
    return render_snapshot(snapshot_context(doc, partner_name="Acme", trend=[], policy=V2, html_url=None))


def test_the_snapshot_email_says_the_tier_and_the_bonus() -> None:
    eligible = rendered(snapshot_doc("elite", True))
    note = (
        "Tier at the end of October: Elite. Eligible for the October monthly bonus: every daily score of "
        "October kept you in a bonus tier."
    )
    assert note in eligible.text and note in eligible.html and note in eligible.archive_html
    not_eligible = rendered(snapshot_doc("preferred", False)).text
    assert "Tier at the end of October: Preferred. Not eligible for the October monthly bonus" in not_eligible
    assert "Tier at the end" not in rendered(snapshot_doc(None, False)).text  # no daily run yet


def test_the_monthly_snapshot_judges_on_time_by_the_partners_date_under_v2() -> None:
    state = chicago_job().fold()  # due 10-15, shipped 19:30 in Chicago on 10-15 (10-16 00:30 UTC)
    chicago = compute_monthly_snapshot([state], OCTOBER, V2, CHICAGO)
    assert (chicago.pct_jobs_on_time, chicago.pct_parts_on_time, chicago.late_jobs) == (
        Decimal("100.0"),
        Decimal("100.0"),
        (),
    )
    for policy, zone in ((V2, None), (V1, CHICAGO)):  # a UTC partner; v1 ignores the profile
        utc = compute_monthly_snapshot([state], OCTOBER, policy, zone)
        assert (utc.pct_jobs_on_time, [line.days_late for line in utc.late_jobs]) == (Decimal("0.0"), [1])
