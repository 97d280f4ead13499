"""Monthly Partner Performance Snapshot metrics (docs/snapshots.md) as a pure function of a partner's jobs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import msgspec

from scorecard.domain.events import DefectCategory
from scorecard.domain.grading import grade_for, round_half_up, round_to_int
from scorecard.domain.jobs import CompletionRules, Inspection, JobState, Shipment, defects_by_category
from scorecard.domain.policy import BONUS_ELIGIBLE, Grade, ScoringPolicy, Tier
from scorecard.domain.window import day_start

HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


class Month(msgspec.Struct, frozen=True):
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'YYYY-MM' -> Month; ValueError otherwise."""
        if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
            raise ValueError("month must be YYYY-MM")
        month = cls(int(text[:4]), int(text[5:]))
        if not 1 <= month.month <= 12 or month.year < 1970:
            raise ValueError("month must be YYYY-MM")
        return month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)


class SnapshotLine(msgspec.Struct, frozen=True):
    """A late or defective job of the month, for the email and the archive."""

    job_id: str
    due_date: date | None
    shipped_on: date | None
    days_late: int
    parts_shipped: int
    parts_inspected: int
    parts_defective: int


class SnapshotMetrics(msgspec.Struct, frozen=True):
    month: Month
    jobs_on_board: int
    jobs_read: int
    jobs_accepted: int
    parts_shipped: int
    pct_parts_on_time: Decimal | None
    dpt: Decimal | None
    value_accepted: Decimal
    jobs_completed: int
    jobs_completed_on_time: int
    pct_jobs_on_time: Decimal | None
    monthly_score: int | None
    grade: Grade | None
    late_jobs: tuple[SnapshotLine, ...]
    defective_jobs: tuple[SnapshotLine, ...]
    # the parts the month's inspections itemise as defective, per category (domain.jobs)
    defects_by_category: dict[DefectCategory, int] = msgspec.field(default_factory=dict)


def _attributed_shipment(job: JobState, inspection: Inspection) -> Shipment | None:
    """An inspection belongs to the latest shipment at or before it (the first one if it precedes all)."""
    if not job.shipments:
        return None
    owner = job.shipments[0]
    for shipment in job.shipments:
        if shipment.at <= inspection.at:
            owner = shipment
    return owner


