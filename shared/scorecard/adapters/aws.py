"""One cached factory for boto3 clients: created lazily (never at import) so that moto, when active,
is in place first, and reused across invocations of a warm Lambda."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


@cache
def client(service: str) -> Any:
    import boto3  # imported on first use: keeps cold starts of handlers that never call AWS cheap

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.session.Session().client(service, region_name=region, config=_CONFIG)  # type: ignore[call-overload]


def reset_clients() -> None:
    """Forget cached clients (tests switch moto on and off)."""
    client.cache_clear()
