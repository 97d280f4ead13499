"""End to end over raw sockets: what the local server (`make run`, docs/architecture.md) answers by itself to
hostile clients. A request trickled in slowly meets a whole-request deadline (408), and the snapshot
links' route /_local/s3 answers any malformed path or query with a 4xx in the error shape.

The server here runs with a 2 s deadline (LOCAL_REQUEST_DEADLINE) so that crossing it stays quick; the
default is 10 s, and each read alone still gives up after 5 s."""

from __future__ import annotations

import http.client
import json
import select
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from local_process import local_server

pytestmark = pytest.mark.e2e

DEADLINE = 2.0


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_server(tmp_path_factory.mktemp("guarded"), {"LOCAL_REQUEST_DEADLINE": str(DEADLINE)}) as url:
        yield url


def _connect(base: str) -> socket.socket:
    url = urlsplit(base)
    assert url.hostname is not None and url.port is not None
    return socket.create_connection((url.hostname, url.port), timeout=30)


def _answer(sock: socket.socket, method: str = "POST") -> tuple[int, dict[str, str], Any]:
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    raw = response.read()
    return response.status, dict(response.getheaders()), json.loads(raw) if raw else None


def _trickle(sock: socket.socket, data: bytes, pause: float) -> None:
    """Send `data` a byte at a time, `pause` seconds apart, until the server answers (or all is sent)."""
    for byte in data:
        readable, _, _ = select.select([sock], [], [], pause)
        if readable:
            return  # the server has answered (and closes): stop sending
        sock.sendall(bytes([byte]))


HEAD = b"POST /v1/events HTTP/1.1\r\nHost: local\r\n"


def test_a_body_trickled_past_the_deadline_is_answered_408_and_closed(base: str) -> None:
    """One byte every 0.4 s keeps each read under the 5 s read timeout: only the whole-request
    deadline stops it. 30 bytes would take 12 s; the answer comes at the 2 s deadline."""
    body = b'{"padding": "' + b"x" * 15 + b'"}'
    with _connect(base) as sock:
        started = time.monotonic()
        sock.sendall(HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode())
        _trickle(sock, body, pause=0.4)
        status, headers, answer = _answer(sock)
        elapsed = time.monotonic() - started
    assert status == 408
    assert headers["Connection"] == "close"
    assert set(answer["error"]) == {"code", "message", "details"}
    assert answer["error"]["code"] == "request_timeout"
    assert DEADLINE <= elapsed < DEADLINE + 2  # 2 s after the first byte, not after the last one


def test_headers_trickled_past_the_deadline_are_answered_408(base: str) -> None:
    headers = b"".join(f"X-Slow-{n}: {n}\r\n".encode() for n in range(20))
    with _connect(base) as sock:
        started = time.monotonic()
        sock.sendall(HEAD)
        _trickle(sock, headers + b"\r\n", pause=0.3)
        status, got, answer = _answer(sock)
        elapsed = time.monotonic() - started
    assert (status, got["Connection"], answer["error"]["code"]) == (408, "close", "request_timeout")
    assert elapsed < DEADLINE + 2


def test_the_deadline_starts_at_a_request_s_first_byte(base: str) -> None:
    """A keep-alive connection idle for longer than the deadline (but not the 5 s read timeout), then a
    prompt request: answered normally, as is a second request on the same connection."""
    request = b"GET /v1/openapi.json HTTP/1.1\r\nHost: local\r\n\r\n"
    with _connect(base) as sock:
        time.sleep(DEADLINE + 0.5)
        sock.sendall(request)
        first = http.client.HTTPResponse(sock, method="GET")
        first.begin()
        first.read()
        time.sleep(DEADLINE + 0.5)
        sock.sendall(request)
        second = http.client.HTTPResponse(sock, method="GET")
        second.begin()
        second.read()
    assert (first.status, second.status) == (200, 200)


# ---- /_local/s3: the snapshot links' objects -------------------------------------------------------

FRESH = "{fresh}"  # replaced by a signing time of just now
SIGNED = f"X-Amz-Date={FRESH}&X-Amz-Expires=3600"
PYTHON_WORDS = ("Traceback", "Parameter validation", "botocore", "Python", "Error(", "regex")

