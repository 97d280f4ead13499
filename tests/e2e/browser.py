"""Debian's headless Chromium for the browser tests (the snapshot email, the Swagger UI page)."""

from __future__ import annotations

import shutil

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium(unchecked: str) -> str:
    """The browser's path, or a skip that says what was not checked (`unchecked`)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            "headless Chromium is not installed (make test installs Debian's `chromium` when run as root "
            f"with apt-get): {unchecked} was NOT checked in a browser"
        )
    return found
