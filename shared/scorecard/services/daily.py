"""The daily recompute: score a partner from its stored evidence, keep tier hysteresis, write results."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import msgspec
from aws_lambda_powertools import Logger
from pydantic import BaseModel

from scorecard.adapters.records import (
    PartnerEvidence,
    ScoreRecord,
    ScoreWrite,
)
from scorecard.domain.grading import (
    TierDecision,
    TierState,
    tier_rank,
)
from scorecard.domain.open_jobs import open_job_marks
from scorecard.domain.policy import Grade, ScoringPolicy
from scorecard.domain.scoring import ScoreResult
from scorecard.domain.standing import Distribution, most_offered_process, standing
from scorecard.domain.tiering import TierHistory, prior_tier_state
from scorecard.ports import (
    DemotionNotifier,
    DistributionStore,
    EventPublisher,
    EvidenceStore,
    MessageSender,
    PartnerStore,
    ScoreStore,
)
from scorecard.schemas.bus import DemotionWarningDetail, ScoreChangedDetail, TierChangedDetail
from scorecard.schemas.messages import DAILY_BATCH_SIZE, DailyBatchMessage, DemotionWarningMessage
from scorecard.schemas.scores import (
    DailyRunView,
    HistoryPointView,
    PercentileView,
    ProcessPercentileView,
    ScoreView,
)
from scorecard.services.fanout import BatchWork, queue_partners, work_batch
from scorecard.services.presenters import score_view
from scorecard.services.scoring import EVERY_EVENT, Evidence, evidence_since, load_evidence, score_day

if TYPE_CHECKING:  # the restater is handed in: the API's rescoring never loads the monthly run
    from scorecard.services.monthly import SnapshotRestater

logger = Logger(child=True)
WRITE_BATCH = 50  # partners per flush: 2 items each, so 4 BatchWriteItem calls
SCORE_READ_BATCH = 100  # partners whose current scores one BatchGetItem reads (its limit)


def batch_key(partner_ids: Sequence[str]) -> str:
    """A daily message's identity: the same partners (a re-delivery, a re-run) give the same key; a
    partner split off into a message of its own gets another."""
    return hashlib.sha256("\n".join(partner_ids).encode()).hexdigest()[:24]


def distribution_day(as_of: date) -> date:
    """The latest complete distribution for a run of `as_of`: the day before's (the day's own is being
    written by the run in progress)."""
    return as_of - timedelta(days=1)


def percentile_view(
    distribution: Distribution | None, result: ScoreResult, process: str | None
) -> PercentileView | None:
    found = standing(distribution, result.score, process)
    if found is None:
        return None
    return PercentileView(
        network=found.network,
        process=None
        if found.process is None or found.process_percentile is None
        else ProcessPercentileView(name=found.process, percentile=found.process_percentile),
        distribution_as_of=found.distribution_as_of,
    )


class PartnerScore(msgspec.Struct, frozen=True):
    partner_id: str
    result: ScoreResult
    decision: TierDecision
    view: ScoreView
    write: ScoreWrite
    updates_current: bool
    rerun: bool  # the day was scored before: its tier change and warning were announced then
    process: str | None = None  # the most-offered process in the window (peer standing)


def score_partner(
    evidence: PartnerEvidence,
    as_of: date,
    policy: ScoringPolicy,
    computed_at: datetime,
    distribution: Distribution | None = None,
    parsed: Evidence | None = None,
) -> PartnerScore:
    """One partner's run of day `as_of`: the score (services.scoring.score_day) from the tier state
    the run starts from (`evidence.score`: a re-run of a day starts where that day's first run did),
    its document, history point and current record."""
    prior, rerun = prior_tier_state(None if evidence.score is None else evidence.score.tiers, as_of)
    base = prior if prior is not None else TierState()
    scored = score_day(parsed or Evidence(evidence), policy, as_of, base)
    result, decision = scored.result, scored.decision
    process = most_offered_process(wj.job.process for wj in result.window.jobs) if result.window else None
    view = score_view(evidence.partner_id, result, decision, computed_at, policy)
    percentile = percentile_view(distribution, result, process)
    if percentile is not None:
        view = view.model_copy(update={"percentile": percentile})
    network_percentile = None if percentile is None else percentile.network
    point = HistoryPointView(
        date=as_of,
        score=view.score,
        grade=view.grade,
        tier=view.tier,
        provisional=view.provisional,
        components={name: c.value for name, c in view.components.items()},
        network_percentile=network_percentile,
        policy_version=policy.version,
    )
    record = ScoreRecord(
        partner_id=evidence.partner_id,
        score=result.score,
        grade=result.grade,
        tier=decision.state.tier,
        provisional=result.provisional,
        as_of=as_of,
        tiers=TierHistory(current=decision.state, before=base),
    )
    write = ScoreWrite(record, view, point)
    return PartnerScore(evidence.partner_id, result, decision, view, write, prior is not None, rerun, process)


def score_events(
    outcome: PartnerScore, previous: ScoreRecord | None, policy: ScoringPolicy
) -> list[BaseModel]:
    """What the job board hears about one partner's run: nothing for a backfill; ScoreChanged when the
    score or grade moved; TierChanged when a tier change took effect; DemotionWarning on the first run
    below the tier."""
    if not outcome.updates_current:
        return []
    view = outcome.view
    common = {
        "partner_id": outcome.partner_id,
        "as_of": view.as_of,
        "computed_at": view.computed_at,
        "policy_version": view.policy_version,
    }
    details: list[BaseModel] = []
    before_score = None if previous is None or previous.score is None else float(previous.score)
    before_grade = None if previous is None else previous.grade
    if before_score != view.score or before_grade != view.grade:
        details.append(
            ScoreChangedDetail(
                **common,
                previous_score=before_score,
                score=view.score,
                previous_grade=before_grade,
                grade=view.grade,
                provisional=view.provisional,
                tier=view.tier,
            )
        )
    decision = outcome.decision
    if outcome.rerun:
        return details
    if decision.changed and decision.state.tier is not None:
        promoted = decision.previous is None or tier_rank(decision.state.tier) > tier_rank(decision.previous)
        details.append(
            TierChangedDetail(
                **common,
                previous_tier=decision.previous,
                tier=decision.state.tier,
                direction="promotion" if promoted else "demotion",
                score=view.score,
                provisional=view.provisional,
                benefits=view.benefits,
            )
        )
    if (
        decision.demotion_warning
        and decision.state.tier is not None
        and decision.pending_demotion is not None
    ):
        details.append(
            DemotionWarningDetail(
                **common,
                tier=decision.state.tier,
                pending_tier=decision.pending_demotion,
                runs_required=policy.demotion_runs,
                score=view.score,
            )
        )
    return details


def score_partners(
    evidence_store: EvidenceStore,
    scores: ScoreStore,
    partner_ids: Iterable[str],
    as_of: date,
    policy: ScoringPolicy,
    computed_at: datetime,
    publisher: EventPublisher | None = None,
    warner: DemotionNotifier | None = None,
    distributions: DistributionStore | None = None,
    batch_key: str | None = None,
    restater: SnapshotRestater | None = None,
) -> DailyRunView:
    """Score each partner (one evidence query each, and one read of up to 100 partners' current
    scores), writing results in batches. A partner that fails is logged and reported; it never stops
    the others. With a `restater`, each partner's snapshots of the months still open are rechecked
    against the evidence read for its score (services.monthly.SnapshotRestater). Score events (and
    demotion warning emails, sent
    once each by the notification worker) go out before the results are written, so a crash in
    between repeats them on retry (at least once) rather than losing them."""
    partners = scored = without = changes = restated = 0
    today = policy.local_date(computed_at)
    grades: dict[Grade, int] = {}
    failed: list[str] = []
    pending: list[ScoreWrite] = []
    history_only: list[ScoreWrite] = []
    details: list[BaseModel] = []
    # Peer standing: one read of the day before's distribution for the whole batch; this batch's scores
    # are stored as its own part of the day's distribution (once per batch_key: idempotent).
    previous = distributions.load(distribution_day(as_of)) if distributions is not None else None
    contributed = Distribution(as_of=as_of)

    def flush() -> None:
        if publisher is not None and details:
            publisher.publish(details)
        if warner is not None:
            warner.demotion_warnings(
                [
                    DemotionWarningMessage(
                        partner_id=d.partner_id,
                        as_of=d.as_of,
                        tier=d.tier,
                        pending_tier=d.pending_tier,
                        runs_required=d.runs_required,
                        score=d.score,
                    )
                    for d in details
                    if isinstance(d, DemotionWarningDetail)
                ]
            )
        scores.save_scores(pending)
        scores.save_scores(history_only, current=False)
        details.clear()
        pending.clear()
        history_only.clear()

    # A partner named twice is scored once: DynamoDB refuses a BatchWriteItem that puts a key twice.
    ids = list(dict.fromkeys(partner_ids))
    stored: dict[str, ScoreRecord] = {}
    read_until = 0  # ids[:read_until] have had their current scores read (a failed read is retried)
    for index, partner_id in enumerate(ids):
        partners += 1
        try:
            if index >= read_until:  # the tier states of the next partners, one BatchGetItem
                stored = scores.current_scores(ids[index : index + SCORE_READ_BATCH])
                read_until = index + SCORE_READ_BATCH
            open_snapshots = [] if restater is None else restater.open_snapshots(partner_id, today, policy)
            evidence = load_evidence(evidence_store, partner_id, as_of, as_of, [policy])
            evidence.score = stored.get(partner_id)
            parsed = Evidence(evidence)  # parsed once: the score and the snapshot recheck fold it
            outcome = score_partner(evidence, as_of, policy, computed_at, previous, parsed)
        except Exception:
            logger.exception("scoring failed", extra={"partner_id": partner_id, "as_of": str(as_of)})
            failed.append(partner_id)
            continue
        try:  # a mark that fails is made by the next run; it never fails the score
            marks = open_job_marks(parsed.jobs(EVERY_EVENT), evidence.kept_open, computed_at)
            if marks:
                evidence_store.mark_open_jobs(partner_id, marks.keep, marks.release)
        except Exception:
            logger.exception("open job marks failed", extra={"partner_id": partner_id})
        if restater is not None and open_snapshots:
            try:  # a restatement that fails is retried by the next run; it never fails the score
                restated += restater.recheck(
                    evidence, parsed, open_snapshots, today, evidence_since(as_of, policy)
                )
            except Exception:
                logger.exception("snapshot recheck failed", extra={"partner_id": partner_id})
        scored += outcome.result.score is not None
        without += outcome.result.score is None
        # A re-run announced its change the first time; a backfill (history only) changes no tier.
        changes += outcome.decision.changed and not outcome.rerun and outcome.updates_current
        if outcome.view.grade is not None:
            grades[outcome.view.grade] = grades.get(outcome.view.grade, 0) + 1
        details.extend(score_events(outcome, evidence.score, policy))
        contributed.add(outcome.result.score, outcome.result.provisional, outcome.process)
        (pending if outcome.updates_current else history_only).append(outcome.write)
        if len(pending) + len(history_only) >= WRITE_BATCH:
            flush()
    flush()
    if distributions is not None and batch_key is not None:
        distributions.save_batch(batch_key, contributed)
    return DailyRunView(
        as_of=as_of,
        partners=partners,
        scored=scored,
        without_score=without,
        failed=failed,
        tier_changes=changes,
        grades=dict(sorted(grades.items())),
        snapshots_restated=restated,
    )


# -- the fan-out (services.fanout): coordinator and worker ------------------------------------------


def plan_daily_run(
    partners: PartnerStore,
    queue: MessageSender,
    as_of: date,
    batch_size: int = DAILY_BATCH_SIZE,
    distributions: DistributionStore | None = None,
) -> int:
    """Queue every registered partner in batches; returns the number of partners queued. Reads the
    registry only (GSI2 pages), never job data. A (re-)run starts the day's distribution afresh, so
    batches that come out differently this time leave no stale part behind."""
    if distributions is not None:
        distributions.clear(as_of)
    queued = queue_partners(
        partners.iter_partner_ids(),
        lambda partner_ids: DailyBatchMessage(as_of=as_of, partner_ids=partner_ids),
        batch_size,
        queue,
    )
    return queued.partners


def score_daily_batch(
    batch: DailyBatchMessage,
    evidence_store: EvidenceStore,
    scores: ScoreStore,
    queue: MessageSender,
    policy: ScoringPolicy,
    computed_at: datetime,
    publisher: EventPublisher | None = None,
    warner: DemotionNotifier | None = None,
    distributions: DistributionStore | None = None,
    restater: SnapshotRestater | None = None,
) -> DailyRunView:
    """Score one message's partners; the ones that fail are split off (services.fanout). The report
    lists them under `failed` (queued again alone, or raised for an isolated message). The message's
    scores become its part of the day's distribution, keyed by its partners (a re-delivery replaces
    its part instead of counting twice)."""

    def score(message: DailyBatchMessage) -> BatchWork[DailyRunView]:
        report = score_partners(
            evidence_store,
            scores,
            message.partner_ids,
            message.as_of,
            policy,
            computed_at,
            publisher,
            warner,
            distributions,
            batch_key(message.partner_ids),
            restater,
        )
        return BatchWork(report, dict.fromkeys(report.failed))

    return work_batch(batch, score, queue)
