"""The tier state on a score item (`tier_state`) is read and written with msgspec since the layer's
records became Structs; items written before, by pydantic from dataclasses, must read the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import msgspec
from pydantic import TypeAdapter
from scorecard.adapters.score_repository import _score
from scorecard.domain.grading import TierState
from scorecard.domain.policy import Tier
from scorecard.domain.tiering import TierHistory


@dataclass(frozen=True, slots=True)
class _OldTierState:  # the layout of the release before: a dataclass, dumped by pydantic
    tier: Tier | None = None
    since: date | None = None
    last_run: date | None = None
    lower_runs: tuple[Tier, ...] = ()


@dataclass(frozen=True, slots=True)
class _OldTierHistory:
    current: _OldTierState
    before: _OldTierState


HISTORY = TierHistory(
    current=TierState("preferred", date(2026, 9, 1), date(2026, 10, 30), ("standard",)),
    before=TierState("preferred", date(2026, 9, 1), date(2026, 10, 29), ()),
)
OLD = _OldTierHistory(
    current=_OldTierState("preferred", date(2026, 9, 1), date(2026, 10, 30), ("standard",)),
    before=_OldTierState("preferred", date(2026, 9, 1), date(2026, 10, 29), ()),
)
STORED = (
    '{"current":{"tier":"preferred","since":"2026-09-01","last_run":"2026-10-30","lower_runs":["standard"]},'
    '"before":{"tier":"preferred","since":"2026-09-01","last_run":"2026-10-29","lower_runs":[]}}'
)


def test_the_bytes_are_the_ones_pydantic_wrote() -> None:
    assert TypeAdapter(_OldTierHistory).dump_json(OLD).decode() == STORED
    assert msgspec.json.encode(HISTORY).decode() == STORED


def test_a_score_item_written_before_reads_its_tier_state() -> None:
    item = {
        "partner_id": {"S": "p-1"},
        "score": {"N": "87.5"},
        "grade": {"S": "B"},
        "tier": {"S": "preferred"},
        "provisional": {"BOOL": False},
        "as_of": {"S": "2026-10-30"},
        "tier_state": {"S": STORED},
    }
    assert _score(item).tiers == HISTORY
    # an item of a partner never scored into a tier: nulls and empty runs
    item["tier_state"] = {"S": msgspec.json.encode(TierHistory()).decode()}
    assert _score(item).tiers == TierHistory()
