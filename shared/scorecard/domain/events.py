"""Job and partner events (docs/api.md): one pydantic model per type, a discriminated union on `type`.

Each model names its aggregate kind (`aggregate`): where it is stored and which fold reads it.
The models are the single source of truth for the event schema: the ingestion API validates
with them, the repository stores their JSON, and the projections fold them.
"""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)

from scorecard.domain.calendar import (
    DATE_RANGE_TEXT,
    EARLIEST_INSTANT,
    IsoDate,
    is_stored,
    validation_now,
)

MAX_EVENTS_PER_BATCH = 500
MAX_FUTURE_SKEW = timedelta(minutes=5)

EventId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
EntityId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

# RFC 3339 date-time with a mandatory offset ("Z" or ±HH:MM, |offset| < 24 h); pydantic alone would
# also take Unix numbers and naive strings.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$",
)


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
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # e.g. 2026-02-30: say so without Python's wording
        raise ValueError("must be a real calendar time, e.g. 2026-10-01T14:30:00Z") from None


class AggregateKind(StrEnum):
    """What an event belongs to, and so where it is stored and folded: a job, an update request, or
    the partner's activity (logins, capacity updates)."""

    JOB = "job"
    REQUEST = "request"
    ACTIVITY = "activity"


class _EventBase(BaseModel):
    # strict: a field takes only the JSON type the schema states (true is no integer, "7" none, "yes"
    # no boolean); `value` alone opts out (a decimal string or a JSON number), and occurred_at,
    # whose own validator checks it. Dates pass: their before-validator parses the string.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, strict=True)

    aggregate: ClassVar[AggregateKind]

    event_id: EventId
    partner_id: EntityId
    occurred_at: datetime = Field(
        # Not strict: _rfc3339 below is the type check (an RFC 3339 string with its offset), and a
        # stored event's string, which it passes on, is then parsed by pydantic's own (lax) parser.
        strict=False,
        description=f"RFC 3339 timestamp with offset, from {EARLIEST_INSTANT.date()}; "
        "at most 5 minutes ahead",
    )

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _rfc3339(cls, value: object, info: ValidationInfo) -> object:
        if is_stored(info):
            return value  # written by event_json from an aware datetime: pydantic's parser suffices
        return parse_rfc3339(value)

    @field_validator("occurred_at")
    @classmethod
    def _within_bounds(cls, value: datetime, info: ValidationInfo) -> datetime:
        if is_stored(info):
            return value
        # Before 2000 is never real, and near year 1 the UTC conversion of the key layout overflows.
        if value < EARLIEST_INSTANT:
            raise ValueError(f"occurred_at must be within {DATE_RANGE_TEXT}")
        # The clock is injected through the validation context; stored events are re-read without it.
        now = validation_now(info)
        if now is not None and value > now + MAX_FUTURE_SKEW:
            raise ValueError("occurred_at is more than 5 minutes in the future")
        return value

    @property
    def aggregate_id(self) -> str:
        """Which aggregate of its kind (and of its partner) the event belongs to."""
        raise NotImplementedError


class JobEventBase(_EventBase):
    """Events of one partner job: stored on, and folded into, the job (domain/jobs.py)."""

    aggregate: ClassVar[AggregateKind] = AggregateKind.JOB

    job_id: EntityId

    @property
    def aggregate_id(self) -> str:
        return self.job_id


class RequestEventBase(_EventBase):
    """Events of one update request: stored on, and folded into, the request (domain/requests.py)."""

    aggregate: ClassVar[AggregateKind] = AggregateKind.REQUEST

    request_id: EntityId
    job_id: EntityId | None = None

    @property
    def aggregate_id(self) -> str:
        return self.request_id


class ActivityEventBase(_EventBase):
    """Partner activity: each event its own item in the partner's month of activity (keys.py)."""

    aggregate: ClassVar[AggregateKind] = AggregateKind.ACTIVITY

    job_id: EntityId | None = None  # docs/api.md: job_id is a common field, required only for job.*

    @property
    def aggregate_id(self) -> str:
        """The month (UTC, YYYY-MM) of the activity."""
        return self.occurred_at.astimezone(UTC).strftime("%Y-%m")


