"""The fan-out messages of the daily and monthly runs (services.fanout): a batch of partners."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from scorecard.domain.events import EntityId

MonthText = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
SNAPSHOT_BATCH_SIZE = 25  # partners per message: one worker record stays well inside its timeout


# Partners per message of the daily run: one BatchGetItem (its limit, 100 keys) reads their current
# scores, so a message costs 1 + 1/100 requests per partner besides the writes.
DAILY_BATCH_SIZE = 100


class PartnerBatch(BaseModel):
    """A message of a fanned-out run (services.fanout): these partners, for the run its subclass
    names. A partner that fails in a larger message is split off into a message of its own
    (`isolated`), so it is retried, and finally dead-lettered, alone."""

    # defer_build (scorecard.deferred), as every message model here: each function builds at init
    # the messages it sends or receives in every invocation, and no other.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    partner_ids: list[EntityId] = Field(min_length=1)
    isolated: bool = False

    @field_validator("partner_ids")
    @classmethod
    def _each_partner_once(cls, partner_ids: list[str]) -> list[str]:
        """A partner named twice is worked once: a backtest batch would count it twice in its
        histograms, and DynamoDB refuses batch reads and writes whose keys repeat."""
        return list(dict.fromkeys(partner_ids))

    def split_off(self, partner_ids: Iterable[str]) -> list[Self]:
        """One isolated message per partner, the rest of the message unchanged."""
        return [self.model_copy(update={"partner_ids": [p], "isolated": True}) for p in partner_ids]


class DailyBatchMessage(PartnerBatch):
    """DailyQueue: score these partners as of the end of `as_of`."""

    as_of: date
    partner_ids: list[EntityId] = Field(min_length=1, max_length=500)


class SnapshotBatchMessage(PartnerBatch):
    """SnapshotQueue: snapshot (and email) these partners for this month."""

    month: MonthText
    partner_ids: list[EntityId] = Field(min_length=1, max_length=SNAPSHOT_BATCH_SIZE)
    # False for backfills: archive and record the month without emailing anyone.
    email: bool = True
