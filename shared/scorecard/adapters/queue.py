"""SQS sender: JSON message bodies, SendMessageBatch of 10, failed entries retried."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scorecard.adapters.aws import client

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

SEND_BATCH_LIMIT = 10


class SqsQueue:
    def __init__(self, queue_url: str) -> None:
        self.url = queue_url

    def send_all(self, bodies: Sequence[dict[str, Any]]) -> int:
        """Send each body as one message; returns the number of SendMessageBatch calls."""
        calls = 0
        for start in range(0, len(bodies), SEND_BATCH_LIMIT):
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {"Id": str(i), "MessageBody": json.dumps(body, separators=(",", ":"))}
                for i, body in enumerate(bodies[start : start + SEND_BATCH_LIMIT])
            ]
            for attempt in range(6):
                calls += 1
                failed = (
                    client("sqs").send_message_batch(QueueUrl=self.url, Entries=entries).get("Failed") or []
                )
                if not failed:
                    break
                retry = {f["Id"] for f in failed if not f.get("SenderFault")}
                if len(retry) < len(failed):
                    raise RuntimeError(f"SQS rejected messages: {failed}")
                entries = [e for e in entries if e["Id"] in retry]
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise RuntimeError(f"SendMessageBatch kept failing for {len(entries)} messages")
        return calls
