"""Policy v3, the default, rule by rule, with the arithmetic written out: an open overdue job stays
late until it ships or is cancelled (rule 1), cancelling an overdue job does not erase it (rule 2),
provisional partners float (rule 3), the optional late credit and targets. Each finding measured under
v2 is reproduced: the v2 figure asserted next to the v3 one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from builders import POLICY as V1
from builders import JobBuilder, completed_job, component, day
from pydantic import ValidationError
from scorecard.domain.grading import TierState, advance_tier, tier_for, tier_without_score
from scorecard.domain.jobs import Completion, CompletionRules
from scorecard.domain.policy import (
    DEFAULT_POLICY_VERSION,
    POLICY_VERSIONS,
    ScoringPolicy,
    load_policy,
)
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.tiering import decide_tier
from scorecard.domain.window import completion_rules, day_end
from scorecard.services.presenters import job_summary, score_view

V2 = load_policy("v2")
V3 = load_policy("v3")
UTC_ZONE = ZoneInfo("UTC")


def score(jobs: list[JobBuilder], as_of: date, policy: ScoringPolicy = V3) -> ScoreResult:
    until = day_end(as_of, policy.zone)
    return compute_success_score([job.fold(until=until) for job in jobs], [], as_of, policy)


def with_(policy: ScoringPolicy, **changes: object) -> ScoringPolicy:
    """`policy` with `changes`, validated as a stored document would be."""
    return ScoringPolicy.model_validate(policy.model_dump() | changes)


def test_v3_is_the_default_and_v1_v2_stay_selectable() -> None:
    assert (DEFAULT_POLICY_VERSION, POLICY_VERSIONS) == ("v3", ("v1", "v2", "v3"))
    assert load_policy() == V3 and V3.version == "v3"
    # v3 is v2 plus rules 1-3 and targets; no late credit
    assert (V3.overdue_counts_while_open, V3.overdue_cancellation_counts, V3.provisional_floats) == (
        True,
        True,
        True,
    )
    assert V3.late_credit == ()
    assert V3.targets == {
        "on_time": Decimal(90),
        "quality": Decimal(95),
        "communication": Decimal(80),
        "engagement": Decimal(80),
    }
    v3_only = {
        "version",
        "overdue_counts_while_open",
        "overdue_cancellation_counts",
        "provisional_floats",
        "late_credit",
        "targets",
    }
    assert V3.model_dump(exclude=v3_only) == V2.model_dump(exclude=v3_only)
    # the new fields' defaults are v1's and v2's behaviour
    for old in (V1, V2):
        assert (old.overdue_counts_while_open, old.overdue_cancellation_counts, old.provisional_floats) == (
            False,
            False,
            False,
        )
        assert (old.late_credit, old.targets) == ((), {})


# ---- rule 1: an open overdue job stays late until it ships or is cancelled ----------------------------


def fresh_on_time_jobs(last: date, count: int = 10) -> list[JobBuilder]:
    """`count` jobs of value 100 (weight sqrt(100) = 10), shipped on their due dates at 09:00 UTC on
    the `count` days ending `last`, each offered 10 days before, read, accepted, with a status update:
    enough jobs for a plain 30-day window that never reaches back."""
    return [
        completed_job(
            f"J{n:02}",
            shipped=datetime(last.year, last.month, last.day, 9, tzinfo=UTC) - timedelta(days=n),
            due=last - timedelta(days=n),
        )
        for n in range(count)
    ]


def overdue_job(last_part: datetime | None = None, job_id: str = "OVERDUE") -> JobBuilder:
    """Value 100, due 10-15, 50 parts: 49 shipped on 10-14, the last one (if any) at `last_part`."""
    job = (
        JobBuilder(job_id)
        .offered(datetime(2026, 10, 1, 9, tzinfo=UTC), due=day(10, 15), parts=50)
        .read(datetime(2026, 10, 1, 10, tzinfo=UTC))
        .accepted(datetime(2026, 10, 1, 11, tzinfo=UTC))
        .status(datetime(2026, 10, 2, 9, tzinfo=UTC))
        .shipped(datetime(2026, 10, 14, 9, tzinfo=UTC), parts=49)
    )
    if last_part is not None:
        job.shipped(last_part, parts=1)
    return job


def test_finding_not_shipping_an_overdue_job_no_longer_hides_it_sooner_than_shipping_it_late() -> None:
    """Scored on 11-20 with ten on-time jobs shipped 11-11..11-20 (a plain window 10-22..11-20)."""
    fresh = fresh_on_time_jobs(day(11, 20))
    never = [*fresh, overdue_job()]
    late = [*fresh, overdue_job(datetime(2026, 11, 5, 9, tzinfo=UTC))]
    # v2 (measured): never shipped, it completed on 10-16 and aged out of the window by 11-20: 100.0;
    # shipped late on 11-05, it stays in: on_time = 100 x (10 x 10) / (11 x 10) = 90.909..,
    # score = (0.45 x 90.909.. + 0.10 x 100 + 0.10 x 100) / 0.65 = 60.909.. / 0.65 = 93.706.. -> 93.7
    assert score(never, day(11, 20), V2).score == Decimal("100.0")
    assert score(late, day(11, 20), V2).score == Decimal("93.7")
    # v3: never shipped, it completes late on 11-20 itself: the same 93.7; hiding it no longer pays
    result = score(never, day(11, 20))
    assert "OVERDUE" in result.window_job_ids
    assert result.score == Decimal("93.7")
    assert score(late, day(11, 20)).score == Decimal("93.7")
    entry = next(e for e in result.ledger if e.job_id == "OVERDUE")
    # 11-20 - 10-15 = 36 days; the ledger prices it: 93.7 - 100.0 = -6.3
    assert (entry.on_time, entry.days_late, entry.effect) == (False, 36, Decimal("-6.3"))
    assert entry.completed_at == datetime(2026, 11, 20, tzinfo=UTC_ZONE)
    assert entry.reasons[0] == "overdue: not fully shipped, 36 days past its due date (counts as late)"


def test_an_open_overdue_job_completes_on_the_day_scored_and_its_days_late_grow() -> None:
    rules = completion_rules(V3)
    job = overdue_job().fold()
    assert job.completion(rules, day(10, 15)) is None  # on its due date it is still open
    for as_of, late in ((day(10, 16), 1), (day(10, 19), 4), (day(12, 31), 77)):  # as_of - 10-15
        assert job.completion(rules, as_of) == Completion(
            datetime.combine(as_of, datetime.min.time(), tzinfo=UTC_ZONE), False, "overdue", as_of, late
        )
    # v2: completed on 10-16 whatever the day scored, its days late counted to that day
    v2 = job.completion(completion_rules(V2), day(10, 19))
    assert v2 is not None and (v2.at, v2.days_late) == (datetime(2026, 10, 16, tzinfo=UTC_ZONE), 4)


def test_when_its_last_part_ships_it_completes_late_on_that_shipment_as_in_v2() -> None:
    shipped = datetime(2026, 10, 20, 15, tzinfo=UTC)
    jobs = [*fresh_on_time_jobs(day(10, 10)), overdue_job(shipped)]
    for policy in (V2, V3):
        entry = next(e for e in score(jobs, day(10, 25), policy).ledger if e.job_id == "OVERDUE")
        assert (entry.completed_at, entry.days_late) == (shipped, 5)  # 10-20 - 10-15
        assert entry.reasons[0] == "shipped 5 days late"
    # and it then ages out 30 days after shipping: in the window of 11-18 (10-20..11-18), not 11-19
    assert (
        "OVERDUE"
        in score([*fresh_on_time_jobs(day(11, 18)), overdue_job(shipped)], day(11, 18)).window_job_ids
    )
    assert (
        "OVERDUE"
        not in score([*fresh_on_time_jobs(day(11, 19)), overdue_job(shipped)], day(11, 19)).window_job_ids
    )


def test_the_hint_says_what_v3_does_with_an_overdue_job() -> None:
    jobs = [*fresh_on_time_jobs(day(10, 10), count=3), overdue_job()]
    result = score(jobs, day(10, 16))
    # on_time = 100 x 30 / 40 = 75: (0.45 x 75 + 10 + 10) / 0.65 = 53.75 / 0.65 = 82.69.. -> 82.7, B
    assert (result.score, result.grade) == (Decimal("82.7"), "B")
    assert result.next_grade is not None
    assert result.next_grade.message == (
        "3 more on-time, defect-free jobs reach A; 1 overdue job (OVERDUE) counts as late until shipped "
        "or cancelled, then for at least 30 days; "
        "report a delay at least 48 h before a due date to earn notice credit"
    )
    two = score([*jobs, overdue_job(job_id="OVERDUE-2")], day(10, 16))
    assert two.next_grade is not None
    assert (
        "; 2 overdue jobs (OVERDUE, OVERDUE-2) count as late until shipped or cancelled, then for at least "
        "30 days;" in two.next_grade.message
    )


def in_window(job: JobBuilder, as_of: date, policy: ScoringPolicy = V3) -> bool:
    """Whether `job` is in the window as of `as_of`, next to ten on-time jobs shipped that day and the
    nine before (a plain 30-day window, never extended)."""
    return job.job_id in score([*fresh_on_time_jobs(as_of), job], as_of, policy).window_job_ids


def test_finding_the_old_hint_was_untrue_under_v2_and_the_v3_hint_is_true() -> None:
    """The hint said "counts as late until shipped". Under v2 an unshipped job stopped counting 30 days
    after its due date, and a customer or platform cancellation erased it. Under v3 each part of the
    hint holds, checked day by day: late on every day until shipped (or cancelled), then for 30 days."""
    every = [day(10, 16) + timedelta(days=n) for n in range(0, 120, 7)]  # 10-16 .. 02-05, weekly
    # v2: not shipped by 11-15 (10-16 + 30): out of the window, so "until shipped" was untrue
    assert in_window(overdue_job(), day(11, 14), V2)
    assert not in_window(overdue_job(), day(11, 15), V2)
    v2_hint = score([*fresh_on_time_jobs(day(10, 10), count=3), overdue_job()], day(10, 16), V2).next_grade
    assert v2_hint is not None and "until shipped" not in v2_hint.message
    assert "a customer or platform cancellation erases it" in v2_hint.message
    # v3: "counts as late until shipped": in every window from 10-16 while unshipped, 120 days on
    assert all(in_window(overdue_job(), as_of) for as_of in every)
    # "then for at least 30 days": shipped 12-01, in the windows of 12-01..12-30, out on 12-31
    shipped = overdue_job(datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert in_window(shipped, day(11, 30))  # still open that day
    assert all(in_window(shipped, day(12, 1) + timedelta(days=n)) for n in range(30))
    assert not in_window(shipped, day(12, 31))
    # "or cancelled": cancelled by the customer on 12-01, the same 30 days
    cancelled = cancelled_overdue(datetime(2026, 12, 1, 9, tzinfo=UTC), "customer")
    assert all(in_window(cancelled, day(12, 1) + timedelta(days=n)) for n in range(30))
    assert not in_window(cancelled, day(12, 31))
    assert not in_window(cancelled_overdue(datetime(2026, 12, 1, 9, tzinfo=UTC), "customer"), day(12, 1), V2)


def test_the_job_list_shows_an_open_overdue_job_as_overdue_with_days_late_to_the_day() -> None:
    """`/jobs?filter=late` builds its rows with job_summary: under v3 the job is in the window 36 days
    after its due date, status overdue, days late counted to that day."""
    rules = completion_rules(V3)
    as_of = day(11, 20)
    result = score([*fresh_on_time_jobs(as_of), overdue_job()], as_of)
    window_job = next(wj for wj in result.window.jobs if wj.job.job_id == "OVERDUE")  # type: ignore[union-attr]
    row = job_summary(window_job.job, rules, Decimal("-6.3"), as_of)
    assert (row.status, row.on_time, row.days_late, row.completed_at, row.counts) == (
        "overdue",
        False,
        36,
        None,
        True,
    )


# ---- rule 2: cancelling an overdue job does not erase it ----------------------------------------------


def cancelled_overdue(at: datetime, by: str) -> JobBuilder:
    return overdue_job().cancelled(at, by=by)


def test_finding_a_platform_cancellation_no_longer_erases_an_overdue_job() -> None:
    """Ten on-time jobs shipped 10-01..10-10, the overdue job (due 10-15) cancelled by the platform on
    10-30, 15 days late; scored 10-31."""
    jobs = [
        *fresh_on_time_jobs(day(10, 10)),
        cancelled_overdue(datetime(2026, 10, 30, 12, tzinfo=UTC), "platform"),
    ]
    # v2 (measured): the cancellation voids it; the window reaches back to 10 jobs, all on time: 100.0 A
    v2 = score(jobs, day(10, 31), V2)
    assert (v2.score, v2.grade, "OVERDUE" in v2.window_job_ids) == (Decimal("100.0"), "A", False)
    # v3: completed late on 10-30. Window 10-02..10-31: J00..J08 (10-02..10-10) and OVERDUE, 10 jobs.
    # on_time = 100 x 90 / 100 = 90; communication 100 (10 status updates); engagement absent (no offer
    # in the window: OVERDUE's was 10-01); score = (0.45 x 90 + 0.10 x 100) / 0.55 = 50.5 / 0.55
    # = 91.818.. -> 91.8; without it the 9 jobs give 100, so it costs 91.8 - 100 = -8.2
    v3 = score(jobs, day(10, 31))
    assert (v3.score, v3.grade) == (Decimal("91.8"), "A")
    entry = next(e for e in v3.ledger if e.job_id == "OVERDUE")
    assert (entry.on_time, entry.days_late, entry.effect) == (False, 15, Decimal("-8.2"))
    assert entry.completed_at == datetime(2026, 10, 30, 12, tzinfo=UTC)
    assert entry.reasons[0] == "cancelled by platform 15 days past its due date (counts as late)"


@pytest.mark.parametrize("by", ["partner", "customer", "platform"])
def test_a_cancellation_by_anyone_after_the_due_date_completes_the_job_late(by: str) -> None:
    at = datetime(2026, 10, 17, 8, tzinfo=UTC)
    completion = cancelled_overdue(at, by).fold().completion(completion_rules(V3), day(10, 20))
    assert completion == Completion(at, False, "overdue_cancellation", day(10, 17), 2)  # 10-17 - 10-15


@pytest.mark.parametrize(
    ("by", "v1_completion"),
    [
        ("customer", None),  # ignored
        ("platform", None),  # ignored
        ("partner", ("partner_cancellation", 0)),  # after acceptance: late, as in v1
    ],
)
def test_a_cancellation_on_or_before_the_due_date_follows_v1(
    by: str, v1_completion: tuple[str, int] | None
) -> None:
    on_due_date = datetime(2026, 10, 15, 23, tzinfo=UTC)
    for policy in (V1, V2, V3):
        completion = (
            cancelled_overdue(on_due_date, by).fold().completion(completion_rules(policy), day(10, 20))
        )
        got = None if completion is None else (completion.via, completion.days_late)
        assert got == v1_completion


def test_the_cancellation_is_judged_by_the_partners_date() -> None:
    """10-16 03:00 UTC is 22:00 on 10-15 in Chicago (CDT): not after the due date there."""
    at = datetime(2026, 10, 16, 3, tzinfo=UTC)
    job = cancelled_overdue(at, "customer").fold()
    chicago = completion_rules(V3, ZoneInfo("America/Chicago"))
    assert job.completion(chicago, day(10, 20)) is None
    utc = job.completion(completion_rules(V3), day(10, 20))
    assert utc is not None and (utc.via, utc.days_late) == ("overdue_cancellation", 1)


def test_a_job_never_accepted_nor_shipped_is_not_made_late_by_a_cancellation() -> None:
    offered_only = (
        JobBuilder("O")
        .offered(datetime(2026, 10, 1, tzinfo=UTC), due=day(10, 5))
        .cancelled(datetime(2026, 10, 9, tzinfo=UTC), by="platform")
    )
    assert offered_only.fold().completion(completion_rules(V3), day(10, 20)) is None


def test_a_cancelled_overdue_job_counts_its_offer_like_any_job_that_counts() -> None:
    """Offered 10-01, accepted, due 10-15, cancelled by the customer on 10-16; one on-time job. As of
    10-20 the window is provisional (10 jobs are lacking), from 04-24: both offers are in it."""
    jobs = [
        completed_job("OK", shipped=day(10, 10), due=day(10, 10)),
        cancelled_overdue(datetime(2026, 10, 16, 9, tzinfo=UTC), "customer"),
    ]
    result = score(jobs, day(10, 20))
    # on_time 50 (equal weights); communication 100 (both with a status update before their first
    # shipment); engagement 100 (2 offers, both read and answered):
    # (0.45 x 50 + 0.10 x 100 + 0.10 x 100) / 0.65 = 42.5 / 0.65 = 65.38.. -> 65.4
    assert result.score == Decimal("65.4")
    engagement = next(c for c in result.components if c.name == "engagement")
    assert engagement.evidence == {"offers": 2, "read": 2, "answered": 2}
    # under v2 the job is void: only OK's offer and job count, 100.0
    v2 = score(jobs, day(10, 20), V2)
    assert v2.score == Decimal("100.0")
    assert next(c for c in v2.components if c.name == "engagement").evidence["offers"] == 1


# ---- rule 3: provisional partners float -----------------------------------------------------------


def one_good_day_then_late() -> list[JobBuilder]:
    """An on-time job shipped 10-01; a job due 10-15 shipped 10-16 00:30 UTC (1 day late, UTC)."""
    return [
        completed_job("A", shipped=day(10, 1), due=day(10, 1)),
        completed_job("LATE", shipped="2026-10-16T00:30:00Z", due=day(10, 15)),
    ]


def tiers_run_by_run(policy: ScoringPolicy, days: list[date]) -> list[tuple[str | None, bool, str | None]]:
    """(tier in force, demotion warning, pending demotion) after each daily run of `days`."""
    state = TierState()
    seen = []
    for as_of in days:
        decision = decide_tier(state, score(one_good_day_then_late(), as_of, policy), as_of, policy)
        state = decision.state
        seen.append((state.tier, decision.demotion_warning, decision.pending_demotion))
    return seen


def test_finding_a_provisional_partner_no_longer_keeps_preferred_at_65_4() -> None:
    # 10-15: only A, 100.0 provisional: preferred (elite needs a final score)
    # 10-16 on: on_time 50, (22.5 + 10 + 10) / 0.65 = 65.38.. -> 65.4 D, provisional: standard at least
    assert score(one_good_day_then_late(), day(10, 16)).score == Decimal("65.4")
    days = [day(10, 15), day(10, 16), day(10, 17), day(10, 18)]
    # v2 (measured): a provisional score never lowers a tier: preferred at 65.4 D, no warning ever
    assert tiers_run_by_run(V2, days) == [("preferred", False, None)] * 4
    # v3: warned on the first run below, demoted after 3 consecutive runs (demotion_runs)
    assert tiers_run_by_run(V3, days) == [
        ("preferred", False, None),
        ("preferred", True, "standard"),
        ("preferred", False, "standard"),
        ("standard", False, None),
    ]


def test_a_provisional_score_places_the_partner_at_its_tier_never_below_standard_nor_at_elite() -> None:
    assert tier_for(Decimal("55"), True, V3) == "standard"  # never below standard
    assert tier_for(Decimal("75"), True, V3) == "standard"
    assert tier_for(Decimal("86"), True, V3) == "preferred"
    assert tier_for(Decimal("99"), True, V3) == "preferred"  # never elite
    assert tier_for(Decimal("99"), False, V3) == "elite"


def test_a_provisional_score_promotes_at_once() -> None:
    start = TierState("standard", day(9, 1), day(9, 30))
    promoted = advance_tier(start, tier_for(Decimal("86"), True, V3), True, day(10, 1), V3)
    assert (promoted.state.tier, promoted.changed) == ("preferred", True)


def test_no_score_under_v3_is_standard_and_never_lowers_a_tier_as_in_v2() -> None:
    assert tier_without_score(V3) == "standard"
    held = advance_tier(
        TierState("preferred", day(9, 1), day(9, 30)), "standard", False, day(10, 1), V3, scored=False
    )
    assert (held.state.tier, held.changed, held.demotion_warning) == ("preferred", False, False)
    nothing = score([], day(10, 1))
    decision = decide_tier(TierState("preferred", day(9, 1), day(9, 30)), nothing, day(10, 1), V3)
    assert (decision.state.tier, decision.computed, decision.demotion_warning) == (
        "preferred",
        "standard",
        False,
    )
    first = decide_tier(TierState(), nothing, day(10, 1), V3)
    assert (first.state.tier, first.changed) == ("standard", True)


# ---- late credit (optional) ---------------------------------------------------------------------------

STEPS = [
    {"max_days_late": 1, "credit": "0.75"},
    {"max_days_late": 3, "credit": "0.5"},
    {"max_days_late": 7, "credit": "0.25"},
]
WITH_STEPS = with_(V3, late_credit=STEPS, version="v3-late")


def one_late(days_late: int, noticed_until: date | None = None) -> list[JobBuilder]:
    """An on-time job and a job due 10-15 shipped `days_late` days later at noon (both value 100,
    weight 10); a delay report on 10-01 (48 h and more ahead) announcing `noticed_until`, if given."""
    late = completed_job(
        "LATE", shipped=day(10, 15) + timedelta(days=days_late), due=day(10, 15), offered=day(10, 1)
    )
    if noticed_until is not None:
        late.add("job.delay_reported", day(10, 1), expected_ship_date=noticed_until.isoformat())
    return [completed_job("OK", shipped=day(10, 2), due=day(10, 2)), late]


@pytest.mark.parametrize(
    ("days_late", "on_time"),
    [
        (1, "87.5"),  # 100 x (10 + 0.75 x 10) / 20
        (2, "75.0"),  # 100 x (10 + 0.5 x 10) / 20: the first step covering 2 is "at most 3"
        (3, "75.0"),
        (5, "62.5"),  # 100 x (10 + 0.25 x 10) / 20
        (7, "62.5"),
        (8, "50.0"),  # beyond the last step: no credit, 100 x 10 / 20
    ],
)
def test_late_credit_counts_the_first_covering_steps_share_of_the_weight(
    days_late: int, on_time: str
) -> None:
    assert component(score(one_late(days_late), day(10, 31), WITH_STEPS), "on_time") == Decimal(on_time)
    assert component(score(one_late(days_late), day(10, 31)), "on_time") == Decimal("50.0")  # v3: none


def test_the_ledger_and_the_evidence_say_when_late_credit_applied() -> None:
    result = score(one_late(2), day(10, 31), WITH_STEPS)
    on_time = next(c for c in result.components if c.name == "on_time")
    assert on_time.evidence == {"jobs": 2, "on_time_jobs": 1, "late_jobs_with_late_credit": 1}
    entry = next(e for e in result.ledger if e.job_id == "LATE")
    assert entry.reasons[:2] == ("shipped 2 days late", "late credit: at most 3 days late earns 0.5")
    # the score: (0.45 x 75 + 10 + 10) / 0.65 = 53.75 / 0.65 = 82.69.. -> 82.7; without LATE 100.0
    assert (result.score, entry.effect) == (Decimal("82.7"), Decimal("-17.3"))


@pytest.mark.parametrize(
    ("days_late", "announced", "on_time", "credit"),
    [
        (1, day(10, 17), "87.5", "late"),  # late credit 0.75 > notice 0.5
        (2, day(10, 17), "75.0", "notice"),  # 0.5 each: one credit, never both (100 x 15 / 20)
        (5, day(10, 20), "75.0", "notice"),  # notice 0.5 > late credit 0.25
        (5, day(10, 19), "62.5", "late"),  # shipped after the announced date: no notice, late 0.25
    ],
)
def test_where_notice_and_late_credit_both_apply_the_larger_counts(
    days_late: int, announced: date, on_time: str, credit: str
) -> None:
    result = score(one_late(days_late, announced), day(10, 31), WITH_STEPS)
    assert component(result, "on_time") == Decimal(on_time)
    evidence = next(c for c in result.components if c.name == "on_time").evidence
    key = {"late": "late_jobs_with_late_credit", "notice": "late_jobs_with_notice_credit"}
    assert evidence[key[credit]] == 1
    assert len(evidence) == 3  # jobs, on_time_jobs and the one credit that counted
    reasons = next(e for e in result.ledger if e.job_id == "LATE").reasons
    assert any(r.startswith("late credit" if credit == "late" else "delay reported") for r in reasons)


def test_a_job_still_open_never_earns_late_credit() -> None:
    """The overdue job of rule 1, 1 day past its due date on 10-16, with ten on-time jobs: a step of
    "at most 1 day" would cover it, but it has not shipped: on_time = 100 x 100 / 110 = 90.9."""
    jobs = [*fresh_on_time_jobs(day(10, 10)), overdue_job()]
    result = score(jobs, day(10, 16), WITH_STEPS)
    assert component(result, "on_time") == Decimal("90.9")
    assert (
        "late_jobs_with_late_credit" not in next(c for c in result.components if c.name == "on_time").evidence
    )
    # when it ships a day late (10-16), it earns the 0.75: 100 x (100 + 7.5) / 110 = 97.72.. -> 97.7
    shipped = [*fresh_on_time_jobs(day(10, 10)), overdue_job(datetime(2026, 10, 16, 9, tzinfo=UTC))]
    assert component(score(shipped, day(10, 16), WITH_STEPS), "on_time") == Decimal("97.7")


def test_a_cancelled_overdue_job_earns_no_late_credit() -> None:
    jobs = [
        completed_job("OK", shipped=day(10, 10), due=day(10, 10)),
        cancelled_overdue(datetime(2026, 10, 16, 9, tzinfo=UTC), "partner"),
    ]
    assert component(score(jobs, day(10, 20), WITH_STEPS), "on_time") == Decimal("50.0")  # 100 x 10 / 20


def test_the_hint_names_the_late_credit_when_a_policy_declares_it() -> None:
    result = score([*fresh_on_time_jobs(day(10, 10), count=3), overdue_job()], day(10, 16), WITH_STEPS)
    assert result.next_grade is not None
    assert result.next_grade.message.endswith("; a job shipped at most 1 day late earns 0.75 credit")


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [{"max_days_late": n, "credit": str(Decimal("0.9") - Decimal(n) / 100)} for n in range(1, 12)],
            "at most 10",
        ),
        ([{"max_days_late": 2, "credit": "0.5"}, {"max_days_late": 2, "credit": "0.25"}], "must ascend"),
        ([{"max_days_late": 1, "credit": "0.5"}, {"max_days_late": 2, "credit": "0.5"}], "must descend"),
        ([{"max_days_late": 1, "credit": "1"}], "less than 1"),
        ([{"max_days_late": 1, "credit": "0"}], "greater than 0"),
        ([{"max_days_late": 0, "credit": "0.5"}], "greater than or equal to 1"),
    ],
)
def test_late_credit_steps_are_validated(steps: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        with_(V3, late_credit=steps)


def test_ten_late_credit_steps_are_allowed() -> None:
    steps = [{"max_days_late": n, "credit": str(Decimal("0.9") - Decimal(n) / 100)} for n in range(1, 11)]
    assert len(with_(V3, late_credit=steps).late_credit) == 10


# ---- targets (optional) -------------------------------------------------------------------------------


def test_each_component_shows_its_target_and_whether_it_meets_it() -> None:
    result = score([*fresh_on_time_jobs(day(10, 10)), overdue_job()], day(10, 16))
    shown = {c.name: (c.value, c.target, c.meets_target) for c in result.components}
    assert shown == {
        "on_time": (Decimal("90.9"), Decimal(90), True),  # 90.9 >= 90
        "quality": (None, Decimal(95), None),  # nothing inspected: no value to judge
        "communication": (Decimal("100.0"), Decimal(80), True),
        "engagement": (Decimal("100.0"), Decimal(80), True),
    }
    missed = score(one_late(8), day(10, 31))  # on_time 50.0 < 90
    assert next(c.meets_target for c in missed.components if c.name == "on_time") is False
    # v2 declares none: no target, nothing to meet
    assert {(c.target, c.meets_target) for c in score(one_late(8), day(10, 31), V2).components} == {
        (None, None)
    }


def test_a_target_is_met_by_the_value_as_shown() -> None:
    """on_time = 100 x 90 / 100: exactly the target of 90 meets it."""
    jobs = [*fresh_on_time_jobs(day(10, 10), count=9), overdue_job()]
    on_time = next(c for c in score(jobs, day(10, 16)).components if c.name == "on_time")
    assert (on_time.value, on_time.meets_target) == (Decimal("90.0"), True)


def test_the_score_view_carries_targets() -> None:
    result = score([*fresh_on_time_jobs(day(10, 10)), overdue_job()], day(10, 16))
    decision = decide_tier(TierState(), result, day(10, 16), V3)
    view = score_view("P-1", result, decision, datetime(2026, 10, 17, tzinfo=UTC), V3)
    on_time = view.components["on_time"]
    assert (on_time.target, on_time.meets_target) == (90.0, True)
    assert (view.components["quality"].target, view.components["quality"].meets_target) == (95.0, None)
    assert view.policy_version == "v3"
    dumped = view.model_dump(mode="json")["components"]["communication"]
    assert (dumped["target"], dumped["meets_target"]) == (80.0, True)


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"speed": "50"}, "name no component"),
        ({"on_time": "101"}, "less than or equal to 100"),
        ({"on_time": "-1"}, "greater than or equal to 0"),
    ],
)
def test_targets_are_validated(targets: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        with_(V3, targets=targets)


def test_a_target_may_name_an_extra_component() -> None:
    policy = with_(
        V3,
        extra_weights={"nps": "0.1"},
        signals=[{"name": "nps", "source": "metric", "component": "nps"}],
        targets={"nps": "50"},
    )
    assert policy.targets == {"nps": Decimal(50)}


def test_rule_1_needs_overdue_jobs_to_count() -> None:
    with pytest.raises(ValidationError, match="overdue_counts_while_open needs overdue_jobs_count"):
        with_(V1, overdue_counts_while_open=True)


def test_completion_rules_carry_the_v3_rules() -> None:
    assert completion_rules(V3) == CompletionRules(
        UTC_ZONE, None, overdue=True, notice_hours=48, overdue_while_open=True, overdue_cancellation=True
    )
    assert completion_rules(V2) == CompletionRules(UTC_ZONE, None, overdue=True, notice_hours=48)
