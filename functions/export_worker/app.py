"""Export worker: each ExportQueue record writes one page of an export (as a part object in S3) and
queues the next page, or, after the last, puts the CSV together (services.exports); a failed record
is reported as a partial batch failure, so only it returns to the queue."""

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.platform.observability import logger, metrics, traced
from scorecard.schemas.messages import ExportPageMessage
from scorecard.services.exports import handle_page
from scorecard.services.fanout import WorkerRun, process_records


def process_batch(event: dict[str, Any], context: Any) -> WorkerRun[str]:
    """The worker, with what each record did."""
    boot = bootstrap()

    def work(message: ExportPageMessage) -> str:
        done = handle_page(message, boot.export_worker)
        logger.info("export message handled", extra={"export_id": message.export_id, "done": done})
        return done

    return process_records(event, context, ExportPageMessage, work)


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context).response
