"""Read-side use cases of the API: profiles, scores, history, the jobs that count, one job's story."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Literal, Protocol

from scorecard.domain.policy import Grade, ScoringPolicy, Tier
from scorecard.domain.window import completion_rules, day_end
from scorecard.records import (
    ListedPartner,
    MalformedCursor,
    PartnerEvidence,
    PartnerProfile,
    RegistryEntry,
    ScoreRecord,
    StoredAggregate,
)
from scorecard.services.errors import Invalid, NotFound, UnknownPartner
from scorecard.services.evidence import evidence_since, fold_jobs, fold_requests, partner_zone
from scorecard.services.presenters import job_detail, job_summary, window_view
from scorecard.views import (
    GradeCountsView,
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

MAX_HISTORY_DAYS = 731


class PartnerStore(Protocol):
    """What the partner read side uses (adapters.partner_repository.PartnerRepository)."""

    def get_profile(self, partner_id: str) -> PartnerProfile | None: ...

    def put_profile(self, profile: PartnerProfile) -> bool: ...

    def registry_page(
        self, limit: int, start_after: str | None = None
    ) -> tuple[list[RegistryEntry], str | None]: ...

    def partners_by_score(
        self,
        *,
        descending: bool,
        limit: int,
        cursor: str | None,
        tier: Tier | None = None,
        grade: Grade | None = None,
    ) -> tuple[list[ListedPartner], str | None]: ...

    def get_score(self, partner_id: str) -> ScoreRecord | None: ...

    def get_score_view(self, partner_id: str) -> ScoreView | None: ...

    def score_history(self, partner_id: str, first: date, last: date) -> list[HistoryPointView]: ...

    def load_evidence(self, partner_id: str, since: datetime) -> PartnerEvidence: ...

    def get_job(self, partner_id: str, job_id: str) -> StoredAggregate | None: ...


class NotScoredYet(NotFound):
    """A registered partner the daily run has not scored yet."""

    def __init__(self, partner_id: str) -> None:
        super().__init__(f"partner {partner_id} has not been scored yet")


class UnknownJob(NotFound):
    def __init__(self, partner_id: str, job_id: str) -> None:
        super().__init__(f"job {job_id} of partner {partner_id} is unknown")


def _partner_view(entry: RegistryEntry | ListedPartner) -> PartnerView:
    score = entry.score
    return PartnerView(
        partner_id=entry.profile.partner_id,
        name=entry.profile.name,
        email=entry.profile.email,
        timezone=entry.profile.timezone,
        score=float(score.score) if score and score.score is not None else None,
        grade=score.grade if score else None,
        tier=score.tier if score else None,
        provisional=score.provisional if score else False,
        as_of=score.as_of if score else None,
    )


def put_profile(
    repository: PartnerStore, partner_id: str, profile: ProfileIn, now: datetime
) -> tuple[PartnerView, bool]:
    created = repository.put_profile(
        PartnerProfile(partner_id, profile.name, profile.email, profile.timezone, now)
    )
    return _partner_view(
        RegistryEntry(repository.get_profile(partner_id) or PartnerProfile(partner_id), None)
    ), created


PartnerSort = Literal["score", "-score"]


def list_partners(
    repository: PartnerStore,
    *,
    tier: Tier | None,
    grade: Grade | None,
    limit: int,
    cursor: str | None,
    sort: PartnerSort | None = None,
) -> PartnerListView:
    """Without `sort`: registry pages in id order, the cursor a partner id. With `sort`: the whole
    network in score order (ascending `score`, descending `-score`), equal scores by id, partners
    without a score last by id; the cursor is opaque, of that sort only (another: Invalid). Filters
    apply in both; `grades` counts the page."""
    if sort is not None:
        try:
            listed, next_cursor = repository.partners_by_score(
                descending=sort == "-score", limit=limit, cursor=cursor, tier=tier, grade=grade
            )
        except MalformedCursor as error:
            raise Invalid(f"cursor is not one this listing (sort={sort}) gave", "cursor") from error
        return _page([_partner_view(entry) for entry in listed], next_cursor)
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
                    return _page(views, view.partner_id if more else None)
        if cursor is None:
            return _page(views, None)


def grade_counts(views: list[PartnerView]) -> GradeCountsView:
    counts = Counter(view.grade or "none" for view in views)
    return GradeCountsView(**{name: counts.get(name, 0) for name in ("A", "B", "C", "D", "none")})


def _page(views: list[PartnerView], next_cursor: str | None) -> PartnerListView:
    return PartnerListView(partners=views, next_cursor=next_cursor, grades=grade_counts(views))


def current_score(repository: PartnerStore, partner_id: str) -> ScoreView:
    view = repository.get_score_view(partner_id)
    if view is None:
        if repository.get_profile(partner_id) is None:
            raise UnknownPartner(partner_id)
        raise NotScoredYet(partner_id)
    return view


def score_history(repository: PartnerStore, partner_id: str, first: date, last: date) -> ScoreHistoryView:
    if first > last or (last - first).days > MAX_HISTORY_DAYS:
        raise Invalid(f"from must be on or before to, at most {MAX_HISTORY_DAYS} days apart", "from", "to")
    if repository.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    return ScoreHistoryView(partner_id=partner_id, points=repository.score_history(partner_id, first, last))


def jobs_that_count(
    repository: PartnerStore, partner_id: str, which: JobFilter, as_of: date, policy: ScoringPolicy
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
    # Imported here: the scoring is this route's alone, and the API's cold start need not load it.
    from scorecard.domain.scoring import compute_success_score

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
    repository: PartnerStore,
    partner_id: str,
    job_id: str,
    policy: ScoringPolicy,
    as_of: date | None = None,
) -> JobDetailView:
    """One job's story; `as_of` (today) counts the days late of an overdue job."""
    stored = repository.get_job(partner_id, job_id)
    if stored is None:
        raise UnknownJob(partner_id, job_id)
    (job,) = fold_jobs(partner_id, [stored], None)
    rules = completion_rules(policy, partner_zone(repository.get_profile(partner_id)))
    return job_detail(job, rules, None, as_of)
