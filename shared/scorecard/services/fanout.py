"""One fan-out for the scheduled runs (docs/architecture.md), the daily scores and the monthly
snapshots alike.

Coordinator: page the partner registry and queue the partners in messages of a few dozen
(`queue_partners`). Worker: do one message's partners (`work_batch`); a partner that fails is split
off into a message of its own, so only it is retried and a persistent failure dead-letters alone;
when an isolated (or single-partner) message fails, `PartnersFailed` sends the record back to the
queue. `process_records` runs a worker over an SQS event with Powertools' BatchProcessor (partial
batch responses) and keeps what each record's work returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec
from pydantic import BaseModel

from scorecard.ports import MessageSender
from scorecard.schemas.messages import PartnerBatch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

QUEUE_FLUSH = 100  # messages buffered by a coordinator between sends (10 SendMessageBatch calls)

BatchT = TypeVar("BatchT", bound=PartnerBatch)
MessageT = TypeVar("MessageT", bound=BaseModel)  # a worker's message: a PartnerBatch, or a union of kinds
ResultT = TypeVar("ResultT")


# -- coordinator -----------------------------------------------------------------------------------


class QueuedRun(msgspec.Struct, frozen=True):
    partners: int
    messages: int
    send_calls: int


def queue_partners(
    partner_ids: Iterable[str],
    message: Callable[[list[str]], PartnerBatch],
    batch_size: int,
    queue: MessageSender,
) -> QueuedRun:
    """Queue the partners (streamed: no full partner list) in messages of up to `batch_size`, built by
    `message`; the sender puts 10 messages in each SendMessageBatch call."""
    partners = messages = calls = 0
    chunk: list[str] = []
    pending: list[dict[str, Any]] = []

    def send() -> None:
        nonlocal messages, calls
        if pending:
            calls += queue.send_all(pending)
            messages += len(pending)
            pending.clear()

    for partner_id in partner_ids:
        partners += 1
        chunk.append(partner_id)
        if len(chunk) == batch_size:
            pending.append(message(chunk).model_dump(mode="json"))
            chunk = []
            if len(pending) == QUEUE_FLUSH:
                send()
    if chunk:
        pending.append(message(chunk).model_dump(mode="json"))
    send()
    return QueuedRun(partners=partners, messages=messages, send_calls=calls)


# -- worker ----------------------------------------------------------------------------------------


class PartnersFailed(RuntimeError):
    """An isolated (or single-partner) message failed: the record goes back to the queue, and to the
    dead-letter queue at last."""

    def __init__(self, batch: PartnerBatch, failed: Mapping[str, BaseException | None]) -> None:
        errors = [repr(error) for error in failed.values() if error is not None]
        super().__init__(f"{type(batch).__name__} failed for {sorted(failed)}: {errors}")
        self.batch = batch
        self.failed = dict(failed)


class BatchWork(msgspec.Struct, Generic[ResultT], frozen=True):
    """What a worker did with one message: its result, and the partners that failed (with the error,
    where the work kept it)."""

    result: ResultT
    failed: Mapping[str, BaseException | None]


def work_batch(batch: BatchT, work: Callable[[BatchT], BatchWork[ResultT]], queue: MessageSender) -> ResultT:
    """Do one message's partners; split the failed ones off into isolated messages, or raise
    PartnersFailed when the message held only them."""
    done = work(batch)
    if not done.failed:
        return done.result
    if batch.isolated or len(batch.partner_ids) == 1:
        raise PartnersFailed(batch, done.failed)
    queue.send_all([message.model_dump(mode="json") for message in batch.split_off(done.failed)])
    return done.result


class WorkerRun(msgspec.Struct, Generic[ResultT], frozen=True):
    """One invocation of an SQS-triggered worker: Lambda's partial batch response, and the result of
    every record that succeeded (by message id), for whoever drives the worker and wants to know."""

    response: PartialItemFailureResponse
    results: dict[str, ResultT]


def process_records(
    event: dict[str, Any],
    context: Any,
    message: type[MessageT],
    work: Callable[[MessageT], ResultT],
) -> WorkerRun[ResultT]:
    """Parse each record's body as `message` and hand it to `work`; failed records (a bad body, or
    `work` raising) are reported in batchItemFailures so only they return to the queue. Every failed
    record is reported, even when all failed, instead of raising: the same retry for SQS, and a
    poisoned single-partner message is counted like any other failure."""

    # Imported here: of the functions that import this module, only the workers process batches.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> ResultT:
        return work(message.model_validate_json(record.body))

    with processor(event["Records"], record_handler, context):
        processed = processor.process()
    results = {
        str(record["messageId"]): result for status, result, record in processed if status == "success"
    }
    return WorkerRun(response=processor.response(), results=results)
