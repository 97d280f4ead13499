"""Daily run, started by EventBridge Scheduler with {"scheduled_time": "<aws.scheduler.scheduled-time>"}
(or {"as_of": "YYYY-MM-DD"} for a manual run or backfill).

With DAILY_QUEUE_URL set (as template.yaml does) it is the coordinator: it queues the partner registry
in batches for functions/daily_worker. Without it (the local stack, a small network) it scores every
partner in this process with the same scoring code.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.observability import logger, traced
from scorecard.services.daily import run_daily
from scorecard.services.daily_fanout import plan_daily_run
from scorecard.services.schedule import DailyRunInput


@traced
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    boot = bootstrap()
    as_of = DailyRunInput.model_validate(event).score_date(boot.policy)
    if boot.settings.daily_queue_url:
        queued = plan_daily_run(boot.partners, boot.daily_queue, as_of)
        logger.info("daily run queued", extra={"as_of": str(as_of), "partners": queued})
        return {"as_of": as_of.isoformat(), "partners_queued": queued}
    report = run_daily(
        boot.partners,
        as_of,
        boot.policy,
        boot.clock.now(),
        boot.publisher,
        boot.notifier,
    )
    logger.info("daily run done", extra=report.model_dump(mode="json"))
    return report.model_dump(mode="json")
