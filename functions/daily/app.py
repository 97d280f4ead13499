"""Daily recompute, started by EventBridge Scheduler with {"scheduled_time": "<aws.scheduler.scheduled-time>"}
(or {"as_of": "YYYY-MM-DD"} for a manual run)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard import settings
from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.services.daily import run_daily
from scorecard.services.schedule import DailyRunInput

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    policy = settings.policy()
    request = DailyRunInput.model_validate(event)
    as_of = request.score_date(policy)
    report = run_daily(PartnerRepository(settings.table_name()), as_of, policy, settings.utc_now())
    logger.info("daily run done", extra=report.model_dump(mode="json"))
    return report.model_dump(mode="json")
