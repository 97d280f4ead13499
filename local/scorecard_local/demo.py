"""A deterministic demo network: partners and months of their job events (docs/api.md), for the local stack.

Pure: no I/O, no clock, no AWS. `demo_network(today)` returns partner profiles and validated events
covering `months` months of history that end with `today` (UTC; nothing after the end of that day).
Every partner is drawn from a behaviour archetype, so the daily score (docs/scoring.md) spreads over every
grade and tier, and the network exercises every event type and scoring rule: late and defective jobs
(with NCMRs and inspection reports), partial shipments, customer and partner due-date changes,
cancellations by either side, required documents, status updates, update requests answered in or out
of time, unread offers, provisional partners (fewer than 10 completed jobs) and a partner with no
completed job in 180 days (no score).

Randomness comes from one `random.Random(seed)`; each partner draws from its own generator seeded
from it, so a given (today, partners, months, seed) always yields the same network.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from scorecard.domain.events import EVENT_ADAPTER, Event

__all__ = ["ARCHETYPES", "XSS_NAME", "Archetype", "Behaviour", "DemoNetwork", "DemoPartner", "demo_network"]

XSS_NAME = '<script>alert("x")</script> Fabrication'

DOCUMENT_TYPES = (
    "inspection_report",
    "photos",
    "certificate_of_conformance",
    "material_cert",
    "finishing_cert",
)
STATUSES = ("materials_received", "production_started", "inspection_started")
REJECTION_FEEDBACK = (
    None,
    "Capacity is full until next month",
    "Tolerance of ±0.0005 in is beyond our grinding capability",
    "Material (Inconel 718) not in stock; lead time too long",
    "Price too low for the required finish",
)


@dataclass(frozen=True)
class DemoPartner:
    partner_id: str  # [A-Za-z0-9_-], <= 64
    name: str
    email: str | None
    timezone: str  # IANA zone
    profile: str  # the archetype that generated the partner's behaviour


@dataclass(frozen=True)
class DemoNetwork:
    partners: tuple[DemoPartner, ...]
    events: tuple[Event, ...]  # ordered by (occurred_at, event_id)


@dataclass(frozen=True)
class Behaviour:
    """How a partner treats a job offered to it. Probabilities are per job unless said otherwise."""

    offers_per_month: float
    read: float  # the offer is read
    read_hours: tuple[float, float]
    answer: float  # a read offer is accepted or rejected
    answer_hours: tuple[float, float]
    accept: float  # an answer is an acceptance
    on_time: float  # the last shipment is on or before the due date
    late_days: tuple[int, int]
    status_update: float  # at least one status update before shipping
    docs_complete: float  # every required document is uploaded
    defect_job: float  # an inspected job has defective parts
    defect_share: tuple[float, float]  # share of a defective job's parts that are defective
    respond: float  # an update request is answered at all
    respond_fast: float  # an answered request is answered within 24 h
    lead_days: tuple[int, int] = (10, 35)
    partner_cancel: float = 0.0  # cancelled by the partner after acceptance
    partner_extension: float = 0.0  # a late job asked for a later date first (does not move the due date)
    customer_change: float = 0.08  # the customer moves the due date later
    customer_cancel: float = 0.04
    partial: float = 0.15  # shipped in 2-3 shipments (jobs of 4+ parts)
    inspect: float = 0.7
    update_request: float = 0.3  # the platform asks for a status update while the job is open
    direct_to_customer: float = 0.0
    logins_per_month: float = 4.0


@dataclass(frozen=True)
class Archetype:
    behaviour: Behaviour
    recent: Behaviour | None = None  # behaviour for offers in the last `recent_days` days
    recent_days: int = 0
    active_days: int | None = None  # on the platform only this many days before today
    max_offers: int | None = None

    def at(self, day: date, today: date) -> Behaviour:
        if self.recent is not None and day >= today - timedelta(days=self.recent_days):
            return self.recent
        return self.behaviour


_GOOD = Behaviour(
    offers_per_month=4.0,
    read=0.97,
    read_hours=(0.2, 20),
    answer=0.95,
    answer_hours=(0.5, 24),
    accept=0.85,
    on_time=0.82,
    late_days=(1, 6),
    status_update=0.8,
    docs_complete=0.8,
    defect_job=0.15,
    defect_share=(0.01, 0.08),
    respond=0.95,
    respond_fast=0.8,
    partner_extension=0.3,
    logins_per_month=2.0,
)
_EXCELLENT = replace(
    _GOOD,
    offers_per_month=4.5,
    read=1.0,
    read_hours=(0.1, 4),
    answer=1.0,
    answer_hours=(0.2, 6),
    accept=0.9,
    on_time=0.98,
    late_days=(1, 2),
    status_update=0.97,
    docs_complete=0.97,
    defect_job=0.05,
    defect_share=(0.005, 0.04),
    respond=1.0,
    respond_fast=0.97,
    direct_to_customer=0.15,
    logins_per_month=4.0,
)
_LATE_SHIPPER = replace(
    _GOOD,
    on_time=0.6,
    late_days=(2, 10),
    status_update=0.55,
    docs_complete=0.6,
    respond_fast=0.5,
    partner_cancel=0.06,
    partner_extension=0.5,
)
_DEFECTS = replace(
    _GOOD,
    on_time=0.85,
    defect_job=0.5,
    defect_share=(0.05, 0.35),
    docs_complete=0.6,
    inspect=0.85,
    partner_cancel=0.02,
)
_SLOW_RESPONDER = replace(
    _GOOD,
    offers_per_month=6.0,
    read=0.7,
    read_hours=(12, 120),
    answer=0.75,
    answer_hours=(24, 96),
    on_time=0.78,
    status_update=0.2,
    docs_complete=0.4,
    respond=0.7,
    respond_fast=0.2,
    update_request=0.6,
    logins_per_month=0.5,
)
_NEW = replace(_GOOD, read=1.0, answer=1.0, accept=0.95, on_time=0.9, logins_per_month=6.0)
_DECLINED = replace(
    _GOOD,
    read=0.8,
    answer=0.85,
    on_time=0.3,
    late_days=(3, 20),
    status_update=0.35,
    docs_complete=0.4,
    defect_job=0.4,
    defect_share=(0.05, 0.35),
    respond=0.7,
    respond_fast=0.4,
    partner_cancel=0.08,
    partner_extension=0.4,
    update_request=0.5,
    logins_per_month=1.0,
)
# Dormant: worked on time early in the history (short lead times, so everything completes more than
# 180 days before today), then stopped reading its board.
_DORMANT_EARLY = replace(
    _GOOD,
    lead_days=(8, 18),
    on_time=1.0,
    customer_change=0.0,
    customer_cancel=0.0,
    partner_extension=0.0,
)
_IGNORING = replace(_GOOD, offers_per_month=1.5, read=0.0, logins_per_month=0.0)

ARCHETYPES: dict[str, Archetype] = {
    "excellent": Archetype(_EXCELLENT),
    "good": Archetype(_GOOD),
    "late-shipper": Archetype(_LATE_SHIPPER),
    "defects": Archetype(_DEFECTS),
    "slow-responder": Archetype(_SLOW_RESPONDER),
    "new": Archetype(_NEW, active_days=50, max_offers=8),
    "dormant": Archetype(_DORMANT_EARLY, recent=_IGNORING, recent_days=200),
    "declining": Archetype(_GOOD, recent=_DECLINED, recent_days=110),
}

# Assignment order: every archetype appears within the first eight partners; the default 36 get
# 8 excellent, 9 good, 5 late-shipper, 4 defects, 4 slow-responder, 2 new, 1 dormant, 3 declining.
_PROFILE_CYCLE = (
    "excellent",
    "good",
    "late-shipper",
    "defects",
    "slow-responder",
    "new",
    "dormant",
    "declining",
    "good",
    "excellent",
    "late-shipper",
    "good",
    "defects",
    "excellent",
    "slow-responder",
    "good",
    "new",
    "declining",
    "excellent",
    "good",
    "late-shipper",
    "defects",
    "good",
    "excellent",
    "slow-responder",
    "good",
    "excellent",
    "late-shipper",
    "defects",
    "good",
    "excellent",
    "declining",
    "good",
    "slow-responder",
    "excellent",
    "late-shipper",
)

# (name, slug for partner id and email domain, timezone)
_SHOPS = (
    ("Acme Precision Machining", "acme-precision", "America/Chicago"),
    ("Bluewater CNC Works", "bluewater-cnc", "America/New_York"),
    ("Cedar Ridge Tool & Die", "cedar-ridge", "America/Denver"),
    ("Delta Swiss Turning", "delta-swiss", "America/Los_Angeles"),
    ("Eagle Sheet Metal Fabrication", "eagle-sheetmetal", "America/Chicago"),
    ("Forgeline Manufacturing", "forgeline", "America/Detroit"),
    ("Granite State Machine Co.", "granite-state", "America/New_York"),
    ("Harbor Point Machining", "harbor-point", "America/Los_Angeles"),
    ("Ironclad Metalworks", "ironclad", "America/Chicago"),
    ("Jensen Tool Works", "jensen-tool", "America/Chicago"),
    ("Keystone Precision Components", "keystone-precision", "America/New_York"),
    ("Lakeshore Anodizing & Finishing", "lakeshore-finishing", "America/Chicago"),
    ("Meridian 5-Axis", "meridian-5axis", "America/Phoenix"),
    ("Northstar Machine & Tool", "northstar-machine", "America/Toronto"),
    ("Oakridge Fabricators", "oakridge-fab", "America/New_York"),
    ("Pinnacle Aerospace Machining", "pinnacle-aero", "America/Los_Angeles"),
    ("Quarry Hill Welding", "quarry-hill", "America/New_York"),
    ("Redline Rapid Prototyping", "redline-rapid", "America/Denver"),
    ("Summit Gear & Spline", "summit-gear", "America/Chicago"),
    ("Titan Waterjet Services", "titan-waterjet", "America/Chicago"),
    ("Union Avenue Screw Machine", "union-screw", "America/New_York"),
    ("Valley Forge Castings", "valley-forge", "America/New_York"),
    ("Westbrook EDM", "westbrook-edm", "America/New_York"),
    ("Xcel Precision Grinding", "xcel-grinding", "America/Chicago"),
    ("Yellowstone Mold & Die", "yellowstone-mold", "America/Denver"),
    ("Zenith Laser Cutting", "zenith-laser", "America/Los_Angeles"),
    ("Brandt Feinmechanik GmbH", "brandt-feinmechanik", "Europe/Berlin"),
    ("Müller Zerspanungstechnik", "mueller-zerspanung", "Europe/Berlin"),
    ("Copperhead Machining", "copperhead", "America/Chicago"),
    ("Driftwood Metal Spinning", "driftwood-spinning", "America/New_York"),
    ("Elm Street Machine Shop", "elmstreet", "UTC"),
    ("Falcon Tube Bending", "falcon-tube", "America/Chicago"),
    ("O'Brien & Sons Machine Works", "obrien-sons", "Europe/Dublin"),
    ("Thames Precision Engineering Ltd", "thames-precision", "Europe/London"),
    ("Hawthorne Turned Parts", "hawthorne-turned", "America/New_York"),
    ("Silver Creek Machining", "silvercreek", "UTC"),
)
_XSS_INDEX = 8  # the partner named XSS_NAME (or the last one in a smaller network)
_XSS_SHOP = (XSS_NAME, "script-fab", "America/Chicago")


class _Ids:
    """Network-wide sequences: job numbers, NCMR numbers, update-request numbers."""

    def __init__(self, first_job: int) -> None:
        self.jobs = itertools.count(first_job)
        self.ncmrs = itertools.count(101)
        self.requests = itertools.count(1)


Planned = tuple[datetime, dict[str, Any]]


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _business_time(
    day: date, zone: ZoneInfo, rng: random.Random, lo: float = 7.5, hi: float = 15.0
) -> datetime:
    """A time during working hours on `day`, local to the partner. Working hours end by 15:00 so that
    the UTC date of a shipment in the Americas is its local date."""
    minutes = rng.randint(int(lo * 60), int(hi * 60))
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _hours(rng: random.Random, bounds: tuple[float, float]) -> timedelta:
    return timedelta(minutes=round(rng.uniform(*bounds) * 60))


def _between(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` distinct sorted whole-minute instants strictly inside (start, end); fewer if too short."""
    span = int((end - start).total_seconds() // 60)
    if span < 2 or count < 1:
        return []
    minutes = sorted(rng.sample(range(1, span), min(count, span - 1)))
    return [start + timedelta(minutes=m) for m in minutes]


def _one_between(rng: random.Random, start: datetime, end: datetime) -> datetime | None:
    instants = _between(rng, start, end, 1)
    return instants[0] if instants else None


def _money(rng: random.Random) -> Decimal:
    value = min(max(rng.lognormvariate(7.2, 1.15), 50.0), 25_000.0)
    return Decimal(f"{value:.2f}")


def _part_count(rng: random.Random) -> int:
    return min(max(round(rng.lognormvariate(2.6, 1.3)), 1), 500)


class _PartnerGenerator:
    def __init__(
        self,
        partner: DemoPartner,
        archetype: Archetype,
        rng: random.Random,
        ids: _Ids,
        today: date,
        first_day: date,
    ) -> None:
        self.partner = partner
        self.archetype = archetype
        self.rng = rng
        self.ids = ids
        self.today = today
        self.first_day = first_day
        self.zone = ZoneInfo(partner.timezone)
        self.planned: list[Planned] = []

    # -- emitting ---------------------------------------------------------------------------------

    def emit(self, at: datetime, key: str, type_: str, job_id: str | None = None, **fields: Any) -> None:
        data: dict[str, Any] = {
            "event_id": f"{self.partner.partner_id}:{key}",
            "type": type_,
            "partner_id": self.partner.partner_id,
            "occurred_at": at.isoformat(),
        }
        if job_id is not None:
            data["job_id"] = job_id
        data.update(fields)
        self.planned.append((at, data))

    # -- the partner's history --------------------------------------------------------------------

    def run(self) -> list[Planned]:
        start = self.first_day
        if self.archetype.active_days is not None:
            start = max(start, self.today - timedelta(days=self.archetype.active_days))
        self.offers(start)
        self.activity(start)
        return self.planned

    def offers(self, start: date) -> None:
        rng = self.rng
        cursor = rng.uniform(0, 3)
        count = 0
        while self.archetype.max_offers is None or count < self.archetype.max_offers:
            day = _weekday(start + timedelta(days=int(cursor)))
            if day > self.today:
                break
            behaviour = self.archetype.at(day, self.today)
            self.job(behaviour, _business_time(day, self.zone, rng))
            count += 1
            cursor += rng.expovariate(behaviour.offers_per_month / 30.0)

    def activity(self, start: date) -> None:
        rng = self.rng
        cursor = rng.uniform(0, 5)
        logins = 0
        while True:
            day = start + timedelta(days=int(cursor))
            if day > self.today:
                break
            behaviour = self.archetype.at(day, self.today)
            if behaviour.logins_per_month <= 0:
                cursor += 7
                continue
            at = _business_time(day, self.zone, rng, 6.0, 20.0)
            logins += 1
            self.emit(at, f"login:{logins}", "partner.logged_in")
            if rng.random() < 0.08:
                self.emit(at + _hours(rng, (0.05, 0.5)), f"capacity:{logins}", "partner.capacity_updated")
            cursor += rng.expovariate(behaviour.logins_per_month / 30.0)

    # -- one job ----------------------------------------------------------------------------------

    def job(self, b: Behaviour, offered_at: datetime) -> None:
        rng = self.rng
        job_id = f"J-{next(self.ids.jobs)}"
        parts = _part_count(rng)
        lead = rng.randint(*b.lead_days)
        due = offered_at.date() + timedelta(days=lead)
        documents: list[str] = []
        if rng.random() < 0.35:
            documents = sorted(rng.sample(DOCUMENT_TYPES, rng.randint(1, 3)))

        def emit(at: datetime, key: str, type_: str, **fields: Any) -> None:
            self.emit(at, f"{job_id}:{key}", type_, job_id, **fields)

        emit(
            offered_at,
            "offered",
            "job.offered",
            value=_money(rng),
            part_count=parts,
            due_date=due.isoformat(),
            required_documents=documents,
        )
        if rng.random() >= b.read:
            return  # never seen: an unread, unanswered offer
        read_at = offered_at + _hours(rng, b.read_hours)
        emit(read_at, "read", "job.read")
        if rng.random() >= b.answer:
            return  # seen, never answered
        answered_at = read_at + _hours(rng, b.answer_hours)
        if rng.random() >= b.accept:
            emit(answered_at, "rejected", "job.rejected", feedback=rng.choice(REJECTION_FEEDBACK))
            return
        accepted_at = answered_at
        emit(accepted_at, "accepted", "job.accepted")

        # Either side may cancel while the job is in production.
        for by, chance in (("customer", b.customer_cancel), ("partner", b.partner_cancel)):
            if rng.random() < chance:
                cancel_at = accepted_at + timedelta(hours=rng.uniform(20, max(24.0, lead * 24 * 0.6)))
                status_at = _one_between(rng, accepted_at, cancel_at)
                if status_at is not None and rng.random() < b.status_update:
                    emit(status_at, "status:1", "job.status_updated", status="materials_received")
                emit(cancel_at, "cancelled", "job.cancelled", cancelled_by=by)
                return

        earliest = accepted_at.astimezone(self.zone).date() + timedelta(days=2)
        if rng.random() < b.customer_change:
            change_at = accepted_at + timedelta(hours=rng.uniform(4, 72))
            due = due + timedelta(days=rng.randint(3, 14))
            emit(
                change_at,
                "due_date_changed:customer",
                "job.due_date_changed",
                due_date=due.isoformat(),
                changed_by="customer",
            )
            earliest = max(earliest, change_at.astimezone(self.zone).date() + timedelta(days=2))

        on_time = rng.random() < b.on_time
        if on_time:
            ship_day = due - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)))
        else:
            ship_day = due + timedelta(days=rng.randint(*b.late_days))
        ship_day = max(ship_day, earliest)

        ship_days = [ship_day]
        if parts >= 4 and rng.random() < b.partial:
            span = min((ship_day - earliest).days, 12)  # earlier shipments within 12 days of the last
            extra = min(rng.randint(1, 2), span)
            if extra > 0:
                offsets = sorted(rng.sample(range(1, span + 1), extra), reverse=True)
                ship_days = [ship_day - timedelta(days=o) for o in offsets] + [ship_day]
        ship_times = [_business_time(d, self.zone, rng) for d in ship_days]
        first_ship = ship_times[0]
        if first_ship <= accepted_at:  # cannot happen with `earliest`, but keep causality certain
            return

        # Work before the first shipment: status updates, documents, a partner-asked extension.
        if rng.random() < b.status_update:
            count = rng.randint(1, 3)
            for n, at in enumerate(_between(rng, accepted_at, first_ship, count), start=1):
                emit(at, f"status:{n}", "job.status_updated", status=STATUSES[n - 1])
        if documents:
            uploads = list(documents)
            if rng.random() >= b.docs_complete:
                uploads = rng.sample(uploads, rng.randint(0, len(uploads) - 1))
            for document, at in zip(
                sorted(uploads), _between(rng, accepted_at, first_ship, len(uploads)), strict=False
            ):
                emit(at, f"document:{document}", "job.document_uploaded", document_type=document)
        ask_at = _one_between(rng, accepted_at, first_ship)
        if ask_at is not None and not on_time and rng.random() < b.partner_extension:
            emit(
                ask_at,
                "due_date_changed:partner",
                "job.due_date_changed",
                due_date=ship_day.isoformat(),
                changed_by="partner",
            )
        asked_at = _one_between(rng, accepted_at, first_ship)
        if asked_at is not None and rng.random() < b.update_request:
            self.update_request(b, job_id, asked_at)

        # Shipments.
        cuts = sorted(rng.sample(range(1, parts), len(ship_times) - 1)) if len(ship_times) > 1 else []
        bounds = [0, *cuts, parts]
        shipped = [bounds[i + 1] - bounds[i] for i in range(len(ship_times))]
        direct = rng.random() < b.direct_to_customer
        for n, (at, count) in enumerate(zip(ship_times, shipped, strict=True), start=1):
            emit(at, f"shipped:{n}", "job.shipped", parts_shipped=count, direct_to_customer=direct)
        last = ship_times[-1]

        # Inspection at the customer: one per shipment, after the last one arrives.
        defective = [0] * len(shipped)
        if rng.random() < b.inspect:
            if rng.random() < b.defect_job:
                share = rng.uniform(*b.defect_share)
                defective = [min(count, round(count * share)) for count in shipped]
                if not any(defective):
                    defective[shipped.index(max(shipped))] = 1
            at = last
            for n, (count, bad) in enumerate(zip(shipped, defective, strict=True), start=1):
                at = at + _hours(rng, (12, 60))
                fields: dict[str, Any] = {"parts_inspected": count, "parts_defective": bad}
                if bad:
                    fields["ncmr_id"] = f"NCMR-{at.year}-{next(self.ids.ncmrs):04d}"
                if bad or rng.random() < 0.8:
                    suffix = "" if len(shipped) == 1 else f"-{n}"
                    fields["report_url"] = f"https://reports.example/insp/{job_id}{suffix}.pdf"
                emit(at, f"inspected:{n}", "job.inspected", **fields)
            last = at
        if not any(defective) and rng.random() < 0.6:
            emit(last + _hours(rng, (24, 120)), "received", "job.received")

    def update_request(self, b: Behaviour, job_id: str, asked_at: datetime) -> None:
        rng = self.rng
        request_id = f"UR-{next(self.ids.requests):05d}"
        self.emit(
            asked_at,
            f"{request_id}:requested",
            "partner.update_requested",
            request_id=request_id,
            job_id=job_id,
        )
        if rng.random() < b.respond:
            delay = (0.2, 20.0) if rng.random() < b.respond_fast else (26.0, 100.0)
            self.emit(
                asked_at + _hours(rng, delay),
                f"{request_id}:responded",
                "partner.update_responded",
                request_id=request_id,
                job_id=job_id,
            )


