"""BatchWriteItem in chunks of 25 with retries of unprocessed items (the one place that does it)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from scorecard.adapters.aws import client

BATCH_WRITE_LIMIT = 25


def batch_write(table: str, requests: Sequence[dict[str, Any]], *, attempts: int = 10) -> int:
    """Write every request (PutRequest/DeleteRequest); returns the number of BatchWriteItem calls."""
    dynamodb = client("dynamodb")
    calls = 0
    for start in range(0, len(requests), BATCH_WRITE_LIMIT):
        pending: dict[str, Any] = {table: list(requests[start : start + BATCH_WRITE_LIMIT])}
        for attempt in range(attempts):
            calls += 1
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(min(0.05 * 2**attempt, 2.0))
        else:
            raise RuntimeError(f"BatchWriteItem left {len(pending[table])} items unprocessed")
    return calls
