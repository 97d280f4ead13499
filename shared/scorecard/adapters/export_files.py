"""The CSV files of exports in S3 (docs/api.md, Exports): each page of rows is a part object written
once, and the finished export is one object put together from them by a multipart upload.

The format is RFC 4180 as Python's csv module writes it (the `excel` dialect: comma separated, CRLF
line ends, a field quoted when it holds a comma, a quote or a line break, quotes doubled), UTF-8, a
header row first. Text that came from outside (names, ids, emails) is neutralised against formula
injection as OWASP advises: a cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage return (or
a line feed, a NUL, or the full-width `＝＋－＠` some spreadsheets also read as formulas) gets a
leading `'`, so a spreadsheet shows it as text instead of running it. Numbers, dates and booleans the
export writes itself are never prefixed (a negative score effect stays a number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec
from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client, presigned_get

if TYPE_CHECKING:
    from scorecard.schemas.exports import Cell

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠")
CONTENT_TYPE = "text/csv; charset=utf-8; header=present"
MIN_PART_BYTES = 5 * 1024 * 1024  # S3's minimum size of every part of a multipart upload but the last
_NEXT_CURSOR = "next-cursor"  # part objects' metadata: where the page after this one starts
_ROWS = "rows"


def cell_text(value: Cell) -> str:
    """One cell's text: None empty, booleans true/false, numbers and dates as written, text
    neutralised (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "'" + value if value.startswith(FORMULA_LEADS) else value


def encode_rows(rows: Iterable[Sequence[Cell]]) -> bytes:
    """The rows as RFC 4180 CSV lines (CRLF after every line, the last included), UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([cell_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


class PartWritten(msgspec.Struct, frozen=True):
    next_cursor: str | None
    rows: int


class CsvExportFiles:
    def __init__(self, bucket: str, url_endpoint: str | None = None) -> None:
        """``url_endpoint``: sign links for this endpoint instead of S3 (the local stack's server)."""
        self._bucket = bucket
        self._url_endpoint = url_endpoint

    @property
    def bucket(self) -> str:
        return self._bucket

    def put_part(
        self, export_id: str, page: int, rows: Sequence[Sequence[Cell]], next_cursor: str | None
    ) -> PartWritten:
        """Put the page's part only if it does not exist (If-None-Match: *): a page's rows and the
        cursor after them are written together, once, and a second writer of the page (a message
        delivered twice) takes what the first wrote rather than rows of a later read."""
        key = keys.export_part_key(export_id, page)
        metadata = {_ROWS: str(len(rows))}
        if next_cursor is not None:
            metadata[_NEXT_CURSOR] = next_cursor
        s3 = client("s3")
        try:
            s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=encode_rows(rows),
                ContentType=CONTENT_TYPE,
                Metadata=metadata,
                ServerSideEncryption="AES256",
                IfNoneMatch="*",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
                raise
            stored = s3.head_object(Bucket=self._bucket, Key=key)["Metadata"]
            return PartWritten(stored.get(_NEXT_CURSOR), int(stored[_ROWS]))
        return PartWritten(next_cursor, len(rows))

    def compose(self, export_id: str, pages: int, columns: Sequence[str], filename: str) -> str:
        """The header row and parts 0 .. pages - 1, in order, as one object: a multipart upload whose
        parts are the part objects gathered to at least 5 MB each (S3's minimum but for the last).
        Reads each part once and holds about 5 MB at a time. Putting it together again (a message
        delivered twice) writes the same bytes."""
        key = keys.export_file_key(export_id, filename)
        s3 = client("s3")
        upload_id = s3.create_multipart_upload(
            Bucket=self._bucket,
            Key=key,
            ContentType=CONTENT_TYPE,
            ContentDisposition=f'attachment; filename="{filename}"',
            CacheControl="private, no-store",
            ServerSideEncryption="AES256",
        )["UploadId"]
        uploaded: list[dict[str, object]] = []

        def upload(body: bytes) -> None:
            number = len(uploaded) + 1
            answer = s3.upload_part(
                Bucket=self._bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
            )
            uploaded.append({"PartNumber": number, "ETag": answer["ETag"]})

        try:
            chunk = bytearray(encode_rows([columns]))
            for page in range(pages):
                part = s3.get_object(Bucket=self._bucket, Key=keys.export_part_key(export_id, page))
                chunk += part["Body"].read()
                if len(chunk) >= MIN_PART_BYTES:
                    upload(bytes(chunk))
                    chunk.clear()
            if chunk or not uploaded:
                upload(bytes(chunk))
            s3.complete_multipart_upload(
                Bucket=self._bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": uploaded},  # type: ignore[typeddict-item]
            )
        except BaseException:
            s3.abort_multipart_upload(Bucket=self._bucket, Key=key, UploadId=upload_id)
            raise
        return key

    def delete_parts(self, export_id: str, pages: int) -> None:
        """The part objects, once the file is complete (the bucket's lifecycle removes any left)."""
        s3 = client("s3")
        part_keys = [keys.export_part_key(export_id, page) for page in range(pages)]
        for start in range(0, len(part_keys), 1000):  # DeleteObjects' limit
            s3.delete_objects(
                Bucket=self._bucket,
                Delete={"Objects": [{"Key": key} for key in part_keys[start : start + 1000]], "Quiet": True},
            )

    def read(self, key: str) -> bytes:
        body: bytes = client("s3").get_object(Bucket=self._bucket, Key=key)["Body"].read()
        return body

    def presigned_url(self, key: str, expires_in: int) -> str:
        return presigned_get(self._bucket, key, expires_in, self._url_endpoint)
