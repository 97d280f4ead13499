"""Runtime settings from the environment (set by template.yaml, or by the local stack)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from scorecard.domain.policy import DEFAULT_POLICY_VERSION, ScoringPolicy, load_policy


def table_name() -> str:
    name = os.environ.get("TABLE_NAME")
    if not name:
        raise RuntimeError("TABLE_NAME is not set")
    return name


def policy() -> ScoringPolicy:
    return load_policy(os.environ.get("POLICY_VERSION", DEFAULT_POLICY_VERSION))


def utc_now() -> datetime:
    """The one clock read of the request and job paths (the domain takes time as an argument)."""
    return datetime.now(UTC)


# -- monthly snapshots and email (issue 3); every value comes from template.yaml -----------------

DEFAULT_SES_MAX_SEND_RATE = 14.0  # SES's default production sending quota, messages per second
DEFAULT_MAIL_CLAIM_LEASE_SECONDS = 900  # must exceed the sending functions' timeouts (see template)


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set")
    return value


def snapshot_bucket() -> str:
    return _required("SNAPSHOT_BUCKET")


def snapshot_queue_url() -> str:
    return _required("SNAPSHOT_QUEUE_URL")


def notification_queue_url() -> str | None:
    """Unset: ingestion sends no part-received notifications (tests, tools, backfills)."""
    return os.environ.get("NOTIFICATION_QUEUE_URL") or None


def snapshot_url_endpoint() -> str | None:
    """Where snapshot links point instead of S3 (the local stack's server sets it); unset in AWS."""
    return os.environ.get("SNAPSHOT_URL_ENDPOINT") or None


def sender_email() -> str:
    return _required("SENDER_EMAIL")


def ses_max_send_rate() -> float:
    return float(os.environ.get("SES_MAX_SEND_RATE") or DEFAULT_SES_MAX_SEND_RATE)


def ses_senders() -> int:
    """How many function instances may send email at once (the sum of the SQS event sources'
    MaximumConcurrency): each paces itself to ses_max_send_rate() / ses_senders()."""
    return max(1, int(os.environ.get("SES_SENDERS") or 1))


def mail_claim_lease_seconds() -> int:
    return int(os.environ.get("MAIL_CLAIM_LEASE_SECONDS") or DEFAULT_MAIL_CLAIM_LEASE_SECONDS)
