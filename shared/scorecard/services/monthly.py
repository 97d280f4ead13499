"""The monthly Partner Performance Snapshot job (docs/snapshots.md, docs/architecture.md).

Coordinator (services.monthly_queue): list the partners, queue them in messages of 25 on the
snapshot queue (services.fanout). Worker, per partner: fold every job, compute the docs/snapshots.md metrics
(domain.snapshot), render the email and the archive page, write snapshots/<YYYY-MM>/<pid>.json|.html
to S3, record the snapshot in DynamoDB, then email the partner exactly once (services.mail_once).
Every step before the email is an idempotent overwrite, so a retried or re-run message redoes them
harmlessly and the claim stops a second email.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec
from aws_lambda_powertools import Logger

from scorecard.adapters import keys
from scorecard.adapters.records import PartnerProfile, SnapshotRecord, StoredAggregate
from scorecard.domain.policy import ScoringPolicy, Tier
from scorecard.domain.snapshot import (
    Month,
    MonthlyTier,
    SnapshotLine,
    SnapshotMetrics,
    compute_monthly_snapshot,
    monthly_tier,
)
from scorecard.domain.window import day_start
from scorecard.email.snapshot import TREND_MONTHS, render_snapshot, snapshot_context
from scorecard.ports import (
    Archive,
    EvidenceStore,
    MessageSender,
    PartnerStore,
    PolicySource,
    ScoreStore,
    SnapshotStore,
)
from scorecard.schemas.messages import SNAPSHOT_BATCH_SIZE, SnapshotBatchMessage
from scorecard.schemas.snapshots import MonthlyQueuedView, SnapshotDocument, SnapshotLineView
from scorecard.services.fanout import BatchWork, queue_partners, work_batch
from scorecard.services.mail_once import MailOut, SendResult
from scorecard.services.scoring import fold_jobs, partner_zone

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


PartnerOutcome = Literal["sent", "already_sent", "no_address", "not_emailed"]


class SnapshotOutcome(msgspec.Struct, frozen=True):
    partner_id: str
    month: str
    monthly_score: int | None
    grade: str | None
    email: PartnerOutcome
    message_id: str | None


def _line(line: SnapshotLine) -> SnapshotLineView:
    return SnapshotLineView(
        job_id=line.job_id,
        due_date=line.due_date,
        shipped_on=line.shipped_on,
        days_late=line.days_late,
        parts_shipped=line.parts_shipped,
        parts_inspected=line.parts_inspected,
        parts_defective=line.parts_defective,
    )


NO_RUNS = MonthlyTier(None, False)


def snapshot_document(
    partner_id: str,
    metrics: SnapshotMetrics,
    policy: ScoringPolicy,
    standing: MonthlyTier = NO_RUNS,
    network_percentile: int | None = None,
) -> SnapshotDocument:
    """Domain metrics -> the archived document. Shaping only: every number comes from the domain."""

    def num(value: object) -> float | None:
        return None if value is None else float(str(value))

    return SnapshotDocument(
        partner_id=partner_id,
        month=str(metrics.month),
        policy_version=policy.version,
        timezone=policy.timezone,
        jobs_on_board=metrics.jobs_on_board,
        jobs_read=metrics.jobs_read,
        jobs_accepted=metrics.jobs_accepted,
        parts_shipped=metrics.parts_shipped,
        pct_parts_on_time=num(metrics.pct_parts_on_time),
        dpt=num(metrics.dpt),
        value_accepted=str(metrics.value_accepted),
        pct_jobs_on_time=num(metrics.pct_jobs_on_time),
        monthly_score=metrics.monthly_score,
        grade=metrics.grade,
        jobs_completed=metrics.jobs_completed,
        jobs_completed_on_time=metrics.jobs_completed_on_time,
        tier=standing.tier,
        bonus_eligible=standing.bonus_eligible,
        days_scored=standing.days_scored,
        days_in_bonus_tier=standing.days_in_bonus_tier,
        network_percentile=network_percentile,
        late_jobs=[_line(line) for line in metrics.late_jobs],
        defective_jobs=[_line(line) for line in metrics.defective_jobs],
        defects_by_category=metrics.defects_by_category,
    )


class PartnerMonth(msgspec.Struct, frozen=True):
    """What one partner's snapshot reads."""

    profile: PartnerProfile | None
    jobs: list[StoredAggregate]
    runs: list[tuple[date, Tier | None]] = msgspec.field(default_factory=list)  # the month's (day, tier)
    network_percentile: int | None = None  # peer standing of the month's last daily score


