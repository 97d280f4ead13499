"""Monthly snapshot coordinator, started by EventBridge Scheduler on the 1st of the month with
{"scheduled_time": "<aws.scheduler.scheduled-time>"} (or {"month": "YYYY-MM"} by hand; add
"email": false to archive without emailing): queues every partner on the snapshot queue."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard import settings
from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.adapters.queue import SqsQueue
from scorecard.services.monthly import queue_month
from scorecard.services.schedule import MonthlyRunInput

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = MonthlyRunInput.model_validate(event)
    month = request.snapshot_month(settings.policy())
    report = queue_month(
        PartnerRepository(settings.table_name()),
        SqsQueue(settings.snapshot_queue_url()),
        month,
        email=request.email,
    )
    logger.info("monthly snapshots queued", extra=report.model_dump(mode="json"))
    return report.model_dump(mode="json")
