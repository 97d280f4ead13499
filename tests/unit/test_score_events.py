"""The score events' schema document and samples stay in step with the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scorecard.schemas.bus import (
    DETAIL_TYPES,
    SOURCE,
    ReviewRequestedDetail,
    ScoreChangedDetail,
    TierChangedDetail,
    events_json_schema,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = json.loads((ROOT / "docs" / "score-events.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(events_json_schema()))
    assert set(committed["detail-types"]) == {
        "ScoreChanged",
        "TierChanged",
        "DemotionWarning",
        "ReviewRequested",
    }


@pytest.mark.parametrize(
    ("sample", "model"),
    [
        ("eventbridge_score_changed.json", ScoreChangedDetail),
        ("eventbridge_tier_changed.json", TierChangedDetail),
    ],
)
def test_samples_are_valid_events(sample: str, model: type[ScoreChangedDetail | TierChangedDetail]) -> None:
    event = json.loads((ROOT / "events" / sample).read_text(encoding="utf-8"))
    assert event["source"] == SOURCE
    assert event["detail-type"] == DETAIL_TYPES[model]
    detail = model.model_validate(event["detail"])
    assert detail.partner_id == "acme-01"


def test_a_detail_with_an_unknown_field_is_rejected() -> None:
    event = json.loads((ROOT / "events" / "eventbridge_tier_changed.json").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="extra"):
        TierChangedDetail.model_validate({**event["detail"], "bonus": True})


def test_the_review_requested_sample_validates_against_the_committed_schema() -> None:
    """The sample's detail passes the generated JSON Schema (not only the model), and the schema
    refuses a detail without its review id or with a field it does not know."""
    import jsonschema_rs

    committed = json.loads((ROOT / "docs" / "score-events.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(committed["detail-types"]["ReviewRequested"])
    event = json.loads((ROOT / "events" / "eventbridge_review_requested.json").read_text(encoding="utf-8"))
    assert (event["source"], event["detail-type"]) == (SOURCE, DETAIL_TYPES[ReviewRequestedDetail])
    validator.validate(event["detail"])
    detail = ReviewRequestedDetail.model_validate(event["detail"])
    assert (detail.partner_id, detail.job_ids) == ("acme-01", ["J-101"])
    without_id = {k: v for k, v in event["detail"].items() if k != "review_id"}
    assert not validator.is_valid(without_id)
    assert not validator.is_valid({**event["detail"], "bonus": True})
