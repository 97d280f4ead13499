"""The real local server (`python -m scorecard_local.cli local --no-demo`) in a subprocess on a free
port of 127.0.0.1: what the end-to-end tests and `make load` talk HTTP to."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
STARTUP_DEADLINE = 60.0  # seconds; a cold start (imports, moto) takes a few


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer in time; the message carries its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/v1/openapi.json", timeout=5) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.HTTPError):
        return False  # not listening yet


@contextmanager
def server_process(
    log_path: Path, cwd: Path, env_overrides: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start the server, wait until it answers, yield its base URL, stop it. The callers sign with
    the local key unless `env_overrides` sets SCORECARD_JWT_SECRET."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PORT", None)
    env.pop("SCORECARD_JWT_SECRET", None)
    env.update(env_overrides or {})
    command = [sys.executable, "-m", "scorecard_local.cli", "local", "--no-demo", "--host", HOST]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://{HOST}:{port}"
            deadline = time.monotonic() + STARTUP_DEADLINE
            while not _ready(base):
                if process.poll() is not None:
                    raise ServerDidNotStart(
                        f"local server exited with {process.returncode}:\n{log_path.read_text()}"
                    )
                if time.monotonic() > deadline:
                    raise ServerDidNotStart(
                        f"local server not ready after {STARTUP_DEADLINE:.0f} s:\n{log_path.read_text()}"
                    )
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
