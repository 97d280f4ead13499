"""The monthly Partner Performance Snapshot job and its restatements (docs/snapshots.md).

Coordinator (queue_month): list the partners, queue them in messages of 25 on the snapshot queue
(services.fanout). Worker, per partner: fold every job, compute the month's figures
(domain.snapshot), and either publish revision 1 (S3 JSON + HTML, SnapshotPublished, the DynamoDB
record, the email once: services.mail_once) or, when the month has a record already, restate it
(`restate`). The daily run rechecks the months still open for restatement (SnapshotRestater).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

import msgspec
from aws_lambda_powertools import Logger

from scorecard.adapters import keys
from scorecard.adapters.records import PartnerEvidence, PartnerProfile, SnapshotRecord, StoredAggregate
from scorecard.adapters.snapshot_repository import SnapshotConflict
from scorecard.domain.jobs import JobState
from scorecard.domain.policy import ScoringPolicy, Tier
from scorecard.domain.snapshot import (
    JobFigures,
    Month,
    MonthlyTier,
    compute_monthly_snapshot,
    monthly_tier,
    open_months,
    restatement_reasons,
)
from scorecard.email.snapshot import (
    TREND_MONTHS,
    EmailSettings,
    render_restatement,
    render_snapshot,
    restatement_context,
    snapshot_context,
)
from scorecard.ports import (
    Archive,
    EventPublisher,
    EvidenceStore,
    MessageSender,
    PartnerStore,
    PolicySource,
    RestatementNotifier,
    ScoreStore,
    SnapshotStore,
)
from scorecard.schemas.bus import SnapshotFieldChange, SnapshotPublishedDetail, SnapshotRestatedDetail
from scorecard.schemas.messages import SNAPSHOT_BATCH_SIZE, SnapshotBatchMessage, SnapshotRestatedMessage
from scorecard.schemas.scores import HistoryPointView
from scorecard.schemas.snapshots import (
    ArchivedSnapshot,
    MonthlyQueuedView,
    SnapshotDocument,
)
from scorecard.services.fanout import BatchWork, queue_partners, work_batch
from scorecard.services.mail_once import MailOut, SendResult
from scorecard.services.scoring import EVERY_EVENT, Evidence, fold_jobs, partner_zone
from scorecard.services.snapshot_figures import (
    in_scope,
    notice_worthy,
    snapshot_changes,
    snapshot_document,
    snapshot_since,
)

logger = Logger(child=True)

SNAPSHOT_MAIL_KIND = keys.MAIL_KIND_SNAPSHOT


# -- coordinator ----------------------------------------------------------------------------------


def queue_month(
    partners: PartnerStore, queue: MessageSender, month: Month, *, email: bool = True
) -> MonthlyQueuedView:
    """Page the partner registry (GSI2, never job data) and queue the partners (services.fanout)."""
    queued = queue_partners(
        partners.iter_partner_ids(),
        lambda partner_ids: SnapshotBatchMessage(month=str(month), partner_ids=partner_ids, email=email),
        SNAPSHOT_BATCH_SIZE,
        queue,
    )
    return MonthlyQueuedView(
        month=str(month),
        email=email,
        partners=queued.partners,
        messages=queued.messages,
        send_calls=queued.send_calls,
    )


# -- worker ----------------------------------------------------------------------------------------


class MonthlyDeps(msgspec.Struct, frozen=True):
    partners: PartnerStore
    evidence: EvidenceStore
    scores: ScoreStore
    snapshots: SnapshotStore
    archive: Archive
    policies: PolicySource  # the month is snapshotted under the version in force on its last day
    mail: MailOut
    publisher: EventPublisher | None = None  # SnapshotPublished and SnapshotRestated
    email: EmailSettings = EmailSettings()  # the review link and the Partner Success contact
    # The daily run queues restatement notices for the notification worker (SES budget) instead of
    # sending them; None: sent here (the monthly worker is one of the budgeted senders).
    notices: RestatementNotifier | None = None


PartnerOutcome = Literal["sent", "already_sent", "no_address", "not_emailed"]


class SnapshotOutcome(msgspec.Struct, frozen=True):
    partner_id: str
    month: str
    monthly_score: int | None
    grade: str | None
    email: PartnerOutcome
    message_id: str | None
    revision: int = 1
    restated: bool = False  # this run wrote a new revision


class PartnerMonth(msgspec.Struct, frozen=True):
    """What one partner's snapshot reads."""

    profile: PartnerProfile | None
    jobs: list[StoredAggregate]
    runs: list[tuple[date, Tier | None]] = msgspec.field(default_factory=list)  # the month's (day, tier)
    network_percentile: int | None = None  # peer standing of the month's last daily score
    last_point: HistoryPointView | None = None  # the month's last daily score
    stored: SnapshotRecord | None = None  # the month's record when the rest was read (None: none yet)
    kept_open: frozenset[str] = frozenset()  # PartnerEvidence.kept_open


