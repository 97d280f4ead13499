"""One cached factory for boto3 clients: created lazily (never at import) so that moto, when active,
is in place first, and reused across invocations of a warm Lambda."""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)
_SERVICE_CONFIG = {
    # The snapshot email's pre-signed links: SigV4 (what every region accepts, and the only way to a
    # 7-day expiry), virtual-hosted style as S3 recommends.
    "s3": Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
}


@cache
def client(service: str) -> Any:
    import boto3  # imported on first use: keeps cold starts of handlers that never call AWS cheap

    from scorecard.settings import current

    region = current().aws_region
    config = _CONFIG.merge(_SERVICE_CONFIG[service]) if service in _SERVICE_CONFIG else _CONFIG
    return boto3.session.Session().client(service, region_name=region, config=config)  # type: ignore[call-overload]


def reset_clients() -> None:
    """Forget cached clients (tests switch moto on and off)."""
    client.cache_clear()
