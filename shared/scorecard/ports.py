"""The ports: every interface a service depends on. The adapters implement them (DynamoDB, S3, SES,
SQS, EventBridge); the service tests implement them with fakes (tests/unit/fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel

    from scorecard.adapters.mail_claims import StoredClaim
    from scorecard.adapters.records import (
        JobPosition,
        LatestSnapshot,
        ListedPartner,
        PagedJob,
        PartnerEvidence,
        PartnerProfile,
        ScoreFigures,
        ScoreRecord,
        ScoreStanding,
        ScoreWrite,
        SnapshotRecord,
        StoredAggregate,
        TrendPoint,
    )
    from scorecard.adapters.review_repository import ReviewPage
    from scorecard.adapters.snapshot_archive import ArchivedKeys
    from scorecard.domain.policy import Grade, ScoringPolicy, Tier
    from scorecard.domain.standing import Distribution
    from scorecard.schemas.backtests import BacktestBatchResult, BacktestRecord, VersionRun
    from scorecard.schemas.exports import Cell, ExportRecord
    from scorecard.schemas.messages import (
        DemotionWarningMessage,
        PartReceivedMessage,
        ReviewResolvedMessage,
        SnapshotRestatedMessage,
    )
    from scorecard.schemas.policy import AdoptionView, PolicyVersionView
    from scorecard.schemas.reviews import ReviewView
    from scorecard.schemas.scores import HistoryPointView, ScoreView


# -- a partner's data ---------------------------------------------------------------------------------


class EvidenceStore(Protocol):
    """A partner's recorded evidence: jobs, update requests and activity
    (adapters.evidence_repository)."""

    def load_evidence(self, partner_id: str, since: datetime) -> PartnerEvidence:
        """Jobs and requests with an event at or after `since`, each with all its events, and the
        profile's timezone; not the activity (load_activity) nor the score."""
        ...

    def load_activity(
        self, partner_id: str, since: datetime, until: datetime, presence_since: datetime | None = None
    ) -> list[StoredAggregate]:
        """Activity events from `since` to `until`; of logins and capacity updates, only from
        `presence_since` (default `since`) on, and at least one event in each quarter-hour that had
        one (what the signals read of them: domain.signals)."""
        ...

    def mark_open_jobs(self, partner_id: str, keep: Sequence[str], release: Sequence[str]) -> None:
        """Keep these jobs in every evidence read whatever their age, and stop keeping those
        (domain.open_jobs)."""
        ...

    def get_job(self, partner_id: str, job_id: str) -> StoredAggregate | None: ...

    def job_page(
        self, partner_id: str, limit: int, start_after: JobPosition | None = None
    ) -> tuple[list[PagedJob], JobPosition | None]: ...

    def evidence_page(
        self, partner_id: str, since: datetime, limit: int, start_after: JobPosition | None = None
    ) -> tuple[list[tuple[JobPosition, tuple[str, ...]]], JobPosition | None]:
        """A page of the partner's job and request event items indexed since `since`, newest first."""
        ...


class PartnerStore(Protocol):
    """Profiles and the registry of partners (adapters.partner_repository)."""

    def get_profile(self, partner_id: str) -> PartnerProfile | None: ...

    def put_profile(self, profile: PartnerProfile) -> bool:
        """Create or replace the profile; True when it did not exist before."""
        ...

    def patch_profile(
        self, partner_id: str, changes: dict[str, str | None], updated_at: datetime
    ) -> PartnerProfile | None:
        """Set (None: remove) only these profile fields, in one conditional update: the profile as
        it now is, or None when there is none."""
        ...

    def profiles(self, partner_ids: list[str]) -> list[PartnerProfile]:
        """These partners' profiles, in this order (one without a profile: its id alone)."""
        ...

    def registry_page(
        self, limit: int, start_after: str | None = None
    ) -> tuple[list[PartnerProfile], str | None]: ...

    def iter_partner_ids(self) -> Iterator[str]: ...


class ScoreStore(Protocol):
    """Current scores, their documents and the daily history (adapters.score_repository)."""

    def current_scores(self, partner_ids: Sequence[str]) -> dict[str, ScoreRecord]: ...

    def figures(self, partner_ids: Sequence[str]) -> dict[str, ScoreFigures]: ...

    def standings(self, partner_ids: Sequence[str]) -> dict[str, ScoreStanding]:
        """Current figures with the peer standing of each scored partner of these (the exports)."""
        ...

    def get_score(self, partner_id: str) -> ScoreRecord | None: ...

    def get_score_view(self, partner_id: str) -> ScoreView | None: ...

    def save_scores(self, writes: Sequence[ScoreWrite], *, current: bool = True) -> None:
        """History points and (unless `current` is False: a backfill) the current scores."""
        ...

    def score_history(self, partner_id: str, first: date, last: date) -> list[HistoryPointView]: ...

    def partners_by_score(
        self,
        *,
        descending: bool,
        limit: int,
        cursor: str | None,
        tier: Tier | None = None,
        grade: Grade | None = None,
    ) -> tuple[list[ListedPartner], str | None]: ...


