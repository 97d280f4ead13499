"""The messages of BacktestQueue: a backtest's plan, then its batches of partners."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from scorecard.domain.events import EntityId
from scorecard.messages.batches import PartnerBatch

BACKTEST_BATCH_SIZE = 50  # partners per message of a backtest: 50 partners x up to 93 days, 2 versions
BacktestId = Annotated[str, StringConstraints(pattern=r"^bt-[0-9a-f]{20}$")]


class BacktestPlanMessage(BaseModel):
    """BacktestQueue: page the registry and queue the partners of this backtest in batches."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["plan"] = "plan"
    backtest_id: BacktestId


class BacktestBatchMessage(PartnerBatch):
    """BacktestQueue: replay these partners over the backtest's days (its range and policies are on
    the stored backtest, which never changes)."""

    kind: Literal["batch"] = "batch"
    backtest_id: BacktestId
    partner_ids: list[EntityId] = Field(min_length=1, max_length=BACKTEST_BATCH_SIZE)


class BacktestMessage(RootModel[BacktestPlanMessage | BacktestBatchMessage]):
    """Either message of BacktestQueue, told apart by `kind`."""

    model_config = ConfigDict(defer_build=True)

    root: Annotated[BacktestPlanMessage | BacktestBatchMessage, Field(discriminator="kind")]


# What a function that receives these messages in every invocation builds at init
# (scorecard.deferred.build_at_init): the members, then the union over them, which reuses theirs.
BACKTEST_MESSAGES: tuple[type[BaseModel], ...] = (BacktestPlanMessage, BacktestBatchMessage, BacktestMessage)
