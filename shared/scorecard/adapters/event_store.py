"""Ingestion's write path.

A job or request event is two plain puts, no transaction (a transaction bills every item twice):
its idempotency marker, conditional on its absence, then its evidence item (keys.py), one item per
event and never rewritten, so an event costs the same 3 write units on a job's 60th event as on its
first (marker 1, evidence item 1, its GSI1 entry 1). A re-sent event_id fails the marker condition
and changes nothing: the marker's content hash then tells a `duplicate` (identical content) from a
`conflict` (docs/api.md). The marker goes first, so no evidence is ever written for a conflict; if the
evidence put then fails, `record` raises (the caller answers 503 and asks for the event again), and
the re-sent event, a duplicate, writes the missing evidence item: nothing recorded is lost.

Activity events (logins, capacity, metrics) keep one DynamoDB transaction per event: the marker and
the month's activity item, whose presence slots and counters it updates (bounded; keys.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, assert_never, cast

import msgspec
from botocore.exceptions import BotoCoreError, ClientError

from scorecard.adapters import keys, retry
from scorecard.adapters.aggregate_items import (
    aggregate_start,
    evidence_event_id,
    evidence_index_key,
    evidence_item,
)
from scorecard.adapters.aws import client
from scorecard.domain.events import AggregateKind, Event, event_json, parse_stored_event

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, UpdateTypeDef

RecordStatus = Literal["recorded", "duplicate", "conflict"]

# Bytes of event JSON an aggregate item holds before its events spill to overflow items. The condition
# is checked before the append, so an item ends at most one event (< 20 KB) past it: far below
# DynamoDB's 400 KB item limit, and a job of ordinary size (tens of events) never spills.
EVENT_BYTES_BUDGET = 64 * 1024

REMEMBERED_PARTNERS = 50_000  # registered partners a store remembers (about 4 MB of ids at most)
# Cancellation reasons worth another attempt: a concurrent writer, or capacity (botocore's own
# retries cover throttling of the whole call, not a transaction cancelled for it).
_TRANSIENT_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


class EventStoreError(RuntimeError):
    """The event could not be written after retries (throttling, conflicts, DynamoDB unavailable).
    Nothing of that event is written; the caller may try again later."""


class Aggregate(msgspec.Struct, frozen=True):
    sk: str
    per_event: bool  # each event its own evidence item in GSI1 (jobs, requests); else one month item


def aggregate_of(event: Event) -> Aggregate:
    """The item an event is appended to: its model's aggregate kind decides."""
    kind = event.aggregate
    match kind:
        case AggregateKind.JOB:
            return Aggregate(keys.job_sk(event.aggregate_id), True)
        case AggregateKind.REQUEST:
            return Aggregate(keys.request_sk(event.aggregate_id), True)
        case AggregateKind.ACTIVITY:
            return Aggregate(keys.activity_sk(event.aggregate_id), False)
        case _:
            assert_never(kind)


