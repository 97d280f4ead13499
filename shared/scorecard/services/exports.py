"""Exports (docs/api.md, Exports): CSV files for finance and ops, written in the background.

POST stores the export and queues the message of its first page; nothing is read in that call. The
export worker writes one page per message (a registry page of partners, or one page of a partner's
running record) as a part object, records where the next page starts, and queues the next page's
message: one export is a chain of messages, one at a time, so however large it is it holds one
worker at a time and the queue's concurrency paces every export together. After the last page the
parts are put together into one CSV and GET hands out a pre-signed link to it.

Resuming without duplicating rows: a page's part is written once (adapters.export_files.put_part)
with the cursor after it, and the export moves from page n to n + 1 only by a conditional update
from n. A message for a page already written is dropped, except a redelivery of the message that
wrote it (the same `nonce`), which may have died before queueing the next page and so queues it
again; a second message for a page meets the part already written and the conditional update, so
it adds nothing. A step that fails is retried by the queue; after MAX_ATTEMPTS tries, or at once for
a failure no retry can mend (an unknown partner), the export is `failed` with the reason.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import msgspec
from aws_lambda_powertools import Logger

from scorecard.adapters.records import LatestSnapshot, PartnerProfile, ScoreStanding
from scorecard.domain.snapshot import Month
from scorecard.ports import (
    EvidenceStore,
    ExportFiles,
    ExportStore,
    MessageSender,
    PartnerStore,
    PolicySource,
    ScoreStore,
    SnapshotStore,
)
from scorecard.schemas.exports import (
    COLUMNS,
    BonusRosterExportIn,
    Cell,
    ExportAccepted,
    ExportRecord,
    ExportView,
    JobsExportIn,
    PartnersExportIn,
)
from scorecard.schemas.jobs import JobSummaryView
from scorecard.schemas.messages import ExportPageMessage
from scorecard.services.errors import Invalid, NotFound, ServiceError, UnknownPartner
from scorecard.services.jobs import judged_day, running_record

logger = Logger(child=True)

EXPORT_LIFETIME = timedelta(days=7)  # the record's TTL and the bucket's lifecycle expiry
LINK_SECONDS = 3600  # a link is signed afresh on every GET
# Rows read per message: a registry page of partners (one Query, and BatchGetItem of 100 at a time),
# or one page of a partner's running record (services.jobs.running_record: at most 500 job items).
PARTNERS_PER_PAGE = 500
JOBS_PER_PAGE = 200
MAX_ATTEMPTS = 3  # tries of one step; the queue's maxReceiveCount (5) is above it
MAX_PAGES = 5000  # 2.5 million partners' rows: beyond it the export fails, saying so


class UnknownExport(NotFound):
    def __init__(self, export_id: str) -> None:
        super().__init__(f"export {export_id} is unknown (or expired)")


class ExportTooLarge(ServiceError):
    def __init__(self) -> None:
        super().__init__(f"the export is over {MAX_PAGES} pages; ask for a narrower one")


ExportBody = BonusRosterExportIn | PartnersExportIn | JobsExportIn


def _nonce() -> str:
    return secrets.token_hex(8)


def _month_has_ended(month: Month, today: date) -> bool:
    current = Month.of(today)
    return (month.year, month.month) < (current.year, current.month)


# -- the API: store, queue the first page -----------------------------------------------------------


def start_export(
    body: ExportBody,
    partners: PartnerStore,
    scores: ScoreStore,
    store: ExportStore,
    queue: MessageSender,
    actor: str,
    now: datetime,
    today: date,
) -> ExportAccepted:
    """Check what can be checked at once (the month has ended, the partner exists), store the export
    and queue its first page."""
    as_of: date | None = None
    if isinstance(body, BonusRosterExportIn):
        try:
            month = Month.parse(body.month)
        except ValueError as error:
            raise Invalid(str(error), "month") from error
        if not _month_has_ended(month, today):
            raise Invalid(
                f"month {month} has not ended (today is {today}): the roster reads final snapshots",
                "month",
            )
    elif isinstance(body, JobsExportIn):
        if partners.get_profile(body.partner_id) is None:
            raise UnknownPartner(body.partner_id)
        as_of = judged_day(scores, body.partner_id, today)
    record = ExportRecord(
        export_id="ex-" + secrets.token_hex(10),
        request=body,
        requested_by=actor,
        created_at=now,
        expires_at=now + EXPORT_LIFETIME,
        as_of=as_of,
    )
    store.create(record)
    first = ExportPageMessage(export_id=record.export_id, page=0, cursor=None, nonce=_nonce())
    queue.send_all([first.model_dump(mode="json")])
    return ExportAccepted(
        id=record.export_id, kind=record.kind, status="queued", location=f"/v1/exports/{record.export_id}"
    )


def export_view(store: ExportStore, files: ExportFiles, export_id: str, now: datetime) -> ExportView:
    record = store.get(export_id)
    if record is None or record.expires_at <= now:  # TTL deletion may lag by days
        raise UnknownExport(export_id)
    url = (
        files.presigned_url(record.object_key, LINK_SECONDS)
        if record.status == "complete" and record.object_key is not None
        else None
    )
    request = record.request
    return ExportView(
        id=record.export_id,
        kind=record.kind,
        status=record.status,
        rows=record.rows,
        url=url,
        url_expires_in=None if url is None else LINK_SECONDS,
        reason=record.reason if record.status == "failed" else None,
        month=request.month if isinstance(request, BonusRosterExportIn) else None,
        partner_id=request.partner_id if isinstance(request, JobsExportIn) else None,
        filter=request.filter if isinstance(request, JobsExportIn) else None,
        as_of=record.as_of,
        requested_by=record.requested_by,
        created_at=record.created_at,
        completed_at=record.completed_at,
        expires_at=record.expires_at,
    )


def filename(record: ExportRecord) -> str:
    """The CSV's name (ids are of the [A-Za-z0-9_-] charset: safe in a Content-Disposition)."""
    request = record.request
    if isinstance(request, BonusRosterExportIn):
        return f"bonus-roster-{request.month}.csv"
    if isinstance(request, JobsExportIn):
        return f"jobs-{request.partner_id}-{request.filter}-{record.as_of}.csv"
    return f"partners-{record.created_at:%Y-%m-%d}.csv"


