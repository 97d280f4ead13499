"""The one retry policy for the partial failures botocore does not retry itself: BatchGetItem's
UnprocessedKeys, the failed entries of SendMessageBatch and PutEvents, cancelled transactions and
SES throttling. Exponential backoff with full jitter, a bounded number of attempts.
(Errors of a whole call are botocore's: its standard retry mode, adapters/aws.py.)"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

ATTEMPTS = 8
BASE_DELAY = 0.05  # seconds before the second attempt, at most
MAX_DELAY = 2.0

Pending = TypeVar("Pending")


class RetriesExhausted(RuntimeError):
    """What was still pending after the last attempt."""


def backoff(attempt: int, base: float = BASE_DELAY, cap: float = MAX_DELAY) -> float:
    """The pause after failed attempt `attempt` (0-based): full jitter, so that writers that collided
    do not retry in step."""
    return random.uniform(0.0, min(cap, base * 2**attempt))


def sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time: tests replace it


def until_done(
    step: Callable[[Pending], Pending], pending: Pending, *, what: str, attempts: int = ATTEMPTS
) -> None:
    """Call `step(pending)` until it returns nothing left to do, pausing (backoff) between attempts;
    RetriesExhausted when something is still pending after `attempts` calls."""
    for attempt in range(attempts):
        pending = step(pending)
        if not pending:
            return
        if attempt + 1 < attempts:
            sleep(backoff(attempt))
    raise RetriesExhausted(f"{what}: still failing after {attempts} attempts")
