"""What the repositories store and return, typed: the services never see JSON strings or DynamoDB
attribute values. (The stored score and snapshot documents are the API's views, so they are the
views' pydantic models.)"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec

from scorecard.domain.policy import Grade, Tier
from scorecard.domain.tiering import TierHistory

if TYPE_CHECKING:  # annotations only: a function imports the documents it handles, and no others
    from scorecard.schemas.scores import HistoryPointView, ScoreView
    from scorecard.schemas.snapshots import SnapshotDocument


class StoredAggregate(msgspec.Struct, frozen=True):
    """A job or update request as stored: its id and its events as stored JSON (services.evidence
    folds them)."""

    id: str
    events: tuple[str, ...]
    excluded: bool = False


class PartnerProfile(msgspec.Struct, frozen=True):
    partner_id: str
    name: str | None = None
    email: str | None = None
    timezone: str | None = None
    updated_at: datetime | None = None  # None: registered by its events, never PUT


class ScoreRecord(msgspec.Struct, frozen=True):
    """A partner's current score: the figures the registry lists and the tier state scoring reads
    (the full score document is `PartnerRepository.get_score_view`)."""

    partner_id: str
    score: Decimal | None
    grade: Grade | None
    tier: Tier | None
    provisional: bool
    as_of: date
    tiers: TierHistory


class PartnerEvidence(msgspec.Struct):
    """Everything one partner's daily score reads: jobs, requests and profile from one GSI1 query;
    `score` (the tier state a run starts from) set by the caller, from PartnerRepository.current_scores
    (a batch of partners at a time) or get_score; activity from a second query, only when the policy
    declares signals."""

    partner_id: str
    profile: PartnerProfile | None = None
    score: ScoreRecord | None = None
    jobs: list[StoredAggregate] = msgspec.field(default_factory=list)
    requests: list[StoredAggregate] = msgspec.field(default_factory=list)
    # Activity (logins and capacity updates a day at a time, metrics): read only for a policy that
    # declares signals (policy v2 rule 6), with EvidenceRepository.load_activity.
    activity: list[StoredAggregate] = msgspec.field(default_factory=list)
    # The ids of the jobs kept read by an OPEN# marker (domain.open_jobs), whatever their age.
    kept_open: frozenset[str] = frozenset()


class ScoreWrite(msgspec.Struct, frozen=True):
    """The daily run's output for one partner: current score and document plus the dated history
    point."""

    record: ScoreRecord
    view: ScoreView
    history: HistoryPointView


class ScoreFigures(msgspec.Struct, frozen=True):
    """What a listing shows of a current score (no tier state, no document)."""

    score: Decimal | None
    grade: Grade | None
    tier: Tier | None
    provisional: bool
    as_of: date


class ScoreStanding(msgspec.Struct, frozen=True):
    """A current score's figures with its peer standing (ScoreRepository.standings: the partners
    export)."""

    figures: ScoreFigures
    percentile: int | None  # percentile.network
    process: str | None
    process_percentile: int | None


class ListedPartner(msgspec.Struct, frozen=True):
    """A partner of the score-ordered listing: its profile and its score's figures (None: no score
    item yet)."""

    profile: PartnerProfile
    score: ScoreFigures | ScoreRecord | None


class MalformedCursor(ValueError):
    """A listing cursor this listing did not hand out (or one of another sort)."""


class SnapshotRecord(msgspec.Struct, frozen=True):
    """A monthly snapshot as recorded in DynamoDB next to its archived S3 objects."""

    document: SnapshotDocument
    json_key: str
    html_key: str
    generated_at: datetime
    recipient: str | None  # the address it was (to be) emailed to; None: partner has no email
    notify: bool = True  # False: archived by a backfill, not emailed

    @property
    def partner_id(self) -> str:
        return self.document.partner_id

    @property
    def month(self) -> str:
        return self.document.month


class LatestSnapshot(msgspec.Struct, frozen=True):
    """A partner's final snapshot of a month in its latest revision (SnapshotRepository.latest_snapshots)."""

    record: SnapshotRecord
    revision: int


class TrendPoint(msgspec.Struct, frozen=True):
    month: str  # YYYY-MM
    monthly_score: int | None
    grade: Grade | None


class JobPosition(msgspec.Struct, frozen=True):
    """Where a walk through a partner's jobs, newest first, stands (PartnerRepository.job_page): the
    key of the last item read, i.e. its latest event instant and its sort key."""

    latest: str
    sk: str


class InvalidPosition(ValueError):
    """A JobPosition that is not the key of an item job_page reads (a forged or corrupted cursor)."""


class PagedJob(msgspec.Struct, frozen=True):
    """A job item read by PartnerRepository.job_page, with its position (to resume right after it)."""

    aggregate: StoredAggregate
    position: JobPosition
