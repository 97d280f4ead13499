"""Backtests (docs/api.md): replay a candidate policy over a range of past days next to the versions in
force on those days, from the same evidence and with the same pure scoring as the daily run.

The API stores the backtest (candidate inline) and queues one plan message; the backtest worker pages
the registry into partner batches with the daily run's fan-out (services.fanout), and for each batch
loads each partner's evidence once for the whole range, scores every day under the version in force
that day and under the candidate (compute_success_score, then the daily run's tier rule and
hysteresis: domain.tiering.decide_tier), and stores one bounded result per batch. GET sums them.

Tier start: each version starts from the tier the partner's stored history shows for the day before
`from` (no hysteresis streak carried: a history point keeps only the tier), else from no tier, and
advances day by day.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from aws_lambda_powertools import Logger

from scorecard.adapters.records import PartnerEvidence
from scorecard.domain.grading import TierState
from scorecard.domain.policy import ScoringPolicy
from scorecard.ports import BacktestStore, EvidenceStore, MessageSender, PartnerStore, ScoreStore, Versions
from scorecard.schemas.backtests import (
    CHANGES_SHOWN,
    BacktestAccepted,
    BacktestBatchResult,
    BacktestChangeView,
    BacktestDayView,
    BacktestIn,
    BacktestOutcomeView,
    BacktestProgressView,
    BacktestRecord,
    BacktestStatus,
    BacktestView,
    DayHistograms,
    Histogram,
    VersionRun,
)
from scorecard.schemas.messages import (
    BACKTEST_BATCH_SIZE,
    BacktestBatchMessage,
    BacktestMessage,
    BacktestPlanMessage,
)
from scorecard.schemas.scores import HistoryPointView
from scorecard.services.errors import Invalid, NotFound
from scorecard.services.fanout import BatchWork, QueuedRun, queue_partners, work_batch
from scorecard.services.policies import UnknownVersion
from scorecard.services.scoring import Evidence, load_evidence, score_day

logger = Logger(child=True)


class UnknownBacktest(NotFound):
    def __init__(self, backtest_id: str) -> None:
        super().__init__(f"backtest {backtest_id} is unknown")


# -- the API: store, queue one plan message ---------------------------------------------------------


# A batch (BACKTEST_BATCH_SIZE partners, each day of the range under two versions) must finish inside
# the worker's 300 s timeout, or it is retried until it dead-letters and the backtest never completes.
# A day's scoring costs about 32 us per job of evidence, and the evidence reaches the policy's
# window.max_days back: at one job a day, 92 days of a 366-day window take 1.2 s a partner, 61 s a
# batch; a 1,461-day window 4.4 s and 219 s; 3,660 days would not finish (docs/performance.md).
MAX_BACKTEST_WINDOW_DAYS = 366


def refuse_unfinishable(candidate: ScoringPolicy, inline: bool, in_force: Sequence[ScoringPolicy]) -> None:
    """Invalid (422) for a backtest whose replay could not finish: the candidate, or a version in force
    over the range, reaching more than MAX_BACKTEST_WINDOW_DAYS back."""
    limit = MAX_BACKTEST_WINDOW_DAYS
    if candidate.window.max_days > limit:
        raise Invalid(
            f"a backtest replays policies whose window reaches at most {limit} days back; the candidate's "
            f"window.max_days is {candidate.window.max_days}, whose replay could not finish",
            "policy.window.max_days" if inline else "version",
        )
    for policy in in_force:
        if policy.window.max_days > limit:
            raise Invalid(
                f"version {policy.version}, in force over the range, has window.max_days "
                f"{policy.window.max_days}: a backtest replays policies whose window reaches at most "
                f"{limit} days back, so its replay could not finish; choose a range outside it",
                "from",
                "to",
            )


def start_backtest(
    body: BacktestIn,
    versions: Versions,
    store: BacktestStore,
    queue: MessageSender,
    actor: str,
    now: datetime,
    today: date,
) -> BacktestAccepted:
    """Store the backtest with its candidate inline and queue its plan; nothing is scored here."""
    if body.last_day > today:
        raise Invalid(f"`to` ({body.last_day}) is after today ({today}): only past days replay", "to")
    if body.policy is not None:
        candidate = body.policy
    else:
        assert body.version is not None  # BacktestIn: exactly one of the two
        try:
            candidate = versions.get(body.version)
        except UnknownVersion as error:
            raise Invalid(error.message, "version") from error
    refuse_unfinishable(candidate, body.policy is not None, versions.in_force(body.first_day, body.last_day))
    record = BacktestRecord(
        backtest_id="bt-" + secrets.token_hex(10),
        first_day=body.first_day,
        last_day=body.last_day,
        candidate=candidate,
        requested_by=actor,
        created_at=now,
    )
    store.create(record)
    queue.send_all([BacktestPlanMessage(backtest_id=record.backtest_id).model_dump(mode="json")])
    return BacktestAccepted(
        backtest_id=record.backtest_id,
        status="queued",
        first_day=record.first_day,
        last_day=record.last_day,
        candidate_version=candidate.version,
        location=f"/v1/policy/backtests/{record.backtest_id}",
    )


# -- replaying one partner: the daily run's pure functions, day after day ---------------------------


class DayOutcome(msgspec.Struct, frozen=True):
    score: float | None
    grade: str | None
    tier: str | None  # in force after the day's run

    def view(self) -> BacktestOutcomeView:
        return BacktestOutcomeView.model_validate(
            {"score": self.score, "grade": self.grade, "tier": self.tier}
        )


class PartnerReplay(msgspec.Struct, frozen=True):
    partner_id: str
    active: list[DayOutcome]
    candidate: list[DayOutcome]


def start_state(history: Sequence[HistoryPointView]) -> TierState:
    """The tier the partner's stored history shows for the day before the range, else none."""
    return TierState(tier=history[-1].tier) if history and history[-1].tier is not None else TierState()


