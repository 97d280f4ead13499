"""POST /v1/policy/simulate: score partners under the current and a candidate policy from the same
evidence, and list who would change grade or tier."""

from __future__ import annotations

from datetime import date

from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.window import day_end
from scorecard.services.daily import computed_tier
from scorecard.services.evidence import (
    activity_events,
    evidence_since,
    fold_jobs,
    fold_requests,
    partner_zone,
)
from scorecard.views import PartnerSimulationView, ScoreOutcomeView, SimulationView


def _outcome(result: ScoreResult, policy: ScoringPolicy) -> ScoreOutcomeView:
    return ScoreOutcomeView(
        score=None if result.score is None else float(result.score),
        grade=result.grade,
        tier=computed_tier(result, policy),
        provisional=result.provisional,
    )


def simulate_policy(
    repository: PartnerRepository,
    current: ScoringPolicy,
    candidate: ScoringPolicy,
    as_of: date,
    *,
    limit: int,
    cursor: str | None,
) -> SimulationView:
    """Up to `limit` partners of the registry after `cursor`, one evidence query each (and one of
    activity when a policy declares signals, as the daily run reads it)."""
    page, next_cursor = repository.registry_page(limit, cursor, with_scores=False)
    since = min(evidence_since(as_of, current), evidence_since(as_of, candidate))
    reads_activity = bool(current.signals or candidate.signals)
    activity_until = max(day_end(as_of, policy.zone) for policy in (current, candidate))
    changes: list[PartnerSimulationView] = []
    grade_changes = tier_changes = 0
    for entry in page:
        partner_id = entry.profile.partner_id
        evidence = repository.load_evidence(partner_id, since)
        if reads_activity:
            evidence.activity = repository.load_activity(partner_id, since, activity_until)
        outcomes = []
        for policy in (current, candidate):
            until = day_end(as_of, policy.zone)
            jobs = fold_jobs(partner_id, evidence.jobs, until)
            requests = fold_requests(evidence.requests, until)
            zone = partner_zone(entry.profile)
            activity = activity_events(evidence.activity, until)
            result = compute_success_score(
                jobs, requests, as_of, policy, partner_zone=zone, activity=activity
            )
            outcomes.append(_outcome(result, policy))
        before, after = outcomes
        grade_changed = before.grade != after.grade
        tier_changed = before.tier != after.tier
        grade_changes += grade_changed
        tier_changes += tier_changed
        if grade_changed or tier_changed:
            changes.append(
                PartnerSimulationView(
                    partner_id=partner_id,
                    current=before,
                    candidate=after,
                    grade_changed=grade_changed,
                    tier_changed=tier_changed,
                )
            )
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
