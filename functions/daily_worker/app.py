"""Daily run worker: scores the partners of each SQS message (DailyBatchMessage); failed records are
reported as partial batch failures so only they return to the queue (services.fanout). A message for a
day after today (which the coordinator never queues) fails before anything is read or written."""

import time
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.domain.periods import check_day
from scorecard.platform.observability import (
    DAILY_BATCH_DURATION,
    PARTNERS_BY_GRADE,
    PARTNERS_FAILED,
    PARTNERS_SCORED,
    count,
    logger,
    metrics,
    milliseconds,
    traced,
)
from scorecard.schemas.messages import DailyBatchMessage
from scorecard.schemas.scores import DailyRunView
from scorecard.services.daily import score_daily_batch
from scorecard.services.fanout import PartnersFailed, WorkerRun, process_records


def process_batch(event: dict[str, Any], context: Any) -> WorkerRun[DailyRunView]:
    """The worker, with each record's report (the local stack sums them into the run's figures)."""
    boot = bootstrap()

    def score(batch: DailyBatchMessage) -> DailyRunView:
        check_day(batch.as_of, boot.clock.today())
        started = time.perf_counter()
        try:
            report = score_daily_batch(
                batch,
                boot.evidence,
                boot.scores,
                boot.daily_queue,
                boot.policies.active_on(batch.as_of),  # a re-run of an old day: that day's version
                boot.clock.now(),
                boot.publisher,
                boot.notifier,
                boot.distributions,
                boot.restater,
            )
        except PartnersFailed as error:
            count(PARTNERS_FAILED, len(error.failed))
            raise
        finally:
            milliseconds(DAILY_BATCH_DURATION, (time.perf_counter() - started) * 1000)
        # A failed partner of a larger batch is re-queued alone: counted when that single one fails.
        count(PARTNERS_SCORED, report.scored)
        for grade, name in PARTNERS_BY_GRADE.items():
            count(name, report.grades.get(grade, 0))
        logger.info("daily batch scored", extra=report.model_dump(mode="json"))
        return report

    return process_records(event, context, DailyBatchMessage, score)


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context).response
