"""One cached factory for boto3 clients: created lazily (never at import) so that moto, when active,
is in place first, and reused across invocations of a warm Lambda. Typed per service (boto3-stubs)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal, overload

from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient

Service = Literal["dynamodb", "events", "s3", "secretsmanager", "ses", "sqs"]

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)
_SERVICE_CONFIG = {
    # The snapshot email's pre-signed links: SigV4 (what every region accepts, and the only way to a
    # 7-day expiry), virtual-hosted style as S3 recommends.
    "s3": Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
}


@overload
def client(service: Literal["dynamodb"]) -> DynamoDBClient: ...
@overload
def client(service: Literal["events"]) -> EventBridgeClient: ...
@overload
def client(service: Literal["s3"]) -> S3Client: ...
@overload
def client(service: Literal["secretsmanager"]) -> SecretsManagerClient: ...
@overload
def client(service: Literal["ses"]) -> SESClient: ...
@overload
def client(service: Literal["sqs"]) -> SQSClient: ...
def client(service: Service) -> Any:
    return _client(service)


@cache
def _client(service: Service) -> Any:
    import boto3  # on first use: importing the layer needs no AWS configuration

    from scorecard.platform.settings import current

    region = current().aws_region
    config = _CONFIG.merge(_SERVICE_CONFIG[service]) if service in _SERVICE_CONFIG else _CONFIG
    return boto3.session.Session().client(service, region_name=region, config=config)


def reset_clients() -> None:
    """Forget cached clients (tests switch moto on and off)."""
    _client.cache_clear()


def presigned_get(bucket: str, key: str, expires_in: int, endpoint: str | None = None) -> str:
    """A pre-signed GET link to an object (signed locally, no request). With `endpoint`, signed for
    that endpoint instead of S3 (the local stack's server, which serves its buckets); None in AWS. It
    also dies with the signing credentials: see docs/snapshots.md on Lambda role sessions."""
    signer = client("s3") if endpoint is None else _signer_for(endpoint)
    url: str = signer.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in
    )
    return url


@cache
def _signer_for(endpoint: str) -> Any:
    """An S3 client that only signs links for ``endpoint`` (path style: the bucket is a path
    segment there); signing makes no request."""
    import boto3

    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return boto3.session.Session().client("s3", endpoint_url=endpoint, config=config)  # type: ignore[call-overload]
