"""The daily run, locally: the coordinator queues the registry, the queue is drained into the worker
(as Lambda's poller would), and the run's figures are what the workers reported for its messages, not
stored scores read back (a partner's current score may be of a later day than the run's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from scorecard.domain.policy import Grade
from scorecard.schemas.messages import DailyBatchMessage
from scorecard.schemas.scores import DailyRunView
from scorecard.services.fanout import WorkerRun

from scorecard_local.queues import Invoke, drain_queue

DailyWorker = Callable[[dict[str, Any]], WorkerRun[DailyRunView]]


@dataclass
class DailyTally:
    """What the workers did for one run: each record's report, and each partner's last outcome (a
    partner split off after a failure and then scored is not failed)."""

    as_of: date
    reports: list[DailyRunView] = field(default_factory=list)
    done: dict[str, bool] = field(default_factory=dict)  # partner -> scored, in order of first sight

    def add(self, records: Sequence[dict[str, Any]], run: WorkerRun[DailyRunView]) -> None:
        for record in records:
            try:
                batch = DailyBatchMessage.model_validate_json(record["body"])
            except ValidationError:
                continue  # not a partner batch: nobody's outcome
            if batch.as_of != self.as_of:
                continue  # a failed message of an earlier run, visible again
            report = run.results.get(record["messageId"])
            if report is not None:
                self.reports.append(report)
            for partner_id in batch.partner_ids:
                self.done[partner_id] = report is not None and partner_id not in report.failed

    def view(self, partners_queued: int) -> DailyRunView:
        grades: Counter[Grade] = Counter()
        for report in self.reports:
            grades.update(report.grades)
        return DailyRunView(
            as_of=self.as_of,
            partners=partners_queued,
            scored=sum(r.scored for r in self.reports),
            without_score=sum(r.without_score for r in self.reports),
            failed=[partner_id for partner_id, done in self.done.items() if not done],
            tier_changes=sum(r.tier_changes for r in self.reports),
            grades=dict(sorted(grades.items())),
            snapshots_restated=sum(r.snapshots_restated for r in self.reports),
        )


def run_daily(
    coordinator: Invoke,
    worker: DailyWorker,
    event: dict[str, Any],
    *,
    queue_url: str,
    queue_arn: str,
    batch_size: int,
    visibility_timeout: int,
) -> DailyRunView:
    """The coordinator with `event` (the scheduler's input), then DailyQueue drained into the worker;
    failed partners are the ones whose last message for this day failed."""
    started = coordinator(event)
    tally = DailyTally(date.fromisoformat(started["as_of"]))

    def invoke(sqs_event: dict[str, Any]) -> Any:
        run = worker(sqs_event)
        tally.add(sqs_event["Records"], run)
        return run.response

    drain_queue(queue_url, queue_arn, invoke, batch_size=batch_size, visibility_timeout=visibility_timeout)
    return tally.view(int(started["partners_queued"]))
