"""The S3 archive of monthly snapshots: snapshots/<YYYY-MM>/<pid>.json and .html, the latest revision;
a restatement first copies them to <pid>.r<n>.json and .html (docs/snapshots.md).

Puts are whole-object overwrites of fixed keys (the bucket is versioned: earlier renderings stay
recoverable)."""

from __future__ import annotations

import msgspec

from scorecard.adapters import keys
from scorecard.adapters.aws import client, presigned_get

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
        """A GET link (adapters.aws.presigned_get: signed locally, for the local server when set)."""
        return presigned_get(self._bucket, key, expires_in, self._url_endpoint)
