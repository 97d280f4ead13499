"""Grades, tiers and demotion hysteresis (docs/scoring.md)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from scorecard.domain.policy import TIER_ORDER, Grade, ScoringPolicy, Tier

ONE_DECIMAL = Decimal("0.1")


def round_half_up(value: Decimal, places: Decimal = ONE_DECIMAL) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def round_to_int(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def grade_for(score: Decimal, policy: ScoringPolicy) -> Grade:
    """Grade bands apply to the integer-rounded score (89.5 -> 90 -> A)."""
    whole = round_to_int(score)
    for band in policy.grades:
        if whole >= band.min:
            return band.grade
    return policy.grades[-1].grade


def tier_for(score: Decimal, provisional: bool, policy: ScoringPolicy) -> Tier:
    """The tier a score earns. Policy v2 (rule 3): a provisional score never places the partner below
    `provisional_min_tier`; elite still needs a final score (`requires_final`)."""
    tier = policy.tiers[-1].tier
    for band in policy.tiers:
        if score >= band.min and not (band.requires_final and provisional):
            tier = band.tier
            break
    floor = policy.provisional_min_tier
    if provisional and floor is not None and tier_rank(tier) < tier_rank(floor):
        return floor
    return tier


def tier_without_score(policy: ScoringPolicy) -> Tier | None:
    """The tier of a partner with no score: v1 none (the tier in force stays), v2 and v3 `standard`
    (rule 3, applied like a v2 provisional score: it places a new partner, never lowers a tier)."""
    return policy.provisional_min_tier


def tier_rank(tier: Tier) -> int:
    return TIER_ORDER.index(tier)


class TierState(msgspec.Struct, frozen=True):
    """The tier in force plus the run of daily results below it (for hysteresis)."""

    tier: Tier | None = None
    since: date | None = None
    last_run: date | None = None
    lower_runs: tuple[Tier, ...] = ()  # computed tiers of consecutive runs below `tier`


class TierDecision(msgspec.Struct, frozen=True):
    state: TierState
    computed: Tier | None
    changed: bool
    previous: Tier | None
    demotion_warning: bool  # first run of a lower tier: the partner is warned
    pending_demotion: Tier | None


def advance_tier(
    state: TierState,
    computed: Tier | None,
    provisional: bool,
    run_date: date,
    policy: ScoringPolicy,
    *,
    scored: bool = True,
) -> TierDecision:
    """One daily run's effect on the tier. Promotion is immediate; a demotion needs the lower tier to
    hold for `policy.demotion_runs` consecutive runs; a provisional score never lowers a tier, unless
    the policy lets provisional partners float (v3 rule 3: they move like everyone else); no score
    (`scored` False) never lowers a tier (v1: keeps it as it is)."""
    current = state.tier
    holds = not scored or (provisional and not policy.provisional_floats)
    if computed is None:
        return TierDecision(
            msgspec.structs.replace(state, last_run=run_date), None, False, current, False, None
        )
    if current is None or tier_rank(computed) > tier_rank(current):
        new = TierState(computed, run_date, run_date, ())
        return TierDecision(new, computed, computed != current, current, False, None)
    if tier_rank(computed) == tier_rank(current) or holds:
        new = TierState(current, state.since, run_date, ())
        return TierDecision(new, computed, False, current, False, None)
    lower_runs = (*state.lower_runs, computed)
    if len(lower_runs) >= policy.demotion_runs:
        # Demote to the highest tier the partner held throughout the streak.
        target = max(lower_runs[-policy.demotion_runs :], key=tier_rank)
        new = TierState(target, run_date, run_date, ())
        return TierDecision(new, computed, True, current, False, None)
    new = TierState(current, state.since, run_date, lower_runs)
    return TierDecision(new, computed, False, current, len(lower_runs) == 1, computed)
