"""Read-side use cases of the API: profiles, scores, history, the jobs that count, one job's story."""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Protocol

import msgspec

from scorecard.domain.jobs import Completion, CompletionRules, JobState
from scorecard.domain.policy import Grade, ScoringPolicy, Tier
from scorecard.domain.window import completion_rules, day_end
from scorecard.records import (
    InvalidPosition,
    JobPosition,
    ListedPartner,
    MalformedCursor,
    PagedJob,
    PartnerEvidence,
    PartnerProfile,
    RegistryEntry,
    ScoreRecord,
    StoredAggregate,
)
from scorecard.services.errors import Invalid, NotFound, UnknownPartner
from scorecard.services.evidence import evidence_since, fold_jobs, fold_requests, partner_zone
from scorecard.services.policy_catalog import PolicySource
from scorecard.services.presenters import job_detail, job_summary, window_view
from scorecard.views import (
    GradeCountsView,
    HistoryPointView,
    JobDetailView,
    JobListView,
    JobSummaryView,
    PartnerListView,
    PartnerView,
    ProfileIn,
    ProfilePatch,
    ScoreHistoryView,
    ScoreView,
)

if TYPE_CHECKING:  # types only: the scoring is imported where it runs (scored_window)
    from scorecard.domain.scoring import ScoreResult

JobFilter = Literal["late", "defective", "all"]
JobScope = Literal["window", "all"]

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


class JobRecordStore(PartnerStore, Protocol):
    """PartnerStore and the running record's paged read of the partner's jobs
    (adapters.partner_repository.PartnerRepository)."""

    def job_page(
        self, partner_id: str, limit: int, start_after: JobPosition | None = None
    ) -> tuple[list[PagedJob], JobPosition | None]: ...


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
    """Replace the profile whole (a field left out is cleared); the answer carries the partner's
    standing as GET /v1/partners lists it."""
    created = repository.put_profile(
        PartnerProfile(partner_id, profile.name, profile.email, profile.timezone, now)
    )
    stored = repository.get_profile(partner_id) or PartnerProfile(partner_id)
    return _partner_view(RegistryEntry(stored, repository.get_score(partner_id))), created


class ProfilePatcher(PartnerStore, Protocol):
    def patch_profile(
        self, partner_id: str, changes: dict[str, str | None], updated_at: datetime
    ) -> PartnerProfile | None: ...


def patch_profile(
    repository: ProfilePatcher, partner_id: str, patch: ProfilePatch, now: datetime
) -> PartnerView:
    """Change only the fields given (null clears email or timezone); UnknownPartner when the partner
    has no profile. An empty patch changes nothing and answers the profile as it is."""
    changes = patch.changes()
    if changes:
        stored = repository.patch_profile(partner_id, changes, now)
    else:
        stored = repository.get_profile(partner_id)
    if stored is None:
        raise UnknownPartner(partner_id)
    return _partner_view(RegistryEntry(stored, repository.get_score(partner_id)))


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


def score_day(repository: PartnerStore, partner_id: str, today: date) -> date:
    """The day the jobs routes judge by: the latest scored day (the current score's), else today."""
    stored = repository.get_score(partner_id)
    return stored.as_of if stored else today


class ScoredWindow(msgspec.Struct, frozen=True):
    """A partner's score as of a day, recomputed from its evidence, with what the job views need:
    the one source of every job's `score_effect` and `counts` (list, running record and job page)."""

    result: ScoreResult
    rules: CompletionRules
    effects: dict[str, Decimal]  # job id -> points, for the jobs in the score's ledger

    def effect_of(self, job_id: str) -> Decimal | None:
        """The job's score effect when it counts (it is in the ledger: completed in the window, or
        offered in it), else None."""
        return self.effects.get(job_id)


def scored_window(
    repository: PartnerStore, partner_id: str, as_of: date, policy: ScoringPolicy
) -> ScoredWindow:
    """The partner's score as of `as_of`, recomputed from its evidence as the daily run computes it."""
    evidence = repository.load_evidence(partner_id, evidence_since(as_of, policy))
    if evidence.profile is None:
        raise UnknownPartner(partner_id)
    until = day_end(as_of, policy.zone)
    jobs = fold_jobs(partner_id, evidence.jobs, until)
    zone = partner_zone(evidence.profile)
    requests = fold_requests(evidence.requests, until)
    # Imported here: the scoring is the jobs routes' alone, and the API's cold start need not load it.
    from scorecard.domain.scoring import compute_success_score

    result = compute_success_score(jobs, requests, as_of, policy, partner_zone=zone)
    effects = {entry.job_id: entry.effect for entry in result.ledger}
    return ScoredWindow(result, completion_rules(policy, zone), effects)


def _selected(job: JobState, completion: Completion | None, which: JobFilter) -> bool:
    late = completion is not None and not completion.on_time
    return which == "all" or (which == "late" and late) or (which == "defective" and job.parts_defective > 0)


