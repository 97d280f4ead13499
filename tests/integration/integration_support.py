"""Helpers of the integration suite: the real Lambda handlers loaded by file path, table access for
assertions, and terse builders of docs/api.md event dicts."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import query_key_range
from scorecard.adapters.evidence_repository import EvidenceRepository
from scorecard.adapters.partner_repository import PartnerRepository
from scorecard.adapters.score_repository import ScoreRepository
from scorecard_local import template_tables
from scorecard_local.stack import LambdaContext
from scorecard_local.template_tables import create_tables, find_template

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"

# The instant every request and job of this suite "happens" at: the morning after the scheduled
# daily run of events/schedule_daily.json (2026-11-02T00:15Z), after every sample event.
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TABLE = "scorecard-it"

Invoke = Callable[[dict[str, Any]], Any]


@cache
def load_function(name: str) -> ModuleType:
    """functions/<name>/app.py as a module. The function folders are not packages (each is its own
    Lambda code root), so they are imported by path under a unique name, once per process like a
    warm Lambda; the handlers read their environment at call time, not at import."""
    path = FUNCTIONS_DIR / name / "app.py"
    module_name = f"scorecard_it_function_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def handler(name: str) -> Invoke:
    """Call functions/<name>/app.lambda_handler with a Lambda-like context."""
    function = load_function(name).lambda_handler

    def invoke(event: dict[str, Any]) -> Any:
        return function(event, LambdaContext(f"scorecard-{name}"))

    return invoke


@dataclass(frozen=True)
class Lambdas:
    """The real handlers of the ingest and api functions, and the daily run (coordinator, queue, worker)."""

    ingest: Invoke
    api: Invoke
    daily: Invoke


def make_table(name: str) -> str:
    """Create the scorecard table as template.yaml declares it (moto must be active)."""
    create_tables(client("dynamodb"), find_template(), {"ScorecardTable": name})
    return name


_load_template = template_tables.load_template


@cache
def _parsed_template(path: str) -> dict[str, Any]:
    return _load_template(path)


def cached_template_loader() -> Callable[[str | os.PathLike[str]], dict[str, Any]]:
    """template_tables.load_template, parsing each file once per process (PyYAML is most of the cost
    of creating a table per test); callers get their own copy."""

    def load(path: str | os.PathLike[str]) -> dict[str, Any]:
        return copy.deepcopy(_parsed_template(str(Path(path).resolve())))

    return load


def queue_arn(url: str) -> str:
    arn: str = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return arn


def queue_with_dead_letters(name: str, max_receives: int) -> tuple[str, str]:
    """(url of `name`, url of its dead-letter queue `<name>-dlq`): a message goes there after
    `max_receives` receives, as template.yaml's worker queues do. Visibility 0: a failed message is
    visible again at once (the tests drive the retries)."""
    sqs = client("sqs")
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    redrive = {"deadLetterTargetArn": queue_arn(dlq), "maxReceiveCount": max_receives}
    url = sqs.create_queue(
        QueueName=name, Attributes={"VisibilityTimeout": "0", "RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    return url, dlq


def capture_bus(bus_name: str, queue_name: str) -> str:
    """A moto EventBridge bus `bus_name` whose `scorecard` events a rule forwards to a new SQS queue:
    the queue's url, to read what was published."""
    capture = client("sqs").create_queue(QueueName=queue_name)["QueueUrl"]
    events = client("events")
    events.create_event_bus(Name=bus_name)
    events.put_rule(Name="all", EventBusName=bus_name, EventPattern=json.dumps({"source": ["scorecard"]}))
    events.put_targets(Rule="all", EventBusName=bus_name, Targets=[{"Id": "q", "Arn": queue_arn(capture)}])
    return capture