def replay_partner(
    evidence: PartnerEvidence,
    start: TierState,
    days: Sequence[date],
    day_policies: Sequence[ScoringPolicy],
    candidate: ScoringPolicy,
) -> PartnerReplay:
    """Score `evidence` on each day under the version in force that day and under the candidate
    (services.scoring.score_day, as the daily run), each version's tier advancing from `start`."""
    folded = Evidence(evidence)
    states = [start, start]
    outcomes: tuple[list[DayOutcome], list[DayOutcome]] = ([], [])
    for day, active in zip(days, day_policies, strict=True):
        for side, policy in enumerate((active, candidate)):
            scored = score_day(folded, policy, day, states[side])
            states[side] = scored.decision.state
            result = scored.result
            outcomes[side].append(
                DayOutcome(
                    score=None if result.score is None else float(result.score),
                    grade=result.grade,
                    tier=states[side].tier,
                )
            )
    return PartnerReplay(evidence.partner_id, outcomes[0], outcomes[1])


class BacktestDeps(msgspec.Struct, frozen=True):
    """What the backtest worker reads and writes."""

    backtests: BacktestStore
    versions: Versions
    partners: PartnerStore
    evidence: EvidenceStore
    scores: ScoreStore
    queue: MessageSender


# -- the worker: plan, then batches -----------------------------------------------------------------


def version_runs(days: Sequence[date], versions: Sequence[str]) -> list[VersionRun]:
    """Consecutive days under one version, as runs."""
    runs: list[VersionRun] = []
    for day, version in zip(days, versions, strict=True):
        if runs and runs[-1].version == version:
            runs[-1] = runs[-1].model_copy(update={"last": day})
        else:
            runs.append(VersionRun(first=day, last=day, version=version))
    return runs


def plan_backtest(
    message: BacktestPlanMessage, deps: BacktestDeps, batch_size: int = BACKTEST_BATCH_SIZE
) -> QueuedRun | None:
    """Record which version was in force on each day, then queue the registry in batches (the daily
    run's coordinator). A re-delivered plan of a backtest already planned does nothing."""
    store = deps.backtests
    record = store.get(message.backtest_id)
    if record is None:
        logger.warning("plan of an unknown backtest dropped", extra={"backtest_id": message.backtest_id})
        return None
    if record.planned:
        return None
    runs = version_runs(record.days, [deps.versions.active_on(day).version for day in record.days])
    store.set_active_versions(record.backtest_id, runs)  # before any batch: the workers read it
    queued = queue_partners(
        deps.partners.iter_partner_ids(),
        lambda partner_ids: BacktestBatchMessage(backtest_id=record.backtest_id, partner_ids=partner_ids),
        batch_size,
        deps.queue,
    )
    store.mark_planned(record.backtest_id, queued.partners, queued.messages)
    return queued


def result_key(batch: BacktestBatchMessage) -> str:
    """A batch's identity: the same partners give the same key (a re-delivery is stored once)."""
    digest = hashlib.sha256("\n".join(batch.partner_ids).encode()).hexdigest()[:24]
    return ("i-" if batch.isolated else "") + digest


def _histogram(outcomes: Sequence[DayOutcome]) -> Histogram:
    grades = Counter(o.grade or "none" for o in outcomes)
    tiers = Counter(o.tier or "none" for o in outcomes)
    return Histogram.model_validate(
        {"grades": dict(sorted(grades.items())), "tiers": dict(sorted(tiers.items()))}
    )


def batch_result(replays: Sequence[PartnerReplay], days: int, isolated: bool) -> BacktestBatchResult:
    """Per-day histograms under both versions, and the partners that differ on the last day."""
    changes = []
    for replay in replays:
        before, after = replay.active[-1], replay.candidate[-1]
        if before.grade != after.grade or before.tier != after.tier:
            changes.append(
                BacktestChangeView(
                    partner_id=replay.partner_id,
                    active=before.view(),
                    candidate=after.view(),
                    grade_changed=before.grade != after.grade,
                    tier_changed=before.tier != after.tier,
                )
            )
    return BacktestBatchResult(
        isolated=isolated,
        partners=len(replays),
        days=[
            DayHistograms(
                active=_histogram([r.active[n] for r in replays]),
                candidate=_histogram([r.candidate[n] for r in replays]),
            )
            for n in range(days)
        ],
        changes=changes,
    )


