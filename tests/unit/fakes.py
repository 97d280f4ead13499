"""In-memory repositories for the service tests (the ports are the Protocols of scorecard.ports).
FakePartnerRepository serves as the evidence, partner and score store at once. They keep records in
dicts; the DynamoDB adapters are tested against moto in tests/integration."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Literal

import msgspec
from scorecard.adapters.records import (
    ListedPartner,
    PartnerEvidence,
    PartnerProfile,
    ScoreFigures,
    ScoreRecord,
    ScoreWrite,
    StoredAggregate,
)
from scorecard.adapters.review_repository import ReviewConflict, ReviewPage, UnknownJobs
from scorecard.domain.events import Event, event_json, parse_stored_event
from scorecard.domain.policy import Grade, ScoringPolicy, Tier
from scorecard.schemas.policy import AdoptionView, PolicyVersionView
from scorecard.schemas.reviews import ReviewView
from scorecard.schemas.scores import HistoryPointView, ScoreView


class FakePartnerRepository:
    def __init__(self) -> None:
        self.profiles: dict[str, PartnerProfile] = {}
        self.jobs: dict[str, dict[str, StoredAggregate]] = {}
        self.scores: dict[str, ScoreRecord] = {}
        self.views: dict[str, ScoreView] = {}
        self.history: dict[str, dict[date, HistoryPointView]] = {}
        self.activity: dict[str, dict[str, StoredAggregate]] = {}  # partner -> UTC month -> item
        self.score_reads: list[list[str]] = []  # the partner ids of each current_scores call
        self.open_marks: dict[str, set[str]] = {}  # partner -> the job ids kept read whatever their age

    # -- arranging -------------------------------------------------------------------------------

    def add_job(self, partner_id: str, job_id: str, events: Iterable[Event]) -> None:
        """As ingestion would: the partner is registered by its events."""
        self.profiles.setdefault(partner_id, PartnerProfile(partner_id))
        stored = tuple(sorted(event_json(e) for e in events))
        self.jobs.setdefault(partner_id, {})[job_id] = StoredAggregate(job_id, stored)

    def add_activity(self, partner_id: str, events: Iterable[Event]) -> None:
        """As ingestion would: each partner-level event (login, capacity, metric) into the activity item
        of its UTC month."""
        months = self.activity.setdefault(partner_id, {})
        for e in events:
            month = e.occurred_at.astimezone(UTC).strftime("%Y-%m")
            before = months.get(month, StoredAggregate(month, ()))
            months[month] = StoredAggregate(month, tuple(sorted({*before.events, event_json(e)})))

    def exclude(self, partner_id: str, job_id: str) -> None:
        self.jobs[partner_id][job_id] = msgspec.structs.replace(self.jobs[partner_id][job_id], excluded=True)

    # -- the ports ---------------------------------------------------------------------------------

    def load_evidence(self, partner_id: str, since: datetime) -> PartnerEvidence:
        def latest(job: StoredAggregate) -> datetime:
            return max(parse_stored_event(raw).occurred_at for raw in job.events)

        kept = frozenset(self.open_marks.get(partner_id, ()))
        return PartnerEvidence(
            partner_id,
            profile=self.profiles.get(partner_id),
            jobs=[
                job
                for job in self.jobs.get(partner_id, {}).values()
                if job.id in kept or latest(job) >= since
            ],
            kept_open=kept,
        )

    def mark_open_jobs(self, partner_id: str, keep: Sequence[str], release: Sequence[str]) -> None:
        marked = self.open_marks.setdefault(partner_id, set())
        marked.update(keep)
        marked.difference_update(release)

    def current_scores(self, partner_ids: Sequence[str]) -> dict[str, ScoreRecord]:
        self.score_reads.append(list(partner_ids))
        return {pid: self.scores[pid] for pid in partner_ids if pid in self.scores}

    def load_activity(
        self, partner_id: str, since: datetime, until: datetime, presence_since: datetime | None = None
    ) -> list[StoredAggregate]:
        """Every event of the months `since`..`until`: what the port promises and more (presence_since
        only lets a store read less)."""
        first, last = (at.astimezone(UTC).strftime("%Y-%m") for at in (since, until))
        months = self.activity.get(partner_id, {})
        return [months[month] for month in sorted(months) if first <= month <= last]

    def get_job(self, partner_id: str, job_id: str) -> StoredAggregate | None:
        return self.jobs.get(partner_id, {}).get(job_id)

    def get_profile(self, partner_id: str) -> PartnerProfile | None:
        return self.profiles.get(partner_id)

    def put_profile(self, profile: PartnerProfile) -> bool:
        before = self.profiles.get(profile.partner_id)
        self.profiles[profile.partner_id] = profile
        return before is None or before.updated_at is None

    def patch_profile(
        self, partner_id: str, changes: dict[str, str | None], updated_at: datetime
    ) -> PartnerProfile | None:
        before = self.profiles.get(partner_id)
        if before is None:
            return None
        patched = msgspec.structs.replace(before, **changes, updated_at=updated_at)
        self.profiles[partner_id] = patched
        return patched

    def registry_page(
        self, limit: int, start_after: str | None = None
    ) -> tuple[list[PartnerProfile], str | None]:
        ids = sorted(pid for pid in self.profiles if start_after is None or pid > start_after)
        page = [self.profiles[pid] for pid in ids[:limit]]
        return page, (page[-1].partner_id if len(ids) > limit else None)

    def figures(self, partner_ids: Sequence[str]) -> dict[str, ScoreFigures]:
        return {
            pid: ScoreFigures(s.score, s.grade, s.tier, s.provisional, s.as_of)
            for pid in partner_ids
            if (s := self.scores.get(pid)) is not None
        }

    def iter_partner_ids(self) -> Iterator[str]:
        return iter(sorted(self.profiles))

    def partners_by_score(
        self,
        *,
        descending: bool,
        limit: int,
        cursor: str | None,
        tier: Tier | None = None,
        grade: Grade | None = None,
    ) -> tuple[list[ListedPartner], str | None]:
        """The score order is the adapter's work (GSI3 and the registry): tested against moto in
        tests/integration/test_partner_order.py, never through a copy of it here."""
        raise NotImplementedError("partners_by_score: see tests/integration/test_partner_order.py")

    def get_score(self, partner_id: str) -> ScoreRecord | None:
        return self.scores.get(partner_id)

    def get_score_view(self, partner_id: str) -> ScoreView | None:
        return self.views.get(partner_id)

    def save_scores(self, writes: Sequence[ScoreWrite], *, current: bool = True) -> None:
        for write in writes:
            partner_id = write.record.partner_id
            if current:
                self.scores[partner_id] = write.record
                self.views[partner_id] = write.view
            self.history.setdefault(partner_id, {})[write.history.date] = write.history

    def score_history(self, partner_id: str, first: date, last: date) -> list[HistoryPointView]:
        points = self.history.get(partner_id, {})
        return [points[day] for day in sorted(points) if first <= day <= last]


class FakeReviewRepository:
    """Creating checks the jobs and resolving excludes them in the partner fake, all or nothing, as
    the adapter's transactions do; each change needs the review unchanged since it was read."""

    def __init__(self, partners: FakePartnerRepository) -> None:
        self.partners = partners
        self.reviews: dict[str, ReviewView] = {}

    def create(self, review: ReviewView) -> None:
        assert review.review_id not in self.reviews
        jobs = self.partners.jobs.get(review.partner_id, {})
        missing = [job for job in review.job_ids if job not in jobs]
        if missing:
            raise UnknownJobs(missing)
        self.reviews[review.review_id] = review

    def for_partner(self, partner_id: str) -> list[ReviewView]:
        return [r for r in self.reviews.values() if r.partner_id == partner_id]

    def find(self, review_id: str) -> ReviewView | None:
        return self.reviews.get(review_id)

    def _check_unchanged(self, previous: ReviewView) -> None:
        stored = self.reviews.get(previous.review_id)
        if stored is None or stored.history != previous.history or stored.status in ("upheld", "adjusted"):
            raise ReviewConflict(previous.review_id)

    def pick_up(self, previous: ReviewView, review: ReviewView) -> None:
        self._check_unchanged(previous)
        self.reviews[review.review_id] = review

    def resolve(self, previous: ReviewView, review: ReviewView) -> None:
        self._check_unchanged(previous)
        jobs = self.partners.jobs.get(review.partner_id, {})
        missing = [job for job in review.excluded_job_ids if job not in jobs]
        if missing:
            raise UnknownJobs(missing)
        for job_id in review.excluded_job_ids:
            self.partners.exclude(review.partner_id, job_id)
        self.reviews[review.review_id] = review

    def queue(self, queue: Literal["open", "resolved"], limit: int, cursor: str | None) -> ReviewPage:
        resolved = queue == "resolved"
        ordered = sorted(
            (r for r in self.reviews.values() if (r.status in ("upheld", "adjusted")) == resolved),
            key=lambda r: (r.requested_at, r.review_id),
        )
        start = 0 if cursor is None else next(i for i, r in enumerate(ordered) if r.review_id == cursor) + 1
        page = ordered[start : start + limit]
        more = start + limit < len(ordered)
        return ReviewPage(page, page[-1].review_id if more and page else None)