# -- rows ---------------------------------------------------------------------------------------------


def _row(kind: str, values: dict[str, Cell]) -> list[Cell]:
    """The values in the kind's column order (schemas.exports.COLUMNS: the header row's)."""
    return [values[column] for column in COLUMNS[kind]]


def roster_row(profile: PartnerProfile, latest: LatestSnapshot) -> list[Cell]:
    document = latest.record.document
    return _row(
        "bonus_roster",
        {
            "partner_id": profile.partner_id,
            "name": profile.name,
            "tier_at_month_end": document.tier,
            "bonus_eligible": document.bonus_eligible,
            "days_in_bonus_tier": document.days_in_bonus_tier,
            "days_scored": document.days_scored,
            "monthly_score": document.monthly_score,
            "grade": document.grade,
            "value_accepted": Decimal(document.value_accepted),
            "snapshot_revision": latest.revision,
        },
    )


def partner_row(profile: PartnerProfile, standing: ScoreStanding | None) -> list[Cell]:
    figures = None if standing is None else standing.figures
    return _row(
        "partners",
        {
            "partner_id": profile.partner_id,
            "name": profile.name,
            "email": profile.email,
            "timezone": profile.timezone,
            "score": None if figures is None else figures.score,
            "grade": None if figures is None else figures.grade,
            "tier": None if figures is None else figures.tier,
            "provisional": None if figures is None else figures.provisional,
            "percentile": None if standing is None else standing.percentile,
            "process": None if standing is None else standing.process,
            "process_percentile": None if standing is None else standing.process_percentile,
            "as_of": None if figures is None else figures.as_of,
        },
    )


def job_row(job: JobSummaryView) -> list[Cell]:
    return _row(
        "jobs",
        {
            "job_id": job.job_id,
            "status": job.status,
            "value": None if job.value is None else Decimal(job.value),
            "part_count": job.part_count,
            "due_date": job.due_date,
            "offered_due_date": job.offered_due_date,
            "ship_dates": " ".join(day.isoformat() for day in job.ship_dates),
            "completed_at": job.completed_at,
            "on_time": job.on_time,
            "days_late": job.days_late,
            "parts_shipped": job.parts_shipped,
            "parts_inspected": job.parts_inspected,
            "parts_defective": job.parts_defective,
            "excluded": job.excluded,
            "counts": job.counts,
            "score_effect": job.score_effect,
        },
    )


class Page(msgspec.Struct, frozen=True):
    rows: list[list[Cell]]
    next_cursor: str | None  # None: this was the last page