def _partners(count: int) -> list[DemoPartner]:
    partners: list[DemoPartner] = []
    xss_index = min(_XSS_INDEX, count - 1)
    plain = iter(itertools.cycle(_SHOPS))
    for i in range(count):
        name, slug, zone = _XSS_SHOP if i == xss_index else next(plain)
        round_ = i // len(_SHOPS)
        if round_ and i != xss_index:  # more partners than shop names: sister plants
            name, slug = f"{name} (Plant {round_ + 1})", f"{slug}-{round_ + 1}"
        partners.append(
            DemoPartner(
                partner_id=f"{slug.split('-')[0]}-{i + 1:02d}",
                name=name,
                email=None if i % 13 == 5 else f"ops@{slug}.example",
                timezone=zone,
                profile=_PROFILE_CYCLE[i % len(_PROFILE_CYCLE)],
            )
        )
    return partners


def demo_network(today: date, *, partners: int = 36, months: int = 7, seed: int = 2026) -> DemoNetwork:
    """A realistic partner network with `months` months of events ending with `today` (UTC)."""
    if partners < 1 or months < 1:
        raise ValueError("partners and months must be at least 1")
    rng = random.Random(seed)
    ids = _Ids(first_job=10_000 + rng.randrange(100, 900))
    first_day = _months_before(today, months)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)  # end of today, exclusive
    roster = _partners(partners)
    planned: list[Planned] = []
    for partner in roster:
        generator = _PartnerGenerator(
            partner,
            ARCHETYPES[partner.profile],
            random.Random(rng.getrandbits(64)),
            ids,
            today,
            first_day,
        )
        planned.extend(generator.run())
    context = {"now": end}
    events = [EVENT_ADAPTER.validate_python(data, context=context) for at, data in planned if at < end]
    events.sort(key=lambda e: (e.occurred_at, e.event_id))
    return DemoNetwork(tuple(roster), tuple(events))
