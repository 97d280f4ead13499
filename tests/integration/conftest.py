"""Fixtures of the integration suite: a DynamoDB table made from template.yaml (in moto), a frozen
clock, and the real Lambda handlers of functions/*/app.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from integration_support import NOW, TABLE, Lambdas, cached_template_loader, handler, make_table
from scorecard import settings
from scorecard_local import template_tables


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Freeze the one clock read of the request and job paths (settings.utc_now) at NOW."""
    monkeypatch.setattr(settings, "utc_now", lambda: NOW)
    return NOW


@pytest.fixture
def table(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The scorecard table exactly as template.yaml declares it, empty, in moto; TABLE_NAME and
    POLICY_VERSION point the handlers at it."""
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("POLICY_VERSION", "v1")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
    monkeypatch.setattr(template_tables, "load_template", cached_template_loader())
    yield make_table(TABLE)


@pytest.fixture
def lambdas(table: str, clock: datetime) -> Lambdas:
    """The ingest, api and daily handlers, against `table`, at NOW."""
    return Lambdas(ingest=handler("ingest"), api=handler("api"), daily=handler("daily"))