def load_partner_month(
    deps: MonthlyDeps,
    profile: PartnerProfile | None,
    partner_id: str,
    month: Month,
    policy: ScoringPolicy,
    stored: SnapshotRecord | None,
) -> PartnerMonth:
    """The profile and jobs (one GSI1 query, docs/architecture.md: every job with an event since
    `snapshot_since`, each with all its events, later ones included: an inspection after the month
    still counts for a shipment in it), plus the month's daily history points: the tier of each run
    decides the bonus (policy v2 rule 5), the last one gives the Success Score beside the month's.
    `stored`: the month's record, read by the caller (a message's in one BatchGetItem)."""
    evidence = deps.evidence.load_evidence(partner_id, snapshot_since(month, policy))
    history = deps.scores.score_history(partner_id, month.first_day, month.last_day)
    runs = [(point.date, point.tier) for point in history]
    last = max(history, key=lambda point: point.date, default=None)
    percentile = None if last is None else last.network_percentile
    return PartnerMonth(profile, evidence.jobs, runs, percentile, last, stored, evidence.kept_open)


def _published_fields(document: SnapshotDocument, at: datetime) -> dict[str, Any]:
    """What SnapshotPublished and SnapshotRestated both report of a revision."""
    return {
        "partner_id": document.partner_id,
        "month": document.month,
        "revision": document.revision,
        "monthly_score": document.monthly_score,
        "grade": document.grade,
        "tier": document.tier,
        "bonus_eligible": document.bonus_eligible,
        "policy_version": document.policy_version,
        "published_at": at,
    }


def _published_detail(document: SnapshotDocument, at: datetime) -> SnapshotPublishedDetail:
    return SnapshotPublishedDetail(**_published_fields(document, at))


def _restated_detail(document: SnapshotDocument, at: datetime) -> SnapshotRestatedDetail:
    return SnapshotRestatedDetail(
        **_published_fields(document, at),
        previous_revision=document.revision - 1,
        reasons=document.reasons,
        changes=[SnapshotFieldChange(**change.model_dump()) for change in document.changes],
    )


def _partner_name(profile: PartnerProfile | None, partner_id: str) -> str:
    return profile.name if profile and profile.name else partner_id


class _Rendered(msgspec.Struct, frozen=True):
    json_key: str
    html_key: str
    subject: str
    text: str
    html: str
    archive_html: str


def _render(
    deps: MonthlyDeps, document: SnapshotDocument, profile: PartnerProfile | None, policy: ScoringPolicy
) -> _Rendered:
    """The snapshot's email and archive page (the trend reads the stored earlier months)."""
    month = Month.parse(document.month)
    first = month
    for _ in range(TREND_MONTHS - 1):
        first = first.previous()
    trend = deps.snapshots.trend(document.partner_id, str(first), str(month.previous()))
    archived = deps.archive.keys_for(document.month, document.partner_id)
    context = snapshot_context(
        document,
        partner_name=_partner_name(profile, document.partner_id),
        trend=trend,
        policy=policy,
        html_url=deps.archive.presigned_url(archived.html_key),
        settings=deps.email,
    )
    rendered = render_snapshot(context)
    return _Rendered(
        archived.json_key,
        archived.html_key,
        rendered.subject,
        rendered.text,
        rendered.html,
        rendered.archive_html,
    )


