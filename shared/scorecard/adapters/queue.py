"""SQS sender: JSON message bodies, SendMessageBatch of 10, failed entries retried (adapters.retry)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scorecard.adapters.aws import client
from scorecard.adapters.retry import until_done

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef as Entry

SEND_BATCH_LIMIT = 10


class SqsQueue:
    def __init__(self, queue_url: str) -> None:
        self.url = queue_url

    def send_all(self, bodies: Sequence[dict[str, Any]]) -> int:
        """Send each body as one message; returns the number of SendMessageBatch calls."""
        calls = 0

        def send(pending: list[Entry]) -> list[Entry]:
            nonlocal calls
            calls += 1
            failed = client("sqs").send_message_batch(QueueUrl=self.url, Entries=pending).get("Failed") or []
            retry = {f["Id"] for f in failed if not f.get("SenderFault")}
            if len(retry) < len(failed):
                raise RuntimeError(f"SQS rejected messages: {failed}")
            return [e for e in pending if e["Id"] in retry]

        for start in range(0, len(bodies), SEND_BATCH_LIMIT):
            entries: list[Entry] = [
                {"Id": str(i), "MessageBody": json.dumps(body, separators=(",", ":"))}
                for i, body in enumerate(bodies[start : start + SEND_BATCH_LIMIT])
            ]
            until_done(send, entries, what="SendMessageBatch")
        return calls
