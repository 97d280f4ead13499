"""The real local server for the end-to-end tests (scorecard_local.server_process, shared with
`make load`): a start that fails raises ServerDidNotStart with the server's log in its message."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from scorecard_local.server_process import server_process

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def local_server(log_dir: Path, env_overrides: Mapping[str, str] | None = None) -> Iterator[str]:
    """Yield the base URL of a started server; stop it afterwards."""
    with server_process(log_dir / "server.log", ROOT, env_overrides) as base:
        yield base