class ExportDeps(msgspec.Struct, frozen=True):
    """What the export worker reads and writes."""

    exports: ExportStore
    files: ExportFiles
    partners: PartnerStore
    scores: ScoreStore
    snapshots: SnapshotStore
    evidence: EvidenceStore
    policies: PolicySource
    queue: MessageSender
    clock: Callable[[], datetime]


def read_page(record: ExportRecord, cursor: str | None, deps: ExportDeps) -> Page:
    """The rows of the page that starts at `cursor`, and where the next one starts."""
    request = record.request
    if isinstance(request, JobsExportIn):
        assert record.as_of is not None  # set when a jobs export is started
        listed = running_record(
            deps.evidence,
            request.partner_id,
            request.filter,
            record.as_of,
            deps.policies.active_on(record.as_of),
            limit=JOBS_PER_PAGE,
            cursor=cursor,
        )
        return Page([job_row(job) for job in listed.jobs], listed.next_cursor)
    profiles, after = deps.partners.registry_page(PARTNERS_PER_PAGE, cursor)
    ids = [profile.partner_id for profile in profiles]
    if isinstance(request, BonusRosterExportIn):
        latest = deps.snapshots.latest_snapshots(request.month, ids)
        rows = [roster_row(p, latest[p.partner_id]) for p in profiles if p.partner_id in latest]
    else:
        standings = deps.scores.standings(ids)
        rows = [partner_row(p, standings.get(p.partner_id)) for p in profiles]
    return Page(rows, after)


# -- the worker: one page per message -----------------------------------------------------------------


def handle_page(message: ExportPageMessage, deps: ExportDeps) -> str:
    """One ExportQueue record. Returns what was done (for the logs); raises to have the queue retry."""
    store = deps.exports
    record = store.get(message.export_id)
    if record is None or record.status in ("complete", "failed"):
        return "skipped: the export is over (or unknown)"
    if record.next_page == message.page + 1 and record.advanced_by == message.nonce:
        return carry_on(record, deps)  # this message wrote the page, and may have died right after
    if record.written or record.next_page != message.page or record.cursor != message.cursor:
        return f"skipped: page {message.page} is written already"
    try:
        if message.page >= MAX_PAGES:
            raise ExportTooLarge()
        page = read_page(record, message.cursor, deps)
        written = deps.files.put_part(record.export_id, message.page, page.rows, page.next_cursor)
    except ServiceError as error:  # nothing a retry would mend: an unknown partner, a bad cursor
        store.fail(record.export_id, error.message)
        return f"failed: {error.message}"
    except Exception as error:
        return _retry_or_fail(record, error, deps)
    if not store.advance(record.export_id, message.page, written.next_cursor, written.rows, message.nonce):
        return f"skipped: page {message.page} was written by another message"
    advanced = record.model_copy(
        update={
            "status": "running",
            "next_page": message.page + 1,
            "cursor": written.next_cursor,
            "written": written.next_cursor is None,
            "rows": record.rows + written.rows,
            "advanced_by": message.nonce,
        }
    )
    return carry_on(advanced, deps)


def carry_on(record: ExportRecord, deps: ExportDeps) -> str:
    """After page next_page - 1: queue the next page, or put the file together."""
    if not record.written:
        following = ExportPageMessage(
            export_id=record.export_id, page=record.next_page, cursor=record.cursor, nonce=_nonce()
        )
        deps.queue.send_all([following.model_dump(mode="json")])
        return f"page {record.next_page - 1} written, page {record.next_page} queued"
    try:
        key = deps.files.compose(record.export_id, record.next_page, COLUMNS[record.kind], filename(record))
    except Exception as error:
        return _retry_or_fail(record, error, deps)
    if deps.exports.complete(record.export_id, key, deps.clock()):
        try:
            deps.files.delete_parts(record.export_id, record.next_page)
        except Exception:  # the bucket's lifecycle removes them anyway
            logger.exception("the parts of a complete export were not deleted")
    return f"complete: {record.rows} rows in {record.next_page} pages"


def _retry_or_fail(record: ExportRecord, error: Exception, deps: ExportDeps) -> str:
    """Count a failed try; re-raise (the queue retries the message) until MAX_ATTEMPTS, then fail."""
    reason = f"{type(error).__name__}: {error}"
    logger.exception("an export step failed", extra={"export_id": record.export_id})
    tries = deps.exports.record_failure(record.export_id, reason)
    if tries >= MAX_ATTEMPTS:
        deps.exports.fail(record.export_id, f"gave up after {tries} tries: {reason}")
        return f"failed after {tries} tries"
    raise error
