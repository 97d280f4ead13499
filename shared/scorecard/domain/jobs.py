"""The job projection: one partner job's state folded from its events.

The fold is a pure function of the *set* of events: duplicates (same event_id) collapse and events
are ordered by (occurred_at, event_id) before folding, so re-sent events and any arrival order give
the same state.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal, assert_never
from zoneinfo import ZoneInfo

import msgspec
from msgspec.structs import force_setattr

from scorecard.domain.events import (
    DEFECT_CATEGORIES,
    ActivityEventBase,
    DefectCategory,
    Event,
    JobAccepted,
    JobCancelled,
    JobDelayReported,
    JobDocumentUploaded,
    JobDueDateChanged,
    JobInspected,
    JobOffered,
    JobRead,
    JobReceived,
    JobRejected,
    JobShipped,
    JobStatusUpdated,
    RequestEventBase,
)

Outcome = Literal["open", "completed", "void"]


class Shipment(msgspec.Struct, frozen=True):
    event_id: str
    at: datetime
    parts: int
    direct_to_customer: bool


class PartDefect(msgspec.Struct, frozen=True):
    """One line of an inspection's defects (events.Defect): part, quantity, category, note."""

    part_number: str
    quantity: int
    category: DefectCategory
    note: str | None = None


class Inspection(msgspec.Struct, frozen=True):
    event_id: str
    at: datetime
    parts_inspected: int
    parts_defective: int
    ncmr_id: str | None
    report_url: str | None
    defects: tuple[PartDefect, ...] = ()  # which parts were defective and why, as reported


def defects_by_category(inspections: Iterable[Inspection]) -> dict[DefectCategory, int]:
    """The defective parts the inspections itemise, summed per category (domain.events.DEFECT_CATEGORIES
    order, categories with none left out). Their total is at most the inspections' parts_defective:
    an inspection may itemise fewer parts than it found defective, or none."""
    totals: dict[DefectCategory, int] = {}
    for inspection in inspections:
        for defect in inspection.defects:
            totals[defect.category] = totals.get(defect.category, 0) + defect.quantity
    return {category: totals[category] for category in DEFECT_CATEGORIES if category in totals}


class DueDateChange(msgspec.Struct, frozen=True):
    event_id: str
    at: datetime
    due_date: date
    changed_by: str


class DelayReport(msgspec.Struct, frozen=True):
    event_id: str
    at: datetime
    expected_ship_date: date
    reason: str | None


class CompletionRules(msgspec.Struct, frozen=True):
    """How completion is judged (docs/scoring.md). The defaults are policy v1: dates in the policy
    timezone, unshipped jobs never complete, no notice credit."""

    zone: ZoneInfo  # the policy's: window and month boundaries
    local_zone: ZoneInfo | None = None  # rule 2: the partner's, for on-time (None: the policy's)
    overdue: bool = False  # rule 1: not fully shipped by the end of the due date -> late from due + 1
    notice_hours: int | None = None  # rule 4: hours of notice before the due date begins for credit
    overdue_while_open: bool = False  # v3 rule 1: an open overdue job completes on the day scored
    overdue_cancellation: bool = False  # v3 rule 2: a cancellation after the due date completes late

    @property
    def date_zone(self) -> ZoneInfo:
        return self.local_zone or self.zone


class Completion(msgspec.Struct, frozen=True):
    """How and when a job completed (docs/scoring.md). An overdue job (policy v2 rule 1) is not shipped
    yet: it counts from the day after its due date (policy v3: on the day scored), with `days_late`
    counted to the day scored. `overdue_cancellation` (v3 rule 2): cancelled, by anyone, after its
    due date."""

    at: datetime
    on_time: bool
    via: Literal["shipment", "partner_cancellation", "overdue", "overdue_cancellation"]
    local_date: date
    days_late: int
    noticed: bool = False  # late, but announced in time and completed by the announced date (rule 4)


