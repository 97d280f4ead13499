"""Events published on the EventBridge bus. The published schema, docs/score-events.schema.json, is
generated from these models."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scorecard.domain.policy import Benefit, Grade, Tier

SOURCE = "scorecard"


SCORE_CHANGED = "ScoreChanged"


TIER_CHANGED = "TierChanged"


REVIEW_REQUESTED = "ReviewRequested"


class _Detail(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

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


class ReviewRequestedDetail(BaseModel):
    """A partner (or ops on its behalf) asked for a review of the score: ops' queue has a new entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    review_id: str
    partner_id: str
    reason: str
    job_ids: list[str] = Field(description="the disputed jobs, each a job of this partner")
    requested_at: datetime
    requested_by: str


DETAIL_TYPES: dict[type[BaseModel], str] = {
    ScoreChangedDetail: SCORE_CHANGED,
    TierChangedDetail: TIER_CHANGED,
    DemotionWarningDetail: "DemotionWarning",
    ReviewRequestedDetail: REVIEW_REQUESTED,
}


def events_json_schema() -> dict[str, object]:
    """The JSON Schema of every detail-type (docs/score-events.schema.json is this, pretty-printed)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Partner Scorecard score events (EventBridge detail by detail-type)",
        "description": f"Published with source '{SOURCE}' to the score event bus after each daily scoring. "
        "Generated from shared/scorecard/schemas/bus.py; tests/unit/test_score_events.py keeps it current.",
        "detail-types": {name: model.model_json_schema() for model, name in DETAIL_TYPES.items()},
    }