def jobs_that_count(
    repository: PartnerStore, partner_id: str, which: JobFilter, as_of: date, policy: ScoringPolicy
) -> JobListView:
    """The jobs in the score window as of `as_of`, with each one's effect on the score (an overdue
    job, policy v2, is late with status `overdue`)."""
    scored = scored_window(repository, partner_id, as_of, policy)
    window = scored.result.window
    views = [
        job_summary(wj.job, scored.rules, scored.effect_of(wj.job.job_id), as_of)
        for wj in (window.jobs if window else ())
        if _selected(wj.job, wj.completion, which)
    ]
    return JobListView(
        partner_id=partner_id, filter=which, as_of=as_of, window=window_view(window), jobs=views
    )


# The running record walks the partner's evidence a Query page at a time, newest first, and stops
# after RECORD_QUERIES_PER_REQUEST pages: one request reads at most 5 x 100 items (one per event; at
# most 1 MB a page, DynamoDB's own cap) and, on pages that resume a walk, one Query per job met,
# whatever the partner's history and however few jobs match the filter (PartnerRepository.job_page).
RECORD_QUERY_LIMIT = 100
RECORD_QUERIES_PER_REQUEST = 5


def job_list(
    repository: JobRecordStore,
    partner_id: str,
    which: JobFilter,
    scope: JobScope,
    as_of: date,
    policy: ScoringPolicy,
    *,
    limit: int,
    cursor: str | None,
) -> JobListView:
    """GET /jobs: the window's jobs (one page) or the running record (paged)."""
    if scope == "all":
        return running_record(repository, partner_id, which, as_of, policy, limit=limit, cursor=cursor)
    if cursor is not None:
        raise Invalid("cursor pages scope=all only (the window list is one page)", "query.cursor")
    return jobs_that_count(repository, partner_id, which, as_of, policy)


def running_record(
    repository: JobRecordStore,
    partner_id: str,
    which: JobFilter,
    as_of: date,
    policy: ScoringPolicy,
    *,
    limit: int,
    cursor: str | None,
) -> JobListView:
    """Every late / defective (/ any) job recorded for the partner up to the end of `as_of`, in the
    score window or not, most recent first: ordered by each job's latest event (for a late job its
    last shipment, or a later inspection; for an overdue one its last event before it went overdue),
    ties in the index's order. Each job says whether it `counts` (is in the ledger of the score as of
    `as_of`) and, when it does, its `score_effect`, the same figure as in the window list. Paged:
    `limit` jobs at most, `next_cursor` to go on; a page may hold fewer (even none) and still have
    a `next_cursor`, as a request reads a bounded number of job items (above)."""
    start = _decode_cursor(cursor)
    scored = scored_window(repository, partner_id, as_of, policy)
    until = day_end(as_of, policy.zone)
    views: list[JobSummaryView] = []
    position = start
    for _ in range(RECORD_QUERIES_PER_REQUEST):
        try:
            page, next_position = repository.job_page(partner_id, RECORD_QUERY_LIMIT, position)
        except InvalidPosition as error:
            raise _malformed_cursor() from error
        for paged in page:
            (job,) = fold_jobs(partner_id, [paged.aggregate], until)
            if job.excluded or not job.events:  # excluded by a review, or recorded after `as_of`
                continue
            if _selected(job, job.completion(scored.rules, as_of), which):
                views.append(job_summary(job, scored.rules, scored.effect_of(job.job_id), as_of))
                if len(views) == limit:
                    more = next_position is not None or paged is not page[-1]
                    return _record_page(
                        partner_id, which, as_of, scored, views, paged.position if more else None
                    )
        if next_position is None:
            return _record_page(partner_id, which, as_of, scored, views, None)
        position = next_position
    return _record_page(partner_id, which, as_of, scored, views, position)


def _record_page(
    partner_id: str,
    which: JobFilter,
    as_of: date,
    scored: ScoredWindow,
    views: list[JobSummaryView],
    after: JobPosition | None,
) -> JobListView:
    return JobListView(
        partner_id=partner_id,
        filter=which,
        scope="all",
        as_of=as_of,
        window=window_view(scored.result.window),
        jobs=views,
        next_cursor=None if after is None else _encode_cursor(after),
    )


def _encode_cursor(position: JobPosition) -> str:
    """Opaque to clients: the position as URL-safe base64 of a JSON pair, unpadded."""
    raw = json.dumps([position.latest, position.sk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> JobPosition | None:
    if cursor is None:
        return None
    try:
        pair = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as error:  # bad base64, bytes or JSON (UnicodeDecodeError too)
        raise _malformed_cursor() from error
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
        raise _malformed_cursor()
    return JobPosition(pair[0], pair[1])


def _malformed_cursor() -> Invalid:
    return Invalid("cursor is not a next_cursor of this list", "query.cursor")


def job_story(
    repository: PartnerStore,
    partner_id: str,
    job_id: str,
    policies: PolicySource,
    today: date,
) -> JobDetailView:
    """One job's story: the days late of an overdue job counted to `today`, its `score_effect` that
    of the score as of the latest scored day (score_day, under that day's version), as the jobs list
    shows it."""
    stored = repository.get_job(partner_id, job_id)
    if stored is None:
        raise UnknownJob(partner_id, job_id)
    day = score_day(repository, partner_id, today)
    scored = scored_window(repository, partner_id, day, policies.active_on(day))
    (job,) = fold_jobs(partner_id, [stored], None)
    return job_detail(job, scored.rules, scored.effect_of(job_id), today)
