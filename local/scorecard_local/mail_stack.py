"""The local stack's mail: every email SES (moto) accepted, and the outbox folder `make run` writes
them to. The stack itself (queues, function environments, pollers, the scheduled runs) is
scorecard_local.stack; this module only reads what it sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorecard_local.outbox import sent_emails, write_outbox
from scorecard_local.stack import ACCOUNT, REGION, LocalStack


def outbox(stack: LocalStack) -> list[dict[str, Any]]:
    return sent_emails(ACCOUNT, REGION)


def save_outbox(stack: LocalStack) -> list[Path]:
    """Every email sent so far as .local/outbox/<n>-<to>.html."""
    return write_outbox(stack.root / ".local" / "outbox", outbox(stack))
