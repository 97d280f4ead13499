"""Daily run coordinator, started by EventBridge Scheduler with
{"scheduled_time": "<aws.scheduler.scheduled-time>"} (or {"as_of": "YYYY-MM-DD"} for a manual run or
backfill): queues the partner registry in batches on DailyQueue for functions/daily_worker."""

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard import settings
from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.adapters.queue import SqsQueue
from scorecard.services.daily import plan_daily_run
from scorecard.services.schedule import DailyRunInput

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    as_of = DailyRunInput.model_validate(event).score_date(settings.policy())
    repository = PartnerRepository(settings.table_name())
    queued = plan_daily_run(repository, SqsQueue(os.environ["DAILY_QUEUE_URL"]), as_of)
    logger.info("daily run queued", extra={"as_of": str(as_of), "partners": queued})
    return {"as_of": as_of.isoformat(), "partners_queued": queued}
