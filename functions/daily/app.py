"""Daily run coordinator, started by EventBridge Scheduler with
{"scheduled_time": "<aws.scheduler.scheduled-time>"} (or {"as_of": "YYYY-MM-DD"} for a manual run or
backfill): queues the partner registry in batches on DailyQueue for functions/daily_worker."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.platform.observability import REVIEW_QUEUE_OLDEST_AGE, logger, metrics, seconds, traced
from scorecard.services.daily import plan_daily_run
from scorecard.services.schedule import DailyRunInput


def measure_review_queue() -> None:
    """The review queue's oldest wait, once a run (operations dashboard); a failure here is logged,
    never the run's (a failed run is retried and would queue the registry again)."""
    from scorecard.services.reviews import oldest_open_review_age  # once a day: not worth the init

    boot = bootstrap()
    try:
        age = oldest_open_review_age(boot.reviews, boot.clock.now())
    except Exception:
        logger.exception("review queue age not measured")
        return
    seconds(REVIEW_QUEUE_OLDEST_AGE, age.total_seconds())


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    boot = bootstrap()
    as_of = DailyRunInput.model_validate(event).score_date(boot.policy)
    queued = plan_daily_run(boot.partners, boot.daily_queue, as_of, distributions=boot.distributions)
    logger.info("daily run queued", extra={"as_of": str(as_of), "partners": queued})
    measure_review_queue()
    return {"as_of": as_of.isoformat(), "partners_queued": queued}
