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


class OverdueLine(msgspec.Struct, frozen=True):
    """A job overdue at the end of the period and not fully shipped: the partner is told of it."""

    job_id: str
    due_date: date
    days_late: int  # the period's last day minus the due date
    parts_outstanding: int


class JobFigures(msgspec.Struct, frozen=True, array_like=True):
    """What one job adds to the month's figures: a restatement names the jobs whose figures moved."""

    job_id: str
    offered: bool = False
    read: bool = False
    accepted: bool = False
    parts_shipped: int = 0
    parts_on_time: int = 0
    parts_inspected: int = 0
    parts_defective: int = 0
    completed: bool = False
    on_time: bool = False
    overdue: bool = False
    excluded: bool = False


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
    overdue_jobs: tuple[OverdueLine, ...] = ()
    job_figures: tuple[JobFigures, ...] = ()  # every job that adds to the month (or was excluded)


def _attributed_shipment(job: JobState, inspection: Inspection) -> Shipment | None:
    """An inspection belongs to the latest shipment at or before it (the first one if it precedes all)."""
    if not job.shipments:
        return None
    owner = job.shipments[0]
    for shipment in job.shipments:
        if shipment.at <= inspection.at:
            owner = shipment
    return owner


def _overdue(job: JobState, last_day: date, end: datetime) -> OverdueLine | None:
    """Overdue at the end of `last_day` (accepted or partly shipped by then, due before it, neither
    cancelled nor fully shipped by `end`), with its days late counted to `last_day`."""
    due = job.due_date
    if due is None or job.part_count is None or due >= last_day:
        return None
    shipped = sum(s.parts for s in job.shipments if s.at < end)
    started = (job.accepted_at is not None and job.accepted_at < end) or shipped > 0
    cancelled = job.cancelled_at is not None and job.cancelled_at < end
    if not started or cancelled or shipped >= job.part_count:
        return None
    return OverdueLine(job.job_id, due, (last_day - due).days, job.part_count - shipped)


def compute_monthly_snapshot(
    jobs: Iterable[JobState],
    month: Month,
    policy: ScoringPolicy,
    partner_zone: ZoneInfo | None = None,
    as_of: date | None = None,
) -> SnapshotMetrics:
    """The docs/snapshots.md snapshot of calendar month `month` in the policy timezone, from jobs folded
    with all known
    events. Excluded jobs (resolved reviews) and jobs voided by the customer or platform are left out
    of the on-time and quality figures. Under policy v2 a shipment is on time by its date in
    `partner_zone` (the partner's profile timezone; rule 2); the month stays the policy's.
    `as_of` (a day of the month): the month to date, up to the end of that day (the projection); the
    jobs must then be folded up to that instant too."""
    zone = policy.zone
    local = partner_zone if policy.partner_local_dates and partner_zone is not None else zone
    rules = CompletionRules(zone, local_zone=local)
    last_day = month.last_day if as_of is None else min(as_of, month.last_day)
    start = day_start(month.first_day, zone)
    end = day_start(last_day + timedelta(days=1), zone)

    def in_month(instant: datetime | None) -> bool:
        return instant is not None and start <= instant < end

    on_board = read = accepted = 0
    parts = parts_on_time = inspected = defective = 0
    value = Decimal(0)
    completed = completed_on_time = 0
    late: list[SnapshotLine] = []
    faulty: list[SnapshotLine] = []
    month_inspections: list[Inspection] = []  # of parts shipped in the month, as inspected/defective
    overdue: list[OverdueLine] = []
    figures: list[JobFigures] = []
    for job in jobs:
        if job.excluded:
            figures.append(JobFigures(job.job_id, excluded=True))
            continue
        offered, first_read = in_month(job.offered_at), in_month(job.first_read_at)
        on_board += offered
        read += first_read
        if in_month(job.accepted_at):
            accepted += 1
            value += job.value or Decimal(0)
        if job.voided_by_other_party:
            if offered or first_read or in_month(job.accepted_at):
                figures.append(JobFigures(job.job_id, offered, first_read, in_month(job.accepted_at)))
            continue  # a customer/platform cancellation never counts: no on-time or quality figures
        due = job.due_date
        month_shipments = [s for s in job.shipments if in_month(s.at)]
        job_parts = sum(s.parts for s in month_shipments)
        parts += job_parts
        job_on_time = 0
        if due is not None:
            job_on_time = sum(s.parts for s in month_shipments if s.at.astimezone(local).date() <= due)
        parts_on_time += job_on_time
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
        open_line = _overdue(job, last_day, end)
        if open_line is not None:
            overdue.append(open_line)
        done = completion is not None and in_month(completion.at)
        job_figures = JobFigures(
            job.job_id,
            offered,
            first_read,
            in_month(job.accepted_at),
            job_parts,
            job_on_time,
            job_inspected,
            job_defective,
            done,
            done and completion is not None and completion.on_time,
            open_line is not None,
        )
        if job_figures != JobFigures(job.job_id):
            figures.append(job_figures)

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
        overdue_jobs=tuple(sorted(overdue, key=lambda line: (line.due_date, line.job_id))),
        job_figures=tuple(sorted(figures, key=lambda f: f.job_id)),
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


