"""Draining an SQS queue into a Lambda handler, as Lambda's SQS poller does (the local stack has none).

Receive up to `batch_size` messages, hand them to the handler as an SQS event, delete the ones it did
not report in `batchItemFailures` (all of them stay when it raises), repeat until the queue returns
nothing. Failed messages stay invisible for `visibility_timeout` seconds and then come back, as in AWS;
past the queue's maxReceiveCount moto moves them to the dead-letter queue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scorecard.adapters.aws import client

Invoke = Callable[[dict[str, Any]], Any]


@dataclass
class DrainReport:
    received: int = 0
    succeeded: int = 0
    failed: int = 0
    invocations: int = 0
    failed_receipts: list[str] = field(default_factory=list)  # to make them visible again early


def sqs_event(messages: Sequence[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda builds from received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": {
                    key: str(value)
                    for key, value in (message.get("Attributes") or {}).items()
                    if key
                    in (
                        "ApproximateReceiveCount",
                        "SentTimestamp",
                        "SenderId",
                        "ApproximateFirstReceiveTimestamp",
                    )
                },
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def drain_queue(
    queue_url: str,
    queue_arn: str,
    invoke: Invoke,
    *,
    batch_size: int = 10,
    visibility_timeout: int = 30,
    max_batches: int = 10_000,
) -> DrainReport:
    sqs = client("sqs")
    region = queue_arn.split(":")[3]
    report = DrainReport()
    for _ in range(max_batches):
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(batch_size, 10),
            VisibilityTimeout=visibility_timeout,
            WaitTimeSeconds=0,
            AttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        report.received += len(messages)
        report.invocations += 1
        try:
            response = invoke(sqs_event(messages, queue_arn, region))
            failures = {item["itemIdentifier"] for item in (response or {}).get("batchItemFailures", [])}
        except Exception:  # Powertools raises when the whole batch failed: every message stays
            failures = {message["MessageId"] for message in messages}
        done = [m for m in messages if m["MessageId"] not in failures]
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        report.succeeded += len(done)
        report.failed += len(messages) - len(done)
        report.failed_receipts += [m["ReceiptHandle"] for m in messages if m["MessageId"] in failures]
    return report


def make_visible(queue_url: str, receipts: list[str]) -> None:
    """Let failed messages come back now instead of after their visibility timeout (tests, ops)."""
    sqs = client("sqs")
    for receipt in receipts:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)