_parts = operator.attrgetter("parts")
_parts_inspected = operator.attrgetter("parts_inspected")
_parts_defective = operator.attrgetter("parts_defective")


class JobState(msgspec.Struct, frozen=True):
    partner_id: str
    job_id: str
    events: tuple[Event, ...] = ()
    offered_at: datetime | None = None
    value: Decimal | None = None
    part_count: int | None = None
    offered_due_date: date | None = None
    required_documents: frozenset[str] = frozenset()
    process: str | None = None  # the offer's optional process (peer standing, domain.standing)
    first_read_at: datetime | None = None
    accepted_at: datetime | None = None
    rejected_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    status_updates: tuple[tuple[datetime, str], ...] = ()
    documents: tuple[tuple[str, datetime], ...] = ()
    shipments: tuple[Shipment, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    received_at: datetime | None = None
    due_date_changes: tuple[DueDateChange, ...] = ()
    delay_reports: tuple[DelayReport, ...] = ()
    excluded: bool = False
    # Totals of the shipments and inspections, read several times per score: summed once, by
    # __post_init__. A Struct has no init=False field, so these are constructor arguments too, but
    # whatever a caller passes is overwritten here (no caller passes one), and msgspec.structs.replace
    # runs __post_init__ again: they always match the shipments and inspections. (force_setattr: the
    # Struct is frozen, and object.__setattr__ does not apply to it.)
    parts_shipped: int = 0
    parts_inspected: int = 0
    parts_defective: int = 0

    def __post_init__(self) -> None:
        force_setattr(self, "parts_shipped", sum(map(_parts, self.shipments)))
        force_setattr(self, "parts_inspected", sum(map(_parts_inspected, self.inspections)))
        force_setattr(self, "parts_defective", sum(map(_parts_defective, self.inspections)))

    @property
    def due_date(self) -> date | None:
        """The offered due date, replaced by the latest customer- or platform-made change."""
        due = self.offered_due_date
        for change in self.due_date_changes:  # sorted by (at, event_id): the last one wins
            if change.changed_by in ("customer", "platform"):
                due = change.due_date
        return due

    @property
    def answered_at(self) -> datetime | None:
        if self.accepted_at is None or self.rejected_at is None:
            return self.accepted_at or self.rejected_at
        return min(self.accepted_at, self.rejected_at)

    @property
    def documents_uploaded(self) -> frozenset[str]:
        return frozenset(doc for doc, _ in self.documents)

    @property
    def all_documents_uploaded(self) -> bool:
        return self.required_documents <= self.documents_uploaded

    @property
    def voided_by_other_party(self) -> bool:
        """Cancelled by the customer or the platform: never counts against the partner."""
        return self.cancelled_by in ("customer", "platform") and self._shipment_completion_at() is None

    @property
    def outstanding(self) -> bool:
        """Accepted (or partly shipped), neither fully shipped nor cancelled: the job can still ship,
        and once overdue policy v3 counts it late on every day until it does (rule 1)."""
        owed = self.accepted_at is not None or bool(self.shipments)
        return owed and self.cancelled_at is None and self._shipment_completion_at() is None

    def _shipment_completion_at(self) -> datetime | None:
        if self.part_count is None:
            return None
        shipped = 0
        for shipment in self.shipments:
            shipped += shipment.parts
            if shipped >= self.part_count:
                if self.cancelled_at is not None and self.cancelled_at < shipment.at:
                    return None
                return shipment.at
        return None

    def completion(self, zone: ZoneInfo | CompletionRules, as_of: date | None = None) -> Completion | None:
        """Completed on the shipment that brings all parts out, or on a partner cancellation after
        acceptance (late). Given rules (policy v2): on-time by the partner's date, and a job accepted
        or partly shipped, neither cancelled nor fully shipped by the end of its due date, completes
        late at the start of the next day (policy timezone); `as_of` (the day scored, default that
        next day) counts its days late, and before that next day the job is not overdue yet (None:
        still open). Policy v3: an open overdue job completes on `as_of` itself (rule 1), and a
        cancellation, by anyone, after the due date completes the job late that day (rule 2)."""
        rules = zone if isinstance(zone, CompletionRules) else CompletionRules(zone)
        shipped_at = self._shipment_completion_at()
        due = self.due_date
        if shipped_at is not None and due is not None:
            local = shipped_at.astimezone(rules.date_zone).date()
            late = (local - due).days
            on_time = late <= 0
            noticed = not on_time and self._noticed(rules, due, local)
            return Completion(shipped_at, on_time, "shipment", local, max(late, 0), noticed)
        cancelled_late = self._cancelled_overdue(rules, due)
        if cancelled_late is not None:
            return cancelled_late
        if (
            self.cancelled_by == "partner"
            and self.cancelled_at is not None
            and self.accepted_at is not None
            and self.accepted_at <= self.cancelled_at
        ):
            local = self.cancelled_at.astimezone(rules.date_zone).date()
            return Completion(self.cancelled_at, False, "partner_cancellation", local, 0)
        if (
            rules.overdue
            and due is not None
            and self.cancelled_at is None
            and (self.accepted_at is not None or self.shipments)
        ):
            late_from = due + timedelta(days=1)
            if as_of is not None and as_of < late_from:
                return None  # not past its due date on the day asked about
            day = late_from if as_of is None else as_of
            counted = day if rules.overdue_while_open else late_from  # the day it completes for the window
            return Completion(
                datetime.combine(counted, time.min, tzinfo=rules.zone),
                False,
                "overdue",
                counted,
                (day - due).days,
                self._noticed(rules, due, day),
            )
        return None

    def _cancelled_overdue(self, rules: CompletionRules, due: date | None) -> Completion | None:
        """v3 rule 2: a job accepted (or partly shipped) before its cancellation, cancelled by anyone
        after the end of its due date (the partner's date, as for shipments), completes late then."""
        cancelled = self.cancelled_at
        if not rules.overdue_cancellation or cancelled is None or due is None:
            return None
        owed = (self.accepted_at is not None and self.accepted_at <= cancelled) or any(
            shipment.at <= cancelled for shipment in self.shipments
        )
        local = cancelled.astimezone(rules.date_zone).date()
        if not owed or local <= due:
            return None
        return Completion(cancelled, False, "overdue_cancellation", local, (local - due).days)

    def _noticed(self, rules: CompletionRules, due: date, completed_on: date) -> bool:
        """Rule 4: a delay report sent at least `notice_hours` before the due date begins (partner's
        timezone) whose expected ship date the job then kept."""
        if rules.notice_hours is None or not self.delay_reports:
            return False
        begins = datetime.combine(due, time.min, tzinfo=rules.date_zone)
        deadline = begins - timedelta(hours=rules.notice_hours)
        return any(
            report.at <= deadline and completed_on <= report.expected_ship_date
            for report in self.delay_reports
        )

    def outcome(self, zone: ZoneInfo | CompletionRules, as_of: date | None = None) -> Outcome:
        """Completed, void or open on `as_of` (an overdue job is open until the day after its due
        date; default: as if that day had come)."""
        if self.completion(zone, as_of) is not None:
            return "completed"
        if self.cancelled_at is not None:
            return "void"
        return "open"

    def first_shipment_at(self) -> datetime | None:
        return self.shipments[0].at if self.shipments else None

    def status_update_before_first_shipment(self, completed_at: datetime) -> bool:
        """At least one status update before the first shipment (or, with no shipment, before the
        job completed)."""
        limit = self.first_shipment_at() or completed_at
        return any(at < limit for at, _ in self.status_updates)


def event_order(event: Event) -> tuple[datetime, str]:
    return (event.occurred_at, event.event_id)


_occurred_at = operator.attrgetter("occurred_at")
_upload_order = operator.itemgetter(1, 0)  # (document type, first upload) by upload, then type
_event_order = operator.attrgetter("occurred_at", "event_id")  # event_order, at C speed (the fold's hot path)


def unique_ordered(events: Iterable[Event]) -> list[Event]:
    """Drop repeated event_ids (first copy wins after ordering) and order by (occurred_at, event_id)."""
    ordered: list[Event] = sorted(events, key=_event_order)
    if len({event.event_id for event in ordered}) == len(ordered):
        return ordered  # the common case: no event was sent twice
    seen: set[str] = set()
    unique: list[Event] = []
    for event in ordered:
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append(event)
    return unique


def fold_job(
    partner_id: str,
    job_id: str,
    events: Iterable[Event],
    *,
    until: datetime | None = None,
    excluded: bool = False,
) -> JobState:
    """Fold a job's events (optionally only those at or before `until`) into its state."""
    offered: JobOffered | None = None
    first_read = accepted = rejected = received = None
    cancel: JobCancelled | None = None
    statuses: list[tuple[datetime, str]] = []
    documents: dict[str, datetime] = {}
    shipments: list[Shipment] = []
    inspections: list[Inspection] = []
    changes: list[DueDateChange] = []
    delays: list[DelayReport] = []
    kept = unique_ordered(events)
    if until is not None and kept and kept[-1].occurred_at > until:
        # Ordered by occurred_at: the events at or before `until` are a prefix.
        kept = kept[: bisect_right(kept, until, key=_occurred_at)]
    for event in kept:
        at = event.occurred_at
        match event:  # `match` tries the cases in turn: the common ones first, in the order of a job's life
            case JobOffered():
                offered = offered or event  # the first offer fixes value, parts and due date
            case JobRead():
                first_read = first_read or at
            case JobAccepted():
                accepted = accepted or at
            case JobStatusUpdated():
                statuses.append((at, event.status))
            case JobShipped():
                shipments.append(Shipment(event.event_id, at, event.parts_shipped, event.direct_to_customer))
            case JobInspected():
                inspections.append(
                    Inspection(
                        event.event_id,
                        at,
                        event.parts_inspected,
                        event.parts_defective,
                        event.ncmr_id,
                        event.report_url,
                        tuple(
                            PartDefect(d.part_number, d.quantity, d.category, d.note) for d in event.defects
                        ),
                    )
                )
            case JobDocumentUploaded():
                documents.setdefault(event.document_type, at)
            case JobRejected():
                rejected = rejected or at
            case JobCancelled():
                cancel = cancel or event
            case JobReceived():
                received = received or at
            case JobDueDateChanged():
                changes.append(DueDateChange(event.event_id, at, event.due_date, event.changed_by))
            case JobDelayReported():
                delays.append(DelayReport(event.event_id, at, event.expected_ship_date, event.reason))
            case RequestEventBase() | ActivityEventBase():
                pass  # partner-level events never reach a job
            case _:
                assert_never(event)  # mypy: a job event type without its case here
    return JobState(
        partner_id=partner_id,
        job_id=job_id,
        events=tuple(kept),
        offered_at=offered.occurred_at if offered else None,
        value=offered.value if offered else None,
        part_count=offered.part_count if offered else None,
        offered_due_date=offered.due_date if offered else None,
        required_documents=frozenset(offered.required_documents) if offered else frozenset(),
        process=offered.process if offered else None,
        first_read_at=first_read,
        accepted_at=accepted,
        rejected_at=rejected,
        cancelled_at=cancel.occurred_at if cancel else None,
        cancelled_by=cancel.cancelled_by if cancel else None,
        status_updates=tuple(statuses),
        documents=tuple(sorted(documents.items(), key=_upload_order)),
        shipments=tuple(shipments),
        inspections=tuple(inspections),
        received_at=received,
        due_date_changes=tuple(changes),
        delay_reports=tuple(delays),
        excluded=excluded,
    )