class DistributionStore(Protocol):
    """The daily score distributions, for peer standing (adapters.distribution_repository)."""

    def save_batch(self, key: str, distribution: Distribution) -> None: ...

    def load(self, day: date) -> Distribution | None: ...

    def clear(self, day: date) -> int: ...


# -- policy -------------------------------------------------------------------------------------------


class PolicySource(Protocol):
    """Which policy scores a day (services.policies.PolicyCatalog; a fixed policy in tests)."""

    def active_on(self, day: date) -> ScoringPolicy: ...


class Versions(PolicySource, Protocol):
    """Policies by version, and which scores a day (services.policies.PolicyCatalog)."""

    def get(self, version: str) -> ScoringPolicy: ...

    def in_force(self, first: date, last: date) -> list[ScoringPolicy]: ...


class PolicyStore(Protocol):
    """Stored policy versions and adoptions (adapters.policy_repository)."""

    def get_version(self, version: str) -> PolicyVersionView | None: ...

    def add_version(self, stored: PolicyVersionView) -> bool: ...

    def versions_page(self, limit: int, after: str | None) -> tuple[list[PolicyVersionView], str | None]: ...

    def adopt(self, adoption: AdoptionView) -> None: ...

    def adoption_on(self, day: date) -> AdoptionView | None: ...

    def adoptions_after(self, day: date, limit: int) -> list[AdoptionView]: ...

    def adoption_history(self, limit: int) -> list[AdoptionView]: ...


class BacktestStore(Protocol):
    """Backtests and their batches' results (adapters.backtest_repository)."""

    def create(self, record: BacktestRecord) -> None: ...

    def get(self, backtest_id: str) -> BacktestRecord | None: ...

    def set_active_versions(self, backtest_id: str, active_versions: list[VersionRun]) -> None: ...

    def mark_planned(self, backtest_id: str, partners: int, batches: int) -> None: ...

    def add_result(self, backtest_id: str, batch_key: str, result: BacktestBatchResult) -> bool: ...

    def results(self, backtest_id: str) -> list[BacktestBatchResult]: ...


# -- exports -------------------------------------------------------------------------------------------


class ExportStore(Protocol):
    """Stored exports and where their pages stand (adapters.export_repository)."""

    def create(self, record: ExportRecord) -> None: ...

    def get(self, export_id: str) -> ExportRecord | None: ...

    def advance(self, export_id: str, page: int, cursor: str | None, rows: int, nonce: str) -> bool:
        """Page `page` is written: the next starts at `cursor` (None: it was the last page). False when
        the export is no longer at `page` (another message wrote it) or is over."""
        ...

    def record_failure(self, export_id: str, reason: str) -> int:
        """A try of the current step failed: the tries so far (0 when the export is over)."""
        ...

    def fail(self, export_id: str, reason: str) -> None:
        """The export failed for `reason` (a queued or running one only)."""
        ...

    def complete(self, export_id: str, object_key: str, completed_at: datetime) -> bool:
        """The CSV is at `object_key`; False when the export was over already."""
        ...


class WrittenPart(Protocol):
    @property
    def next_cursor(self) -> str | None: ...

    @property
    def rows(self) -> int: ...


class ExportFiles(Protocol):
    """The CSV files of exports, written in parts and put together in S3 (adapters.export_files)."""

    def put_part(
        self,
        export_id: str,
        page: int,
        rows: Sequence[Sequence[Cell]],
        next_cursor: str | None,
    ) -> WrittenPart:
        """Write page `page` once: when it is written already, the stored part (and the cursor it was
        written with) stands and is what this returns."""
        ...

    def compose(self, export_id: str, pages: int, columns: Sequence[str], filename: str) -> str:
        """The header row, then parts 0 .. pages - 1, as one CSV object; its key."""
        ...

    def delete_parts(self, export_id: str, pages: int) -> None: ...

    def presigned_url(self, key: str, expires_in: int) -> str: ...


# -- reviews ------------------------------------------------------------------------------------------