def _render_and_archive(
    deps: MonthlyDeps, document: ArchivedSnapshot, profile: PartnerProfile | None, policy: ScoringPolicy
) -> tuple[str, str, str, str, str]:
    """Render the snapshot and put its S3 JSON and HTML at the month's keys;
    (json_key, html_key, subject, text, html)."""
    rendered = _render(deps, document, profile, policy)
    deps.archive.put(
        document.month,
        document.partner_id,
        document.model_dump_json(indent=2).encode(),
        rendered.archive_html.encode(),
    )
    return rendered.json_key, rendered.html_key, rendered.subject, rendered.text, rendered.html


def _publish(deps: MonthlyDeps, detail: SnapshotPublishedDetail | SnapshotRestatedDetail) -> None:
    if deps.publisher is not None:
        deps.publisher.publish([detail])


def _outcome(
    document: SnapshotDocument, result: SendResult | None, *, restated: bool = False
) -> SnapshotOutcome:
    return SnapshotOutcome(
        partner_id=document.partner_id,
        month=document.month,
        monthly_score=document.monthly_score,
        grade=document.grade,
        email="not_emailed" if result is None else result.outcome,
        message_id=None if result is None else result.message_id,
        revision=document.revision,
        restated=restated,
    )


def _send_first(
    deps: MonthlyDeps, document: SnapshotDocument, recipient: str | None, subject: str, text: str, html: str
) -> SendResult:
    return deps.mail.send(
        partner_id=document.partner_id,
        kind=SNAPSHOT_MAIL_KIND,
        ref=document.month,
        recipient=recipient,
        subject=subject,
        text=text,
        html=html,
    )


def publish_first(
    deps: MonthlyDeps,
    document: ArchivedSnapshot,
    profile: PartnerProfile | None,
    policy: ScoringPolicy,
    *,
    email: bool,
    replacing_quiet: bool = False,
) -> SnapshotOutcome:
    """Revision 1: S3, SnapshotPublished (before the record, so a crash in between repeats it rather
    than loses it), the record (conditional: SnapshotConflict if another writer was first), the email
    once. A backfill (`email` False) is archived quietly: no event, no email."""
    now = deps.mail.clock()
    json_key, html_key, subject, text, html = _render_and_archive(deps, document, profile, policy)
    if email:
        _publish(deps, _published_detail(document, now))
    recipient = profile.email if profile else None
    deps.snapshots.save(
        SnapshotRecord(
            document=document,
            json_key=json_key,
            html_key=html_key,
            generated_at=now,
            recipient=recipient,
            notify=email,
        ),
        replacing_quiet=replacing_quiet,
    )
    result = _send_first(deps, document, recipient, subject, text, html) if email else None
    return _outcome(document, result)


def _previous_figures(deps: MonthlyDeps, stored: SnapshotRecord) -> list[JobFigures] | None:
    """The per-job figures the stored revision's S3 JSON kept (None for a revision archived before
    they were kept, or unreadable)."""
    try:
        archived = ArchivedSnapshot.model_validate_json(deps.archive.get(stored.json_key))
    except Exception:
        logger.warning("previous revision unreadable", extra={"key": stored.json_key})
        return None
    if "job_figures" not in archived.model_fields_set:
        return None
    return [JobFigures(**figures.model_dump()) for figures in archived.job_figures]


