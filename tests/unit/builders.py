"""Terse builders for the domain tests.

Events are built the way ingestion receives them (a JSON-like dict validated through
`EVENT_ADAPTER`), so every test also exercises the docs/api.md schema. Instants are given as RFC 3339
strings, aware datetimes, or dates (a date means noon UTC that day).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from scorecard.domain.events import EVENT_ADAPTER, Event
from scorecard.domain.jobs import JobState, fold_job
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.domain.requests import UpdateRequest, fold_request
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.window import day_end

POLICY = load_policy("v1")
PARTNER = "P-1"

Instant = str | date | datetime


def day(month: int, dom: int, year: int = 2026) -> date:
    return date(year, month, dom)


def instant(at: Instant) -> datetime:
    """An aware datetime; a bare date means noon UTC."""
    if isinstance(at, datetime):
        assert at.tzinfo is not None
        return at
    if isinstance(at, date):
        return datetime(at.year, at.month, at.day, 12, tzinfo=UTC)
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def event(type_: str, at: Instant, event_id: str, partner_id: str = PARTNER, **fields: Any) -> Event:
    data: dict[str, Any] = {
        "event_id": event_id,
        "type": type_,
        "partner_id": partner_id,
        "occurred_at": at if isinstance(at, str) else instant(at).isoformat(),
        **fields,
    }
    return EVENT_ADAPTER.validate_python(data)


class JobBuilder:
    """Collects one job's events: `JobBuilder("J1").offered(...).accepted(...).shipped(...).fold()`."""

    def __init__(self, job_id: str = "J-1", partner_id: str = PARTNER) -> None:
        self.job_id = job_id
        self.partner_id = partner_id
        self.events: list[Event] = []

    def add(self, type_: str, at: Instant, **fields: Any) -> JobBuilder:
        event_id = f"{self.job_id}.{len(self.events) + 1}"
        self.events.append(event(type_, at, event_id, self.partner_id, job_id=self.job_id, **fields))
        return self

    def offered(
        self,
        at: Instant,
        *,
        due: date,
        value: str | int = "100",
        parts: int = 1,
        docs: Sequence[str] = (),
    ) -> JobBuilder:
        return self.add(
            "job.offered",
            at,
            value=str(value),
            part_count=parts,
            due_date=due.isoformat(),
            required_documents=list(docs),
        )

    def read(self, at: Instant) -> JobBuilder:
        return self.add("job.read", at)

    def accepted(self, at: Instant) -> JobBuilder:
        return self.add("job.accepted", at)

    def rejected(self, at: Instant, feedback: str | None = None) -> JobBuilder:
        return self.add("job.rejected", at, feedback=feedback)

    def cancelled(self, at: Instant, by: str) -> JobBuilder:
        return self.add("job.cancelled", at, cancelled_by=by)

    def status(self, at: Instant, status: str = "production_started") -> JobBuilder:
        return self.add("job.status_updated", at, status=status)

    def document(self, at: Instant, document_type: str) -> JobBuilder:
        return self.add("job.document_uploaded", at, document_type=document_type)

    def shipped(self, at: Instant, parts: int = 1, direct: bool = False) -> JobBuilder:
        return self.add("job.shipped", at, parts_shipped=parts, direct_to_customer=direct)

    def inspected(
        self, at: Instant, inspected: int, defective: int = 0, ncmr: str | None = None
    ) -> JobBuilder:
        return self.add(
            "job.inspected", at, parts_inspected=inspected, parts_defective=defective, ncmr_id=ncmr
        )

    def received(self, at: Instant) -> JobBuilder:
        return self.add("job.received", at)

    def due_changed(self, at: Instant, due: date, by: str) -> JobBuilder:
        return self.add("job.due_date_changed", at, due_date=due.isoformat(), changed_by=by)

    def fold(self, *, until: datetime | None = None, excluded: bool = False) -> JobState:
        return fold_job(self.partner_id, self.job_id, self.events, until=until, excluded=excluded)


def completed_job(
    job_id: str,
    *,
    shipped: Instant,
    due: date,
    value: str | int = "100",
    offered: Instant | None = None,
    parts: int = 1,
    inspected: int = 0,
    defective: int = 0,
    status_update: bool = True,
    read: bool = True,
    accepted: bool = True,
    docs_required: Sequence[str] = (),
    docs_uploaded: Sequence[str] = (),
) -> JobBuilder:
    """A job shipped in one shipment of all its parts at `shipped`.

    Offered (by default 10 days before shipping), read and accepted an hour apart, a status update a
    day after the offer, documents two hours before shipping, an inspection an hour after it.
    """
    ship_at = instant(shipped)
    offer_at = instant(offered) if offered is not None else ship_at - timedelta(days=10)
    job = JobBuilder(job_id).offered(offer_at, due=due, value=value, parts=parts, docs=docs_required)
    if read:
        job.read(offer_at + timedelta(hours=1))
    if accepted:
        job.accepted(offer_at + timedelta(hours=2))
    if status_update:
        job.status(offer_at + timedelta(days=1))
    for document_type in docs_uploaded:
        job.document(ship_at - timedelta(hours=2), document_type)
    job.shipped(ship_at, parts)
    if inspected:
        job.inspected(ship_at + timedelta(hours=1), inspected, defective)
    return job


def request_events(request_id: str, requested: Instant, responded: Instant | None = None) -> list[Event]:
    events = [event("partner.update_requested", requested, f"{request_id}.q", request_id=request_id)]
    if responded is not None:
        events.append(event("partner.update_responded", responded, f"{request_id}.a", request_id=request_id))
    return events


def score(
    jobs: Iterable[JobBuilder],
    as_of: date,
    *,
    requests: Iterable[list[Event]] = (),
    policy: ScoringPolicy = POLICY,
    excluded: Iterable[str] = (),
) -> ScoreResult:
    """Fold everything as of the end of `as_of` (policy timezone) and score it."""
    until = day_end(as_of, policy.zone)
    skip = set(excluded)
    states = [job.fold(until=until, excluded=job.job_id in skip) for job in jobs]
    folded: list[UpdateRequest] = []
    for events in requests:
        request_id = events[0].request_id  # type: ignore[union-attr]
        folded.append(fold_request(request_id, events, until=until))
    return compute_success_score(states, folded, as_of, policy)


def component(result: ScoreResult, name: str) -> Decimal | None:
    return next(c.value for c in result.components if c.name == name)


def effects(result: ScoreResult) -> dict[str, Decimal]:
    return {entry.job_id: entry.effect for entry in result.ledger}