class FixedPolicies:
    """One policy for every day (services.policy_catalog.PolicySource)."""

    def __init__(self, policy: ScoringPolicy) -> None:
        self.policy = policy

    def active_on(self, day: date) -> ScoringPolicy:
        return self.policy


class FakePolicyStore:
    """services.policy_catalog.PolicyStore in memory."""

    def __init__(self) -> None:
        self.versions: dict[str, PolicyVersionView] = {}
        self.adoptions: list[AdoptionView] = []

    def get_version(self, version: str) -> PolicyVersionView | None:
        return self.versions.get(version)

    def add_version(self, stored: PolicyVersionView) -> bool:
        if stored.version in self.versions:
            return False
        self.versions[stored.version] = stored
        return True

    def versions_page(self, limit: int, after: str | None) -> tuple[list[PolicyVersionView], str | None]:
        names = sorted(name for name in self.versions if after is None or name > after)
        page = [self.versions[name] for name in names[:limit]]
        return page, (page[-1].version if len(names) > limit else None)

    def adopt(self, adoption: AdoptionView) -> None:
        self.adoptions.append(adoption)

    def _ordered(self) -> list[AdoptionView]:
        return sorted(self.adoptions, key=lambda a: (a.effective_from, a.recorded_at))

    def adoption_on(self, day: date) -> AdoptionView | None:
        return next((a for a in reversed(self._ordered()) if a.effective_from <= day), None)

    def adoptions_after(self, day: date, limit: int) -> list[AdoptionView]:
        return [a for a in self._ordered() if a.effective_from > day][:limit]

    def adoption_history(self, limit: int) -> list[AdoptionView]:
        return list(reversed(self._ordered()))[:limit]
