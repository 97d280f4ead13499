"""The DynamoDB plumbing every repository shares, from boto3 itself: the query paginator, the batch
writer, and the attribute (de)serialisers. boto3 is imported on first use, as in aws.py: handlers
that never reach DynamoDB keep their cold start cheap."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from scorecard.adapters.aws import client

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
