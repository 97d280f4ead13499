"""The DynamoDB plumbing every repository shares, from boto3 itself: the query paginator, the batch
writer, and the attribute (de)serialisers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.retry import until_done

if TYPE_CHECKING:
    from boto3.dynamodb.table import BatchWriter
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer


def query_items(table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a Query, page after page (boto3's paginator follows LastEvaluatedKey)."""
    for page in client("dynamodb").get_paginator("query").paginate(TableName=table, **kwargs):
        yield from page.get("Items", [])


def query_key_range(table: str, pk: str, first: str, last: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of partition `pk` whose SK lies in [first, last], in SK order (query_items)."""
    return query_items(
        table,
        KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
        ExpressionAttributeValues={":pk": {"S": pk}, ":first": {"S": first}, ":last": {"S": last}},
        **kwargs,
    )


def batch_writer(table: str) -> BatchWriter:
    """boto3's batch writer on the shared client: items in wire format (attribute-value dicts), sent 25
    per BatchWriteItem, unprocessed items re-sent with the next batch and flushed on exit."""
    from boto3.dynamodb.table import BatchWriter

    return BatchWriter(table, client("dynamodb"))


@cache
def _serializer() -> TypeSerializer:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> TypeDeserializer:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values -> attribute values (None values are left out: absent, not NULL)."""
    serialize = _serializer().serialize
    return {name: serialize(value) for name, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute values -> plain values (numbers come back as Decimal, string sets as set)."""
    deserialize = _deserializer().deserialize
    return {name: deserialize(value) for name, value in item.items()}


def batch_get_items(
    table: str,
    item_keys: Sequence[Mapping[str, Any]],
    *,
    projection: str | None = None,
    names: Mapping[str, str] | None = None,
    consistent: bool = False,
) -> list[dict[str, Any]]:
    """The items that exist of these keys (wire format), 100 keys a BatchGetItem; what DynamoDB leaves
    unprocessed is asked again with backoff (adapters.retry). Repeated keys are asked for once:
    DynamoDB refuses a call whose keys repeat."""
    unique = list({(k["PK"]["S"], k["SK"]["S"]): k for k in item_keys}.values())
    found: list[dict[str, Any]] = []
    dynamodb = client("dynamodb")

    def get(request: dict[str, Any]) -> dict[str, Any]:
        response = dynamodb.batch_get_item(RequestItems=request)
        found.extend(response["Responses"].get(table, []))
        return dict(response.get("UnprocessedKeys") or {})

    for start in range(0, len(unique), 100):
        request: dict[str, Any] = {"Keys": unique[start : start + 100], "ConsistentRead": consistent}
        if projection is not None:
            request["ProjectionExpression"] = projection
        if names:
            request["ExpressionAttributeNames"] = dict(names)
        until_done(get, {table: request}, what="BatchGetItem")
    return found


def batch_get(
    table: str, partner_ids: Sequence[str], sk: str, projection: str, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Item `sk` of each partner, those that exist (batch_get_items)."""
    item_keys = [{"PK": {"S": keys.partner_pk(pid)}, "SK": {"S": sk}} for pid in partner_ids]
    return batch_get_items(table, item_keys, projection=projection, names=names)
