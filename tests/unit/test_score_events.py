"""The score events' schema document and samples stay in step with the models, and every detail's
event_id is what it reports (the same change, the same id)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, ValidationError
from scorecard.schemas.bus import (
    DETAIL_TYPES,
    SOURCE,
    ReviewRequestedDetail,
    ReviewResolvedDetail,
    ScoreChangedDetail,
    SnapshotPublishedDetail,
    SnapshotRestatedDetail,
    TierChangedDetail,
    events_json_schema,
)

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = json.loads((ROOT / "docs" / "score-events.schema.json").read_text(encoding="utf-8"))
# Every published detail-type's sample (EventBridge's envelope around the detail).
SAMPLES: dict[str, type[BaseModel]] = {
    "eventbridge_score_changed.json": ScoreChangedDetail,
    "eventbridge_tier_changed.json": TierChangedDetail,
    "eventbridge_review_requested.json": ReviewRequestedDetail,
    "eventbridge_review_resolved.json": ReviewResolvedDetail,
    "eventbridge_snapshot_published.json": SnapshotPublishedDetail,
    "eventbridge_snapshot_restated.json": SnapshotRestatedDetail,
}
ENVELOPE = {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return loaded


def test_the_committed_schema_is_the_generated_one() -> None:
    assert json.loads(json.dumps(events_json_schema())) == COMMITTED
    assert set(COMMITTED["detail-types"]) == {
        "ScoreChanged",
        "TierChanged",
        "DemotionWarning",
        "ReviewRequested",
        "ReviewResolved",
        "SnapshotPublished",
        "SnapshotRestated",
    }
    for name, schema in COMMITTED["detail-types"].items():
        assert "event_id" in schema["required"], name


@pytest.mark.parametrize(("name", "model"), SAMPLES.items())
def test_samples_are_valid_events(name: str, model: type[BaseModel]) -> None:
    """Each sample is an EventBridge envelope whose detail passes the committed JSON Schema and the
    model, and carries the event_id derived from its content."""
    event = sample(name)
    assert set(event) == ENVELOPE
    assert (event["source"], event["detail-type"]) == (SOURCE, DETAIL_TYPES[model])
    validator = jsonschema_rs.validator_for(COMMITTED["detail-types"][event["detail-type"]])
    validator.validate(event["detail"])
    detail = model.model_validate(event["detail"])
    assert detail.model_dump(mode="json") == event["detail"]
    assert detail.model_dump()["partner_id"] == "acme-01"
    assert not validator.is_valid({**event["detail"], "bonus": True})
    assert not validator.is_valid({k: v for k, v in event["detail"].items() if k != "event_id"})


def test_a_detail_with_an_unknown_field_is_rejected() -> None:
    event = sample("eventbridge_tier_changed.json")
    with pytest.raises(ValueError, match="extra"):
        TierChangedDetail.model_validate({**event["detail"], "bonus": True})


def test_the_review_requested_sample_validates_against_the_committed_schema() -> None:
    """The schema refuses a detail without its review id."""
    validator = jsonschema_rs.validator_for(COMMITTED["detail-types"]["ReviewRequested"])
    event = sample("eventbridge_review_requested.json")
    detail = ReviewRequestedDetail.model_validate(event["detail"])
    assert (detail.partner_id, detail.job_ids) == ("acme-01", ["J-101"])
    without_id = {k: v for k, v in event["detail"].items() if k != "review_id"}
    assert not validator.is_valid(without_id)


def score_changed(**changes: Any) -> ScoreChangedDetail:
    fields: dict[str, Any] = {
        "partner_id": "acme-01",
        "as_of": date(2026, 11, 1),
        "computed_at": datetime(2026, 11, 2, 0, 16, tzinfo=UTC),
        "policy_version": "v2",
        "previous_score": 88.7,
        "score": 90.4,
        "previous_grade": "B",
        "grade": "A",
        "provisional": False,
        "tier": "preferred",
    }
    return ScoreChangedDetail(**{**fields, **changes})


def test_the_event_id_is_what_the_event_reports() -> None:
    """A re-run that publishes the same change again (computed a minute later) has the same id; a
    change of anything reported gives another id; the id is 32 hex digits and leaves with the detail."""
    first = score_changed()
    again = score_changed(computed_at=datetime(2026, 11, 2, 0, 17, tzinfo=UTC))
    assert first.event_id == again.event_id
    assert len(first.event_id) == 32 and int(first.event_id, 16) >= 0
    assert score_changed(score=90.5).event_id != first.event_id
    assert score_changed(partner_id="acme-02").event_id != first.event_id
    assert score_changed(as_of=date(2026, 11, 2)).event_id != first.event_id
    assert json.loads(first.model_dump_json())["event_id"] == first.event_id


def test_snapshot_ids_tell_revisions_apart_and_ignore_the_publication_time() -> None:
    published_sample = sample("eventbridge_snapshot_published.json")["detail"]
    published = SnapshotPublishedDetail.model_validate(published_sample)
    republished = published.model_copy(update={"published_at": datetime(2026, 11, 1, 3, 0, tzinfo=UTC)})
    assert SnapshotPublishedDetail.model_validate(republished.model_dump()).event_id == published.event_id
    restated = SnapshotRestatedDetail.model_validate(sample("eventbridge_snapshot_restated.json")["detail"])
    assert restated.event_id != published.event_id
    # A restated and a published snapshot with the same figures are still two events (detail-type).
    fields = SnapshotPublishedDetail.model_fields
    same_figures = {k: v for k, v in restated.model_dump().items() if k in fields}
    assert SnapshotPublishedDetail(**same_figures).event_id != restated.event_id


def test_a_received_event_id_must_be_its_own() -> None:
    detail = sample("eventbridge_review_resolved.json")["detail"]
    assert ReviewResolvedDetail.model_validate(detail).event_id == detail["event_id"]
    with pytest.raises(ValidationError, match="event_id"):
        ReviewResolvedDetail.model_validate({**detail, "event_id": "0" * 32})
    with pytest.raises(ValidationError, match="event_id"):
        ReviewResolvedDetail.model_validate({**detail, "score_after": 91.0})  # content changed, id kept
