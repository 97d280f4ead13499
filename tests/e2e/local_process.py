"""The real local server (`python -m scorecard_local.cli local --no-demo`) in a subprocess, on a free port."""

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

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE = 60.0  # seconds; a cold start (imports, moto) takes a few


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/v1/openapi.json", timeout=5) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.HTTPError):
        return False  # not listening yet


@contextmanager
def local_server(log_dir: Path, env_overrides: Mapping[str, str] | None = None) -> Iterator[str]:
    """Start the server, wait until it answers, yield its base URL, stop it (its log goes into
    pytest's failure message when it does not come up)."""
    port = free_port()
    log_path = log_dir / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PORT", None)
    env.pop("SCORECARD_JWT_SECRET", None)  # the tests sign with the local key unless told otherwise
    env.update(env_overrides or {})
    command = [sys.executable, "-m", "scorecard_local.cli", "local", "--no-demo", "--host", "127.0.0.1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + STARTUP_DEADLINE
            while not _ready(base):
                if process.poll() is not None:
                    pytest.fail(f"local server exited with {process.returncode}:\n{log_path.read_text()}")
                if time.monotonic() > deadline:
                    pytest.fail(
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
