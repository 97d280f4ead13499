"""Synthetic partner networks for the benchmarks, loaded into moto with the bulk importer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from scorecard.domain.events import EVENT_ADAPTER, Event
from scorecard.domain.policy import DEFAULT_POLICY_VERSION

AS_OF = date(2026, 11, 20)
TABLE = "scorecard-bench"


def partner_id(n: int) -> str:
    return f"bp{n:06d}"


def partner_events(n: int, jobs: int) -> list[Event]:
    """`jobs` completed jobs spread over the last 60 days: offered, read, accepted, status update,
    shipped (every 4th a day late), inspected (every 7th with a defect)."""
    pid = partner_id(n)
    end = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC)
    raw: list[dict[str, object]] = []
    for j in range(jobs):
        job = f"J{n}-{j}"
        offered = end - timedelta(days=60 - (j * 55) // max(jobs, 1), hours=n % 7)
        due = (offered + timedelta(days=10)).date()
        shipped = offered + timedelta(days=10 + (1 if j % 4 == 0 else -1), hours=3)
        common = {"partner_id": pid, "job_id": job}
        raw += [
            {
                **common,
                "event_id": f"{job}:o",
                "type": "job.offered",
                "occurred_at": offered.isoformat(),
                "value": str(Decimal(100 + (j * 37 + n) % 5000)),
                "part_count": 10,
                "due_date": due.isoformat(),
            },
            {
                **common,
                "event_id": f"{job}:r",
                "type": "job.read",
                "occurred_at": (offered + timedelta(hours=1)).isoformat(),
            },
            {
                **common,
                "event_id": f"{job}:a",
                "type": "job.accepted",
                "occurred_at": (offered + timedelta(hours=2)).isoformat(),
            },
            {
                **common,
                "event_id": f"{job}:u",
                "type": "job.status_updated",
                "status": "production_started",
                "occurred_at": (offered + timedelta(days=2)).isoformat(),
            },
            {
                **common,
                "event_id": f"{job}:s",
                "type": "job.shipped",
                "occurred_at": shipped.isoformat(),
                "parts_shipped": 10,
            },
            {
                **common,
                "event_id": f"{job}:i",
                "type": "job.inspected",
                "occurred_at": (shipped + timedelta(days=2)).isoformat(),
                "parts_inspected": 10,
                "parts_defective": 1 if j % 7 == 0 else 0,
            },
        ]
    return [EVENT_ADAPTER.validate_python(e) for e in raw]


@contextmanager
def moto_table() -> Iterator[str]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        TABLE_NAME=TABLE,
        # The handlers the bench calls score with the same policy as run.py (load_policy(): the default).
        POLICY_VERSION=DEFAULT_POLICY_VERSION,
        POWERTOOLS_LOG_LEVEL="ERROR",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    from moto import mock_aws
    from scorecard.adapters.aws import client, reset_clients
    from scorecard_local import moto_patches
    from scorecard_local.template_tables import create_tables, find_template

    moto_patches.install()
    reset_clients()
    with mock_aws():
        create_tables(client("dynamodb"), find_template(), {"ScorecardTable": TABLE})
        yield TABLE
    reset_clients()


def load_network(table: str, partners: range, jobs: int) -> int:
    """Untimed setup: the partners' events through the bulk importer (the items ingestion writes),
    its writes handed straight to moto's DynamoDB backend (_direct_writes)."""
    from scorecard.adapters.bulk_import import BulkImporter

    importer = BulkImporter(table)
    total = 0
    chunk: list[Event] = []
    with _direct_writes():
        for n in partners:
            chunk += partner_events(n, jobs)
            if len(chunk) >= 20_000:
                total += importer.import_events(chunk, datetime.now(UTC), record_markers=False)[0]
                chunk = []
        if chunk:
            total += importer.import_events(chunk, datetime.now(UTC), record_markers=False)[0]
    return total


class _BackendWriter:
    """The bulk importer's batch writer, putting each item as moto's BatchWriteItem hands it to the
    backend, without the botocore round trip per 25 items (9 in 10 of a load's time)."""

    def __init__(self, table: str) -> None:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from scorecard.adapters.aws import client

        self._table = table
        self._backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][client("dynamodb").meta.region_name]

    def __enter__(self) -> _BackendWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def put_item(self, Item: dict[str, Any]) -> None:  # BatchWriter's keyword
        self._backend.put_item(self._table, Item)


@contextmanager
def _direct_writes() -> Iterator[None]:
    from scorecard.adapters import bulk_import

    original = bulk_import.batch_writer
    bulk_import.batch_writer = _BackendWriter  # type: ignore[assignment]
    try:
        yield
    finally:
        bulk_import.batch_writer = original


def capacity_meter(table: str) -> Any:
    """A CapacityMeter on the shared DynamoDB client, the table's schema read from template.yaml."""
    from scorecard.adapters.aws import client
    from scorecard_local.capacity import CapacityMeter, schemas_from_template
    from scorecard_local.template_tables import find_template, load_template

    schemas = schemas_from_template(load_template(find_template()), {"ScorecardTable": table})
    return CapacityMeter(client("dynamodb"), schemas)