def scan_all(table_name: str) -> list[dict[str, Any]]:
    """Every item of the table (a test-only full scan), sorted by key."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table_name, "ConsistentRead": True}
    while True:
        page = client("dynamodb").scan(**kwargs)
        items.extend(page.get("Items", []))
        if not page.get("LastEvaluatedKey"):
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


def get_item(table_name: str, pk: str, sk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        client("dynamodb")
        .get_item(TableName=table_name, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True)
        .get("Item")
    )
    return item


def aggregate_items(table: str, partner_id: str, aggregate_sk: str) -> list[dict[str, Any]]:
    """Every item of a job or request (its own item, its evidence and overflow items), in key order."""
    first, last = keys.aggregate_range(aggregate_sk)
    return list(query_key_range(table, keys.partner_pk(partner_id), first, last, ConsistentRead=True))


def aggregate_events(table: str, partner_id: str, aggregate_sk: str) -> list[str]:
    """The event JSON a job or request holds over all its items, sorted."""
    return sorted(
        body for item in aggregate_items(table, partner_id, aggregate_sk) for body in stored_events(item)
    )


def append_raw_event(table: str, partner_id: str, job_id: str, raw: str = '{"not": "an event"}') -> None:
    """Add a stored event behind ingestion's back (unreadable by default), to the job's first evidence
    item: the daily run reads it with the job."""
    key = {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.first_evidence_sk(keys.job_sk(job_id))}}
    assert get_item(table, key["PK"]["S"], key["SK"]["S"]) is not None, f"no job {partner_id}/{job_id}"
    client("dynamodb").update_item(
        TableName=table,
        Key=key,
        UpdateExpression="ADD ev :bad",
        ExpressionAttributeValues={":bad": {"SS": [raw]}},
    )
    assert raw in aggregate_events(table, partner_id, keys.job_sk(job_id))


def stored_events(item: dict[str, Any]) -> list[str]:
    """The event JSON strings an aggregate item holds (a string set, or a list of strings)."""
    ev = item.get("ev", {"SS": []})
    if "SS" in ev:
        return sorted(ev["SS"])
    return [value["S"] for value in ev["L"]]


# ---- event builders ---------------------------------------------------------------------------------


def at(day: date, hour: int = 12) -> str:
    """An RFC 3339 instant on `day` (UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def on_time_jobs(partner_id: str, last: date, count: int = 10) -> list[dict[str, Any]]:
    """`count` jobs OK-0.. of value 100, shipped on their due dates `last`, `last` - 1 day, ..., each
    offered 9 days before: on time, and a plain window of them (10 is the v1-v3 minimum)."""
    events: list[dict[str, Any]] = []
    for n in range(count):
        shipped = last - timedelta(days=n)
        events += job_events(
            partner_id, f"OK-{n}", offered=shipped - timedelta(days=9), due=shipped, shipped=shipped
        )
    return events


def partly_shipped_job(
    partner_id: str, job_id: str, *, offered: date, due: date, shipped: date
) -> list[dict[str, Any]]:
    """A job of 2 parts, offered and accepted on `offered`, due `due`, 1 part shipped on `shipped` and
    the other never: outstanding."""
    events = job_events(partner_id, job_id, offered=offered, due=due, shipped=shipped)
    next(e for e in events if e["type"] == "job.shipped")["parts_shipped"] = 1
    return events


def job_events(
    partner_id: str,
    job_id: str,
    *,
    offered: date,
    due: date,
    shipped: date,
    value: str = "100.00",
    parts: int = 2,
    inspected: int = 0,
    defective: int = 0,
    status_update: bool = True,
) -> list[dict[str, Any]]:
    """One job's events, offer to (single) shipment and optional inspection, as POST /v1/events wants
    them. event_ids are <partner>:<job>:<step>, unique across partners."""
    prefix = f"{partner_id}:{job_id}"
    common = {"partner_id": partner_id, "job_id": job_id}
    events: list[dict[str, Any]] = [
        {
            "event_id": f"{prefix}:offered",
            "type": "job.offered",
            **common,
            "occurred_at": at(offered, 9),
            "value": value,
            "part_count": parts,
            "due_date": due.isoformat(),
        },
        {"event_id": f"{prefix}:read", "type": "job.read", **common, "occurred_at": at(offered, 10)},
        {"event_id": f"{prefix}:accepted", "type": "job.accepted", **common, "occurred_at": at(offered, 11)},
    ]
    if status_update:
        events.append(
            {
                "event_id": f"{prefix}:status",
                "type": "job.status_updated",
                **common,
                "occurred_at": at(shipped - timedelta(days=1)),
                "status": "production_started",
            }
        )
    events.append(
        {
            "event_id": f"{prefix}:shipped",
            "type": "job.shipped",
            **common,
            "occurred_at": at(shipped, 15),
            "parts_shipped": parts,
        }
    )
    if inspected:
        events.append(
            {
                "event_id": f"{prefix}:inspected",
                "type": "job.inspected",
                **common,
                "occurred_at": at(shipped + timedelta(days=1)),
                "parts_inspected": inspected,
                "parts_defective": defective,
                "ncmr_id": f"NCMR-{job_id}" if defective else None,
            }
        )
    return events


def retarget(events: Iterable[dict[str, Any]], partner_id: str) -> list[dict[str, Any]]:
    """The same events for another partner: partner_id replaced, event_ids made unique to it
    (idempotency keys are global)."""
    moved = []
    for event in events:
        source = event["partner_id"]
        event_id = str(event["event_id"])
        if event_id.startswith(f"{source}:"):
            event_id = event_id[len(source) + 1 :]
        moved.append({**event, "partner_id": partner_id, "event_id": f"{partner_id}:{event_id}"})
    return moved


def emitted_metrics(output: str) -> dict[str, Any]:
    """The metric values of the EMF lines Powertools printed (one line per flushed invocation)."""
    values: dict[str, Any] = {}
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            record = json.loads(line)
            for definition in record["_aws"]["CloudWatchMetrics"]:
                for metric in definition["Metrics"]:
                    values[metric["Name"]] = record[metric["Name"]]
    return values


class PartnerData:
    """The evidence, score and partner repositories over one table, as one object: the services take
    them apart (scorecard.ports), the tests arrange and inspect through either."""

    def __init__(self, table: str) -> None:
        self.evidence = EvidenceRepository(table)
        self.scores = ScoreRepository(table)
        self.partners = PartnerRepository(table)

    def __getattr__(self, name: str) -> Any:
        for repository in (self.evidence, self.scores, self.partners):
            if hasattr(repository, name):
                return getattr(repository, name)
        raise AttributeError(name)