def _decimal_string(value: object) -> object:
    # Floats would smuggle binary rounding into money: read them through their shortest repr.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


DocumentType = Literal[
    "inspection_report", "photos", "certificate_of_conformance", "material_cert", "finishing_cert"
]


MONEY_TEXT = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


def _money_text(schema: dict[str, Any]) -> None:
    """The document's string form of an amount: pydantic declares any string, the validation takes
    plain decimals of at most 12 integer digits and 2 places (max_digits=14, decimal_places=2)."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = MONEY_TEXT


class JobOffered(JobEventBase):
    type: Literal["job.offered"]
    value: Decimal = Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        strict=False,  # a decimal string or a JSON number (never a boolean: pydantic refuses those)
        description="job value in USD",
        json_schema_extra=_money_text,
    )
    part_count: int = Field(ge=1, le=10_000_000)
    due_date: IsoDate
    required_documents: list[DocumentType] = Field(default=[])
    process: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_]{0,39}$",
        # Left out of the stored JSON when absent: offers stored before the field existed stay byte-equal
        # (duplicates are recognised by their stored text) and job timelines show no "process": null.
        exclude_if=lambda value: value is None,
        description="manufacturing process of the job (e.g. cnc_machining, sheet_metal, injection_molding, "
        "3d_printing): a lowercase token of up to 40 letters, digits and underscores; peer standing "
        "compares partners by their most-offered process",
    )

    @field_validator("value", mode="before")
    @classmethod
    def _money(cls, value: object) -> object:
        return _decimal_string(value)


class JobRead(JobEventBase):
    type: Literal["job.read"]


class JobAccepted(JobEventBase):
    type: Literal["job.accepted"]


class JobRejected(JobEventBase):
    type: Literal["job.rejected"]
    feedback: str | None = Field(default=None, max_length=4000)


class JobCancelled(JobEventBase):
    type: Literal["job.cancelled"]
    cancelled_by: Literal["partner", "customer", "platform"]


class JobStatusUpdated(JobEventBase):
    type: Literal["job.status_updated"]
    status: Literal["materials_received", "production_started", "inspection_started", "other"]


class JobDocumentUploaded(JobEventBase):
    type: Literal["job.document_uploaded"]
    document_type: DocumentType


class JobShipped(JobEventBase):
    type: Literal["job.shipped"]
    parts_shipped: int = Field(ge=1, le=10_000_000)
    direct_to_customer: bool = False


DefectCategory = Literal[
    "dimensional", "surface_finish", "material", "cosmetic", "shipping_damage", "documentation", "other"
]
# The defect categories, in the order every view lists them (docs/api.md, "Events").
DEFECT_CATEGORIES: tuple[DefectCategory, ...] = get_args(DefectCategory)
MAX_DEFECTS_PER_INSPECTION = 100
MAX_DEFECT_NOTE_CHARS = 500
# A part number as drawings and ERPs write them: letters, digits and . _ - / # + ( ), single words
# joined by spaces, starting with a letter or digit and never ending in a space.
PART_NUMBER_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9 ._/#+()-]*[A-Za-z0-9._/#+()-])?$"
PartNumber = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=PART_NUMBER_PATTERN)]


class Defect(BaseModel):
    """One line of an inspection's defects: which part, how many of it, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    part_number: PartNumber
    quantity: int = Field(ge=1, le=10_000_000)
    category: DefectCategory
    note: str | None = Field(
        default=None, max_length=MAX_DEFECT_NOTE_CHARS, exclude_if=lambda value: value is None
    )