def _notice(
    deps: MonthlyDeps, stored: SnapshotRecord, profile: PartnerProfile | None, policy: ScoringPolicy
) -> SendResult | None:
    """The restatement notice: queued for the notification worker (the daily run), or sent here."""
    if deps.notices is None:
        return send_notice(deps, stored, profile)
    document = stored.document
    deps.notices.snapshot_restated(
        SnapshotRestatedMessage(
            partner_id=document.partner_id, month=document.month, revision=document.revision
        )
    )
    return None


def send_notice(deps: MonthlyDeps, stored: SnapshotRecord, profile: PartnerProfile | None) -> SendResult:
    """The short restatement email of the stored revision, once (claim MAIL#restated#<month>#<n>)."""
    document = stored.document
    context = restatement_context(
        document,
        partner_name=_partner_name(profile, document.partner_id),
        html_url=deps.archive.presigned_url(stored.html_key),
        settings=deps.email,
    )
    rendered = render_restatement(context)
    return deps.mail.send(
        partner_id=document.partner_id,
        kind=keys.MAIL_KIND_RESTATED,
        ref=f"{document.month}#{document.revision}",
        recipient=stored.recipient,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )


def restate(
    deps: MonthlyDeps,
    stored: SnapshotRecord,
    fresh: ArchivedSnapshot,
    profile: PartnerProfile | None,
    policy: ScoringPolicy,
) -> SnapshotOutcome | None:
    """Compare the month's figures recomputed now (`fresh`) with its latest revision: nothing moved,
    nothing written (None). Otherwise revision n+1 with its reasons and changes: the previous
    revision's S3 objects copied to their own keys, the new ones written, SnapshotRestated published,
    the two records in one conditional transaction, then the notice once when the grade or the bonus
    eligibility changed. A backfilled month (never emailed) is restated quietly."""
    changes = snapshot_changes(stored.document, fresh)
    if not changes:
        return None
    month = Month.parse(stored.month)
    n = stored.document.revision
    now = deps.mail.clock()
    reasons = restatement_reasons(
        _previous_figures(deps, stored), [JobFigures(**f.model_dump()) for f in fresh.job_figures], month
    )
    document = fresh.model_copy(
        update={
            "revision": n + 1,
            "status": "restated",
            "restated_at": now,
            "reasons": reasons,
            "changes": changes,
        }
    )
    kept = deps.archive.keep_revision(stored.month, stored.partner_id, n)
    json_key, html_key, _, _, _ = _render_and_archive(deps, document, profile, policy)
    if stored.notify:
        _publish(deps, _restated_detail(document, now))
    record = SnapshotRecord(
        document=document,
        json_key=json_key,
        html_key=html_key,
        generated_at=now,
        recipient=stored.recipient,
        notify=stored.notify,
    )
    previous = msgspec.structs.replace(stored, json_key=kept.json_key, html_key=kept.html_key)
    deps.snapshots.restate(stored, previous, record)
    logger.info(
        "snapshot restated",
        extra={"partner_id": stored.partner_id, "month": stored.month, "revision": n + 1, "reasons": reasons},
    )
    result = None
    if stored.notify and notice_worthy(changes):
        result = _notice(deps, record, profile, policy)
    return _outcome(document, result, restated=True)


def _finish_unchanged(
    deps: MonthlyDeps, stored: SnapshotRecord, profile: PartnerProfile | None, policy: ScoringPolicy
) -> SendResult | None:
    """A month whose figures did not move: make sure the email of its latest revision went out (a
    crash between the record and the send), each at most once."""
    if not stored.notify:
        return None
    if stored.document.revision == 1:
        if stored.recipient is None:
            return SendResult("no_address", None)
        claim = deps.mail.claims.get(stored.partner_id, SNAPSHOT_MAIL_KIND, stored.month)
        if claim is not None and claim.status == "sent":
            return SendResult("already_sent", claim.message_id)
        rendered = _render(deps, stored.document, profile, policy)  # as archived: nothing rewritten
        return _send_first(
            deps, stored.document, stored.recipient, rendered.subject, rendered.text, rendered.html
        )
    if not notice_worthy(stored.document.changes):
        return None
    ref = f"{stored.month}#{stored.document.revision}"
    claim = deps.mail.claims.get(stored.partner_id, keys.MAIL_KIND_RESTATED, ref)
    if claim is not None and claim.status == "sent":
        return SendResult("already_sent", claim.message_id)
    return _notice(deps, stored, profile, policy)


