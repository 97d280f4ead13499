"""Bulk import of events (demo seeding, history backfills) with batch reads and writes instead of one
transaction per event: ~25x fewer requests.

Same items and the same idempotency as live ingestion (a marker per event; already-marked events are
reported as duplicates): an evidence item per job or request event, keyed from the lowest key its
job already has (one Query per partner and kind reads them), an item per activity event, and the
days' presence items read, merged and rewritten. Run it against partners that are not receiving live
events at the same moment. A crash midway is safe to re-run: every item is written before the
markers, and the fold ignores a repeated event_id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scorecard.adapters import keys
from scorecard.adapters.aggregate_items import (
    activity_item,
    evidence_index_key,
    evidence_item,
    exclusion_update,
    lowest_index_key,
)
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import batch_get_items, batch_writer, query_items
from scorecard.adapters.event_store import aggregate_of, content_hash, marker_item
from scorecard.domain.events import Event, event_json, parse_stored_event

if TYPE_CHECKING:
    pass


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BulkImporter:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def import_events(
        self, events: Sequence[Event], received_at: datetime, *, record_markers: bool = True
    ) -> tuple[int, int]:
        """Record `events`; returns (recorded, duplicates). `record_markers=False` skips the
        idempotency markers, for fixture data that is never re-sent (benchmarks)."""
        unique: dict[str, Event] = {}
        for event in events:
            unique.setdefault(event.event_id, event)
        known = (
            self._existing({"PK": keys.event_pk(eid), "SK": keys.EVENT_SK} for eid in unique)
            if record_markers
            else set()
        )
        fresh = [e for eid, e in unique.items() if keys.event_pk(eid) not in known]

        grouped: dict[tuple[str, str], list[Event]] = defaultdict(list)
        for event in fresh:
            grouped[(keys.partner_pk(event.partner_id), aggregate_of(event).sk)].append(event)
        profiles = {pk for pk, _ in grouped}
        existing_profiles = self._existing({"PK": pk, "SK": keys.PROFILE_SK} for pk in profiles)
        indexed = {pk for pk, sk in grouped if not sk.startswith(keys.ACTIVITY_PREFIX)}
        lowest = self._lowest_index_keys(indexed)

        writes: list[dict[str, Any]] = []
        activity: list[Event] = []
        for (pk, sk), batch in grouped.items():
            if sk.startswith(keys.ACTIVITY_PREFIX):
                activity += batch
            else:
                writes += _evidence_writes(sk, batch, lowest.get((pk, sk)))
        writes += self._activity_writes(activity)
        for pk in sorted(profiles - existing_profiles):
            partner_id = pk[len(keys.PARTNER_PREFIX) :]
            writes.append(
                {
                    "PutRequest": {
                        "Item": {
                            "PK": {"S": pk},
                            "SK": {"S": keys.PROFILE_SK},
                            "partner_id": {"S": partner_id},
                            "GSI1PK": {"S": pk},
                            "GSI1SK": {"S": keys.PROFILE_GSI1SK},
                            "GSI2PK": {"S": keys.REGISTRY_PK},
                            "GSI2SK": {"S": partner_id},
                        }
                    }
                }
            )
        markers = [
            {"PutRequest": {"Item": marker_item(e, event_json(e), content_hash(e), received_at, position)}}
            for position, e in enumerate(fresh)
            if record_markers
        ]
        # Aggregates first, markers last: the first writer flushes (unprocessed items included) on exit.
        for requests in (writes, markers):
            with batch_writer(self._table) as writer:
                for request in requests:
                    writer.put_item(Item=request["PutRequest"]["Item"])
        return len(fresh), len(events) - len(fresh)

    def _activity_writes(self, events: Sequence[Event]) -> list[dict[str, Any]]:
        """An item per activity event, and each day's presence item merged with the quarter-hours of
        `events` (aggregate_items.presence_update's union, for many events at once)."""
        days: defaultdict[tuple[str, str], defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for event in events:
            attribute = keys.PRESENCE_SLOTS.get(event.type)
            if attribute is not None:
                day, quarter = keys.presence_quarter(event.occurred_at)
                days[(keys.partner_pk(event.partner_id), keys.presence_day_sk(day))][attribute].add(quarter)
        current = self._items([{"PK": pk, "SK": sk} for pk, sk in days])
        writes = []
        for (pk, sk), quarters in days.items():
            item = dict(current.get((pk, sk)) or {"PK": {"S": pk}, "SK": {"S": sk}})
            for attribute, added in quarters.items():
                item[attribute] = {"SS": sorted(added.union(item.get(attribute, {}).get("SS", ())))}
            writes.append({"PutRequest": {"Item": item}})
        return writes + [{"PutRequest": {"Item": activity_item(e, event_json(e))}} for e in events]

    def _lowest_index_keys(self, partner_pks: set[str]) -> dict[tuple[str, str], str]:
        """The lowest GSI1SK of every job and request these partners have items of (what
        aggregate_items.lowest_index_key answers for one aggregate): one Query per partner and kind."""
        lowest: dict[tuple[str, str], str] = {}
        for pk in sorted(partner_pks):
            for prefix in (keys.JOB_PREFIX, keys.REQUEST_PREFIX):
                for item in query_items(
                    self._table,
                    KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
                    ExpressionAttributeValues={":pk": {"S": pk}, ":prefix": {"S": prefix}},
                    ProjectionExpression="SK, GSI1SK",
                    ConsistentRead=True,
                ):
                    if "GSI1SK" in item:
                        group = (pk, keys.aggregate_sk_of(item["SK"]["S"]))
                        key = item["GSI1SK"]["S"]
                        lowest[group] = min(key, lowest.get(group, key))
        return lowest

    def _items(self, item_keys: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        wire = [{"PK": {"S": k["PK"]}, "SK": {"S": k["SK"]}} for k in item_keys]
        # Consistent: a rebuild reads right after deleting.
        items = batch_get_items(self._table, wire, consistent=True)
        return {(item["PK"]["S"], item["SK"]["S"]): item for item in items}

    def _existing(self, item_keys: Iterator[dict[str, str]] | Any) -> set[str]:
        return {pk for pk, _ in self._items(list(item_keys))}


def _evidence_writes(aggregate_sk: str, batch: Sequence[Event], lowest: str | None) -> list[dict[str, Any]]:
    """One evidence item per event of a job or request. Of an aggregate with no items yet, the
    earliest event of the batch is its first (so every event keeps its own instant as its key);
    otherwise each is keyed as live ingestion keys it (aggregate_items.evidence_index_key)."""
    first = min(batch, key=lambda e: (e.occurred_at, e.event_id)) if lowest is None else None
    floor = None if first is None else keys.instant_key(first.occurred_at)
    return [
        {
            "PutRequest": {
                "Item": evidence_item(
                    event,
                    event_json(event),
                    aggregate_sk,
                    evidence_index_key(event.occurred_at, lowest or floor),
                    first=event is first,
                )
            }
        }
        for event in batch
    ]


# -- rebuilding a partner's projections from its markers (`scorecard rebuild`) ----------------------

_PROJECTION_PREFIXES = (
    keys.JOB_PREFIX,
    keys.REQUEST_PREFIX,
    keys.ACTIVITY_PREFIX,
    keys.PRESENCE_DAY_PREFIX,
    keys.PRESENCE_EVENT_PREFIX,
)


class ProjectionRebuilder:
    """Reads a partner's recorded events back from their markers and rewrites the projections (job,
    request and activity items, those of the layouts before included) with BulkImporter's layout.

    Markers have no partner index: `recorded_events` is a Scan filtered on partner_id. A rebuild is a
    rare operator's repair, and reading the table once then is cheaper than an index on markers that
    every ingestion would pay for on every event, forever.

    The replay goes in received order (received_at, then the position in the batch, kept on each
    marker). A job's first item is its earliest event after a replay (its first to arrive when
    live): where a job's events arrived out of order, index keys differ, never what is read.
    Only batches of the same partner received in the same microsecond by concurrent writers (or
    markers from before the position was kept) fall back to event_id order; folds and scores never
    depend on placement. Run it while the partner receives no events and is not being scored:
    its projections are deleted before they are rewritten.
    """

    def __init__(self, table_name: str, importer: BulkImporter | None = None) -> None:
        self._table = table_name
        self._importer = importer or BulkImporter(table_name)

    def recorded_events(self, partner_id: str) -> list[Event]:
        """The partner's events as recorded (the markers' bodies), in the order they were received
        (received_at, position in its batch, event_id)."""
        found: list[tuple[str, int, str, Event]] = []
        for page in (
            client("dynamodb")
            .get_paginator("scan")
            .paginate(
                TableName=self._table,
                FilterExpression="begins_with(PK, :event) AND partner_id = :pid",
                ExpressionAttributeValues={":event": {"S": keys.EVENT_PREFIX}, ":pid": {"S": partner_id}},
                ProjectionExpression="PK, body, received_at, #pos",
                ExpressionAttributeNames={"#pos": "position"},
                ConsistentRead=True,
            )
        ):
            for item in page.get("Items", []):
                event = parse_stored_event(item["body"]["S"])
                position = int(item.get("position", {}).get("N", "0"))
                found.append((item["received_at"]["S"], position, event.event_id, event))
        return [event for *_, event in sorted(found, key=lambda entry: entry[:3])]

    def delete_projections(self, partner_id: str) -> int:
        """Delete the partner's job, request and activity items (of the layouts before too); returns how
        many."""
        pk = keys.partner_pk(partner_id)
        doomed = [
            item["SK"]["S"]
            for item in query_items(
                self._table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
                ProjectionExpression="SK",
                ConsistentRead=True,
            )
            if item["SK"]["S"].startswith(_PROJECTION_PREFIXES)
        ]
        with batch_writer(self._table) as writer:
            for sk in doomed:
                writer.delete_item(Key={"PK": {"S": pk}, "SK": {"S": sk}})
        return len(doomed)

    def rebuild(self, partner_id: str, excluded_jobs: Mapping[str, str], received_at: datetime) -> int:
        """Replace the partner's projections by a replay of its recorded events; `excluded_jobs` (job
        id -> the review that excluded it) are flagged again, as the review resolution did. Returns the
        number of events replayed."""
        events = self.recorded_events(partner_id)
        self.delete_projections(partner_id)
        self._importer.import_events(events, received_at, record_markers=False)
        dynamodb = client("dynamodb")
        for job_id, review_id in sorted(excluded_jobs.items()):
            index_key = lowest_index_key(self._table, partner_id, keys.job_sk(job_id))
            if index_key is None:  # as the conditional update on the job item refused it before
                raise LookupError(f"review {review_id} excludes job {job_id}, which has no recorded event")
            dynamodb.update_item(**exclusion_update(self._table, partner_id, job_id, review_id, index_key))
        return len(events)