S3_CASES: list[tuple[str, str, int]] = [
    ("empty-bucket", f"/_local/s3//snapshots/k.html?{SIGNED}", 400),
    ("bucket-bad-characters", f"/_local/s3/Bad_Bucket!/k.html?{SIGNED}", 400),
    ("bucket-too-long", f"/_local/s3/{'b' * 300}/k.html?{SIGNED}", 400),
    ("bucket-too-short", f"/_local/s3/ab/k.html?{SIGNED}", 400),
    ("bucket-non-ascii", f"/_local/s3/b%C3%BCcket/k.html?{SIGNED}", 400),
    ("bucket-double-dot", f"/_local/s3/my..bucket/k.html?{SIGNED}", 400),
    ("no-key", f"/_local/s3/some-bucket?{SIGNED}", 400),
    ("empty-key", f"/_local/s3/some-bucket/?{SIGNED}", 400),
    ("dot-dot", f"/_local/s3/some-bucket/../../etc/passwd?{SIGNED}", 400),
    ("encoded-dot-dot", f"/_local/s3/some-bucket/a/%2E%2E/b?{SIGNED}", 400),
    ("key-too-long", f"/_local/s3/some-bucket/{'k' * 1025}?{SIGNED}", 400),
    ("key-not-utf8", f"/_local/s3/some-bucket/k%FF%FE?{SIGNED}", 400),
    ("key-nul", f"/_local/s3/some-bucket/k%00ey?{SIGNED}", 400),
    ("key-newline", f"/_local/s3/some-bucket/k%0Aey?{SIGNED}", 400),
    ("not-signed", "/_local/s3/some-bucket/k.html", 403),
    ("no-expiry", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}", 403),
    ("huge-expiry", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&X-Amz-Expires={'9' * 20}", 400),
    ("expiry-over-7-days", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&X-Amz-Expires=604801", 400),
    ("negative-expiry", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&X-Amz-Expires=-5", 400),
    ("zero-expiry", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&X-Amz-Expires=0", 400),
    ("expiry-underscore", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&X-Amz-Expires=1_0", 400),
    ("expiry-full-width", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&X-Amz-Expires=%EF%BC%91", 400),
    ("year-9999", "/_local/s3/some-bucket/k.html?X-Amz-Date=99991231T235959Z&X-Amz-Expires=604800", 403),
    ("date-malformed", "/_local/s3/some-bucket/k.html?X-Amz-Date=yesterday&X-Amz-Expires=60", 400),
    ("date-impossible", "/_local/s3/some-bucket/k.html?X-Amz-Date=20261340T250000Z&X-Amz-Expires=60", 400),
    ("date-repeated", f"/_local/s3/some-bucket/k.html?X-Amz-Date={FRESH}&{SIGNED}", 400),
    ("expiry-repeated", f"/_local/s3/some-bucket/k.html?{SIGNED}&X-Amz-Expires=60", 400),
    ("expired", "/_local/s3/some-bucket/k.html?X-Amz-Date=20200101T000000Z&X-Amz-Expires=60", 403),
    ("no-such-bucket", f"/_local/s3/no-such-bucket/k.html?{SIGNED}", 404),
    ("non-ascii-key-no-object", f"/_local/s3/no-such-bucket/k%C3%BCy.html?{SIGNED}", 404),
]


@pytest.mark.parametrize(("path", "status"), [c[1:] for c in S3_CASES], ids=[c[0] for c in S3_CASES])
def test_a_malformed_object_link_is_a_4xx_in_the_error_shape(base: str, path: str, status: int) -> None:
    fresh = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with _connect(base) as sock:
        sock.sendall(f"GET {path.replace(FRESH, fresh)} HTTP/1.1\r\nHost: local\r\n\r\n".encode())
        got_status, headers, answer = _answer(sock, "GET")
    assert got_status == status, answer
    assert headers["Content-Type"] == "application/json"
    assert set(answer["error"]) == {"code", "message", "details"}
    assert not [word for word in PYTHON_WORDS if word in json.dumps(answer)]


def test_a_link_signed_a_little_ahead_of_the_server_clock_still_opens_its_object(base: str) -> None:
    """S3 allows 15 min of clock skew: a signing time 5 min ahead is not refused as 'not valid yet'
    (the object does not exist here, so the answer is 404, not 403)."""
    ahead = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y%m%dT%H%M%SZ")
    with _connect(base) as sock:
        path = f"/_local/s3/no-such-bucket/k.html?X-Amz-Date={ahead}&X-Amz-Expires=60"
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: local\r\n\r\n".encode())
        status, _, answer = _answer(sock, "GET")
    assert (status, answer["error"]["code"]) == (404, "not_found")
