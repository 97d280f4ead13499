"""Monthly snapshot coordinator, started by EventBridge Scheduler on the 1st of the month with
{"scheduled_time": "<aws.scheduler.scheduled-time>"} (or {"month": "YYYY-MM"} by hand; add
"email": false to archive without emailing): queues every partner on the snapshot queue."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.platform.observability import logger, traced
from scorecard.services.monthly import queue_month
from scorecard.services.schedule import MonthlyRunInput


@traced
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    boot = bootstrap()
    request = MonthlyRunInput.model_validate(event)
    month = request.snapshot_month(boot.policy)
    report = queue_month(
        boot.partners,
        boot.snapshot_queue,
        month,
        email=request.email,
    )
    logger.info("monthly snapshots queued", extra=report.model_dump(mode="json"))
    return report.model_dump(mode="json")
