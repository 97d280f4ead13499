"""The local HTTP server: API routes from template.yaml through the Lambda handlers, plus the
local-only routes that drive the schedules (docs/api.md)."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from scorecard_local.stack import HttpResult, LocalStack

MAX_READ = 8 * 1024 * 1024  # bodies above 1 MiB still reach the handler, which answers 413
READ_TIMEOUT_SECONDS = 5.0
# A request's headers and body arrive within this long of its first byte, however they trickle in
# (each read alone is bounded by READ_TIMEOUT_SECONDS): past it the answer is 408.
REQUEST_DEADLINE_SECONDS = 10.0
ROUTED_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})  # what API Gateway routes here
S3_ROUTE = "/_local/s3"  # GET /_local/s3/<bucket>/<key>: the snapshot archive and exports, for their links

LocalRoute = Callable[[LocalStack, dict[str, list[str]]], HttpResult]


def _json(status: int, payload: Any) -> HttpResult:
    return HttpResult(status, {"Content-Type": "application/json"}, json.dumps(payload, default=str).encode())


def _bad_request(field: str, message: str) -> HttpResult:
    return _json(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        {"error": {"code": "validation_failed", "message": message, "details": [{"field": field}]}},
    )


def run_daily_route(stack: LocalStack, query: dict[str, list[str]]) -> HttpResult:
    """POST /_local/run/daily?date=YYYY-MM-DD (default: today); a day after today is 422."""
    from scorecard.bootstrap import bootstrap
    from scorecard.domain.periods import PeriodNotEnded, check_day

    today = bootstrap().clock.today()
    text = (query.get("date") or [""])[-1]
    try:
        as_of = date.fromisoformat(text) if text else today
    except ValueError:
        return _bad_request("date", "date must be YYYY-MM-DD")
    try:
        check_day(as_of, today, "date")
    except PeriodNotEnded as refused:
        return _bad_request(refused.field, str(refused))
    return _json(HTTPStatus.OK, stack.run_daily(as_of))


def run_monthly_route(stack: LocalStack, query: dict[str, list[str]]) -> HttpResult:
    """POST /_local/run/monthly?month=YYYY-MM (default: the month before this one) [&email=false]; a
    month that has not ended is 422."""
    from scorecard.bootstrap import bootstrap
    from scorecard.domain.periods import PeriodNotEnded, check_month
    from scorecard.domain.snapshot import Month

    today = bootstrap().clock.today()
    text = (query.get("month") or [""])[-1]
    try:
        month = Month.parse(text) if text else Month.of(today).previous()
    except ValueError:
        return _bad_request("month", "month must be YYYY-MM")
    try:
        check_month(month, today, "month")
    except PeriodNotEnded as refused:
        return _bad_request(refused.field, str(refused))
    email = (query.get("email") or ["true"])[-1].lower() not in ("false", "0", "no")
    return _json(HTTPStatus.OK, stack.run_monthly(str(month), email=email))


def outbox_route(stack: LocalStack, query: dict[str, list[str]]) -> HttpResult:
    """GET /_local/outbox: every email sent, oldest first, as [{to, subject, text, html}]; last, when
    reviews are overdue, ops' digest of them (same shape)."""
    from scorecard_local import mail_stack

    stack.poll_queues()  # anything still queued is sent first
    emails = [{k: e[k] for k in ("to", "subject", "text", "html")} for e in mail_stack.outbox(stack)]
    digest = mail_stack.overdue_digest(stack)
    if digest is not None:
        emails.append(digest)
    return _json(HTTPStatus.OK, emails)


LOCAL_ROUTES: dict[tuple[str, str], LocalRoute] = {
    ("POST", "/_local/run/daily"): run_daily_route,
    ("POST", "/_local/run/monthly"): run_monthly_route,
    ("GET", "/_local/outbox"): outbox_route,
}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> HttpResult:
    """The API's error shape (docs/api.md), for what the server answers itself."""
    body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
    return HttpResult(status, {"Content-Type": "application/json", **(headers or {})}, body)


# What a link of the snapshot archive can name: S3's bucket naming rules, a key of 1..1024 UTF-8 bytes,
# and SigV4's bounds on a pre-signed link (at most 7 days, dated no later than S3's 15 min clock skew).
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_KEY_BYTES = 1024
MAX_LINK_SECONDS = 7 * 24 * 3600
CLOCK_SKEW = timedelta(minutes=15)
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")
_AMZ_EXPIRES = re.compile(r"[0-9]{1,7}")
_SIGNING_PARAMETERS = ("X-Amz-Date", "X-Amz-Expires")


class _Refused(Exception):
    def __init__(self, result: HttpResult) -> None:
        super().__init__(result.status)
        self.result = result


