"""Ingestion's write path.

Every event is plain puts and updates, no transaction (a transaction bills every item twice): its
idempotency marker, conditional on its absence, then its own items (keys.py), none of which grows with
what came before it, so an event costs the same on a job's 60th event or a month's 100,000th login as
on the first. A job or request event: its evidence item and that item's GSI1 entry, 3 write units with
the marker. An activity event: its own item (a metric's is what scoring reads), and for a login or a
capacity update first its quarter-hour in the day's presence item (a set union): at most 3 write
units. A re-sent event_id fails the marker condition and changes nothing: the marker's content hash
then tells a `duplicate` (identical content) from a `conflict` (docs/api.md). The marker goes first,
so nothing is ever written for a conflict; if a write after it fails, `record` raises (the caller
answers 503 and asks for the event again), and the re-sent event, a duplicate, writes what is missing:
nothing recorded is lost, and every write after the marker is idempotent, so nothing is counted twice.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, assert_never, cast

import msgspec
from botocore.exceptions import BotoCoreError, ClientError

from scorecard.adapters import keys
from scorecard.adapters.aggregate_items import (
    activity_item,
    aggregate_start,
    evidence_event_id,
    evidence_index_key,
    evidence_item,
    presence_update,
)
from scorecard.adapters.aws import client
from scorecard.domain.events import AggregateKind, Event, event_json, parse_stored_event

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import UpdateItemInputTypeDef

RecordStatus = Literal["recorded", "duplicate", "conflict"]

REMEMBERED_PARTNERS = 50_000  # registered partners a store remembers (about 4 MB of ids at most)


class EventStoreError(RuntimeError):
    """The event could not be written after retries (throttling, conflicts, DynamoDB unavailable).
    Nothing of that event is written; the caller may try again later."""


class Aggregate(msgspec.Struct, frozen=True):
    sk: str
    indexed: bool  # each event an evidence item in GSI1 (jobs, requests); else activity items


def aggregate_of(event: Event) -> Aggregate:
    """What an event belongs to: its model's aggregate kind decides (an activity event: its UTC
    month)."""
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


class DynamoEventStore:
    """Records validated events; `record` is safe to call concurrently and repeatedly."""

    def __init__(self, table_name: str) -> None:
        self._table = table_name
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
        """What follows an event's marker: its items and its partner's registry entry. A failure here
        leaves a marker without them: the re-sent event heals it (_heal)."""
        try:
            if aggregate.indexed:
                self._put_evidence(event, body, aggregate, resent=resent)
            else:
                self._put_activity(event, body, resent=resent)
            if event.partner_id not in self._registered:
                client("dynamodb").update_item(**self._register(event.partner_id))
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

    def _put_activity(self, event: Event, body: str, *, resent: bool = False) -> None:
        """A login's or capacity update's quarter-hour into its day item, then the event's own item
        (aggregate_items). Both are idempotent, and the own item is written last: a re-sent event whose
        own item is there has both (a read unit, not a write)."""
        dynamodb = client("dynamodb")
        item = activity_item(event, body)
        if resent and "Item" in dynamodb.get_item(
            TableName=self._table,
            Key={"PK": item["PK"], "SK": item["SK"]},
            ProjectionExpression="SK",
            ConsistentRead=True,
        ):
            return
        update = presence_update(self._table, event)
        if update is not None:
            dynamodb.update_item(**update)
        dynamodb.put_item(TableName=self._table, Item=item)

    def _heal(self, event: Event, body: str, aggregate: Aggregate) -> None:
        """A duplicate's items and registry entry, written if a failure after its marker left them
        out: nothing is written when the event has its item (at most three small strongly consistent
        reads, however long the job or busy the month)."""
        self._complete(event, body, aggregate, resent=True)

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

    def _register(self, partner_id: str) -> UpdateItemInputTypeDef:
        """The partner's registry entry (its profile item, in GSI1 and the registry's GSI2)."""
        return {
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
