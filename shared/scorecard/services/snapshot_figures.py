"""A month's snapshot document from the domain's figures, what it reads and how two revisions differ:
shared by the monthly run and its restatements (services.monthly) and the month-to-date projection
(services.snapshots), which does not load the monthly run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import get_args

import msgspec

from scorecard.domain.jobs import JobState
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.snapshot import JobFigures, Month, MonthlyTier, SnapshotLine, SnapshotMetrics
from scorecard.domain.window import day_start
from scorecard.schemas.scores import HistoryPointView
from scorecard.schemas.snapshots import (
    ArchivedSnapshot,
    JobFiguresView,
    OverdueLineView,
    SnapshotChangeView,
    SnapshotDocument,
    SnapshotLineView,
    SnapshotMetric,
)


def snapshot_since(month: Month, policy: ScoringPolicy) -> datetime:
    """The jobs a month's snapshot reads: those with an event at or after this instant. It is the
    start of what every daily run reads while the month is open (`restatement_days` after its end,
    each run reading the score's 180 days), so the monthly job and the daily recheck see the same jobs:
    120 days before the month's end with the defaults (an outstanding job untouched for longer is
    kept read by its mark: in_scope), and never after the month's first day."""
    last_reader = month.last_day + timedelta(days=policy.restatement_days)
    first_read = last_reader - timedelta(days=policy.window.max_days - 1)
    return day_start(min(first_read, month.first_day), policy.zone)


def in_scope(jobs: Sequence[JobState], since: datetime, kept: frozenset[str]) -> list[JobState]:
    """The jobs with an event at or after `since` (a reader that read from further back has more),
    and those kept read whatever their age (`kept`: PartnerEvidence.kept_open, domain.open_jobs)."""
    return [
        job
        for job in jobs
        if job.events and (job.job_id in kept or max(e.occurred_at for e in job.events) >= since)
    ]


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


def _figures(figures: JobFigures) -> JobFiguresView:
    return JobFiguresView.model_validate(msgspec.structs.asdict(figures))


NO_RUNS = MonthlyTier(None, False)


def snapshot_document(
    partner_id: str,
    metrics: SnapshotMetrics,
    policy: ScoringPolicy,
    standing: MonthlyTier = NO_RUNS,
    network_percentile: int | None = None,
    last_point: HistoryPointView | None = None,
) -> ArchivedSnapshot:
    """Domain metrics -> the archived document (every job listed). Shaping only: every number comes
    from the domain; `last_point` is the month's last daily score (the Success Score beside it)."""

    def num(value: object) -> float | None:
        return None if value is None else float(str(value))

    return ArchivedSnapshot(
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
        overdue_jobs=[
            OverdueLineView(
                job_id=o.job_id,
                due_date=o.due_date,
                days_late=o.days_late,
                parts_outstanding=o.parts_outstanding,
            )
            for o in metrics.overdue_jobs
        ],
        late_jobs_total=len(metrics.late_jobs),
        defective_jobs_total=len(metrics.defective_jobs),
        overdue_jobs_total=len(metrics.overdue_jobs),
        success_score=None if last_point is None else last_point.score,
        success_grade=None if last_point is None else last_point.grade,
        provisional=False if last_point is None else last_point.provisional,
        job_figures=[_figures(f) for f in metrics.job_figures],
    )


# The fields a restatement compares (and reports in `changes`): the month's figures, the list totals
# and the standing. The job lists themselves move with their totals or with the figures.
COMPARED = (
    *get_args(SnapshotMetric),
    "monthly_score",
    "grade",
    "jobs_completed",
    "jobs_completed_on_time",
    "late_jobs_total",
    "defective_jobs_total",
    "overdue_jobs_total",
    "tier",
    "bonus_eligible",
)


def snapshot_changes(before: SnapshotDocument, after: SnapshotDocument) -> list[SnapshotChangeView]:
    """Each compared field that moved, before and after (empty: nothing to restate)."""
    return [
        SnapshotChangeView(field=name, before=getattr(before, name), after=getattr(after, name))
        for name in COMPARED
        if getattr(before, name) != getattr(after, name)
    ]


def notice_worthy(changes: Sequence[SnapshotChangeView]) -> bool:
    """A restatement is emailed only when the grade or the bonus eligibility changed."""
    return any(change.field in ("grade", "bonus_eligible") for change in changes)
