"""Backtest worker: each BacktestQueue record is a plan (page the registry into partner batches, as the
daily coordinator does) or a batch (replay its partners over the backtest's days and store the
batch's result); failed records are reported as partial batch failures (services.fanout)."""

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.platform.observability import logger, metrics, traced
from scorecard.schemas.messages import BacktestMessage
from scorecard.services.backtests import handle_message
from scorecard.services.fanout import WorkerRun, process_records


def process_batch(event: dict[str, Any], context: Any) -> WorkerRun[str]:
    """The worker, with what each record did."""
    boot = bootstrap()

    def work(message: BacktestMessage) -> str:
        done = handle_message(message, boot.backtest_worker)
        logger.info("backtest message handled", extra={"done": done})
        return done

    return process_records(event, context, BacktestMessage, work)


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context).response
