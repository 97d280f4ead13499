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
