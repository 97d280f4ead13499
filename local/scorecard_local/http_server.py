"""The local HTTP server: API routes from template.yaml through the Lambda handlers, plus the
local-only routes that drive the schedules (docs/api.md)."""

from __future__ import annotations

import json
import os
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
ROUTED_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})  # what API Gateway routes here
S3_ROUTE = "/_local/s3"  # GET /_local/s3/<bucket>/<key>: the snapshot archive, for its links

LocalRoute = Callable[[LocalStack, dict[str, list[str]]], HttpResult]


def _json(status: int, payload: Any) -> HttpResult:
    return HttpResult(status, {"Content-Type": "application/json"}, json.dumps(payload, default=str).encode())


def _bad_request(field: str, message: str) -> HttpResult:
    return _json(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        {"error": {"code": "validation_failed", "message": message, "details": [{"field": field}]}},
    )


def run_daily_route(stack: LocalStack, query: dict[str, list[str]]) -> HttpResult:
    from scorecard.bootstrap import bootstrap

    text = (query.get("date") or [""])[-1]
    try:
        as_of = date.fromisoformat(text) if text else bootstrap().clock.today()
    except ValueError:
        return _bad_request("date", "date must be YYYY-MM-DD")
    return _json(HTTPStatus.OK, stack.run_daily(as_of))


def run_monthly_route(stack: LocalStack, query: dict[str, list[str]]) -> HttpResult:
    """POST /_local/run/monthly?month=YYYY-MM (default: the month before this one) [&email=false]."""
    from scorecard.bootstrap import bootstrap
    from scorecard.domain.snapshot import Month

    text = (query.get("month") or [""])[-1]
    try:
        month = Month.parse(text) if text else Month.of(bootstrap().clock.today()).previous()
    except ValueError:
        return _bad_request("month", "month must be YYYY-MM")
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


def _s3_object(stack: LocalStack, path: str, query: dict[str, list[str]]) -> HttpResult:
    """GET /_local/s3/<bucket>/<key>: an object of moto's S3, where the local stack signs snapshot
    links (SNAPSHOT_URL_ENDPOINT). The link's expiry is checked; its signature is not (local only)."""
    from scorecard.adapters.aws import client

    bucket, _, key = unquote(path.removeprefix(S3_ROUTE + "/")).partition("/")
    signed_at, expires = (query.get("X-Amz-Date") or [""])[-1], (query.get("X-Amz-Expires") or [""])[-1]
    try:
        deadline = datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) + timedelta(
            seconds=int(expires)
        )
    except ValueError:
        return _error(HTTPStatus.FORBIDDEN, "forbidden", "not a pre-signed link")
    if datetime.now(UTC) > deadline:
        return _error(HTTPStatus.FORBIDDEN, "forbidden", "the link has expired")
    s3 = client("s3")
    try:
        with stack.lock:
            found = s3.get_object(Bucket=bucket, Key=key)
            body = found["Body"].read()
    except (s3.exceptions.NoSuchKey, s3.exceptions.NoSuchBucket):
        return _error(HTTPStatus.NOT_FOUND, "not_found", f"no object {key} in {bucket}")
    return HttpResult(
        HTTPStatus.OK, {"Content-Type": found.get("ContentType") or "application/octet-stream"}, body
    )


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


def make_server(stack: LocalStack, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "scorecard-local/1"
        protocol_version = "HTTP/1.1"
        # Socket reads give up after this long (a body shorter than its Content-Length, an idle
        # keep-alive connection): the connection is answered or closed, never left hanging.
        timeout = READ_TIMEOUT_SECONDS

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
            except Exception as error:  # answer, never drop the connection
                self.log_error("handler failed: %r", error)
                result = _json(500, {"error": {"code": "internal_error", "message": str(error)}})
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
