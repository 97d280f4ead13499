"""The S3 archive of monthly snapshots: snapshots/<YYYY-MM>/<pid>.json and .html, the latest revision;
a restatement first copies them to <pid>.r<n>.json and .html (docs/snapshots.md).

Puts are whole-object overwrites of fixed keys (the bucket is versioned: earlier renderings stay
recoverable)."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

from scorecard.adapters import keys
from scorecard.adapters.aws import client

PRESIGNED_TTL_SECONDS = 7 * 24 * 3600  # SigV4's maximum


class ArchivedKeys(msgspec.Struct, frozen=True):
    json_key: str
    html_key: str


class SnapshotArchive:
    def __init__(self, bucket: str, url_endpoint: str | None = None) -> None:
        """``url_endpoint``: sign links for this endpoint instead of S3 (the local stack's server,
        which serves the bucket); None in AWS."""
        self._bucket = bucket
        self._url_endpoint = url_endpoint

    @property
    def bucket(self) -> str:
        return self._bucket

    @staticmethod
    def keys_for(month: str, partner_id: str, revision: int | None = None) -> ArchivedKeys:
        """The latest revision's keys, or those an earlier `revision` is kept at."""
        return ArchivedKeys(
            keys.snapshot_object_key(month, partner_id, "json", revision),
            keys.snapshot_object_key(month, partner_id, "html", revision),
        )

    def keep_revision(self, month: str, partner_id: str, revision: int) -> ArchivedKeys:
        """Copy the latest objects (revision `revision`) to that revision's own keys, before a
        restatement overwrites them."""
        latest, kept = self.keys_for(month, partner_id), self.keys_for(month, partner_id, revision)
        s3 = client("s3")
        for source, target in ((latest.json_key, kept.json_key), (latest.html_key, kept.html_key)):
            s3.copy_object(
                Bucket=self._bucket,
                Key=target,
                CopySource={"Bucket": self._bucket, "Key": source},
                ServerSideEncryption="AES256",
                CacheControl="private, no-store",
                MetadataDirective="COPY",
            )
        return kept

    def put(self, month: str, partner_id: str, document: bytes, html: bytes) -> ArchivedKeys:
        archived = self.keys_for(month, partner_id)
        s3 = client("s3")
        for key, body, content_type in (
            (archived.json_key, document, "application/json"),
            (archived.html_key, html, "text/html; charset=utf-8"),
        ):
            # SSE is also the bucket default; asking for it per object keeps the guarantee if the
            # bucket setting is ever changed.
            s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                ServerSideEncryption="AES256",
                CacheControl="private, no-store",
            )
        return archived

    def get(self, key: str) -> bytes:
        body: bytes = client("s3").get_object(Bucket=self._bucket, Key=key)["Body"].read()
        return body

    def presigned_url(self, key: str, expires_in: int = PRESIGNED_TTL_SECONDS) -> str:
        """A GET link (signed locally, no network call). It also dies with the signing credentials:
        see docs/snapshots.md on Lambda role sessions."""
        signer = client("s3") if self._url_endpoint is None else _signer_for(self._url_endpoint)
        url: str = signer.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=expires_in,
        )
        return url


@cache
def _signer_for(endpoint: str) -> Any:
    """An S3 client that only signs links for ``endpoint`` (path style: the bucket is a path
    segment there); signing makes no request."""
    import boto3
    from botocore.config import Config

    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return boto3.session.Session().client("s3", endpoint_url=endpoint, config=config)  # type: ignore[call-overload]
