"""Monthly snapshot worker (SQS, partial batch responses): per partner, the §5 snapshot archived to S3,
recorded in DynamoDB and emailed once."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.messages import SnapshotBatchMessage
from scorecard.observability import SNAPSHOTS_ARCHIVED, SNAPSHOTS_FAILED, count, logger, metrics, traced
from scorecard.services.monthly import SnapshotBatchError, process_snapshot_message

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    message = SnapshotBatchMessage.model_validate_json(record.body)
    boot = bootstrap()
    try:
        outcomes = process_snapshot_message(boot.monthly, message, boot.snapshot_queue)
    except SnapshotBatchError as error:
        count(SNAPSHOTS_FAILED, len(error.failed))
        raise
    count(SNAPSHOTS_ARCHIVED, len(outcomes))
    count(SNAPSHOTS_FAILED, 0)  # others of a larger message are re-queued alone and counted then
    logger.info(
        "snapshots done",
        extra={"month": message.month, "outcomes": {o.partner_id: o.email for o in outcomes}},
    )


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
