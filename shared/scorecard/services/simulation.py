"""POST /v1/policy/simulate: score partners under the current and a candidate policy from the same
evidence, through the daily run's path (services.scoring.score_day), and list who would change grade
or tier."""

from __future__ import annotations

from datetime import date

from scorecard.domain.grading import TierState
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.tiering import prior_tier_state
from scorecard.ports import EvidenceStore, PartnerStore, ScoreStore
from scorecard.schemas.policy import PartnerSimulationView, ScoreOutcomeView, SimulationView
from scorecard.services.scoring import DayScore, Evidence, load_evidence, score_day


def _outcome(scored: DayScore) -> ScoreOutcomeView:
    result = scored.result
    return ScoreOutcomeView(
        score=None if result.score is None else float(result.score),
        grade=result.grade,
        tier=scored.decision.state.tier,
        provisional=result.provisional,
    )


def simulate_partner(
    evidence: Evidence, prior: TierState, current: ScoringPolicy, candidate: ScoringPolicy, as_of: date
) -> PartnerSimulationView:
    """One partner under both policies, each tier decided from its stored state as the daily run would."""
    before, after = (_outcome(score_day(evidence, policy, as_of, prior)) for policy in (current, candidate))
    return PartnerSimulationView(
        partner_id=evidence.partner_id,
        current=before,
        candidate=after,
        grade_changed=before.grade != after.grade,
        tier_changed=before.tier != after.tier,
    )


def simulate_policy(
    partners: PartnerStore,
    evidence_store: EvidenceStore,
    scores: ScoreStore,
    current: ScoringPolicy,
    candidate: ScoringPolicy,
    as_of: date,
    *,
    limit: int,
    cursor: str | None,
) -> SimulationView:
    """Up to `limit` partners of the registry after `cursor`: one evidence query each (and one of
    activity when a policy declares signals), their tier states in one read. Each partner's tier under
    either policy is the daily run's decision for `as_of` from its stored tier state."""
    page, next_cursor = partners.registry_page(limit, cursor)
    stored = scores.current_scores([profile.partner_id for profile in page])
    changes: list[PartnerSimulationView] = []
    grade_changes = tier_changes = 0
    for profile in page:
        partner_id = profile.partner_id
        evidence = Evidence(load_evidence(evidence_store, partner_id, as_of, as_of, [current, candidate]))
        record = stored.get(partner_id)
        prior, _ = prior_tier_state(None if record is None else record.tiers, as_of)
        outcome = simulate_partner(evidence, prior or TierState(), current, candidate, as_of)
        grade_changes += outcome.grade_changed
        tier_changes += outcome.tier_changed
        if outcome.grade_changed or outcome.tier_changed:
            changes.append(outcome)
    return SimulationView(
        as_of=as_of,
        current_policy_version=current.version,
        candidate_policy_version=candidate.version,
        partners_evaluated=len(page),
        grade_changes=grade_changes,
        tier_changes=tier_changes,
        changes=changes,
        next_cursor=next_cursor,
    )
