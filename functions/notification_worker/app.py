"""NotificationQueue worker (SQS, partial batch responses): one email per received job, the
demotion warning of the daily run, once per partner and day, and one per resolved review."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from scorecard.bootstrap import bootstrap
from scorecard.email.render import load_templates
from scorecard.platform.observability import logger, metrics, traced
from scorecard.platform.snapstart import before_snapshot
from scorecard.schemas.messages import (
    NOTIFICATION_ADAPTER,
    DemotionWarningMessage,
    ReviewResolvedMessage,
    SnapshotRestatedMessage,
)
from scorecard.services.notifications import (
    notify_demotion_warning,
    notify_part_received,
    notify_review_resolved,
)

before_snapshot(lambda: load_templates("part_received_email"))  # compiled into the snapshot
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    notice = NOTIFICATION_ADAPTER.validate_json(record.body)
    if isinstance(notice, DemotionWarningMessage):
        result = notify_demotion_warning(bootstrap().notifications, notice)
        extra = {"partner_id": notice.partner_id, "as_of": str(notice.as_of), "outcome": result.outcome}
        logger.info("demotion warning", extra=extra)
        return
    if isinstance(notice, SnapshotRestatedMessage):
        from scorecard.services.monthly import notify_snapshot_restated  # a few a month: not at init

        sent = notify_snapshot_restated(bootstrap().monthly, notice)
        outcome = None if sent is None else sent.outcome
        logger.info(
            "restatement notice",
            extra={"partner_id": notice.partner_id, "month": notice.month, "outcome": outcome},
        )
        return
    if isinstance(notice, ReviewResolvedMessage):
        result = notify_review_resolved(bootstrap().notifications, notice)
        extra = {"partner_id": notice.partner_id, "review_id": notice.review_id, "outcome": result.outcome}
        logger.info("review resolution", extra=extra)
        return
    result = notify_part_received(bootstrap().notifications, notice)
    logger.info(
        "part received notice",
        extra={"partner_id": notice.partner_id, "job_id": notice.job_id, "outcome": result.outcome},
    )


@traced
@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
