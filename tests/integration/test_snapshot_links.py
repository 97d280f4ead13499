"""Where a snapshot's html_url points: S3 in AWS, the local server when the local stack says so."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from scorecard.adapters.snapshot_archive import SnapshotArchive

BUCKET = "scorecard-snapshots-123456789012"
KEY = "snapshots/2026-10/acme-01.html"


@pytest.mark.usefixtures("aws")
def test_in_aws_the_link_is_a_virtual_hosted_s3_link() -> None:
    url = urlsplit(SnapshotArchive(BUCKET).presigned_url(KEY, expires_in=3600))
    assert (url.scheme, url.netloc, url.path) == ("https", f"{BUCKET}.s3.amazonaws.com", f"/{KEY}")
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["3600"] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]


@pytest.mark.usefixtures("aws")
def test_with_a_url_endpoint_the_link_is_signed_for_it_path_style() -> None:
    archive = SnapshotArchive(BUCKET, "http://127.0.0.1:3000/_local/s3")
    url = urlsplit(archive.presigned_url(KEY))
    assert (url.scheme, url.netloc, url.path) == ("http", "127.0.0.1:3000", f"/_local/s3/{BUCKET}/{KEY}")
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == [str(7 * 24 * 3600)] and query["X-Amz-Signature"]
