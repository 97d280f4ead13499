"""Daily run coordinator, started by EventBridge Scheduler with
{"scheduled_time": "<aws.scheduler.scheduled-time>"} (or {"as_of": "YYYY-MM-DD"} for a manual run or
backfill): queues the partner registry in batches on DailyQueue for functions/daily_worker. A day after
today (policy timezone) is refused (PeriodNotEnded) and nothing is queued."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.domain.periods import check_day
from scorecard.platform.models import build_at_init
from scorecard.platform.observability import logger, traced
from scorecard.schemas.messages import DailyBatchMessage
from scorecard.services.daily import plan_daily_run
from scorecard.services.schedule import DailyRunInput

build_at_init(DailyBatchMessage)  # every run queues the registry in these


@traced
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    boot = bootstrap()
    as_of = check_day(DailyRunInput.model_validate(event).score_date(boot.policy), boot.clock.today())
    queued = plan_daily_run(boot.partners, boot.daily_queue, as_of, distributions=boot.distributions)
    logger.info("daily run queued", extra={"as_of": str(as_of), "partners": queued})
    return {"as_of": as_of.isoformat(), "partners_queued": queued}
