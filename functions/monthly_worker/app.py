"""Monthly snapshot worker (SQS, partial batch responses; services.fanout): per partner, the §5
snapshot archived to S3, recorded in DynamoDB and emailed once."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard import settings
from scorecard.adapters.queue import SqsQueue
from scorecard.messages import SnapshotBatchMessage
from scorecard.services.fanout import WorkerRun, process_records
from scorecard.services.monthly import MonthlyDeps, SnapshotOutcome, process_snapshot_message

logger = Logger()


def process_batch(event: dict[str, Any], context: Any) -> WorkerRun[list[SnapshotOutcome]]:
    """The worker, with each record's outcomes."""

    def snapshot(message: SnapshotBatchMessage) -> list[SnapshotOutcome]:
        outcomes = process_snapshot_message(
            MonthlyDeps.from_env(), message, SqsQueue(settings.snapshot_queue_url())
        )
        logger.info(
            "snapshots done",
            extra={"month": message.month, "outcomes": {o.partner_id: o.email for o in outcomes}},
        )
        return outcomes

    return process_records(event, context, SnapshotBatchMessage, snapshot)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context).response