def _object_path(path: str) -> tuple[str, str]:
    """The bucket and key of /_local/s3/<bucket>/<key>, or 400 for what S3 could not name."""
    try:
        text = unquote(path.removeprefix(S3_ROUTE + "/"), errors="strict")
    except UnicodeDecodeError:
        raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", "the path is not UTF-8")) from None
    bucket, _, key = text.partition("/")
    if _BUCKET_NAME.fullmatch(bucket) is None or ".." in bucket:
        raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", "not a bucket name"))
    if not key or len(key.encode()) > MAX_KEY_BYTES:
        message = f"the object key must be 1 to {MAX_KEY_BYTES} bytes"
        raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", message))
    if any(not char.isprintable() for char in key) or {".", ".."} & set(key.split("/")):
        message = "the object key has control characters or '.' or '..' segments"
        raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", message))
    return bucket, key


def _link_window(query: dict[str, list[str]], now: datetime) -> None:
    """Refuse a link that is not pre-signed (403), malformed (400), not yet valid or expired (403)."""
    values = {name: query.get(name) or [] for name in _SIGNING_PARAMETERS}
    if not all(values.values()):
        raise _Refused(_error(HTTPStatus.FORBIDDEN, "forbidden", "not a pre-signed link"))
    for name, given in values.items():
        if len(given) > 1:
            raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", f"{name} is given more than once"))
    signed_at, expires = values["X-Amz-Date"][0], values["X-Amz-Expires"][0]
    try:
        if _AMZ_DATE.fullmatch(signed_at) is None:
            raise ValueError(signed_at)
        signed = datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        message = "X-Amz-Date must be YYYYMMDDTHHMMSSZ"
        raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", message)) from None
    if _AMZ_EXPIRES.fullmatch(expires) is None or not 1 <= int(expires) <= MAX_LINK_SECONDS:
        message = f"X-Amz-Expires must be a whole number of seconds from 1 to {MAX_LINK_SECONDS}"
        raise _Refused(_error(HTTPStatus.BAD_REQUEST, "bad_request", message))
    if signed > now + CLOCK_SKEW:  # and so no date arithmetic near year 9999 below
        raise _Refused(_error(HTTPStatus.FORBIDDEN, "forbidden", "the link is not valid yet"))
    if now > signed + timedelta(seconds=int(expires)):
        raise _Refused(_error(HTTPStatus.FORBIDDEN, "forbidden", "the link has expired"))


def _s3_object(stack: LocalStack, path: str, query: dict[str, list[str]]) -> HttpResult:
    """GET /_local/s3/<bucket>/<key>: an object of moto's S3, where the local stack signs snapshot and
    export links (SNAPSHOT_URL_ENDPOINT). The link's expiry is checked; its signature is not (local
    only). Whatever the path or query, the answer is the object or a 4xx in the error shape."""
    from botocore.exceptions import BotoCoreError, ClientError
    from scorecard.adapters.aws import client

    try:
        bucket, key = _object_path(path)
        _link_window(query, datetime.now(UTC))
    except _Refused as refused:
        return refused.result
    s3 = client("s3")
    try:
        with stack.lock:
            found = s3.get_object(Bucket=bucket, Key=key)
            body = found["Body"].read()
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
        if status == HTTPStatus.NOT_FOUND or error.response.get("Error", {}).get("Code") in (
            "NoSuchKey",
            "NoSuchBucket",
        ):
            return _error(HTTPStatus.NOT_FOUND, "not_found", "no such object")
        if 400 <= status < 500:
            return _error(HTTPStatus.BAD_REQUEST, "bad_request", "S3 refused this object name")
        raise
    except BotoCoreError:  # the client's own validation of the name
        return _error(HTTPStatus.BAD_REQUEST, "bad_request", "S3 refused this object name")
    headers = {"Content-Type": found.get("ContentType") or "application/octet-stream"}
    if found.get("ContentDisposition"):  # an export's CSV downloads under its own name
        headers["Content-Disposition"] = found["ContentDisposition"]
    return HttpResult(HTTPStatus.OK, headers, body)


def _allowed_methods(stack: LocalStack, path: str) -> list[str]:
    """The methods something answers on ``path`` (an API route, a local route or the S3 objects)."""
    methods = {route.method for route in stack.routes if route.pattern.fullmatch(path)}
    methods |= {method for method, local_path in LOCAL_ROUTES if local_path == path}
    if path.startswith(S3_ROUTE + "/"):
        methods.add("GET")
    return sorted(methods)


class BadRequestLength(Exception):
    def __init__(self, result: HttpResult) -> None:
        super().__init__(result.status)
        self.result = result


def _body_length(headers: Message) -> int:
    """The request body's length from Content-Length; chunked bodies are refused (411), as are
    malformed, negative or contradictory lengths (400): guessing would leave the connection
    waiting for bytes that never come, or read the next request as this one's body."""
    if headers.get("Transfer-Encoding") is not None:
        raise BadRequestLength(
            _error(HTTPStatus.LENGTH_REQUIRED, "length_required", "send the body with a Content-Length")
        )
    values = headers.get_all("Content-Length") or []
    if not values:
        return 0
    lengths = {value.strip() for value in values}
    if len(lengths) != 1 or not (text := lengths.pop()).isdigit() or not text.isascii():
        raise BadRequestLength(
            _error(HTTPStatus.BAD_REQUEST, "bad_request", "Content-Length must be one non-negative integer")
        )
    return int(text)


