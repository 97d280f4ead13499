"""The read/ops API: partners, scores, history, jobs, snapshots, reviews, policy, backtests, the
generated OpenAPI document and its Swagger UI."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.api.resolver import build_api, handle
from scorecard.platform.observability import logger, traced

app = build_api()


@traced
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context)
