"""Make moto's DynamoDB behave (and scale) like DynamoDB where this project depends on it.

1. TransactWriteItems. moto 5 deep-copies every touched table before each transaction (so a
transaction costs O(table size): 370 ms per event at 2,000 events, measured here) and does not
isolate concurrent transactions (two threads can both pass the same `attribute_not_exists`
check). DynamoDB checks every condition against the state before the transaction and applies all
writes atomically, and cancels a transaction that touches an item another transaction holds with a
`TransactionConflict` reason. `install()` replaces moto's method with exactly that: a transaction
first claims its items (cancelled with TransactionConflict on the items already claimed by another
transaction under way), then, under one lock, evaluates all conditions and applies the writes, then
releases its items. (Single-item writes are not checked against transactions in flight; DynamoDB
would refuse those too, and nothing here writes an item both ways concurrently.)

2. Queries on a global secondary index. moto scans every item of the table for each index query, so
one query per partner costs O(table) and a daily run O(partners x table). DynamoDB reads only the
index partition. `install()` gives index queries a per-partition map of the index, patched key by
key after writes (every write goes through the backend's put/update/delete, which note the key).

3. Queries on the base table. moto's `all_items()` sorts every item of the table on each query
(0.75 s per query at the demo's ~10,000 items, measured here), so the monthly snapshot's per-partner
queries cost O(table) each. DynamoDB reads only the partition: `install()` hands a base-table query
just its partition's items. Within the partition moto then sorts every item and sizes each (for the
1 MB page) whether or not its key is in the condition's range: a query of a month's 31 history
points or 11 snapshots cost O(partition), 180 evidence items and more (about 20 ms, measured here).
DynamoDB reads only the key range, so the items handed over are those whose sort key meets the
key condition (moto's own comparison, which it applies again).

4. Projections. moto's `Item.project` converts the whole item to plain JSON and back once per
projected attribute (and an index query projects every item twice: the index's projection, then the
request's ProjectionExpression), so a query's cost grew with the attributes it names: 48 ms per
query of a partner's ~85 evidence items, measured here. DynamoDB just keeps the named attributes:
`install()` does that for top-level names of scalar and set values, and leaves anything else (a
document path, a list or map value) to moto.

5. Responses. moto 5 turns every response into the wire format with a generic, model-driven
serializer that looks each member of each attribute value up under several spellings: 10 ms for a
query of ~85 items, more than the query itself, and a few ms for an UpdateItem answering its item.
DynamoDB's protocol is plain JSON (blobs base64), so `install()` writes the answers of GetItem,
BatchGetItem, Query, Scan, PutItem, UpdateItem and DeleteItem with `json.dumps`.

Used by the local stack, the tests and the benchmarks; never in Lambda.
"""

from __future__ import annotations