class ReviewStore(Protocol):
    """Reviews, their steps and the ops queue (adapters.review_repository)."""

    def create(self, review: ReviewView) -> None:
        """Store a new review; UnknownJobs (nothing stored) when a job is not the partner's."""
        ...

    def for_partner(self, partner_id: str) -> list[ReviewView]: ...

    def find(self, review_id: str) -> ReviewView | None: ...

    def pick_up(self, previous: ReviewView, review: ReviewView) -> None:
        """Store the in_review step; ReviewConflict when the review changed since `previous`."""
        ...

    def resolve(self, previous: ReviewView, review: ReviewView) -> None:
        """Store the resolution and exclude its jobs at once; ReviewConflict / UnknownJobs otherwise."""
        ...

    def queue(self, queue: Literal["open", "resolved"], limit: int, cursor: str | None) -> ReviewPage: ...


# -- snapshots ----------------------------------------------------------------------------------------


class SnapshotStore(Protocol):
    """Recorded monthly snapshots (adapters.snapshot_repository)."""

    def save(self, snapshot: SnapshotRecord, *, replacing_quiet: bool = False) -> None:
        """Record revision 1; SnapshotConflict when the month has a record already (unless
        `replacing_quiet` and it is a revision 1 archived without email)."""
        ...

    def restate(
        self, previous: SnapshotRecord, archived_previous: SnapshotRecord, new: SnapshotRecord
    ) -> None:
        """Keep the previous revision and record the next one, if nobody else did."""
        ...

    def get(self, partner_id: str, month: str, revision: int | None = None) -> SnapshotRecord | None: ...

    def between(self, partner_id: str, first: str, last: str) -> list[SnapshotRecord]: ...

    def newest_first(self, partner_id: str, limit: int | None = None) -> list[SnapshotRecord]: ...

    def trend(self, partner_id: str, first: str, last: str) -> list[TrendPoint]: ...

    def latest_snapshots(self, month: str, partner_ids: Sequence[str]) -> dict[str, LatestSnapshot]:
        """The final snapshot of `month`, latest revision, of each of these partners that has one."""
        ...

    def records(
        self, month: str, partner_ids: Sequence[str], *, consistent: bool = True
    ) -> dict[str, SnapshotRecord]:
        """The month's record, latest revision, of each of these partners that has one."""
        ...


class ArchiveLinks(Protocol):
    """Pre-signed links to archived objects (adapters.snapshot_archive)."""

    def presigned_url(self, key: str) -> str: ...


class Archive(ArchiveLinks, Protocol):
    """The snapshot archive in S3 (adapters.snapshot_archive)."""

    def keys_for(self, month: str, partner_id: str, revision: int | None = None) -> ArchivedKeys: ...

    def put(self, month: str, partner_id: str, document: bytes, html: bytes) -> ArchivedKeys: ...

    def get(self, key: str) -> bytes: ...

    def keep_revision(self, month: str, partner_id: str, revision: int) -> ArchivedKeys: ...


class SentClaims(Protocol):
    """Once-only email claims (adapters.mail_claims): what was sent, and when."""

    def get(self, partner_id: str, kind: str, ref: str) -> StoredClaim | None: ...

    def of_kind(self, partner_id: str, kind: str) -> dict[str, StoredClaim]: ...


# -- messages, events, email --------------------------------------------------------------------------


class MessageSender(Protocol):
    """A queue (adapters.queue)."""

    def send_all(self, bodies: Sequence[dict[str, Any]]) -> int: ...


class EventPublisher(Protocol):
    """The event bus (adapters.event_bus)."""

    def publish(self, details: Sequence[BaseModel]) -> int: ...


class Mailer(Protocol):
    """An email provider (adapters.mailer)."""

    def send(self, message: EmailMessage) -> str:
        """Send; return the provider's message id; raise MailNotSent when definitely not sent."""
        ...


class DemotionNotifier(Protocol):
    """Where the daily run hands its demotion warnings (adapters.notifier, on SQS)."""

    def demotion_warnings(self, notices: Sequence[DemotionWarningMessage]) -> None: ...


class ReceiptNotifier(Protocol):
    """Where ingestion hands `job.received` events once they are stored (adapters.notifier)."""

    def parts_received(self, notices: Sequence[PartReceivedMessage]) -> None: ...


class ReviewNotifier(Protocol):
    """Where a review resolution hands its email (adapters.notifier)."""

    def review_resolved(self, notice: ReviewResolvedMessage) -> None: ...


class RestatementNotifier(Protocol):
    """Where the daily run hands a restatement notice (adapters.notifier): the notification worker,
    inside the SES sending budget, emails it."""

    def snapshot_restated(self, notice: SnapshotRestatedMessage) -> None: ...
