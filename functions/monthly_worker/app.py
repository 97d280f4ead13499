"""Monthly snapshot worker (SQS, partial batch responses; services.fanout): per partner, the docs/snapshots.md
snapshot archived to S3, recorded in DynamoDB and emailed once."""

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.email.render import load_templates
from scorecard.platform.observability import (
    SNAPSHOTS_ARCHIVED,
    SNAPSHOTS_FAILED,
    count,
    logger,
    metrics,
    traced,
)
from scorecard.platform.snapstart import before_snapshot
from scorecard.schemas.messages import SnapshotBatchMessage
from scorecard.services.fanout import PartnersFailed, WorkerRun, process_records
from scorecard.services.monthly import SnapshotOutcome, process_snapshot_message

before_snapshot(lambda: load_templates("snapshot_email"))  # compiled into the snapshot


def process_batch(event: dict[str, Any], context: Any) -> WorkerRun[list[SnapshotOutcome]]:
    """The worker, with each record's outcomes."""
    boot = bootstrap()

    def snapshot(message: SnapshotBatchMessage) -> list[SnapshotOutcome]:
        try:
            outcomes = process_snapshot_message(boot.monthly, message, boot.snapshot_queue)
        except PartnersFailed as error:
            count(SNAPSHOTS_FAILED, len(error.failed))
            raise
        # Others of a larger message are re-queued alone and counted then.
        count(SNAPSHOTS_ARCHIVED, len(outcomes))
        logger.info(
            "snapshots done",
            extra={"month": message.month, "outcomes": {o.partner_id: o.email for o in outcomes}},
        )
        return outcomes

    return process_records(event, context, SnapshotBatchMessage, snapshot)


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context).response
