"""The real local server for the end-to-end tests (scorecard_local.server_process, shared with
`make load`): a start that fails raises ServerDidNotStart with the server's log in its message."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scorecard.auth.tokens import LOCAL_DEV_SECRET, issue_token
from scorecard_local.server_process import server_process

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def local_server(log_dir: Path, env_overrides: Mapping[str, str] | None = None) -> Iterator[str]:
    """Yield the base URL of a started server; stop it afterwards."""
    with server_process(log_dir / "server.log", ROOT, env_overrides) as base:
        yield base


class LocalClient:
    """JSON over HTTP to a local server, with a fresh token of the role asked for (a partner's own:
    `partner`'s), or none (`role` None)."""

    def __init__(self, base: str, partner: str) -> None:
        self.base = base
        self.partner = partner

    def call(self, method: str, path: str, body: Any = None, role: str | None = "ops") -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if role is not None:
            partner = self.partner if role == "partner" else None
            token = issue_token(role, partner, secret=LOCAL_DEV_SECRET, now=datetime.now(UTC))  # type: ignore[arg-type]
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")