def compute_monthly_snapshot(
    jobs: Iterable[JobState], month: Month, policy: ScoringPolicy, partner_zone: ZoneInfo | None = None
) -> SnapshotMetrics:
    """The docs/snapshots.md snapshot of calendar month `month` in the policy timezone, from jobs folded
    with all known
    events. Excluded jobs (resolved reviews) and jobs voided by the customer or platform are left out
    of the on-time and quality figures. Under policy v2 a shipment is on time by its date in
    `partner_zone` (the partner's profile timezone; rule 2); the month stays the policy's."""
    zone = policy.zone
    local = partner_zone if policy.partner_local_dates and partner_zone is not None else zone
    rules = CompletionRules(zone, local_zone=local)
    start = day_start(month.first_day, zone)
    end = day_start(month.next().first_day, zone)

    def in_month(instant: datetime | None) -> bool:
        return instant is not None and start <= instant < end

    on_board = read = accepted = 0
    parts = parts_on_time = inspected = defective = 0
    value = Decimal(0)
    completed = completed_on_time = 0
    late: list[SnapshotLine] = []
    faulty: list[SnapshotLine] = []
    month_inspections: list[Inspection] = []  # of parts shipped in the month, as inspected/defective
    for job in jobs:
        if job.excluded:
            continue
        on_board += in_month(job.offered_at)
        read += in_month(job.first_read_at)
        if in_month(job.accepted_at):
            accepted += 1
            value += job.value or Decimal(0)
        if job.voided_by_other_party:
            # docs/scoring.md: a customer/platform cancellation never counts: no on-time or quality figures
            continue
        due = job.due_date
        month_shipments = [s for s in job.shipments if in_month(s.at)]
        job_parts = sum(s.parts for s in month_shipments)
        parts += job_parts
        if due is not None:
            parts_on_time += sum(s.parts for s in month_shipments if s.at.astimezone(local).date() <= due)
        job_inspected = job_defective = 0
        for inspection in job.inspections:
            owner = _attributed_shipment(job, inspection)
            if owner is not None and in_month(owner.at):
                job_inspected += inspection.parts_inspected
                job_defective += inspection.parts_defective
                month_inspections.append(inspection)
        inspected += job_inspected
        defective += job_defective
        completion = job.completion(rules)
        days_late = 0
        if completion is not None and in_month(completion.at):
            completed += 1
            completed_on_time += completion.on_time
            days_late = completion.days_late
        shipped_on = month_shipments[-1].at.astimezone(local).date() if month_shipments else None
        line = SnapshotLine(job.job_id, due, shipped_on, days_late, job_parts, job_inspected, job_defective)
        if completion is not None and in_month(completion.at) and not completion.on_time:
            late.append(line)
        if job_defective:
            faulty.append(line)

    pct_parts = HUNDRED * parts_on_time / parts if parts else None
    dpt = Decimal(1000 * defective) / inspected if inspected else None
    pct_jobs = HUNDRED * completed_on_time / completed if completed else None
    monthly: int | None = None
    if parts:
        quality = None if dpt is None else max(Decimal(0), HUNDRED - dpt / policy.quality_dpt_divisor)
        weights = policy.monthly
        if pct_jobs is not None and quality is not None:
            monthly = round_to_int(weights.on_time_weight * pct_jobs + weights.quality_weight * quality)
        elif pct_jobs is not None:
            monthly = round_to_int(pct_jobs)
        elif quality is not None:
            monthly = round_to_int(quality)
    return SnapshotMetrics(
        month=month,
        jobs_on_board=on_board,
        jobs_read=read,
        jobs_accepted=accepted,
        parts_shipped=parts,
        pct_parts_on_time=None if pct_parts is None else round_half_up(pct_parts),
        dpt=None if dpt is None else round_half_up(dpt),
        value_accepted=value.quantize(CENTS),
        jobs_completed=completed,
        jobs_completed_on_time=completed_on_time,
        pct_jobs_on_time=None if pct_jobs is None else round_half_up(pct_jobs),
        monthly_score=monthly,
        grade=None if monthly is None else grade_for(Decimal(monthly), policy),
        late_jobs=tuple(sorted(late, key=lambda line: line.job_id)),
        defective_jobs=tuple(sorted(faulty, key=lambda line: line.job_id)),
        defects_by_category=defects_by_category(month_inspections),
    )


class MonthlyTier(msgspec.Struct, frozen=True):
    """The partner's tier at the end of month M and whether M earned the monthly bonus (docs/scoring.md
    rule 5)."""

    tier: Tier | None
    bonus_eligible: bool
    days_scored: int = 0  # days of M with a daily run
    days_in_bonus_tier: int = 0  # of those, the days whose run left a bonus tier in force


def monthly_tier(
    runs: Sequence[tuple[date, Tier | None]], month: Month, policy: ScoringPolicy
) -> MonthlyTier:
    """From the daily runs' (day, tier in force) points: bonus-eligible for M when M had at least one
    run and every run of M placed the partner in a tier whose benefits include `bonus_eligible`; the
    tier is the one the last run of M left in force. A day counts once (its latest point)."""
    by_day = {day: tier for day, tier in sorted(runs, key=lambda run: run[0]) if Month.of(day) == month}
    if not by_day:
        return MonthlyTier(None, False)
    in_bonus = sum(
        any(benefit.name == BONUS_ELIGIBLE for benefit in policy.benefits_of(tier))
        for tier in by_day.values()
    )
    last = by_day[max(by_day)]
    return MonthlyTier(last, in_bonus == len(by_day), len(by_day), in_bonus)
