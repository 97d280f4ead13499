"""Daily run worker: scores the partners of each SQS message (DailyBatchMessage); failed records are
reported as partial batch failures so only they return to the queue (services.fanout)."""

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard import settings
from scorecard.adapters.event_bus import publisher_from_env
from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.adapters.queue import SqsQueue
from scorecard.adapters.receipt_notifier import demotion_notifier_from_env
from scorecard.messages import DailyBatchMessage
from scorecard.services.daily import score_daily_batch
from scorecard.services.fanout import WorkerRun, process_records
from scorecard.views import DailyRunView

logger = Logger()


def process_batch(event: dict[str, Any], context: Any) -> WorkerRun[DailyRunView]:
    """The worker, with each record's report (the local stack sums them into the run's figures)."""

    def score(batch: DailyBatchMessage) -> DailyRunView:
        report = score_daily_batch(
            batch,
            PartnerRepository(settings.table_name()),
            SqsQueue(os.environ["DAILY_QUEUE_URL"]),
            settings.policy(),
            settings.utc_now(),
            publisher_from_env(),
            demotion_notifier_from_env(),
        )
        logger.info("daily batch scored", extra=report.model_dump(mode="json"))
        return report

    return process_records(event, context, DailyBatchMessage, score)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context).response