def _canonical(value: object) -> object:
    """Values as their meaning, not their spelling: an instant in UTC (the same instant written with
    another offset is the same event), a decimal without trailing zeros ("1200.0" = "1200.00")."""
    if isinstance(value, datetime):
        return keys.instant_key(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {name: _canonical(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def canonical_event(event: Event) -> str:
    """The event's canonical JSON: every field (defaults filled in, so an omitted default equals the
    default sent), keys sorted, values canonical (see _canonical)."""
    return json.dumps(_canonical(event.model_dump()), sort_keys=True, separators=(",", ":"))


def content_hash(event: Event) -> str:
    """sha256 of the canonical JSON, stored on the marker: a re-sent event_id is a duplicate only when
    its hash is the same."""
    return hashlib.sha256(canonical_event(event).encode()).hexdigest()


def _stored_hash(marker: dict[str, Any]) -> str:
    stored = marker.get("hash", {}).get("S")
    # Markers written before the hash existed still hold the body.
    return stored if stored else content_hash(parse_stored_event(marker["body"]["S"]))


def _body_bytes(body: str) -> int:
    return len(body.encode())


class _Placement(msgspec.Struct, frozen=True):
    """How an activity event is kept, decided from what the month item held at the last attempt."""

    spill: bool = False  # the item is at its budget: the event gets an overflow item
    counted_only: bool = False  # a presence event whose quarter-hour is taken (keys.PRESENCE_SLOTS)


class DynamoEventStore:
    """Records validated events; `record` is safe to call concurrently and repeatedly."""

    def __init__(self, table_name: str, *, budget: int = EVENT_BYTES_BUDGET) -> None:
        self._table = table_name
        self._budget = budget
        # Partners this store has registered: their later events skip the registry write (an update
        # of the profile item, billed in GSI1 and GSI2 too). A registry entry is never removed, so
        # remembering it is safe; the set is bounded.
        self._registered: set[str] = set()

    def record(self, event: Event, received_at: datetime, position: int = 0) -> RecordStatus:
        """Record `event`, received at `received_at` as the `position`-th event of its batch (the
        marker keeps both: a rebuild replays in that order)."""
        body = event_json(event)
        digest = content_hash(event)
        aggregate = aggregate_of(event)
        if not aggregate.per_event:
            return self._record_activity(event, body, digest, aggregate, received_at, position)
        try:
            client("dynamodb").put_item(
                TableName=self._table,
                Item=marker_item(event, body, digest, received_at, position),
                ConditionExpression="attribute_not_exists(PK)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise EventStoreError(f"event {event.event_id} not written: {error}") from error
            old: dict[str, Any] = cast(dict[str, Any], error.response).get("Item") or {}
            status = self._repeat(event.event_id, digest, old or None)
            if status == "duplicate":
                self._heal(event, body, aggregate)
            return status
        except BotoCoreError as error:
            raise EventStoreError(f"event {event.event_id} not written: {error}") from error
        self._complete(event, body, aggregate)
        return "recorded"

    def _complete(self, event: Event, body: str, aggregate: Aggregate, *, resent: bool = False) -> None:
        """What follows a job or request event's marker: its evidence item and its partner's registry
        entry. A failure here leaves a marker without them: the re-sent event heals it (_heal)."""
        try:
            self._put_evidence(event, body, aggregate, resent=resent)
            if event.partner_id not in self._registered:
                client("dynamodb").update_item(**self._register(event.partner_id)["Update"])
                self._remember(event.partner_id)
        except (ClientError, BotoCoreError) as error:  # botocore has already retried what is retryable
            raise EventStoreError(
                f"event {event.event_id} recorded but not completed ({error}): send it again"
            ) from error

    def _put_evidence(self, event: Event, body: str, aggregate: Aggregate, *, resent: bool = False) -> None:
        """The event's evidence item, keyed from the aggregate's lowest key (strongly consistent), and
        never a second one: an aggregate's first item is put on the condition that there is none (of
        two first events written at once one wins, and the other is keyed from the winner's item as any
        later event is), and a copy of the event written at once (a re-send healing it) finds it there,
        as the first item or at the one key a later item of it can have."""
        dynamodb = client("dynamodb")
        start = aggregate_start(self._table, event.partner_id, aggregate.sk)
        if start.first_event_id == event.event_id:
            return
        if start.lowest is None:
            item = evidence_item(event, body, aggregate.sk, keys.instant_key(event.occurred_at), first=True)
            try:
                dynamodb.put_item(
                    TableName=self._table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(PK)",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
                winner: dict[str, Any] = cast(dict[str, Any], error.response).get("Item") or {}
                if winner and evidence_event_id(winner) == event.event_id:
                    return
            start = aggregate_start(self._table, event.partner_id, aggregate.sk)
        item = evidence_item(
            event, body, aggregate.sk, evidence_index_key(event.occurred_at, start.lowest), first=False
        )
        if resent and "Item" in dynamodb.get_item(
            TableName=self._table,
            Key={"PK": item["PK"], "SK": item["SK"]},
            ProjectionExpression="SK",
            ConsistentRead=True,
        ):
            return  # a duplicate with its item: a read unit, not a write
        dynamodb.put_item(TableName=self._table, Item=item)

    def _heal(self, event: Event, body: str, aggregate: Aggregate) -> None:
        """A duplicate's evidence item and registry entry, written if a failure after its marker left
        them out: _put_evidence writes nothing when the event has its item (at most three small
        strongly consistent reads, however long the job)."""
        self._complete(event, body, aggregate, resent=True)

    def _record_activity(
        self, event: Event, body: str, digest: str, aggregate: Aggregate, received_at: datetime, position: int
    ) -> RecordStatus:
        """One transaction: the marker, the month's activity item and (once) the registry entry."""
        placement = _Placement()
        for attempt in range(retry.ATTEMPTS):
            items = [
                self._marker(event, body, digest, received_at, position),
                self._append(event, body, aggregate, placement),
            ]
            if event.partner_id not in self._registered:
                items.append(self._register(event.partner_id))
            if placement.spill and not placement.counted_only:
                items.append(self._overflow(event, body, aggregate))
            try:
                client("dynamodb").transact_write_items(TransactItems=items)
                self._remember(event.partner_id)
                return "recorded"
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    # botocore has already retried what is retryable (standard mode)
                    raise EventStoreError(f"event {event.event_id} not written: {error}") from error
                cancellations = error.response.get("CancellationReasons", [])
                reasons = [r.get("Code", "None") for r in cancellations]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    old_marker: dict[str, Any] = dict(cancellations[0].get("Item") or {})
                    return self._repeat(event.event_id, digest, old_marker or None)
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    # The month item is full or (presence) already has an event of this quarter-hour:
                    # its old image says which.
                    old: dict[str, Any] = dict(cancellations[1].get("Item") or {})
                    held = int(old.get("ev_bytes", {}).get("N", "0"))
                    slot = keys.presence_slot(event.type, event.occurred_at)
                    placement = _Placement(
                        spill=placement.spill or held >= self._budget,
                        counted_only=slot is not None and slot[1] in old.get(slot[0], {}).get("SS", ()),
                    )
                    continue
                if _TRANSIENT_REASONS.intersection(reasons) or not reasons:
                    retry.sleep(retry.backoff(attempt))
                    continue
                raise EventStoreError(f"event {event.event_id} rejected: {reasons}") from error
            except BotoCoreError as error:  # connection and timeout errors, after botocore's retries
                raise EventStoreError(f"event {event.event_id} not written: {error}") from error
        raise EventStoreError(f"event {event.event_id}: too many conflicting writers")

    def _remember(self, partner_id: str) -> None:
        if len(self._registered) >= REMEMBERED_PARTNERS:
            self._registered.clear()
        self._registered.add(partner_id)

    def _repeat(self, event_id: str, digest: str, marker: dict[str, Any] | None) -> RecordStatus:
        """The event_id is taken: `duplicate` when the stored content is the same, else `conflict`."""
        if marker is None:  # the old image did not come back: read it
            marker = client("dynamodb").get_item(
                TableName=self._table,
                Key={"PK": {"S": keys.event_pk(event_id)}, "SK": {"S": keys.EVENT_SK}},
                ConsistentRead=True,
            )["Item"]
        return "duplicate" if _stored_hash(marker) == digest else "conflict"

    def _marker(
        self, event: Event, body: str, digest: str, received_at: datetime, position: int = 0
    ) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self._table,
                "Item": marker_item(event, body, digest, received_at, position),
                "ConditionExpression": "attribute_not_exists(PK)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _append(
        self, event: Event, body: str, aggregate: Aggregate, placement: _Placement
    ) -> TransactWriteItemTypeDef:
        """The activity event into its month item: kept (under the budget, its quarter-hour free) or
        flagged spilled, and counted on its day."""
        values: dict[str, Any] = {":pid": {"S": event.partner_id}}
        sets = ["partner_id = :pid"]
        # Per-day counters of the month's activity: exact (the marker guards the transaction).
        adds = ["#day :count"]
        names = {"#day": keys.activity_count_attribute(event.type, event.occurred_at)}
        values[":count"] = {"N": "1"}
        conditions: list[str] = []
        slot = keys.presence_slot(event.type, event.occurred_at)
        # counted_only: neither kept nor spilled (the marker holds it, the day's counter counts it)
        if placement.spill and not placement.counted_only:
            sets.append("overflow = :true")
            values[":true"] = {"BOOL": True}
        elif not placement.counted_only:
            # A string set of event JSON: the fold orders events; the byte count bounds the item.
            adds += ["ev :one", "ev_bytes :size"]
            values[":one"] = {"SS": [body]}
            values[":size"] = {"N": str(_body_bytes(body))}
            values[":budget"] = {"N": str(self._budget)}
            conditions.append("(attribute_not_exists(ev_bytes) OR ev_bytes < :budget)")
        if slot is not None and not placement.counted_only:
            adds.append("#slots :slots")
            names["#slots"] = slot[0]
            values[":slots"] = {"SS": [slot[1]]}
            values[":slot"] = {"S": slot[1]}
            conditions.append("NOT contains(#slots, :slot)")
        update: UpdateTypeDef = {
            "TableName": self._table,
            "Key": {"PK": {"S": keys.partner_pk(event.partner_id)}, "SK": {"S": aggregate.sk}},
            "UpdateExpression": f"SET {', '.join(sets)} ADD {', '.join(adds)}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if conditions:
            update["ConditionExpression"] = " AND ".join(conditions)
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Update": update}

    def _overflow(self, event: Event, body: str, aggregate: Aggregate) -> TransactWriteItemTypeDef:
        return {"Put": {"TableName": self._table, "Item": overflow_item(event, body, aggregate)}}

    def _register(self, partner_id: str) -> TransactWriteItemTypeDef:
        return {
            "Update": {
                "TableName": self._table,
                "Key": {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.PROFILE_SK}},
                "UpdateExpression": "SET partner_id = :pid, GSI1PK = :gpk, GSI1SK = :g1, "
                "GSI2PK = :reg, GSI2SK = :pid",
                "ExpressionAttributeValues": {
                    ":pid": {"S": partner_id},
                    ":gpk": {"S": keys.partner_pk(partner_id)},
                    ":g1": {"S": keys.PROFILE_GSI1SK},
                    ":reg": {"S": keys.REGISTRY_PK},
                },
            }
        }


def marker_item(
    event: Event, body: str, digest: str, received_at: datetime, position: int = 0
) -> dict[str, Any]:
    """The idempotency marker: the event's full record (the source of truth), its content hash, and
    when it arrived (received_at, and its position in its batch: the order a rebuild replays)."""
    return {
        "PK": {"S": keys.event_pk(event.event_id)},
        "SK": {"S": keys.EVENT_SK},
        "partner_id": {"S": event.partner_id},
        "type": {"S": event.type},
        "body": {"S": body},
        "hash": {"S": digest},
        "received_at": {"S": keys.instant_key(received_at)},
        "position": {"N": str(position)},
    }


def overflow_item(event: Event, body: str, aggregate: Aggregate) -> dict[str, Any]:
    """An event of a full aggregate, in its own item under the partner (not in GSI1)."""
    item: dict[str, Any] = {
        "PK": {"S": keys.partner_pk(event.partner_id)},
        "SK": {"S": keys.overflow_sk(aggregate.sk, event.event_id)},
        "partner_id": {"S": event.partner_id},
        "ev": {"SS": [body]},
    }
    return item