class RequestTimedOut(Exception):
    """The request's headers and body did not all arrive within its deadline."""


class DeadlineReader(io.RawIOBase):
    """A connection's reads under two limits: each read waits at most `idle` seconds (a stalled body,
    an idle keep-alive connection), and a request arrives whole within `deadline` seconds of its
    first byte (`start_request()` starts the next request's clock). Past it, RequestTimedOut."""

    def __init__(self, connection: socket.socket, idle: float, deadline: float) -> None:
        super().__init__()
        self._connection, self._idle, self._limit = connection, idle, deadline
        self._ends_at: float | None = None  # the current request's deadline, from its first byte

    def start_request(self) -> None:
        self._ends_at = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wait = self._idle
        if self._ends_at is not None:
            left = self._ends_at - time.monotonic()
            if left <= 0:
                raise RequestTimedOut
            wait = min(wait, left)
        self._connection.settimeout(wait)
        try:
            received = self._connection.recv_into(buffer)
        except TimeoutError:
            if self._ends_at is not None and time.monotonic() >= self._ends_at:
                raise RequestTimedOut from None
            raise
        finally:
            self._connection.settimeout(self._idle)  # the answer's writes keep the usual timeout
        if received and self._ends_at is None:
            self._ends_at = time.monotonic() + self._limit
        return received


def make_server(
    stack: LocalStack, host: str, port: int, *, request_deadline: float = REQUEST_DEADLINE_SECONDS
) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "scorecard-local/1"
        protocol_version = "HTTP/1.1"
        # Socket reads give up after this long (a body shorter than its Content-Length, an idle
        # keep-alive connection): the connection is answered or closed, never left hanging. A
        # request trickled in slower than that, read by read, meets its deadline (DeadlineReader).
        timeout = READ_TIMEOUT_SECONDS

        def setup(self) -> None:
            super().setup()
            self.rfile.close()  # the plain socket file; reads go through the deadline instead
            self.reader = DeadlineReader(self.connection, READ_TIMEOUT_SECONDS, request_deadline)
            self.rfile = io.BufferedReader(self.reader)

        def handle_one_request(self) -> None:
            self.reader.start_request()
            # What _send needs if the deadline passes before the request line is parsed.
            self.command, self.requestline, self.request_version = "", "", self.protocol_version
            try:
                super().handle_one_request()
            except RequestTimedOut:
                self.close_connection = True
                message = f"the request did not arrive within {request_deadline:g} s"
                self._send(_error(HTTPStatus.REQUEST_TIMEOUT, "request_timeout", message))

        def _handle(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query, keep_blank_values=True)
            allowed = _allowed_methods(stack, url.path)
            if self.command not in allowed and (allowed or self.command not in ROUTED_METHODS):
                # Nothing answers this method here (TRACE, OPTIONS: no CORS, HEAD, or a method the
                # path does not take): 405 and what it does take, before reading any body.
                self.close_connection = True
                message = f"{self.command} is not allowed on {url.path}"
                self._send(_error(405, "method_not_allowed", message, {"Allow": ", ".join(allowed)}))
                return
            try:
                length = _body_length(self.headers)
            except BadRequestLength as refused:
                self.close_connection = True  # the unread body must not be taken for the next request
                self._send(refused.result)
                return
            if length > MAX_READ:
                self.close_connection = True
                self._send(_error(413, "payload_too_large", "body too large"))
                return
            try:
                body = self.rfile.read(length) if length else b""
            except TimeoutError:
                body = None
            if body is None or len(body) < length:
                self.close_connection = True
                message = f"the body ended before its Content-Length ({length} bytes)"
                self._send(_error(HTTPStatus.BAD_REQUEST, "bad_request", message))
                return
            local = LOCAL_ROUTES.get((self.command, url.path))
            try:
                if local is not None:
                    result = local(stack, query)
                elif url.path.startswith(S3_ROUTE + "/"):
                    result = _s3_object(stack, url.path, query)
                else:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    result = stack.http(self.command, url.path, query, headers, body, self.client_address[0])
            except Exception as error:  # answer, never drop the connection (nor show Python's words)
                self.log_error("handler failed: %r", error)
                result = _error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal error")
            try:  # every email sent while the server runs lands in .local/outbox too
                from scorecard_local import mail_stack

                with stack.lock:
                    mail_stack.sync_outbox(stack)
            except Exception as error:
                self.log_error("writing the outbox failed: %r", error)
            self._send(result)

        def _send(self, result: HttpResult) -> None:
            self.send_response(result.status)
            for name, value in result.headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(result.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer carries the headers only
                self.wfile.write(result.body)

        def __getattr__(self, name: str) -> Any:
            # BaseHTTPRequestHandler answers a method without a do_<METHOD> with an HTML 501;
            # every method goes through _handle instead, which answers in the API's error shape.
            if name.startswith("do_"):
                return self._handle
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            if stack.verbose:
                super().log_message(format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    # Snapshot links are signed for this server, which serves the bucket (_s3_object).
    link_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    os.environ["SNAPSHOT_URL_ENDPOINT"] = f"http://{link_host}:{server.server_address[1]}{S3_ROUTE}"
    return server