class JobInspected(JobEventBase):
    type: Literal["job.inspected"]
    parts_inspected: int = Field(ge=1, le=10_000_000)
    parts_defective: int = Field(ge=0, le=10_000_000)
    ncmr_id: str | None = Field(default=None, min_length=1, max_length=128)
    report_url: str | None = Field(default=None, max_length=2048, pattern=r"^https?://\S+$")
    defects: list[Defect] = Field(
        default=[],
        max_length=MAX_DEFECTS_PER_INSPECTION,
        # Left out of the stored JSON when there are none: an inspection without defects stays the
        # bytes (and content hash) it was before the field existed, and [] is the same as absent.
        exclude_if=lambda value: not value,
        description=f"which parts were defective and why (at most {MAX_DEFECTS_PER_INSPECTION}); "
        "the quantities sum to at most parts_defective",
    )

    @field_validator("parts_defective")
    @classmethod
    def _defective_within_inspected(cls, value: int, info: ValidationInfo) -> int:
        inspected = info.data.get("parts_inspected")  # declared first, so validated by now
        if inspected is not None and value > inspected:
            raise ValueError("parts_defective must not exceed parts_inspected")
        return value

    @field_validator("defects")
    @classmethod
    def _defects_within_defective(cls, value: list[Defect], info: ValidationInfo) -> list[Defect]:
        defective = info.data.get("parts_defective")  # declared before, so validated by now (if valid)
        total = sum(defect.quantity for defect in value)
        if defective is not None and total > defective:
            raise ValueError(
                f"the defects' quantities sum to {total}, more than parts_defective ({defective})"
            )
        return value


class JobReceived(JobEventBase):
    type: Literal["job.received"]


class JobDueDateChanged(JobEventBase):
    type: Literal["job.due_date_changed"]
    due_date: IsoDate
    changed_by: Literal["customer", "platform", "partner"]


class JobDelayReported(JobEventBase):
    """The partner warns that the job may ship late (policy v2 rule 4: notice earns credit)."""

    type: Literal["job.delay_reported"]
    expected_ship_date: IsoDate
    reason: str | None = Field(default=None, max_length=2000)


class PartnerUpdateRequested(RequestEventBase):
    type: Literal["partner.update_requested"]


class PartnerUpdateResponded(RequestEventBase):
    type: Literal["partner.update_responded"]


class PartnerLoggedIn(ActivityEventBase):
    type: Literal["partner.logged_in"]


class PartnerCapacityUpdated(ActivityEventBase):
    type: Literal["partner.capacity_updated"]


MetricName = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]


class PartnerMetricRecorded(ActivityEventBase):
    """A generic metric (NPS, certification, compliance ...) that a policy may declare as a signal
    (policy v2 rule 6). Values of a metric the scoring policy does not declare are ignored."""

    type: Literal["partner.metric_recorded"]
    metric: MetricName
    value: Decimal = Field(ge=-1_000_000, le=1_000_000, max_digits=20, strict=False)  # as JobOffered's
    period: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")

    @field_validator("value", mode="before")
    @classmethod
    def _decimal(cls, value: object) -> object:
        return _decimal_string(value)


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
    | JobDelayReported
)
RequestEvent = PartnerUpdateRequested | PartnerUpdateResponded
ActivityEvent = PartnerLoggedIn | PartnerCapacityUpdated | PartnerMetricRecorded

# The one list of event types: each is a model above, in exactly one of these unions (a unit test
# checks both). Adding a type: its model here, and its case in the fold of its aggregate; mypy then
# names every `match` that misses it (each ends in assert_never).
Event = Annotated[JobEvent | RequestEvent | ActivityEvent, Field(discriminator="type")]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_MODELS: tuple[type[BaseModel], ...] = (
    *get_args(JobEvent),
    *get_args(RequestEvent),
    *get_args(ActivityEvent),
)


class EventBatch(BaseModel):
    """Body of POST /v1/events."""

    model_config = ConfigDict(extra="forbid", strict=True)

    events: list[Event] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


_STORED = {"stored": True}


def parse_stored_event(raw: str | bytes) -> Event:
    """Re-read an event stored by ingestion (already validated; no clock check)."""
    return EVENT_ADAPTER.validate_json(raw, context=_STORED)


def event_json(event: Event) -> str:
    return event.model_dump_json(exclude_defaults=False)


def validation_context(now: datetime) -> dict[str, Any]:
    return {"now": now}
