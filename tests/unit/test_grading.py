"""Grades, tiers and demotion hysteresis (docs/scoring.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from builders import POLICY
from scorecard.domain.grading import TierDecision, TierState, advance_tier, grade_for, tier_for
from scorecard.domain.policy import Tier, load_policy

START = date(2026, 10, 1)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "A"),
        ("90", "A"),
        ("89.5", "A"),  # -> 90
        ("89.4", "B"),  # -> 89
        ("80", "B"),
        ("79.5", "B"),  # -> 80
        ("79.4", "C"),
        ("70", "C"),
        ("69.5", "C"),  # -> 70
        ("69.4", "D"),  # -> 69
        ("0", "D"),
    ],
)
def test_grade_bands_apply_to_the_integer_rounded_score(score: str, grade: str) -> None:
    assert grade_for(Decimal(score), POLICY) == grade


def test_policy_v1_is_loaded_from_package_data() -> None:
    policy = load_policy("v1")
    assert policy is POLICY  # cached
    assert [(b.grade, b.min) for b in policy.grades] == [("A", 90), ("B", 80), ("C", 70), ("D", 0)]
    assert (policy.window.base_days, policy.window.min_jobs, policy.window.max_days) == (30, 10, 180)
    assert policy.demotion_runs == 3
    assert policy.timezone == "UTC"


@pytest.mark.parametrize(
    ("score", "provisional", "tier"),
    [
        ("100", False, "elite"),
        ("92", False, "elite"),
        ("92", True, "preferred"),  # elite needs a final (non-provisional) score
        ("99.9", True, "preferred"),
        ("91.9", False, "preferred"),
        ("85", False, "preferred"),
        ("84.9", False, "standard"),
        ("70", True, "standard"),
        ("69.9", False, "probation"),
        ("0", False, "probation"),
    ],
)
def test_tier_bands(score: str, provisional: bool, tier: str) -> None:
    assert tier_for(Decimal(score), provisional, POLICY) == tier


class Runs:
    """Feeds daily runs into advance_tier, one day apart."""

    def __init__(self, tier: Tier | None = None) -> None:
        self.state = TierState(tier, START - timedelta(days=30) if tier else None, None, ())
        self.day = START

    def run(self, computed: Tier | None, provisional: bool = False) -> TierDecision:
        decision = advance_tier(self.state, computed, provisional, self.day, POLICY)
        self.state = decision.state
        self.day += timedelta(days=1)
        return decision


def test_first_run_sets_the_tier() -> None:
    runs = Runs()
    decision = runs.run("standard")
    assert (decision.state.tier, decision.changed, decision.previous) == ("standard", True, None)
    assert decision.state.since == START


def test_promotion_is_immediate() -> None:
    runs = Runs("standard")
    decision = runs.run("elite")
    assert (decision.state.tier, decision.changed, decision.previous) == ("elite", True, "standard")
    assert (decision.state.since, decision.demotion_warning) == (START, False)


def test_provisional_score_can_still_promote() -> None:
    runs = Runs("standard")
    decision = runs.run("preferred", provisional=True)
    assert (decision.state.tier, decision.changed) == ("preferred", True)


def test_demotion_takes_three_consecutive_lower_runs_and_warns_on_the_first() -> None:
    runs = Runs("elite")
    first, second, third = runs.run("preferred"), runs.run("preferred"), runs.run("preferred")
    assert (first.state.tier, first.changed, first.demotion_warning, first.pending_demotion) == (
        "elite",
        False,
        True,
        "preferred",
    )
    assert (second.state.tier, second.changed, second.demotion_warning, second.pending_demotion) == (
        "elite",
        False,
        False,
        "preferred",
    )
    assert (third.state.tier, third.changed, third.previous) == ("preferred", True, "elite")
    assert third.state.since == START + timedelta(days=2)
    assert third.state.lower_runs == ()


def test_demotion_lands_on_the_highest_tier_held_throughout() -> None:
    runs = Runs("elite")
    runs.run("standard")
    runs.run("probation")
    decision = runs.run("standard")
    assert (decision.state.tier, decision.changed) == ("standard", True)


def test_a_run_back_at_the_current_tier_resets_the_streak() -> None:
    runs = Runs("preferred")
    runs.run("standard")
    runs.run("standard")
    back = runs.run("preferred")
    assert (back.state.tier, back.state.lower_runs, back.changed) == ("preferred", (), False)
    again = runs.run("standard")  # a new streak: warned again, not demoted
    assert (again.state.tier, again.demotion_warning) == ("preferred", True)
    runs.run("standard")
    demoted = runs.run("standard")
    assert (demoted.state.tier, demoted.changed) == ("standard", True)


def test_a_higher_run_during_a_streak_promotes_and_clears_it() -> None:
    runs = Runs("standard")
    runs.run("probation")
    up = runs.run("preferred")
    assert (up.state.tier, up.state.lower_runs, up.changed) == ("preferred", (), True)


def test_provisional_scores_never_lower_a_tier() -> None:
    runs = Runs("elite")
    decisions = [runs.run("probation", provisional=True) for _ in range(5)]
    assert {(d.state.tier, d.changed, d.demotion_warning) for d in decisions} == {("elite", False, False)}
    assert runs.state.lower_runs == ()


def test_a_provisional_run_interrupts_a_demotion_streak() -> None:
    # The code's reading: a provisional run is not a run "of a lower tier", so the streak starts over.
    runs = Runs("preferred")
    runs.run("standard")
    runs.run("standard")
    runs.run("standard", provisional=True)
    decision = runs.run("standard")
    assert (decision.state.tier, decision.demotion_warning, decision.state.lower_runs) == (
        "preferred",
        True,
        ("standard",),
    )


def test_no_score_keeps_the_tier_and_the_streak() -> None:
    runs = Runs("preferred")
    runs.run("standard")
    idle = runs.run(None)
    assert (idle.state.tier, idle.computed, idle.changed) == ("preferred", None, False)
    assert idle.state.lower_runs == ("standard",)
    assert idle.state.last_run == START + timedelta(days=1)
    runs.run("standard")
    assert runs.run("standard").state.tier == "standard"  # 3 lower runs counted, the idle day skipped
