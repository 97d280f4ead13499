"""The local HTTP server: API routes from template.yaml through the Lambda handlers, plus the
local-only routes that drive the schedules (DESIGN §7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scorecard_local.stack import HttpResult, LocalStack

MAX_READ = 8 * 1024 * 1024  # bodies above 1 MiB still reach the handler, which answers 413

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
    """GET /_local/outbox: every email sent, oldest first, as [{to, subject, text, html}]."""
    from scorecard_local import mail_stack

    stack.poll_queues()  # anything still queued is sent first
    emails = [{k: e[k] for k in ("to", "subject", "text", "html")} for e in mail_stack.outbox(stack)]
    return _json(HTTPStatus.OK, emails)


LOCAL_ROUTES: dict[tuple[str, str], LocalRoute] = {
    ("POST", "/_local/run/daily"): run_daily_route,
    ("POST", "/_local/run/monthly"): run_monthly_route,
    ("GET", "/_local/outbox"): outbox_route,
}


def make_server(stack: LocalStack, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "scorecard-local/1"
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_READ:
                self._send(_json(413, {"error": {"code": "payload_too_large", "message": "body too large"}}))
                return
            body = self.rfile.read(length) if length else b""
            local = LOCAL_ROUTES.get((self.command, url.path))
            try:
                if local is not None:
                    result = local(stack, query)
                else:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    result = stack.http(self.command, url.path, query, headers, body, self.client_address[0])
            except Exception as error:  # answer, never drop the connection
                self.log_error("handler failed: %r", error)
                result = _json(500, {"error": {"code": "internal_error", "message": str(error)}})
            self._send(result)

        def _send(self, result: HttpResult) -> None:
            self.send_response(result.status)
            for name, value in result.headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(result.body)))
            self.end_headers()
            self.wfile.write(result.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            if stack.verbose:
                super().log_message(format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
