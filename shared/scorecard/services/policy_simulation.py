"""POST /v1/policy/simulate: score partners under the current and a candidate policy from the same
evidence, and list who would change grade or tier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.domain.events import Event, parse_stored_event
from scorecard.domain.jobs import JobState, fold_job
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.requests import UpdateRequest, fold_request
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.window import day_end
from scorecard.records import PartnerEvidence
from scorecard.services.daily import computed_tier
from scorecard.services.evidence import evidence_since, partner_zone
from scorecard.views import PartnerSimulationView, ScoreOutcomeView, SimulationView

Folded = tuple[list[JobState], list[UpdateRequest], list[Event]]


def _outcome(result: ScoreResult, policy: ScoringPolicy) -> ScoreOutcomeView:
    return ScoreOutcomeView(
        score=None if result.score is None else float(result.score),
        grade=result.grade,
        tier=computed_tier(result, policy),
        provisional=result.provisional,
    )


def _folds(evidence: PartnerEvidence) -> Callable[[datetime], Folded]:
    """The partner's jobs, requests and activity as of an instant (what services.evidence's fold_jobs,
    fold_requests and activity_events give), the stored events parsed once for both policies and
    folded once per distinct day end (once in all unless the two timezones differ)."""
    partner_id = evidence.partner_id
    jobs = [(a, [parse_stored_event(raw) for raw in a.events]) for a in evidence.jobs]
    requests = [(a.id, [parse_stored_event(raw) for raw in a.events]) for a in evidence.requests]
    activity = [parse_stored_event(raw) for a in evidence.activity for raw in a.events]
    folded: dict[datetime, Folded] = {}

    def at(until: datetime) -> Folded:
        if until not in folded:
            folded[until] = (
                [fold_job(partner_id, a.id, events, until=until, excluded=a.excluded) for a, events in jobs],
                [fold_request(request_id, events, until=until) for request_id, events in requests],
                [event for event in activity if event.occurred_at < until],
            )
        return folded[until]

    return at


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
        folds = _folds(evidence)
        zone = partner_zone(entry.profile)
        for policy in (current, candidate):
            jobs, requests, activity = folds(day_end(as_of, policy.zone))
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