def snapshot_partner(
    deps: MonthlyDeps,
    partner_id: str,
    month: Month,
    policy: ScoringPolicy,
    *,
    email: bool = True,
    loaded: PartnerMonth | None = None,
) -> SnapshotOutcome:
    """The monthly run for one partner: revision 1, or, for a month already recorded, a restatement
    when its figures moved (a re-run also re-reads the month's daily runs: its tier and bonus)."""
    if loaded is None:
        profile = deps.partners.get_profile(partner_id)
        stored = deps.snapshots.get(partner_id, str(month))
        loaded = load_partner_month(deps, profile, partner_id, month, policy, stored)
    profile = loaded.profile
    folded = fold_jobs(partner_id, loaded.jobs, until=None)
    jobs = in_scope(folded, snapshot_since(month, policy), loaded.kept_open)
    metrics = compute_monthly_snapshot(jobs, month, policy, partner_zone(profile))
    standing = monthly_tier(loaded.runs, month, policy)
    document = snapshot_document(
        partner_id, metrics, policy, standing, loaded.network_percentile, loaded.last_point
    )
    stored = loaded.stored
    if stored is not None and email and not stored.notify and stored.document.revision == 1:
        # archived by a backfill, now run for real: published and sent as revision 1
        return publish_first(deps, document, profile, policy, email=True, replacing_quiet=True)
    if stored is None:
        try:
            return publish_first(deps, document, profile, policy, email=email)
        except SnapshotConflict:
            stored = deps.snapshots.get(partner_id, str(month))
            if stored is None:
                raise
    restated = restate(deps, stored, document, profile, policy)
    if restated is not None:
        return restated
    result = _finish_unchanged(deps, stored, profile, policy) if email else None
    return _outcome(stored.document, result)


def snapshot_batch(deps: MonthlyDeps, message: SnapshotBatchMessage) -> BatchWork[list[SnapshotOutcome]]:
    """Snapshot every partner of the message; a partner that fails is logged and reported, and never
    stops the others."""
    month = Month.parse(message.month)
    policy = deps.policies.active_on(month.last_day)  # the version in force on the month's last day
    outcomes: list[SnapshotOutcome] = []
    failed: dict[str, BaseException | None] = {}
    # Every read first, then the writes and sends: the message's queries see one state of the table
    # (and the local stack's moto index is built once per message, not once per partner).
    loaded: dict[str, PartnerMonth] = {}
    try:  # the message's profiles and records in a BatchGetItem each (a GetItem each was a round trip)
        profiles = dict(zip(message.partner_ids, deps.partners.profiles(message.partner_ids), strict=True))
        records = deps.snapshots.records(str(month), message.partner_ids)
    except Exception as error:  # each partner fails (and is split off into a message of its own)
        logger.warning("snapshot profiles or records unreadable", extra={"error": repr(error)})
        return BatchWork(outcomes, dict.fromkeys(message.partner_ids, error))
    for partner_id in message.partner_ids:
        try:
            loaded[partner_id] = load_partner_month(
                deps, profiles[partner_id], partner_id, month, policy, records.get(partner_id)
            )
        except Exception as error:
            logger.warning(
                "snapshot evidence unreadable", extra={"partner_id": partner_id, "error": repr(error)}
            )
            failed[partner_id] = error
    for partner_id, found in loaded.items():
        try:
            outcomes.append(
                snapshot_partner(deps, partner_id, month, policy, email=message.email, loaded=found)
            )
        except Exception as error:
            logger.warning(
                "snapshot failed",
                extra={"partner_id": partner_id, "month": message.month, "error": repr(error)},
            )
            failed[partner_id] = error
    return BatchWork(outcomes, failed)


