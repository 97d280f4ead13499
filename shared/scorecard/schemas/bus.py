"""Events published on the EventBridge bus: after each daily scoring, for the job board
(docs/architecture.md); when a partner asks for a review (`ReviewRequested`, for ops' tooling) and
when ops resolve one (`ReviewResolved`); when a monthly snapshot is published or restated
(`SnapshotPublished`, `SnapshotRestated`). Portals subscribe through the stack's webhook
(docs/integration.md).

The pydantic models are the schema (`docs/score-events.schema.json` is generated from them and
checked by a test); `events/eventbridge_*.json` are samples. Every detail carries `event_id`, derived
from what the event reports, so a receiver can drop an event published twice (docs/integration.md).
"""

import hashlib
import json
from datetime import date, datetime
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ModelWrapValidatorHandler, computed_field, model_validator

from scorecard.domain.policy import Benefit, Grade, Tier

SOURCE = "scorecard"
SCORE_CHANGED = "ScoreChanged"
TIER_CHANGED = "TierChanged"
REVIEW_REQUESTED = "ReviewRequested"
REVIEW_RESOLVED = "ReviewResolved"
SNAPSHOT_PUBLISHED = "SnapshotPublished"
SNAPSHOT_RESTATED = "SnapshotRestated"


class _Published(BaseModel):
    """A detail with its `event_id`: the first 32 hex digits of the SHA-256 of its detail-type and its
    fields (canonical JSON), leaving out `_volatile` (when it was computed or published). The same
    change published again (a re-run after a crash) has the same id; another change has another."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    _volatile: ClassVar[frozenset[str]] = frozenset()

    @computed_field(  # type: ignore[prop-decorator]
        description="stable id of what this event reports: the same change published twice has the "
        "same event_id (deduplicate on it; the envelope's id differs per publication)",
        json_schema_extra={"pattern": "^[0-9a-f]{32}$"},
    )
    @property
    def event_id(self) -> str:
        reported = self.model_dump(mode="json", exclude={"event_id", *self._volatile})
        canonical = json.dumps([DETAIL_TYPES[type(self)], reported], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]

    @model_validator(mode="wrap")
    @classmethod
    def _check_event_id(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """A received detail may carry its event_id (it is derived, so it must be this event's)."""
        given = None
        if isinstance(data, dict) and "event_id" in data:
            data = dict(data)
            given = data.pop("event_id")
        model = handler(data)
        if given is not None and given != model.event_id:
            raise ValueError("event_id is not the id of this event's content")
        return model


class _Detail(_Published):
    _volatile = frozenset({"computed_at"})

    partner_id: str
    as_of: date = Field(description="the day the score is as of (policy timezone)")
    computed_at: datetime
    policy_version: str


class ScoreChangedDetail(_Detail):
    """The score or the grade moved since the partner's previous daily score."""

    previous_score: float | None
    score: float | None
    previous_grade: Grade | None
    grade: Grade | None
    provisional: bool
    tier: Tier | None


class TierChangedDetail(_Detail):
    """A tier change took effect (promotions at once; demotions after the hysteresis runs)."""

    previous_tier: Tier | None
    tier: Tier
    direction: Literal["promotion", "demotion"]
    score: float | None
    provisional: bool
    benefits: list[Benefit] = Field(
        default=[], description="what the new tier gives the partner (policy data; v2)"
    )


class DemotionWarningDetail(_Detail):
    """First daily run below the current tier: the demotion takes effect if it holds."""

    tier: Tier
    pending_tier: Tier
    runs_required: int
    score: float | None


class ReviewRequestedDetail(_Published):
    """A partner (or ops on its behalf) asked for a review of the score: ops' queue has a new entry."""

    review_id: str
    partner_id: str
    reason: str
    job_ids: list[str] = Field(description="the disputed jobs, each a job of this partner")
    requested_at: datetime
    requested_by: str


class ReviewResolvedDetail(_Published):
    """Ops resolved a review: upheld (nothing changes) or adjusted (jobs excluded, partner rescored)."""

    review_id: str
    partner_id: str
    decision: Literal["upheld", "adjusted"]
    excluded_job_ids: list[str] = Field(description="the jobs no longer counted (empty when upheld)")
    note: str | None = Field(description="ops' note to the partner")
    score_before: float | None = Field(description="the partner's score when the review was resolved")
    score_after: float | None = Field(description="the score after the rescoring (the same when upheld)")
    grade: Grade | None = Field(description="the grade after the resolution")
    tier: Tier | None = Field(description="the tier after the resolution")
    resolved_at: datetime
    resolved_by: str


class _SnapshotDetail(_Published):
    _volatile = frozenset({"published_at"})

    partner_id: str
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM (policy timezone)")
    revision: int = Field(ge=1, description="the snapshot's revision: 1 when first published, n+1 restated")
    monthly_score: int | None = Field(description="null when nothing was shipped (not graded)")
    grade: Grade | None
    tier: Tier | None = Field(description="the tier in force after the month's last daily run")
    bonus_eligible: bool
    policy_version: str
    published_at: datetime = Field(description="when this revision was written (restated_at for n+1)")


class SnapshotPublishedDetail(_SnapshotDetail):
    """A month's final snapshot (revision 1) was written and emailed to the partner."""


class SnapshotFieldChange(BaseModel):
    """One snapshot field a restatement moved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    before: str | int | float | bool | None
    after: str | int | float | bool | None


class SnapshotRestatedDetail(_SnapshotDetail):
    """Evidence recorded later changed a final snapshot's figures: revision n+1 replaces revision n."""

    previous_revision: int = Field(ge=1)
    reasons: list[str] = Field(description="what arrived, naming the jobs")
    changes: list[SnapshotFieldChange] = Field(description="each field that moved, before and after")


DETAIL_TYPES: dict[type[BaseModel], str] = {
    ScoreChangedDetail: SCORE_CHANGED,
    TierChangedDetail: TIER_CHANGED,
    DemotionWarningDetail: "DemotionWarning",
    ReviewRequestedDetail: REVIEW_REQUESTED,
    ReviewResolvedDetail: REVIEW_RESOLVED,
    SnapshotPublishedDetail: SNAPSHOT_PUBLISHED,
    SnapshotRestatedDetail: SNAPSHOT_RESTATED,
}
# What the stack's webhook rule forwards to a portal (template.yaml WebhookRule's event pattern;
# tests/integration/test_webhook_template.py keeps the two equal).
WEBHOOK_DETAIL_TYPES: tuple[str, ...] = (
    SCORE_CHANGED,
    TIER_CHANGED,
    REVIEW_RESOLVED,
    SNAPSHOT_PUBLISHED,
    SNAPSHOT_RESTATED,
)


def events_json_schema() -> dict[str, object]:
    """The JSON Schema of every detail-type (docs/score-events.schema.json is this, pretty-printed)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Partner Scorecard score events (EventBridge detail by detail-type)",
        "description": f"Published with source '{SOURCE}' to the score event bus (docs/integration.md). "
        "Each detail as published, event_id included. "
        "Generated from shared/scorecard/schemas/bus.py; tests/unit/test_score_events.py keeps it current.",
        "detail-types": {
            name: model.model_json_schema(mode="serialization") for model, name in DETAIL_TYPES.items()
        },
    }
