"""Domain results -> API views. Shaping only: every number comes from the domain."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from scorecard.domain.grading import TierDecision
from scorecard.domain.jobs import CompletionRules, JobState, defects_by_category
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.window import Window
from scorecard.schemas.jobs import (
    DefectView,
    DocumentView,
    DueDateChangeView,
    InspectionView,
    JobDetailView,
    JobSummaryView,
    ShipmentView,
    TimelineEntryView,
)
from scorecard.schemas.scores import (
    ComponentView,
    LedgerEntryView,
    NextGradeView,
    ScoreView,
    TierStatusView,
    WindowView,
)

if TYPE_CHECKING:  # types only: the API's partner routes import this module, not the scoring
    from scorecard.domain.scoring import LedgerEntry, ScoreResult


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def window_view(window: Window | None) -> WindowView | None:
    if window is None:
        return None
    return WindowView(
        start=window.start_date, end=window.as_of, jobs=len(window.jobs), extended=window.extended
    )


def ledger_view(entry: LedgerEntry) -> LedgerEntryView:
    return LedgerEntryView(
        job_id=entry.job_id,
        effect=float(entry.effect),
        completed=entry.completed,
        on_time=entry.on_time,
        days_late=entry.days_late,
        completed_at=entry.completed_at,
        due_date=entry.due_date,
        value=_money(entry.value),
        parts_inspected=entry.parts_inspected,
        parts_defective=entry.parts_defective,
        reasons=list(entry.reasons),
    )


def score_view(
    partner_id: str,
    result: ScoreResult,
    decision: TierDecision,
    computed_at: datetime,
    policy: ScoringPolicy,
) -> ScoreView:
    state = decision.state
    return ScoreView(
        partner_id=partner_id,
        as_of=result.as_of,
        score=_num(result.score),
        grade=result.grade,
        tier=state.tier,
        provisional=result.provisional,
        components={
            c.name: ComponentView(
                value=_num(c.value),
                weight=float(c.weight),
                effective_weight=float(c.effective_weight),
                evidence=c.evidence,
                target=_num(c.target),
                meets_target=c.meets_target,
            )
            for c in result.components
        },
        window=window_view(result.window),
        computed_at=computed_at,
        policy_version=result.policy_version,
        ledger=[ledger_view(entry) for entry in result.ledger],
        next_grade=NextGradeView(
            grade=result.next_grade.grade,
            jobs_needed=result.next_grade.jobs_needed,
            message=result.next_grade.message,
        )
        if result.next_grade
        else None,
        tier_status=TierStatusView(
            tier=state.tier,
            since=state.since,
            computed_tier=decision.computed,
            pending_demotion=decision.pending_demotion,
            runs_below=len(state.lower_runs),
            demotion_warning=decision.demotion_warning,
        ),
        benefits=list(policy.benefits_of(state.tier)),
    )


def job_summary(
    job: JobState,
    rules: ZoneInfo | CompletionRules,
    effect: Decimal | None = None,
    as_of: date | None = None,
    *,
    with_defects: bool = False,
) -> JobSummaryView:
    """A job as the partner sees it; dates in the partner's timezone when the policy judges by it
    (v2), an overdue job with its days late counted to `as_of`; `effect`: its score effect when it
    counts (services.partners.ScoredWindow), else None; `with_defects`: its defective parts by
    category."""
    rules = rules if isinstance(rules, CompletionRules) else CompletionRules(rules)
    zone = rules.date_zone
    completion = job.completion(rules, as_of)
    overdue = completion is not None and completion.via == "overdue"
    return JobSummaryView(
        job_id=job.job_id,
        status="overdue" if overdue else job.outcome(rules, as_of),
        value=_money(job.value),
        part_count=job.part_count,
        due_date=job.due_date,
        offered_due_date=job.offered_due_date,
        ship_dates=[s.at.astimezone(zone).date() for s in job.shipments],
        completed_at=completion.at if completion and not overdue else None,
        on_time=completion.on_time if completion else None,
        days_late=completion.days_late if completion else None,
        parts_shipped=job.parts_shipped,
        parts_inspected=job.parts_inspected,
        parts_defective=job.parts_defective,
        excluded=job.excluded,
        counts=effect is not None,  # the score's ledger has every job that counts, with its effect
        score_effect=_num(effect),
        defects_by_category=defects_by_category(job.inspections) if with_defects else None,
    )


def job_detail(
    job: JobState, rules: ZoneInfo | CompletionRules, effect: Decimal | None = None, as_of: date | None = None
) -> JobDetailView:
    rules = rules if isinstance(rules, CompletionRules) else CompletionRules(rules)
    zone = rules.date_zone
    due = job.due_date
    documents = dict(job.documents)
    return JobDetailView(
        partner_id=job.partner_id,
        job=job_summary(job, rules, effect, as_of, with_defects=True),
        offered_at=job.offered_at,
        first_read_at=job.first_read_at,
        accepted_at=job.accepted_at,
        rejected_at=job.rejected_at,
        cancelled_at=job.cancelled_at,
        cancelled_by=job.cancelled_by,
        received_at=job.received_at,
        shipments=[
            ShipmentView(
                event_id=s.event_id,
                shipped_at=s.at,
                ship_date=s.at.astimezone(zone).date(),
                parts=s.parts,
                direct_to_customer=s.direct_to_customer,
                on_time=None if due is None else s.at.astimezone(zone).date() <= due,
            )
            for s in job.shipments
        ],
        inspections=[
            InspectionView(
                event_id=i.event_id,
                inspected_at=i.at,
                parts_inspected=i.parts_inspected,
                parts_defective=i.parts_defective,
                ncmr_id=i.ncmr_id,
                report_url=i.report_url,
                defects=[
                    DefectView(
                        part_number=d.part_number, quantity=d.quantity, category=d.category, note=d.note
                    )
                    for d in i.defects
                ],
            )
            for i in job.inspections
        ],
        documents=[
            DocumentView(
                document_type=doc, required=doc in job.required_documents, uploaded_at=documents.get(doc)
            )
            for doc in sorted(job.required_documents | job.documents_uploaded)
        ],
        status_updates=[{"at": at.isoformat(), "status": status} for at, status in job.status_updates],
        due_date_changes=[
            DueDateChangeView(
                changed_at=c.at,
                due_date=c.due_date,
                changed_by=c.changed_by,
                moves_due_date=c.changed_by in ("customer", "platform"),
            )
            for c in job.due_date_changes
        ],
        timeline=[
            TimelineEntryView(
                event_id=e.event_id,
                type=e.type,
                occurred_at=e.occurred_at,
                details=e.model_dump(
                    mode="json", exclude={"event_id", "type", "occurred_at", "partner_id", "job_id"}
                ),
            )
            for e in job.events
        ],
    )