def process_snapshot_message(
    deps: MonthlyDeps, message: SnapshotBatchMessage, queue: MessageSender
) -> list[SnapshotOutcome]:
    """Snapshot the message's partners; the ones that fail are split off into messages of their own
    (services.fanout), and a failing single-partner message raises PartnersFailed."""
    return work_batch(message, lambda batch: snapshot_batch(deps, batch), queue)


# -- restatements by the daily run ------------------------------------------------------------------


class SnapshotRestater(msgspec.Struct, frozen=True):
    """What the daily run adds for each partner it scores: one query of the partner's snapshot records
    of the months still open for restatement (`policy.restatement_days` after their end), and for
    each a recomputation from the evidence the run read for the score (which covers `snapshot_since`
    of every open month), written only when a figure moved (docs/performance.md)."""

    deps: MonthlyDeps

    def open_snapshots(self, partner_id: str, today: date, policy: ScoringPolicy) -> list[SnapshotRecord]:
        months = open_months(today, policy.restatement_days)
        if not months:
            return []
        return self.deps.snapshots.between(partner_id, str(months[0]), str(months[-1]))

    def recheck(
        self,
        evidence: PartnerEvidence,
        parsed: Evidence,
        records: Sequence[SnapshotRecord],
        today: date,
        read_since: datetime,
    ) -> int:
        """Restate each open month whose figures moved; the number of revisions written. `read_since`:
        where the run's evidence starts (a month whose snapshot reads from further back is left to a
        later run). The month's standing (tier, bonus, Success Score) is the stored revision's: later
        evidence does not re-run the month's daily scores (a re-run of the monthly job re-reads them)."""
        restated = 0
        # Every event known (later ones included, as the monthly job folds them): the score's own folds
        # are reused unless the run is of an earlier day than the latest event.
        folded: list[JobState] = parsed.jobs(EVERY_EVENT)
        profile: PartnerProfile | None = None  # read once, when a month needs it
        for stored in records:
            month = Month.parse(stored.month)
            policy = self.deps.policies.active_on(month.last_day)
            if policy.restatement_days < (today - month.last_day).days:
                continue  # closed under the month's own policy
            since = snapshot_since(month, policy)
            if read_since > since:
                continue  # this run did not read all the month's jobs (a run of a later day will)
            jobs = in_scope(folded, since, evidence.kept_open)
            metrics = compute_monthly_snapshot(jobs, month, policy, partner_zone(evidence.profile))
            before = stored.document
            fresh = snapshot_document(
                evidence.partner_id,
                metrics,
                policy,
                MonthlyTier(before.tier, before.bonus_eligible),
                before.network_percentile,
            ).model_copy(
                update={
                    "success_score": before.success_score,
                    "success_grade": before.success_grade,
                    "provisional": before.provisional,
                }
            )
            unchanged = not snapshot_changes(before, fresh)
            if unchanged and not (stored.notify and before.revision > 1 and notice_worthy(before.changes)):
                continue  # the common case: nothing read or written beyond the run's own reads
            profile = self.deps.partners.get_profile(evidence.partner_id) if profile is None else profile
            if unchanged:  # a restated month whose notice is due: sent now if a crash lost it
                _finish_unchanged(self.deps, stored, profile, policy)
            elif restate(self.deps, stored, fresh, profile, policy) is not None:
                restated += 1
        return restated


def notify_snapshot_restated(deps: MonthlyDeps, notice: SnapshotRestatedMessage) -> SendResult | None:
    """The notification worker's side: the notice of that revision, once (None: no such revision)."""
    stored = deps.snapshots.get(notice.partner_id, notice.month, notice.revision)
    if stored is None:
        logger.warning("restated snapshot not found", extra=notice.model_dump(mode="json"))
        return None
    return send_notice(deps, stored, deps.partners.get_profile(notice.partner_id))