import base64
import functools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_LOCK = threading.RLock()
_installed = False
_index_cache: dict[tuple[str, str, str], _IndexPartitions] = {}


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    steps: list[tuple[str, dict[str, Any], dict[str, Any], _ItemMarker]] = []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        table = self.get_table(op["TableName"])
        if op_type == "Put":
            attrs = op["Item"]
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = op["Key"]
        marker = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if any(marker == step[3] for step in steps):
            raise MultipleTransactionsException()
        steps.append((op_type, op, key, marker))
    markers = [step[3] for step in steps]
    _claim(markers, TransactionCanceledException)
    try:
        transaction_claimed(markers)
        with _LOCK:
            errors: list[tuple[str | None, str | None, Any]] = []
            for _, op, key, _ in steps:
                condition = op.get("ConditionExpression")
                if condition is not None:
                    current = self.get_item(op["TableName"], key)
                    check = get_filter_expression(
                        condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                    )
                    if not check.expr(current):
                        old = None
                        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                            old = current.to_json()["Attributes"]
                        errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
                        continue
                errors.append((None, None, None))
            if any(code is not None for code, _, _ in errors):
                raise TransactionCanceledException(errors)
            for op_type, op, key, _ in steps:  # every condition held: apply all writes
                names = op.get("ExpressionAttributeNames")
                values = op.get("ExpressionAttributeValues")
                if op_type == "Put":
                    self.put_item(op["TableName"], op["Item"])
                elif op_type == "Delete":
                    self.delete_item(op["TableName"], key)
                elif op_type == "Update":
                    self.update_item(
                        op["TableName"],
                        key,
                        update_expression=op["UpdateExpression"],
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
    finally:
        _release(markers)


_ItemMarker = tuple[str, str]  # (table name, canonical key)
_FLIGHT_LOCK = threading.Lock()
_in_flight: set[_ItemMarker] = set()  # items of the transactions under way


def _claim(markers: list[_ItemMarker], cancelled: Callable[[list[Any]], Exception]) -> None:
    """Mark the transaction's items as in flight, or cancel it with TransactionConflict on each
    item another transaction holds (the others get "None"), as DynamoDB does."""
    with _FLIGHT_LOCK:
        held = [marker in _in_flight for marker in markers]
        if any(held):
            raise cancelled(
                [
                    ("TransactionConflict", "Transaction is ongoing for the item", None)
                    if h
                    else (None, None, None)
                    for h in held
                ]
            )
        _in_flight.update(markers)


def _release(markers: list[_ItemMarker]) -> None:
    with _FLIGHT_LOCK:
        _in_flight.difference_update(markers)


def transaction_claimed(markers: list[_ItemMarker]) -> None:
    """Called once a transaction holds its items, before it checks and writes them. A no-op: a
    test replaces it to hold one transaction in flight while another starts."""


@dataclass
class _IndexPartitions:
    """One index attribute's partitions of one table, kept current write by write."""

    table: Any
    partitions: dict[tuple[str, str], dict[tuple[Any, ...], Any]]
    member_of: dict[tuple[Any, ...], tuple[str, str]]
    pending: list[tuple[Any, ...]] = field(default_factory=list)  # keys written since last applied


def _item_key(table: Any, attrs: dict[str, Any]) -> tuple[Any, ...]:
    hash_value = attrs[table.hash_key_attr]
    range_value = attrs.get(table.range_key_attr) if table.range_key_attr else None
    return (_raw(hash_value), _raw(range_value))


def _raw(value: Any) -> Any:
    """A hashable form of a raw ({"S": ...}) or typed (DynamoType) key attribute."""
    if value is None:
        return None
    if isinstance(value, dict):
        ((kind, inner),) = value.items()
        return (kind, str(inner))
    return (value.type, str(value.value))


def _tracking_writes(method: Callable[..., Any]) -> Callable[..., Any]:
    """Every write goes through the backend's put/update/delete: note the key it touched for each
    index cache of that table, so index queries patch their partitions instead of rebuilding."""

    @functools.wraps(method)
    def write(self: Any, table_name: str, key_or_item: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            result = method(self, table_name, key_or_item, *args, **kwargs)
            caches = [cache for (name, _, _), cache in _index_cache.items() if name == table_name]
            if caches:
                table = self.get_table(table_name)
                key = _item_key(table, key_or_item)  # an item (put) or a key (update, delete)
                for cache in caches:
                    cache.pending.append(key)
            return result

    return write


def _partition_key(value: Any) -> tuple[str, str]:
    return (value.type, str(value.value))


def _unsorted_items(table: Any) -> list[Any]:
    if not table.range_key_attr:
        return list(table.items.values())
    return [item for partition in table.items.values() for item in partition.values()]


def _current_item(table: Any, key: tuple[Any, ...]) -> Any:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType({key[0][0]: key[0][1]})
    if not table.range_key_attr:
        return table.items.get(hash_value)
    return (table.items.get(hash_value) or {}).get(DynamoType({key[1][0]: key[1][1]}))


def _index_partitions(table: Any, index_name: str, attribute: str) -> dict[tuple[str, str], dict[Any, Any]]:
    cache_key = (table.name, index_name, attribute)
    cache = _index_cache.get(cache_key)
    if cache is None or cache.table is not table:  # first query, or the table was re-created
        partitions: dict[tuple[str, str], dict[tuple[Any, ...], Any]] = {}
        member_of: dict[tuple[Any, ...], tuple[str, str]] = {}
        # Unsorted (moto's all_items() sorts the whole table): index queries sort their results anyway.
        for item in _unsorted_items(table):
            value = item.attrs.get(attribute)
            if value is not None:
                key = _item_key(table, item.attrs)
                partitions.setdefault(_partition_key(value), {})[key] = item
                member_of[key] = _partition_key(value)
        _index_cache[cache_key] = _IndexPartitions(table, partitions, member_of)
        return partitions
    for key in dict.fromkeys(cache.pending):  # each written key once, in order
        old = cache.member_of.pop(key, None)
        if old is not None:
            cache.partitions[old].pop(key, None)
        item = _current_item(table, key)
        value = None if item is None else item.attrs.get(attribute)
        if value is not None:
            cache.partitions.setdefault(_partition_key(value), {})[key] = item
            cache.member_of[key] = _partition_key(value)
    cache.pending.clear()
    return cache.partitions


def _indexed_query(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = (
            kwargs.get("index_name") if "index_name" in kwargs else (args[7] if len(args) > 7 else None)
        )
        conditions = kwargs.get("hash_key_conditions") or []
        if not index_name or len(conditions) != 1:
            return original(self, *args, **kwargs)
        attribute, value = conditions[0]
        with _LOCK:
            subset = _index_partitions(self, index_name, attribute).get(_partition_key(value), {})
            self.all_items = lambda: list(subset.values())  # shadow the full scan for this call only
            try:
                return original(self, *args, **kwargs)
            finally:
                del self.all_items

    return query


def _partition_query(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = (
            kwargs.get("index_name") if "index_name" in kwargs else (args[7] if len(args) > 7 else None)
        )
        hash_key = kwargs["hash_key"] if "hash_key" in kwargs else (args[0] if args else None)
        if index_name or hash_key is None or not self.range_key_attr:
            return original(self, *args, **kwargs)
        comparison = kwargs["range_comparison"] if "range_comparison" in kwargs else args[1]
        bounds = kwargs["range_objs"] if "range_objs" in kwargs else args[2]
        with _LOCK:
            items = list(self.items.get(hash_key, {}).values())
            if comparison:  # only the key range, as DynamoDB reads it
                items = [item for item in items if item.range_key.compare(comparison, bounds)]
            self.all_items = lambda: items  # the query sorts by range key itself
            try:
                return original(self, *args, **kwargs)
            finally:
                del self.all_items

    return query


_SIMPLE_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS"})


def _top_level_projection(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def project(self: Any, projection_expressions: list[list[str]]) -> Any:
        names = {path[0] for path in projection_expressions if len(path) == 1}
        kept = {name: value for name, value in self.attrs.items() if name in names}
        if len(names) != len(projection_expressions) or any(
            v.type not in _SIMPLE_TYPES for v in kept.values()
        ):
            return original(self, projection_expressions)
        # The kept values themselves, as moto's Item.__deepcopy__ builds an item: rebuilding each one
        # from JSON (Item's constructor) was the largest part of an index query's time here.
        item_type: Any = type(self)
        attrs_type: Any = type(self.attrs)  # moto's LimitedSizeDict: its size checks are for writes
        projected = item_type.__new__(item_type)
        projected.hash_key, projected.range_key = self.hash_key, self.range_key
        projected.attrs = attrs_type.__new__(attrs_type)
        dict.update(projected.attrs, kept)
        return projected

    return project


_PLAIN_JSON_ANSWERS = frozenset(
    {"GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem"}
)


def _wire_value(value: object) -> object:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not part of an answer")


def _plain_json_answers(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def execute_result(self: Any, context: Any) -> Any:
        if context.operation_model.name not in _PLAIN_JSON_ANSWERS:
            return original(self, context)
        body = json.dumps(self.result, default=_wire_value, separators=(",", ":"))
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    return execute_result


def install() -> None:
    """Idempotent; call before the first DynamoDB request."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoResult

    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    for name in ("put_item", "update_item", "delete_item"):
        setattr(DynamoDBBackend, name, _tracking_writes(getattr(DynamoDBBackend, name)))
    Table.query = _indexed_query(_partition_query(Table.query))  # type: ignore[method-assign]
    Item.project = _top_level_projection(Item.project)  # type: ignore[method-assign]
    DynamoResult.execute_result = _plain_json_answers(DynamoResult.execute_result)  # type: ignore[method-assign]
    _installed = True