def backtest_batch(batch: BacktestBatchMessage, deps: BacktestDeps) -> BacktestBatchResult | None:
    """Replay one message's partners and store the batch's result; partners that fail are split off
    like the daily run's (services.fanout.work_batch), each into a message (and result) of its own."""
    store = deps.backtests
    record = store.get(batch.backtest_id)
    if record is None:
        logger.warning("batch of an unknown backtest dropped", extra={"backtest_id": batch.backtest_id})
        return None
    days = record.days
    by_version = {run.version: deps.versions.get(run.version) for run in record.active_versions}
    day_policies = [by_version[record.version_on(day)] for day in days]
    involved = [*by_version.values(), record.candidate]
    before_range = record.first_day - timedelta(days=1)

    def replay(message: BacktestBatchMessage) -> BatchWork[BacktestBatchResult]:
        replays: list[PartnerReplay] = []
        failed: list[str] = []
        for partner_id in message.partner_ids:
            try:
                evidence = load_evidence(
                    deps.evidence, partner_id, record.first_day, record.last_day, involved
                )
                start = start_state(deps.scores.score_history(partner_id, before_range, before_range))
                replays.append(replay_partner(evidence, start, days, day_policies, record.candidate))
            except Exception:
                logger.exception("backtest failed for a partner", extra={"partner_id": partner_id})
                failed.append(partner_id)
        result = batch_result(replays, len(days), message.isolated)
        # Stored unless work_batch raises for this message (an isolated or single-partner one that
        # failed): its retry must still be able to store it.
        if not failed or (not message.isolated and len(message.partner_ids) > 1):
            store.add_result(message.backtest_id, result_key(message), result)
        return BatchWork(result, dict.fromkeys(failed))

    return work_batch(batch, replay, deps.queue)


def handle_message(message: BacktestMessage, deps: BacktestDeps) -> str:
    """One BacktestQueue record: a plan or a batch. Returns what was done (for the logs)."""
    body = message.root
    if isinstance(body, BacktestPlanMessage):
        queued = plan_backtest(body, deps)
        return (
            "plan skipped"
            if queued is None
            else f"planned {queued.partners} partners, {queued.messages} batches"
        )
    result = backtest_batch(body, deps)
    return "batch skipped" if result is None else f"batch of {result.partners} partners replayed"


# -- GET: sum the batches -----------------------------------------------------------------------------


def _add(total: Counter[str], part: Mapping[Any, int]) -> None:
    for name, count in part.items():
        total[str(name)] += count


def backtest_view(store: BacktestStore, backtest_id: str) -> BacktestView:
    record = store.get(backtest_id)
    if record is None:
        raise UnknownBacktest(backtest_id)
    results = store.results(backtest_id) if record.active_versions else []  # none before the plan
    status: BacktestStatus = (
        "complete"
        if record.planned and record.partners_done >= record.partners_queued
        else "running"
        if record.active_versions
        else "queued"
    )
    days = record.days
    # per day: active grades, active tiers, candidate grades, candidate tiers
    sums: list[tuple[Counter[str], Counter[str], Counter[str], Counter[str]]] = [
        (Counter(), Counter(), Counter(), Counter()) for _ in days
    ]
    changes: list[BacktestChangeView] = []
    for result in results:
        for sum_of_day, day in zip(sums, result.days, strict=True):
            _add(sum_of_day[0], day.active.grades)
            _add(sum_of_day[1], day.active.tiers)
            _add(sum_of_day[2], day.candidate.grades)
            _add(sum_of_day[3], day.candidate.tiers)
        changes.extend(result.changes)
    changes.sort(key=lambda change: change.partner_id)
    day_views = (
        [
            BacktestDayView.model_validate(
                {
                    "date": day,
                    "active_version": record.version_on(day),
                    "active": {"grades": dict(sorted(s[0].items())), "tiers": dict(sorted(s[1].items()))},
                    "candidate": {"grades": dict(sorted(s[2].items())), "tiers": dict(sorted(s[3].items()))},
                }
            )
            for day, s in zip(days, sums, strict=True)
        ]
        if record.active_versions
        else []
    )
    return BacktestView(
        backtest_id=record.backtest_id,
        status=status,
        first_day=record.first_day,
        last_day=record.last_day,
        candidate_version=record.candidate.version,
        requested_by=record.requested_by,
        created_at=record.created_at,
        progress=BacktestProgressView(
            batches_done=record.batches_done,
            batches_queued=record.batches_queued,
            partners_done=record.partners_done,
            partners_queued=record.partners_queued,
            fraction=1.0
            if status == "complete"
            else (min(1.0, record.batches_done / record.batches_queued) if record.batches_queued else 0.0),
        ),
        days=day_views,
        grade_changes=sum(change.grade_changed for change in changes),
        tier_changes=sum(change.tier_changed for change in changes),
        changes_total=len(changes),
        changes=changes[:CHANGES_SHOWN],
        changes_truncated=len(changes) > CHANGES_SHOWN,
    )
