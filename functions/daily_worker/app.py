"""Daily run worker: scores the partners of each SQS message (DailyBatch); failed records are
reported as partial batch failures so only they return to the queue."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.observability import PARTNERS_FAILED, PARTNERS_SCORED, count, logger, metrics, traced
from scorecard.services.daily_fanout import DailyBatch, PartnerScoringFailed, score_daily_batch

# Report every failed record, even when all failed, instead of raising: the same retry for SQS, and
# a poisoned single-partner message is counted like any other failure.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> None:
    batch = DailyBatch.model_validate_json(record.body)
    boot = bootstrap()
    try:
        report = score_daily_batch(
            batch,
            boot.partners,
            boot.daily_queue,
            boot.policy,
            boot.clock.now(),
            boot.publisher,
            boot.notifier,
        )
    except PartnerScoringFailed:
        count(PARTNERS_FAILED, len(batch.partner_ids))
        raise
    count(PARTNERS_SCORED, report.scored)
    # A failed partner of a larger batch is re-queued alone: counted when that single one fails.
    count(PARTNERS_FAILED, 0)
    logger.info("daily batch scored", extra=report.model_dump(mode="json"))


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