def load_partner_month(
    deps: MonthlyDeps, profile: PartnerProfile | None, partner_id: str, month: Month, policy: ScoringPolicy
) -> PartnerMonth:
    """With the partner's profile (name, email, timezone; read a message's partners at a time), one
    GSI1 query (docs/architecture.md) for every job whose latest event is at or after the month's
    start -- which is every job with an event in the month; older jobs add nothing to it. Each job
    comes with all its events, later ones included (an inspection after the month still counts for a
    shipment in it). Plus the month's daily history points: the tier of each run decides the bonus
    (policy v2 rule 5)."""
    evidence = deps.evidence.load_evidence(partner_id, day_start(month.first_day, policy.zone))
    history = deps.scores.score_history(partner_id, month.first_day, month.last_day)
    runs = [(point.date, point.tier) for point in history]
    last = max(history, key=lambda point: point.date, default=None)
    percentile = None if last is None else last.network_percentile
    return PartnerMonth(profile, evidence.jobs, runs, percentile)


def snapshot_partner(
    deps: MonthlyDeps,
    partner_id: str,
    month: Month,
    policy: ScoringPolicy,
    *,
    email: bool = True,
    loaded: PartnerMonth | None = None,
) -> SnapshotOutcome:
    if loaded is None:
        profile = deps.partners.get_profile(partner_id)
        loaded = load_partner_month(deps, profile, partner_id, month, policy)
    profile = loaded.profile
    jobs = fold_jobs(partner_id, loaded.jobs, until=None)
    metrics = compute_monthly_snapshot(jobs, month, policy, partner_zone(profile))
    standing = monthly_tier(loaded.runs, month, policy)
    document = snapshot_document(partner_id, metrics, policy, standing, loaded.network_percentile)

    first = month
    for _ in range(TREND_MONTHS - 1):
        first = first.previous()
    trend = deps.snapshots.trend(partner_id, str(first), str(month.previous()))
    archived = deps.archive.keys_for(str(month), partner_id)
    context = snapshot_context(
        document,
        partner_name=(profile.name if profile and profile.name else partner_id),
        trend=trend,
        policy=policy,
        html_url=deps.archive.presigned_url(archived.html_key),
    )
    rendered = render_snapshot(context)
    deps.archive.put(
        str(month), partner_id, document.model_dump_json(indent=2).encode(), rendered.archive_html.encode()
    )
    recipient = profile.email if profile else None
    deps.snapshots.save(
        SnapshotRecord(
            document=document,
            json_key=archived.json_key,
            html_key=archived.html_key,
            generated_at=deps.mail.clock(),
            recipient=recipient,
            notify=email,
        )
    )
    result: SendResult | None = None
    if email:
        result = deps.mail.send(
            partner_id=partner_id,
            kind=SNAPSHOT_MAIL_KIND,
            ref=str(month),
            recipient=recipient,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
        )
    return SnapshotOutcome(
        partner_id=partner_id,
        month=str(month),
        monthly_score=document.monthly_score,
        grade=document.grade,
        email="not_emailed" if result is None else result.outcome,
        message_id=None if result is None else result.message_id,
    )


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
    try:  # the message's profiles in one BatchGetItem (GetItem per partner was a round trip each)
        profiles = dict(zip(message.partner_ids, deps.partners.profiles(message.partner_ids), strict=True))
    except Exception as error:  # each partner fails (and is split off into a message of its own)
        logger.warning("snapshot profiles unreadable", extra={"error": repr(error)})
        return BatchWork(outcomes, dict.fromkeys(message.partner_ids, error))
    for partner_id in message.partner_ids:
        try:
            loaded[partner_id] = load_partner_month(deps, profiles[partner_id], partner_id, month, policy)
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
