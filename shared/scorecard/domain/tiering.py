"""A day's effect on the tier in force: the tier a score earns, hysteresis (grading.advance_tier), and
where a run of a day starts from (a re-run of the same day starts from the state before it)."""

from __future__ import annotations

from datetime import date

import msgspec

from scorecard.domain.grading import (
    TierDecision,
    TierState,
    advance_tier,
    tier_for,
    tier_without_score,
)
from scorecard.domain.policy import ScoringPolicy, Tier
from scorecard.domain.scoring import ScoreResult


class TierHistory(msgspec.Struct, frozen=True):
    """The tier state after the latest daily run, and the state that run started from (a re-run of
    the same day starts from `before`, so hysteresis never counts a day twice)."""

    current: TierState = msgspec.field(default_factory=TierState)
    before: TierState = msgspec.field(default_factory=TierState)


def prior_tier_state(stored: TierHistory | None, as_of: date) -> tuple[TierState | None, bool]:
    """The tier state a run for `as_of` starts from, and whether this is a re-run of that day. A
    re-run starts from the state before that day's first run (so re-runs never count twice); the
    state is None for a day older than the last run (a backfill must not rewrite the tier in force)."""
    if stored is None:
        return TierState(), False
    current = stored.current
    if current.last_run is None or as_of > current.last_run:
        return current, False
    if as_of == current.last_run:
        return stored.before, True
    return None, False


def computed_tier(result: ScoreResult, policy: ScoringPolicy) -> Tier | None:
    """The tier a day's score alone gives (before hysteresis)."""
    if result.score is None:
        return tier_without_score(policy)
    return tier_for(result.score, result.provisional, policy)


def decide_tier(state: TierState, result: ScoreResult, as_of: date, policy: ScoringPolicy) -> TierDecision:
    """One day's run's effect on the tier in force (the daily run's, and a backtest's day by day)."""
    # No score places a new partner (policy v2, v3) but never lowers a tier; a provisional score
    # never lowers one either, unless the policy lets it float (v3 rule 3).
    return advance_tier(
        state,
        computed_tier(result, policy),
        result.provisional,
        as_of,
        policy,
        scored=result.score is not None,
    )
