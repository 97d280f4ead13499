"""Job and partner events (DESIGN §3): one pydantic model per type, a discriminated union on `type`.

The models are the single source of truth for the event schema: the ingestion API validates
with them, the repository stores their JSON, and the projections fold them.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)

MAX_EVENTS_PER_BATCH = 500
MAX_FUTURE_SKEW = timedelta(minutes=5)

# The clock the 5-minute future check compares against. Callers inject it, either through pydantic's
# validation context {"now": ...} or, where a framework runs the validation (the API resolver), by
# setting this variable around the call. Unset: no future check (re-reading stored events).
VALIDATION_NOW: ContextVar[datetime | None] = ContextVar("VALIDATION_NOW", default=None)

EventId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
EntityId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

# RFC 3339 date-time with a mandatory offset ("Z" or ±HH:MM); pydantic alone would also take
# Unix numbers and naive strings.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_rfc3339(value: object) -> datetime:
    """Parse an RFC 3339 timestamp that carries its offset; anything else is an error."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamp must carry a UTC offset")
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("must be an RFC 3339 timestamp with offset, e.g. 2026-10-01T14:30:00Z")
    text = value.replace("z", "Z").replace("t", "T")
    if "." in text:  # Python keeps microseconds only
        head, _, rest = text.partition(".")
        digits = re.match(r"\d+", rest)
        assert digits is not None
        text = head + "." + digits.group(0)[:6].ljust(6, "0") + rest[digits.end() :]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_iso_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date YYYY-MM-DD")
    return date.fromisoformat(value)


class _EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    event_id: EventId
    partner_id: EntityId
    occurred_at: datetime = Field(description="RFC 3339 timestamp with offset; at most 5 minutes ahead")

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _rfc3339(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(info.context, dict) and info.context.get("stored"):
            return value  # written by event_json from an aware datetime: pydantic's parser suffices
        return parse_rfc3339(value)

    @field_validator("occurred_at")
    @classmethod
    def _not_in_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        # The clock is injected through the validation context; stored events are re-read without it.
        now = info.context.get("now") if isinstance(info.context, dict) else None
        now = now or VALIDATION_NOW.get()
        if now is not None and value > now + MAX_FUTURE_SKEW:
            raise ValueError("occurred_at is more than 5 minutes in the future")
        return value


class _JobEventBase(_EventBase):
    job_id: EntityId


def _decimal_string(value: object) -> object:
    # Floats would smuggle binary rounding into money: read them through their shortest repr.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


class JobOffered(_JobEventBase):
    type: Literal["job.offered"]
    value: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="job value in USD")
    part_count: int = Field(ge=1, le=10_000_000)
    due_date: date
    required_documents: list[
        Literal[
            "inspection_report", "photos", "certificate_of_conformance", "material_cert", "finishing_cert"
        ]
    ] = Field(default_factory=list)

    @field_validator("value", mode="before")
    @classmethod
    def _money(cls, value: object) -> object:
        return _decimal_string(value)

    @field_validator("due_date", mode="before")
    @classmethod
    def _date(cls, value: object) -> date:
        return parse_iso_date(value)


class JobRead(_JobEventBase):
    type: Literal["job.read"]


class JobAccepted(_JobEventBase):
    type: Literal["job.accepted"]


class JobRejected(_JobEventBase):
    type: Literal["job.rejected"]
    feedback: str | None = Field(default=None, max_length=4000)


class JobCancelled(_JobEventBase):
    type: Literal["job.cancelled"]
    cancelled_by: Literal["partner", "customer", "platform"]


class JobStatusUpdated(_JobEventBase):
    type: Literal["job.status_updated"]
    status: Literal["materials_received", "production_started", "inspection_started", "other"]


DocumentType = Literal[
    "inspection_report", "photos", "certificate_of_conformance", "material_cert", "finishing_cert"
]


class JobDocumentUploaded(_JobEventBase):
    type: Literal["job.document_uploaded"]
    document_type: DocumentType


class JobShipped(_JobEventBase):
    type: Literal["job.shipped"]
    parts_shipped: int = Field(ge=1, le=10_000_000)
    direct_to_customer: bool = False


class JobInspected(_JobEventBase):
    type: Literal["job.inspected"]
    parts_inspected: int = Field(ge=1, le=10_000_000)
    parts_defective: int = Field(ge=0, le=10_000_000)
    ncmr_id: str | None = Field(default=None, min_length=1, max_length=128)
    report_url: str | None = Field(default=None, max_length=2048, pattern=r"^https?://\S+$")

    @field_validator("parts_defective")
    @classmethod
    def _defective_within_inspected(cls, value: int, info: ValidationInfo) -> int:
        inspected = info.data.get("parts_inspected")  # declared first, so validated by now
        if inspected is not None and value > inspected:
            raise ValueError("parts_defective must not exceed parts_inspected")
        return value


class JobReceived(_JobEventBase):
    type: Literal["job.received"]


class JobDueDateChanged(_JobEventBase):
    type: Literal["job.due_date_changed"]
    due_date: date
    changed_by: Literal["customer", "platform", "partner"]

    @field_validator("due_date", mode="before")
    @classmethod
    def _date(cls, value: object) -> date:
        return parse_iso_date(value)


class PartnerUpdateRequested(_EventBase):
    type: Literal["partner.update_requested"]
    request_id: EntityId
    job_id: EntityId | None = None


class PartnerUpdateResponded(_EventBase):
    type: Literal["partner.update_responded"]
    request_id: EntityId
    job_id: EntityId | None = None


class PartnerLoggedIn(_EventBase):
    type: Literal["partner.logged_in"]
    job_id: EntityId | None = None  # §3: job_id is a common field, required only for job.*


class PartnerCapacityUpdated(_EventBase):
    type: Literal["partner.capacity_updated"]
    job_id: EntityId | None = None  # §3: job_id is a common field, required only for job.*


JobEvent = (
    JobOffered
    | JobRead
    | JobAccepted
    | JobRejected
    | JobCancelled
    | JobStatusUpdated
    | JobDocumentUploaded
    | JobShipped
    | JobInspected
    | JobReceived
    | JobDueDateChanged
)
RequestEvent = PartnerUpdateRequested | PartnerUpdateResponded
ActivityEvent = PartnerLoggedIn | PartnerCapacityUpdated

Event = Annotated[JobEvent | RequestEvent | ActivityEvent, Field(discriminator="type")]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

JOB_EVENT_TYPES: tuple[type[BaseModel], ...] = (
    JobOffered,
    JobRead,
    JobAccepted,
    JobRejected,
    JobCancelled,
    JobStatusUpdated,
    JobDocumentUploaded,
    JobShipped,
    JobInspected,
    JobReceived,
    JobDueDateChanged,
)


class EventBatch(BaseModel):
    """Body of POST /v1/events."""

    model_config = ConfigDict(extra="forbid")

    events: list[Event] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


_STORED = {"stored": True}


def parse_stored_event(raw: str | bytes) -> Event:
    """Re-read an event stored by ingestion (already validated; no clock check)."""
    return EVENT_ADAPTER.validate_json(raw, context=_STORED)


def event_json(event: Event) -> str:
    return event.model_dump_json(exclude_defaults=False)


def validation_context(now: datetime) -> dict[str, Any]:
    return {"now": now}
