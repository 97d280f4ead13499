"""The items of the per-event layouts (keys.py), written by ingestion, the bulk import and review
resolutions. Of a job or request: one evidence item per event, at an index key that keeps the
aggregate's first evidence item the lowest of its items, and the aggregate's own item, which only a
review's exclusion writes now. Of the partner's activity: one item per event, and of a login or a
capacity update its quarter-hour in the day's presence item."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.domain.events import Event

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import UpdateTypeDef


class AggregateStart(msgspec.Struct, frozen=True):
    """What an aggregate's lowest items say: its lowest GSI1SK (None: the aggregate has no item yet)
    and the event_id of its first evidence item, if it has one."""

    lowest: str | None
    first_event_id: str | None


def aggregate_start(table: str, partner_id: str, aggregate_sk: str) -> AggregateStart:
    """A strongly consistent Query of at most two items: the aggregate's own item sorts first, then its
    first evidence item, which holds the lowest key of the evidence (keys.evidence_range)."""
    first, last = keys.evidence_range(aggregate_sk)
    found = client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
        ExpressionAttributeValues={
            ":pk": {"S": keys.partner_pk(partner_id)},
            ":first": {"S": first},
            ":last": {"S": last},
        },
        ProjectionExpression="SK, GSI1SK, ev",
        ConsistentRead=True,
        Limit=2,
    )["Items"]
    index_keys = [item["GSI1SK"]["S"] for item in found if "GSI1SK" in item]
    first_ids = [evidence_event_id(item) for item in found if keys.is_first_evidence(item["SK"]["S"])]
    return AggregateStart(min(index_keys) if index_keys else None, first_ids[0] if first_ids else None)


def lowest_index_key(table: str, partner_id: str, aggregate_sk: str) -> str | None:
    """The lowest GSI1SK among the aggregate's items (its own item, if any, and its evidence items),
    or None when it has none. It never moves once the aggregate has an item: every later item is
    keyed at or above it (evidence_index_key)."""
    return aggregate_start(table, partner_id, aggregate_sk).lowest


def evidence_event_id(item: dict[str, Any]) -> str | None:
    """The event_id of an evidence item (from its key, or, for an aggregate's first item, its event);
    None for an item that is not evidence."""
    sk = item["SK"]["S"]
    if keys.is_later_evidence(sk):
        return keys.event_id_of_later_evidence(sk)
    if keys.is_first_evidence(sk):
        (body,) = item["ev"]["SS"]
        return str(json.loads(body)["event_id"])
    return None


def evidence_index_key(occurred_at: datetime, lowest: str | None) -> str:
    """An evidence item's GSI1SK: the event's instant, raised to the aggregate's lowest key when the
    event is older than it. So an aggregate's first evidence item holds the lowest key of all its
    items, and a Query of GSI1 from any instant at or below that key returns every item of the
    aggregate: partner_repository.load_evidence relies on it."""
    at = keys.instant_key(occurred_at)
    return at if lowest is None else max(at, lowest)


def evidence_item(
    event: Event, body: str, aggregate_sk: str, index_key: str, *, first: bool
) -> dict[str, Any]:
    """A job or request event's evidence item: its JSON under the partner, in GSI1 at `index_key`
    (evidence_index_key). Keys and the event only, so that item and index entry stay one write unit
    each."""
    pk = keys.partner_pk(event.partner_id)
    return {
        "PK": {"S": pk},
        "SK": {
            "S": keys.first_evidence_sk(aggregate_sk)
            if first
            else keys.evidence_sk(aggregate_sk, index_key, event.event_id)
        },
        "GSI1PK": {"S": pk},
        "GSI1SK": {"S": index_key},
        "ev": {"SS": [body]},
    }


def exclusion_update(
    table: str, partner_id: str, job_id: str, review_id: str, index_key: str
) -> UpdateTypeDef:
    """Flag a job as excluded by a review, on the job's own item, put in GSI1 at `index_key` (the job's
    lowest: lowest_index_key) unless it is there already, so that it is read with the job's evidence
    whenever that is (an item written before the per-event layout keeps its key)."""
    pk = keys.partner_pk(partner_id)
    return {
        "TableName": table,
        "Key": {"PK": {"S": pk}, "SK": {"S": keys.job_sk(job_id)}},
        "UpdateExpression": "SET excluded = :t, excluded_by = :rid, GSI1PK = :pk, "
        "GSI1SK = if_not_exists(GSI1SK, :key)",
        "ExpressionAttributeValues": {
            ":t": {"BOOL": True},
            ":rid": {"S": review_id},
            ":pk": {"S": pk},
            ":key": {"S": index_key},
        },
    }


def activity_item(event: Event, body: str) -> dict[str, Any]:
    """An activity event's own item: a metric's where scoring reads it (keys.metric_sk), a login's or a
    capacity update's with its day and type (keys.presence_event_sk). Keys and the event only: under
    1 KB for the longest ids, so one write unit."""
    if event.type in keys.PRESENCE_SLOTS:
        sk = keys.presence_event_sk(event.occurred_at, event.type, event.event_id)
    else:
        sk = keys.metric_sk(event.occurred_at, event.event_id)
    return {"PK": {"S": keys.partner_pk(event.partner_id)}, "SK": {"S": sk}, "ev": {"SS": [body]}}


def presence_update(table: str, event: Event) -> UpdateTypeDef | None:
    """A login's or a capacity update's quarter-hour into its UTC day's presence item (None for other
    events): a set union, so repeating it changes nothing, and the item never exceeds 2 x 96 members
    (about 500 bytes: one write unit)."""
    attribute = keys.PRESENCE_SLOTS.get(event.type)
    if attribute is None:
        return None
    day, quarter = keys.presence_quarter(event.occurred_at)
    return {
        "TableName": table,
        "Key": {"PK": {"S": keys.partner_pk(event.partner_id)}, "SK": {"S": keys.presence_day_sk(day)}},
        "UpdateExpression": "ADD #slots :quarter",
        "ExpressionAttributeNames": {"#slots": attribute},
        "ExpressionAttributeValues": {":quarter": {"SS": [quarter]}},
    }
