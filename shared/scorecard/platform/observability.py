"""Logger, Metrics and Tracer for every handler (Powertools), and the metric names operators alert on.

- Logger: structured JSON, one per process (`logger`), with the Lambda context injected by the
  handlers' `@logger.inject_lambda_context`.
- Metrics: CloudWatch EMF, flushed once per invocation by `@metrics.log_metrics`. The names below
  are the contract with the alarms and dashboards; `count(name, n)` adds one datapoint.
- Tracer: X-Ray through `@traced`, built lazily on the first traced invocation and only where
  tracing is on (in Lambda, POWERTOOLS_TRACE_DISABLED not set): the local stack and the tests never
  load the X-Ray SDK or patch botocore.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, Final, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from scorecard.platform import settings

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

    from scorecard.domain.policy import Grade

# Ingestion (POST /v1/events): per request, the events of the batch by outcome.
EVENTS_RECORDED: Final = "EventsRecorded"
EVENTS_DUPLICATE: Final = "EventsDuplicate"
EVENTS_CONFLICT: Final = "EventsConflict"  # same event_id, other content (issue 8 item 2)
# Per refused request only: the events of a batch refused whole (400, 413, 415, 422: nothing written);
# a body whose events cannot be counted counts as one.
EVENTS_REJECTED: Final = "EventsRejected"
# The daily run, per worker batch: partners scored, and partners whose scoring failed.
PARTNERS_SCORED: Final = "PartnersScored"
PARTNERS_FAILED: Final = "PartnersFailed"
# ... how long the batch took (milliseconds, failed batches included), and the partners scored by
# grade (their sum over a run is the day's grade distribution; a re-run of a day counts again).
DAILY_BATCH_DURATION: Final = "DailyBatchDuration"
PARTNERS_BY_GRADE: Final[dict[Grade, str]] = {
    "A": "PartnersGradeA",
    "B": "PartnersGradeB",
    "C": "PartnersGradeC",
    "D": "PartnersGradeD",
}
# The daily coordinator, once a run: how long the oldest open review has waited (seconds; 0 if none).
REVIEW_QUEUE_OLDEST_AGE: Final = "ReviewQueueOldestAge"
# The monthly run, per worker batch.
SNAPSHOTS_ARCHIVED: Final = "SnapshotsArchived"
SNAPSHOTS_FAILED: Final = "SnapshotsFailed"
# Every once-only email (snapshots, part received, demotion warnings): SES accepted / refused.
EMAILS_SENT: Final = "EmailsSent"
EMAILS_FAILED: Final = "EmailsFailed"
# Every name above: the operations dashboard (template.yaml OperationsDashboard) reads only these
# (tests/integration/test_dashboard_metrics.py).
METRIC_NAMES: Final = frozenset(
    {
        EVENTS_RECORDED,
        EVENTS_DUPLICATE,
        EVENTS_CONFLICT,
        EVENTS_REJECTED,
        PARTNERS_SCORED,
        PARTNERS_FAILED,
        DAILY_BATCH_DURATION,
        *PARTNERS_BY_GRADE.values(),
        REVIEW_QUEUE_OLDEST_AGE,
        SNAPSHOTS_ARCHIVED,
        SNAPSHOTS_FAILED,
        EMAILS_SENT,
        EMAILS_FAILED,
    }
)

logger = Logger()
# An invocation refused before any work (a 403, a malformed body) has nothing to count: that is not
# worth a warning per invocation in the function's log.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
metrics = Metrics(namespace=settings.current().metrics_namespace)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def count(name: str, value: int = 1) -> None:
    """One datapoint (zeros included: an alarm on a sum needs the metric to exist)."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def milliseconds(name: str, value: float) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=value)


def seconds(name: str, value: float) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Seconds, value=value)


@cache
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer()


def traced(handler: Handler) -> Handler:
    """`tracer().capture_lambda_handler(handler)` where tracing is on, decided at the first call."""
    chosen: list[Callable[..., Any]] = []

    @wraps(handler)
    def call(event: Any, context: Any) -> Any:
        if not chosen:
            on = settings.current().tracing_enabled
            chosen.append(tracer().capture_lambda_handler(handler) if on else handler)
        return chosen[0](event, context)

    return call  # type: ignore[return-value]
