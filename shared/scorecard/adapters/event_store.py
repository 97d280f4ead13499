"""Ingestion's write path: one DynamoDB transaction per event.

The transaction puts the event's idempotency marker (conditional on its absence), appends the event
to its aggregate (job, update request or monthly activity item) and makes sure the partner is in the
registry. A re-sent event_id fails the marker condition and changes nothing.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, assert_never

from botocore.exceptions import BotoCoreError, ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.domain.events import AggregateKind, Event, event_json

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, UpdateTypeDef

RecordStatus = Literal["recorded", "duplicate"]

_MAX_ATTEMPTS = 8
# Cancellation reasons worth another attempt: a concurrent writer, or capacity (botocore's own
# retries cover throttling of the whole call, not a transaction cancelled for it).
_TRANSIENT_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


class EventStoreError(RuntimeError):
    """The event could not be written after retries (throttling, conflicts, DynamoDB unavailable).
    Nothing of that event is written; the caller may try again later."""


@dataclass(frozen=True, slots=True)
class Aggregate:
    sk: str
    indexed: bool  # carried in GSI1 with its latest event time
    extra: dict[str, str]


def aggregate_of(event: Event) -> Aggregate:
    """The item an event is appended to: its model's aggregate kind decides."""
    kind = event.aggregate
    match kind:
        case AggregateKind.JOB:
            return Aggregate(keys.job_sk(event.aggregate_id), True, {"job_id": event.aggregate_id})
        case AggregateKind.REQUEST:
            return Aggregate(keys.request_sk(event.aggregate_id), True, {"request_id": event.aggregate_id})
        case AggregateKind.ACTIVITY:
            return Aggregate(keys.activity_sk(event.aggregate_id), False, {})
        case _:
            assert_never(kind)


class DynamoEventStore:
    """Records validated events; `record` is safe to call concurrently and repeatedly."""

    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def record(self, event: Event, received_at: datetime) -> RecordStatus:
        body = event_json(event)
        aggregate = aggregate_of(event)
        advance_index = aggregate.indexed
        for attempt in range(_MAX_ATTEMPTS):
            items = [
                self._marker(event, body, received_at),
                self._append(event, body, aggregate, advance_index),
                self._register(event.partner_id),
            ]
            try:
                client("dynamodb").transact_write_items(TransactItems=items)
                return "recorded"
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    # botocore has already retried what is retryable (standard mode)
                    raise EventStoreError(f"event {event.event_id} not written: {error}") from error
                reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    return "duplicate"
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    # The aggregate already holds a later event: append without moving its index time.
                    advance_index = False
                    continue
                if _TRANSIENT_REASONS.intersection(reasons) or not reasons:
                    time.sleep(min(0.02 * 2**attempt, 0.5) * random.random())
                    continue
                raise EventStoreError(f"event {event.event_id} rejected: {reasons}") from error
            except BotoCoreError as error:  # connection and timeout errors, after botocore's retries
                raise EventStoreError(f"event {event.event_id} not written: {error}") from error
        raise EventStoreError(f"event {event.event_id}: too many conflicting writers")

    def _marker(self, event: Event, body: str, received_at: datetime) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    "PK": {"S": keys.event_pk(event.event_id)},
                    "SK": {"S": keys.EVENT_SK},
                    "partner_id": {"S": event.partner_id},
                    "type": {"S": event.type},
                    "body": {"S": body},
                    "received_at": {"S": keys.instant_key(received_at)},
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    def _append(
        self, event: Event, body: str, aggregate: Aggregate, advance_index: bool
    ) -> TransactWriteItemTypeDef:
        values: dict[str, Any] = {
            ":one": {"SS": [body]},
            ":pid": {"S": event.partner_id},
        }
        sets = ["partner_id = :pid"]
        for name, value in aggregate.extra.items():
            sets.append(f"{name} = :{name}")
            values[f":{name}"] = {"S": value}
        if advance_index:
            sets += ["GSI1PK = :gpk", "GSI1SK = :at"]
            values[":gpk"] = {"S": keys.partner_pk(event.partner_id)}
            values[":at"] = {"S": keys.instant_key(event.occurred_at)}
        update: UpdateTypeDef = {
            "TableName": self._table,
            "Key": {"PK": {"S": keys.partner_pk(event.partner_id)}, "SK": {"S": aggregate.sk}},
            # A string set of event JSON: ADD is idempotent and needs no read; the fold orders events.
            "UpdateExpression": "SET " + ", ".join(sets) + " ADD ev :one",
            "ExpressionAttributeValues": values,
        }
        if advance_index:
            update["ConditionExpression"] = "attribute_not_exists(GSI1SK) OR GSI1SK <= :at"
        return {"Update": update}

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
