"""The Partner Success Score (docs/scoring.md): components, weighted score, ledger and the path
to the next grade.

Every component is a ratio of sums. Each job contributes a `Tally` of those sums, so the score
without one job (the ledger) is the score of the totals minus that job's tally: exact, and O(1) per job.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import repeat
from statistics import median_low
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from scorecard.domain.events import Event
from scorecard.domain.grading import grade_for, round_half_up, round_to_int
from scorecard.domain.jobs import Completion, JobState
from scorecard.domain.policy import Grade, ScoringPolicy
from scorecard.domain.requests import UpdateRequest
from scorecard.domain.signals import signal_values
from scorecard.domain.window import Window, WindowJob, select_window

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class Tally(msgspec.Struct):
    """Sums behind the four components; tallies add and subtract field by field."""

    weight_total: Decimal = ZERO
    weight_on_time: Decimal = ZERO
    jobs_completed: int = 0
    jobs_on_time: int = 0
    jobs_noticed: int = 0  # late with notice credit (policy v2 rule 4)
    jobs_late_credit: int = 0  # late with late credit, when larger than any notice credit (policy v3)
    parts_inspected: int = 0
    parts_defective: int = 0
    status_jobs: int = 0
    status_ok: int = 0
    document_jobs: int = 0
    document_ok: int = 0
    requests: int = 0
    requests_answered: int = 0
    offers: int = 0
    offers_read: int = 0
    offers_answered: int = 0

    def values(self) -> tuple[Any, ...]:
        values: tuple[Any, ...] = _tally_values(self)
        return values

    def __add__(self, other: Tally) -> Tally:
        return Tally(*map(operator.add, _tally_values(self), _tally_values(other)))

    def __sub__(self, other: Tally) -> Tally:
        return Tally(*map(operator.sub, _tally_values(self), _tally_values(other)))

    def scaled(self, times: int) -> Tally:
        return Tally(*map(operator.mul, _tally_values(self), repeat(times)))

    @staticmethod
    def total(tallies: Iterable[Tally]) -> Tally:
        """The field-wise sum of many tallies in one pass."""
        columns = zip(*map(_tally_values, tallies), strict=True)
        return Tally(*(sum(column) for column in columns))  # no tallies: all zero


_tally_values = operator.attrgetter(*Tally.__struct_fields__)  # the fields in order, read at C speed


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return HUNDRED * Decimal(part) / Decimal(whole) if whole else None


def _mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) / len(present) if present else None


def job_weight(job: JobState, policy: ScoringPolicy) -> Decimal:
    return max(job.value or ZERO, policy.job_weight_floor).sqrt()


Signals = Mapping[str, Decimal | None]  # declared signal -> 0..100, None when absent (rule 6)


# The integer sums that quality, communication and engagement read (on_time reads the two weights).
_COUNTS = operator.attrgetter(
    "parts_defective",
    "parts_inspected",
    "requests_answered",
    "requests",
    "status_ok",
    "status_jobs",
    "document_ok",
    "document_jobs",
    "offers_read",
    "offers_answered",
    "offers",
)
Counted = tuple[Decimal | None, Decimal | None, Decimal | None]  # quality, communication, engagement


class Weighing:
    """The components and the weighted score of tallies under one policy and one partner's signals.

    A score weighs dozens of tallies (the totals, the totals without each job of the ledger, the path
    to the next grade), most of which have the same counts as one another. So the policy's lookups
    are done once, and the count-based components are remembered per distinct counts (a pure
    function of a few integers: the same values, without recomputing them in Decimal)."""

    __slots__ = ("_communication_fed", "_counted", "_divisor", "_engagement_fed", "_extra", "_weights")

    def __init__(self, policy: ScoringPolicy, signals: Signals | None = None) -> None:
        signals = signals or {}

        def fed(component: str) -> tuple[Decimal | None, ...]:
            return tuple(signals.get(s.name) for s in policy.signals if s.component == component)

        self._divisor = policy.quality_dpt_divisor
        self._communication_fed = fed("communication")
        self._engagement_fed = fed("engagement")
        self._extra = {name: _mean(fed(name)) for name in policy.extra_weights}  # signals only
        # The components in the policy's order (the order of the weighted sum), those weighing something.
        weights = ((name, policy.weight_of(name)) for name in policy.components)
        self._weights = tuple((name, weight) for name, weight in weights if weight > 0)
        self._counted: dict[tuple[int, ...], Counted] = {}

    def components(self, tally: Tally) -> dict[str, Decimal | None]:
        """Each component of the policy. A declared signal is one more share in the mean of its
        component (communication, engagement, or an extra component of its own)."""
        counts = _COUNTS(tally)
        counted = self._counted.get(counts)
        if counted is None:
            counted = self._counted[counts] = self._count_based(*counts)
        quality, communication, engagement = counted
        return {
            "on_time": _share(tally.weight_on_time, tally.weight_total),
            "quality": quality,
            "communication": communication,
            "engagement": engagement,
            **self._extra,
        }

    def _count_based(
        self,
        parts_defective: int,
        parts_inspected: int,
        requests_answered: int,
        requests: int,
        status_ok: int,
        status_jobs: int,
        document_ok: int,
        document_jobs: int,
        offers_read: int,
        offers_answered: int,
        offers: int,
    ) -> Counted:
        quality: Decimal | None = None
        if parts_inspected:
            dpt = Decimal(1000 * parts_defective) / Decimal(parts_inspected)
            quality = max(ZERO, HUNDRED - dpt / self._divisor)
        communication = _mean(
            (
                _share(requests_answered, requests),
                _share(status_ok, status_jobs),
                _share(document_ok, document_jobs),
                *self._communication_fed,
            )
        )
        engagement = _mean(
            (_share(offers_read, offers), _share(offers_answered, offers), *self._engagement_fed)
        )
        return quality, communication, engagement

    def weighted(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """Weighted mean of the components present, weights renormalised over them; unrounded."""
        total_weight = ZERO
        total = ZERO
        for name, weight in self._weights:
            value = values[name]
            if value is not None:
                total += weight * value
                total_weight += weight
        return total / total_weight if total_weight else None

    def raw(self, tally: Tally) -> Decimal | None:
        """The weighted score of `tally`, unrounded."""
        return self.weighted(self.components(tally))

    def score(self, tally: Tally) -> Decimal | None:
        raw = self.raw(tally)
        return None if raw is None else round_half_up(raw)


class JobContribution(msgspec.Struct, frozen=True):
    job: JobState
    tally: Tally
    window_job: WindowJob | None  # None: counted only as an offer in the window
    offered_in_window: bool


def late_job_credit(completion: Completion, policy: ScoringPolicy) -> tuple[Decimal, str | None]:
    """The share of a late job's weight that on_time counts, and which credit gave it: `notice` (v2
    rule 4) or `late` (the policy's late_credit steps), the larger (notice on a tie); (0, None) when
    neither. Late credit is for a late shipment only: a job still open or cancelled never earns it."""
    notice = policy.notice.credit if completion.noticed and policy.notice is not None else ZERO
    step = policy.late_credit_for(completion.days_late) if completion.via == "shipment" else None
    if step is not None and step.credit > notice:
        return step.credit, "late"
    return (notice, "notice") if notice else (ZERO, None)


def job_contribution(
    job: JobState, window_job: WindowJob | None, window: Window, policy: ScoringPolicy
) -> JobContribution:
    tally = Tally()
    if window_job is not None:
        completion = window_job.completion
        weight = job_weight(job, policy)
        tally.weight_total = weight
        tally.jobs_completed = 1
        if completion.on_time:
            tally.weight_on_time = weight
            tally.jobs_on_time = 1
        else:
            credit, kind = late_job_credit(completion, policy)
            if kind is not None:
                tally.weight_on_time = weight * credit
                tally.jobs_noticed = int(kind == "notice")
                tally.jobs_late_credit = int(kind == "late")
        tally.parts_inspected = job.parts_inspected
        tally.parts_defective = job.parts_defective
        tally.status_jobs = 1
        tally.status_ok = int(job.status_update_before_first_shipment(completion.at))
        if job.required_documents:
            tally.document_jobs = 1
            tally.document_ok = int(job.all_documents_uploaded)
    # A customer/platform cancellation leaves the offer out, unless the job counts (v3 rule 2: after its
    # due date, completed late in the window).
    offered = window.contains(job.offered_at) and (window_job is not None or not job.voided_by_other_party)
    if offered:
        tally.offers = 1
        tally.offers_read = int(job.first_read_at is not None)
        tally.offers_answered = int(job.answered_at is not None)
    return JobContribution(job, tally, window_job, offered)


def request_tally(requests: Iterable[UpdateRequest], window: Window, policy: ScoringPolicy) -> Tally:
    """Update requests made in the window. One whose answer time has not run out yet and that is still
    unanswered is pending: it counts neither way until its deadline passes."""
    limit = timedelta(hours=policy.update_response_hours)
    tally = Tally()
    for request in requests:
        if not window.contains(request.requested_at):
            continue
        assert request.requested_at is not None
        answered = (
            request.responded_at is not None
            and request.responded_at < window.end
            and request.answered_within(limit)
        )
        if not answered and request.requested_at + limit >= window.end:
            continue
        tally.requests += 1
        tally.requests_answered += int(answered)
    return tally


class ComponentResult(msgspec.Struct, frozen=True):
    name: str
    value: Decimal | None
    weight: Decimal  # policy weight
    effective_weight: Decimal  # renormalised over the components present
    evidence: dict[str, int | str]
    target: Decimal | None = None  # the policy's target for this component (v3), if any
    meets_target: bool | None = None  # value (as shown, one decimal) >= target; None: no target or no value


class LedgerEntry(msgspec.Struct, frozen=True):
    job_id: str
    effect: Decimal  # score minus the score without this job, in points (+ helped, - cost)
    completed: bool
    on_time: bool | None
    days_late: int | None
    completed_at: datetime | None
    due_date: date | None
    value: Decimal | None
    parts_inspected: int
    parts_defective: int
    reasons: tuple[str, ...]


class NextGrade(msgspec.Struct, frozen=True):
    grade: Grade
    jobs_needed: int | None  # None: more jobs alone cannot reach it (within the cap searched)
    message: str


class ScoreResult(msgspec.Struct, frozen=True):
    as_of: date
    score: Decimal | None
    grade: Grade | None
    provisional: bool
    components: tuple[ComponentResult, ...]
    window: Window | None
    ledger: tuple[LedgerEntry, ...]
    next_grade: NextGrade | None
    policy_version: str
    totals: Tally = msgspec.field(default_factory=Tally)

    @property
    def window_job_ids(self) -> tuple[str, ...]:
        return tuple(wj.job.job_id for wj in self.window.jobs) if self.window else ()


def _evidence(name: str, tally: Tally) -> dict[str, int | str]:
    if name == "on_time":
        evidence: dict[str, int | str] = {"jobs": tally.jobs_completed, "on_time_jobs": tally.jobs_on_time}
        if tally.jobs_noticed:
            evidence["late_jobs_with_notice_credit"] = tally.jobs_noticed
        if tally.jobs_late_credit:
            evidence["late_jobs_with_late_credit"] = tally.jobs_late_credit
        return evidence
    if name == "quality":
        return {"parts_inspected": tally.parts_inspected, "parts_defective": tally.parts_defective}
    if name == "communication":
        return {
            "update_requests": tally.requests,
            "answered_in_time": tally.requests_answered,
            "jobs": tally.status_jobs,
            "jobs_with_status_update": tally.status_ok,
            "jobs_requiring_documents": tally.document_jobs,
            "jobs_with_all_documents": tally.document_ok,
        }
    if name == "engagement":
        return {"offers": tally.offers, "read": tally.offers_read, "answered": tally.offers_answered}
    return {}  # an extra component: its signals are its evidence


def _component(
    name: str,
    value: Decimal | None,
    policy: ScoringPolicy,
    effective: Decimal,
    evidence: dict[str, int | str],
) -> ComponentResult:
    """One component as shown, with its target (v3) and whether the value shown meets it."""
    target = policy.targets.get(name)
    meets = None if target is None or value is None else value >= target
    return ComponentResult(name, value, policy.weight_of(name), effective, evidence, target, meets)


def _signal_evidence(signals: Signals) -> dict[str, int | str]:
    return {name: "none" if value is None else str(round_half_up(value)) for name, value in signals.items()}


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _reasons(contribution: JobContribution, policy: ScoringPolicy) -> tuple[str, ...]:
    reasons: list[str] = []
    wj = contribution.window_job
    job = contribution.job
    if wj is not None:
        c = wj.completion
        days = _days(c.days_late)
        if c.via == "partner_cancellation":
            reasons.append("cancelled by partner after acceptance (counts as late)")
        elif c.via == "overdue_cancellation":
            reasons.append(f"cancelled by {job.cancelled_by} {days} past its due date (counts as late)")
        elif c.via == "overdue":
            reasons.append(f"overdue: not fully shipped, {days} past its due date (counts as late)")
        elif c.on_time:
            reasons.append("shipped on time")
        else:
            reasons.append(f"shipped {days} late")
        if contribution.tally.jobs_noticed:
            assert policy.notice is not None  # the notice credit counted
            share = "half" if policy.notice.credit == Decimal("0.5") else str(policy.notice.credit)
            reasons.append(f"delay reported in advance and the announced date kept: {share} credit")
        if contribution.tally.jobs_late_credit:
            step = policy.late_credit_for(c.days_late)
            assert step is not None  # the late credit counted
            reasons.append(f"late credit: at most {_days(step.max_days_late)} late earns {step.credit}")
        if job.parts_defective:
            reasons.append(f"{job.parts_defective} of {job.parts_inspected} inspected parts defective")
        if not contribution.tally.status_ok:
            reasons.append("no status update before shipping")
        if contribution.tally.document_jobs and not contribution.tally.document_ok:
            missing = sorted(job.required_documents - job.documents_uploaded)
            reasons.append("missing documents: " + ", ".join(missing))
    if contribution.offered_in_window:
        if not contribution.tally.offers_read:
            reasons.append("offer not read")
        if not contribution.tally.offers_answered:
            reasons.append("offer not accepted or rejected")
    return tuple(reasons)


def _next_grade(
    totals: Tally,
    score: Decimal,
    window: Window,
    policy: ScoringPolicy,
    weighing: Weighing,
    max_jobs: int = 100,
) -> NextGrade | None:
    """How many more on-time, defect-free, fully documented jobs (each of the window's median value
    and inspected size, read and answered, with a status update) would lift the grade one band,
    all else being equal."""
    current = grade_for(score, policy)
    bands = list(policy.grades)
    index = next(i for i, band in enumerate(bands) if band.grade == current)
    if index == 0:
        return None
    target = bands[index - 1]
    values = [wj.job.value or ZERO for wj in window.jobs] or [ZERO]
    inspected = [wj.job.parts_inspected for wj in window.jobs if wj.job.parts_inspected]
    weight = max(median_low(values), policy.job_weight_floor).sqrt()
    ideal = Tally(
        weight_total=weight,
        weight_on_time=weight,
        jobs_completed=1,
        jobs_on_time=1,
        parts_inspected=median_low(inspected) if inspected else 0,
        status_jobs=1,
        status_ok=1,
        offers=1,
        offers_read=1,
        offers_answered=1,
    )

    def reaches(k: int) -> bool:
        candidate = weighing.score(totals + ideal.scaled(k))
        return candidate is not None and round_to_int(candidate) >= target.min

    # The score is non-decreasing in k: for k >= 1 the same components are present with the same
    # weights, and each is a share whose part and whole grow by the ideal job's (on time, read,
    # answered, with a status update) or a defect rate whose inspected parts grow. So the first k
    # that reaches the band is found by search.
    k = fewest(reaches, max_jobs)
    if k is None:
        return NextGrade(
            target.grade,
            None,
            f"more on-time jobs alone will not reach {target.grade}: quality or communication must improve",
        )
    plural = "job reaches" if k == 1 else "jobs reach"
    return NextGrade(target.grade, k, f"{k} more on-time, defect-free {plural} {target.grade}")


def fewest(reaches: Callable[[int], bool], most: int) -> int | None:
    """The smallest k in 1..most with `reaches(k)`, for a `reaches` that stays true once true (None:
    none). Doubling, then halving: about 2 log2(k) calls instead of k, and 1 call when k is 1."""
    if most < 1:
        return None
    below, above = 0, 1  # reaches(below) is false (0: never asked); reaches(above) is not known yet
    while not reaches(above):
        if above >= most:
            return None
        below, above = above, min(2 * above, most)
    while above - below > 1:  # reaches(above), not reaches(below)
        middle = (below + above) // 2
        if reaches(middle):
            above = middle
        else:
            below = middle
    return above


def _overdue_hint(window: Window, next_grade: NextGrade | None, policy: ScoringPolicy) -> NextGrade | None:
    """What weighs most, as the policy really treats it: how long an overdue job counts as late, and
    the credit that notice (v2) or a short delay (late_credit) earns."""
    if next_grade is None:
        return None
    overdue = [wj.job.job_id for wj in window.jobs if wj.completion.via == "overdue"]
    if not overdue:
        return next_grade
    named = ", ".join(sorted(overdue)[:3]) + ("…" if len(overdue) > 3 else "")
    one = len(overdue) == 1
    jobs = f"{len(overdue)} overdue job{'' if one else 's'} ({named})"
    days = policy.window.base_days
    counts = "counts" if one else "count"
    erased = (
        ""
        if policy.overdue_cancellation_counts
        else f"; a customer or platform cancellation erases {'it' if one else 'them'}"
    )
    if policy.overdue_counts_while_open:
        # v3 rule 1: in every daily score while open; then completed on its last shipment (or, rule 2,
        # its cancellation), from which the window keeps it for base_days at least.
        ended = "shipped or cancelled" if policy.overdue_cancellation_counts else "shipped"
        hint = f"; {jobs} {counts} as late until {ended}, then for at least {days} days{erased}"
    else:
        # v2: completed late on the day after its due date, or later on its last shipment.
        its, ships = ("its", "it ships") if one else ("their", "they ship")
        hint = (
            f"; {jobs} {counts} as late for at least {days} days from the day after {its} due date, "
            f"or from {its} last shipment if {ships}{erased}"
        )
    if policy.notice is not None:
        hours = policy.notice.min_hours
        hint += f"; report a delay at least {hours} h before a due date to earn notice credit"
    if policy.late_credit:
        first = policy.late_credit[0]
        hint += f"; a job shipped at most {_days(first.max_days_late)} late earns {first.credit} credit"
    return NextGrade(next_grade.grade, next_grade.jobs_needed, next_grade.message + hint)


def compute_success_score(
    jobs: Iterable[JobState],
    requests: Iterable[UpdateRequest],
    as_of: date,
    policy: ScoringPolicy,
    *,
    partner_zone: ZoneInfo | None = None,
    activity: Iterable[Event] = (),
) -> ScoreResult:
    """The Success Score as of the end of day `as_of` (policy timezone).

    `jobs`, `requests` and `activity` must be folded/cut as of that instant (nothing later); excluded
    jobs are ignored. `partner_zone`: the partner's profile timezone (policy v2 judges on-time by
    the partner's date); `activity`: its activity events, read only by declared signals (rule 6).
    """
    jobs = [job for job in jobs if not job.excluded]
    requests = list(requests)
    window = select_window(jobs, as_of, policy, partner_zone)
    if window is None:
        return ScoreResult(as_of, None, None, False, (), None, (), None, policy.version)
    signals = signal_values(policy, window, activity, jobs, requests)
    in_window = {wj.job.job_id: wj for wj in window.jobs}
    contributions = [job_contribution(job, in_window.get(job.job_id), window, policy) for job in jobs]
    contributions = [c for c in contributions if c.window_job is not None or c.offered_in_window]
    totals = request_tally(requests, window, policy) + Tally.total(c.tally for c in contributions)
    weighing = Weighing(policy, signals)
    values = weighing.components(totals)
    raw = weighing.weighted(values)
    assert raw is not None  # a window has a completed job, so on_time is present
    score = round_half_up(raw)
    present_weight = sum((policy.weight_of(n) for n in policy.components if values[n] is not None), ZERO)
    components = tuple(
        _component(
            name,
            None if values[name] is None else round_half_up(values[name]),  # type: ignore[arg-type]
            policy,
            round_half_up(policy.weight_of(name) / present_weight, Decimal("0.0001"))
            if values[name] is not None and present_weight
            else ZERO,
            _evidence(name, totals)
            | _signal_evidence({s.name: signals[s.name] for s in policy.signals if s.component == name}),
        )
        for name in policy.components
    )
    ledger = []
    for contribution in contributions:
        without = weighing.raw(totals - contribution.tally)
        effect = round_half_up(raw - without) if without is not None else score
        wj = contribution.window_job
        job = contribution.job
        ledger.append(
            LedgerEntry(
                job_id=job.job_id,
                effect=effect,
                completed=wj is not None,
                on_time=wj.completion.on_time if wj else None,
                days_late=wj.completion.days_late if wj else None,
                completed_at=wj.completion.at if wj else None,
                due_date=job.due_date,
                value=job.value,
                parts_inspected=job.parts_inspected,
                parts_defective=job.parts_defective,
                reasons=_reasons(contribution, policy),
            )
        )
    ledger.sort(key=operator.attrgetter("effect", "job_id"))
    return ScoreResult(
        as_of=as_of,
        score=score,
        grade=grade_for(score, policy),
        provisional=window.provisional,
        components=components,
        window=window,
        ledger=tuple(ledger),
        next_grade=_overdue_hint(window, _next_grade(totals, score, window, policy, weighing), policy),
        policy_version=policy.version,
        totals=totals,
    )