def is_open(month: Month, today: date, restatement_days: int) -> bool:
    """Whether later evidence still restates month's snapshot on `today`: the month has ended and
    `restatement_days` have not passed since its last day."""
    return month.last_day < today <= month.last_day + timedelta(days=restatement_days)


def open_months(today: date, restatement_days: int) -> list[Month]:
    """The ended months still open for restatement on `today`, oldest first."""
    months: list[Month] = []
    month = Month.of(today).previous()
    while is_open(month, today, restatement_days):
        months.insert(0, month)
        month = month.previous()
    return months


MAX_REASONS = 20  # a restatement names at most this many jobs (and says how many more)


def _facets(before: JobFigures, after: JobFigures, month_text: str) -> list[str]:
    said: list[str] = []
    if (before.offered, before.read, before.accepted) != (after.offered, after.read, after.accepted):
        moved = [
            name
            for name, b, a in (
                ("offer", before.offered, after.offered),
                ("first read", before.read, after.read),
                ("acceptance", before.accepted, after.accepted),
            )
            if b != a
        ]
        said.append(" and ".join(moved) + f" dated in {month_text} recorded late")
    if before.parts_shipped != after.parts_shipped or before.parts_on_time != after.parts_on_time:
        said.append(
            f"shipment dated in {month_text} recorded late "
            f"({after.parts_shipped} parts shipped in the month, was {before.parts_shipped})"
        )
    if before.parts_inspected != after.parts_inspected or before.parts_defective != after.parts_defective:
        said.append(
            f"inspection of parts shipped in {month_text}: {after.parts_defective} defective of "
            f"{after.parts_inspected} inspected (was {before.parts_defective} of {before.parts_inspected})"
        )
    if (before.completed, before.on_time) != (after.completed, after.on_time):
        state = "not completed" if not after.completed else "on time" if after.on_time else "late"
        was = "not completed" if not before.completed else "on time" if before.on_time else "late"
        said.append(f"completion in {month_text}: {state} (was {was})")
    if before.overdue != after.overdue:
        said.append("overdue at month end" if after.overdue else "no longer overdue at month end")
    return said


def restatement_reasons(
    before: Sequence[JobFigures] | None, after: Sequence[JobFigures], month: Month
) -> list[str]:
    """What arrived since the previous revision, naming the jobs: each job whose share of the month's
    figures moved, and how. `before` is None when the previous revision kept no per-job figures."""
    if before is None:
        return ["evidence recorded since the previous revision changed the month's figures"]
    month_text = str(month)
    old = {f.job_id: f for f in before}
    new = {f.job_id: f for f in after}
    reasons: list[str] = []
    for job_id in sorted(old.keys() | new.keys()):
        was, now = old.get(job_id, JobFigures(job_id)), new.get(job_id, JobFigures(job_id))
        if now.excluded and not was.excluded:
            if was != JobFigures(job_id):
                reasons.append(f"{job_id}: excluded by a review")
            continue
        if was.excluded and not now.excluded:
            reasons.append(f"{job_id}: no longer excluded")
            continue
        facets = _facets(was, now, month_text)
        if facets:
            reasons.append(f"{job_id}: " + "; ".join(facets))
    if len(reasons) > MAX_REASONS:
        extra = len(reasons) - MAX_REASONS + 1
        reasons = [*reasons[: MAX_REASONS - 1], f"and {extra} more jobs"]
    return reasons
