"""Read-side use cases of the API: profiles, scores, history, the jobs that count, one job's story."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from scorecard.adapters.partner_repository import PartnerRepository, RegistryEntry, StoredProfile
from scorecard.domain.policy import Grade, ScoringPolicy, Tier
from scorecard.domain.scoring import compute_success_score
from scorecard.domain.window import completion_rules, day_end
from scorecard.services.errors import UnknownPartner
from scorecard.services.evidence import evidence_since, fold_jobs, fold_requests, partner_zone
from scorecard.services.presenters import job_detail, job_summary, window_view
from scorecard.views import (
    HistoryPointView,
    JobDetailView,
    JobListView,
    PartnerListView,
    PartnerView,
    ProfileIn,
    ScoreHistoryView,
    ScoreView,
)

JobFilter = Literal["late", "defective", "all"]


class NotScoredYet(LookupError):
    """A registered partner the daily run has not scored yet."""


class UnknownJob(LookupError):
    pass


def _partner_view(entry: RegistryEntry) -> PartnerView:
    score = entry.score
    return PartnerView(
        partner_id=entry.profile.partner_id,
        name=entry.profile.name,
        email=entry.profile.email,
        timezone=entry.profile.timezone,
        score=float(score.score) if score and score.score is not None else None,
        grade=score.grade if score else None,  # type: ignore[arg-type]
        tier=score.tier if score else None,  # type: ignore[arg-type]
        provisional=score.provisional if score else False,
        as_of=date.fromisoformat(score.as_of) if score else None,
    )


def put_profile(
    repository: PartnerRepository, partner_id: str, profile: ProfileIn, now: datetime
) -> tuple[PartnerView, bool]:
    created = repository.put_profile(
        StoredProfile(partner_id, profile.name, profile.email, profile.timezone, now.isoformat())
    )
    return _partner_view(
        RegistryEntry(repository.get_profile(partner_id) or StoredProfile(partner_id), None)
    ), created


def list_partners(
    repository: PartnerRepository,
    *,
    tier: Tier | None,
    grade: Grade | None,
    limit: int,
    cursor: str | None,
) -> PartnerListView:
    """Registry pages in id order; tier/grade filters apply to each page read."""
    views: list[PartnerView] = []
    while True:
        page, cursor = repository.registry_page(limit, cursor)
        for entry in page:
            view = _partner_view(entry)
            if (tier is None or view.tier == tier) and (grade is None or view.grade == grade):
                views.append(view)
                if len(views) == limit:
                    # The next page starts after the last partner returned, not after the page read.
                    more = cursor is not None or entry is not page[-1]
                    return PartnerListView(partners=views, next_cursor=view.partner_id if more else None)
        if cursor is None:
            return PartnerListView(partners=views, next_cursor=None)


def current_score(repository: PartnerRepository, partner_id: str) -> ScoreView:
    stored = repository.get_score(partner_id)
    if stored is None:
        if repository.get_profile(partner_id) is None:
            raise UnknownPartner(partner_id)
        raise NotScoredYet(partner_id)
    return ScoreView.model_validate_json(stored.document)


def score_history(
    repository: PartnerRepository, partner_id: str, first: date, last: date
) -> ScoreHistoryView:
    if repository.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    points = [
        HistoryPointView.model_validate_json(raw) for raw in repository.score_history(partner_id, first, last)
    ]
    return ScoreHistoryView(partner_id=partner_id, points=points)


def jobs_that_count(
    repository: PartnerRepository, partner_id: str, which: JobFilter, as_of: date, policy: ScoringPolicy
) -> JobListView:
    """The jobs in the score window as of `as_of`, with each one's effect on the score (an overdue
    job, policy v2, is late with status `overdue`)."""
    evidence = repository.load_evidence(partner_id, evidence_since(as_of, policy))
    if evidence.profile is None:
        raise UnknownPartner(partner_id)
    until = day_end(as_of, policy.zone)
    jobs = fold_jobs(partner_id, evidence.jobs, until)
    zone = partner_zone(evidence.profile)
    requests = fold_requests(evidence.requests, until)
    result = compute_success_score(jobs, requests, as_of, policy, partner_zone=zone)
    rules = completion_rules(policy, zone)
    effects = {entry.job_id: entry.effect for entry in result.ledger}
    views = []
    for window_job in result.window.jobs if result.window else ():
        job = window_job.job
        late = not window_job.completion.on_time
        if which == "all" or (which == "late" and late) or (which == "defective" and job.parts_defective):
            views.append(job_summary(job, rules, effects.get(job.job_id), as_of))
    return JobListView(
        partner_id=partner_id, filter=which, as_of=as_of, window=window_view(result.window), jobs=views
    )


def job_story(
    repository: PartnerRepository,
    partner_id: str,
    job_id: str,
    policy: ScoringPolicy,
    as_of: date | None = None,
) -> JobDetailView:
    """One job's story; `as_of` (today) counts the days late of an overdue job."""
    stored = repository.get_job(partner_id, job_id)
    if stored is None:
        raise UnknownJob(job_id)
    (job,) = fold_jobs(partner_id, [stored], None)
    rules = completion_rules(policy, partner_zone(repository.get_profile(partner_id)))
    return job_detail(job, rules, None, as_of)
